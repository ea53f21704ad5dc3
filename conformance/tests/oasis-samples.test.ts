/**
 * Every sample message under the OASIS folder, with the verdict recorded in validation.tsv:
 * - valid ones decode, re-encode to the same infoset, survive XML -> JSON -> XML, pass our schema
 *   checks, and our re-encoded XML validates against the profile's XSD (xmllint, one call per XSD);
 * - invalid ones are rejected (by decode or validate) with an error naming a path.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CodecError,
  decodeXml,
  encodeXml,
  fromJson,
  infosetDiff,
  readXml,
  toJson,
  validate,
} from "@transactive/codec";
import { registry } from "@transactive/ei";
import { describe, expect, it } from "vitest";
import { haveOasis, oasisDir } from "../src/oasis.js";
import { hasXmllint, xmllintValidate, xsdFor } from "../src/xsd.js";

const present = haveOasis();
const rows = present
  ? readFileSync(join(oasisDir(), "validation.tsv"), "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split("\t") as [string, string, string, string])
  : [];
const valid = rows.filter((r) => r[2] === "valid");
const invalid = rows.filter((r) => r[2] === "invalid");

describe.skipIf(!present)("OASIS sample messages", () => {
  it("has the samples the manifest lists", () => {
    expect(valid.length).toBeGreaterThanOrEqual(38);
    expect(invalid.length).toBeGreaterThanOrEqual(19);
  });

  const out = mkdtempSync(join(tmpdir(), "transactive-samples-"));
  const written = new Map<string, string[]>(); // profile -> files

  describe.each(valid.map((r) => [r[0], r] as const))("valid %s", (_name, [sample]) => {
    it("decodes, round-trips through XML and JSON, and validates", () => {
      const bytes = readFileSync(join(oasisDir(), sample));
      const doc = decodeXml(registry, bytes);
      expect(validate(registry, doc)).toEqual([]);
      const xml = encodeXml(registry, doc);
      expect(infosetDiff(readXml(bytes), readXml(xml))).toBeUndefined();
      const viaJson = encodeXml(registry, fromJson(registry, toJson(doc)));
      expect(infosetDiff(readXml(bytes), readXml(viaJson))).toBeUndefined();
      const file = join(out, sample.replace(/[/\\]/g, "_"));
      writeFileSync(file, xml);
      written.set(doc.profile, [...(written.get(doc.profile) ?? []), file]);
    });
  });

  it("re-encoded samples validate against their profile XSDs (xmllint)", async () => {
    if (!(await hasXmllint())) {
      if (process.env.CI === "true") throw new Error("xmllint is required under CI");
      return;
    }
    let checked = 0;
    for (const [profile, files] of written) {
      const verdicts = await xmllintValidate(await xsdFor(profile), files);
      for (const f of files) {
        const v = verdicts.get(f);
        expect(v?.errors ?? ["no verdict"], f).toEqual([]);
        expect(v?.valid, f).toBe(true);
        checked++;
      }
    }
    expect(checked).toBe(valid.length);
  });

  describe.each(invalid.map((r) => [r[0], r] as const))("invalid %s", (_name, [sample]) => {
    it("is rejected with a path", () => {
      const bytes = readFileSync(join(oasisDir(), sample));
      let issues: readonly { path: string; message: string }[] = [];
      try {
        issues = validate(registry, decodeXml(registry, bytes));
      } catch (e) {
        if (!(e instanceof CodecError)) throw e;
        issues = e.issues;
      }
      expect(issues.length).toBeGreaterThan(0);
      expect(issues[0]?.path).toMatch(/^\/\w/);
    });
  });
});
