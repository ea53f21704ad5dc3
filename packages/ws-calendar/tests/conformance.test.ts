/** Runs every conformance/ws-calendar case through our codec and resolver, and the XSD oracle. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve as resolvePath } from "node:path";
import { decodeXml, toJsonObject } from "@transactive/codec";
import { hasXmllint, oasisDir, xmllintValidate, xsdFor } from "@transactive/conformance";
import { registry } from "@transactive/ei";
import { describe, expect, it } from "vitest";
import { ResolutionError, resolveDocument, resolvedToJson } from "../src/index.js";

const ROOT = resolvePath(import.meta.dirname, "../../../conformance/ws-calendar");
const caseFiles = readdirSync(ROOT, { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(".case.json"))
  .sort()
  .map((f) => join(ROOT, f));

interface Case {
  id: string;
  clause: string;
  kind: "valid" | "invalid";
  profile: string;
  xml: string;
  json: string;
  expect?: { resolved: string };
  reject?: { code: string; path: string; rule?: string };
}
// the semantic cases (a resolved schedule, or a semantic rejection); codec-level cases in the same
// folder are the codec's and the conformance harness's to run
const cases = caseFiles
  .map((f) => ({ file: f, c: JSON.parse(readFileSync(f, "utf8")) as Case }))
  .filter(({ c }) => c.expect?.resolved !== undefined || c.reject?.rule === "semantic");
const at = (file: string, rel: string) => join(dirname(file), rel);

const oracle = (await hasXmllint()) && existsSync(oasisDir());

describe("conformance/ws-calendar", () => {
  it("has cases, each naming its clause", () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    for (const { c } of cases) expect(c.clause.length).toBeGreaterThan(10);
  });
  it("the xCal cases relate Intervals with each temporal RELTYPE, with and without a gap, and reject each semantic error", () => {
    const seen = new Set<string>();
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) for (const x of v) walk(x);
      else if (typeof v === "object" && v !== null)
        for (const [k, x] of Object.entries(v)) {
          if (k === "related-to")
            for (const r of x as { parameters?: { reltype?: { text: string }[]; gap?: unknown } }[])
              seen.add(`${r.parameters?.reltype?.[0]?.text}${r.parameters?.gap ? "+gap" : ""}`);
          walk(x);
        }
    };
    for (const { file, c } of cases)
      if (c.profile === "xcal" && c.kind === "valid")
        walk(JSON.parse(readFileSync(at(file, c.json), "utf8")));
    for (const t of ["FINISHTOSTART", "STARTTOFINISH", "STARTTOSTART", "FINISHTOFINISH"])
      expect([...seen]).toEqual(expect.arrayContaining([t, `${t}+gap`]));
    const codes = new Set(cases.map(({ c }) => c.reject?.code));
    for (const code of [
      "relation-cycle",
      "unknown-uid",
      "two-designated-intervals",
      "conflicting-times",
      "partition-mismatch",
    ])
      expect(codes).toContain(code);
  });
  for (const { file, c } of cases) {
    it(`${c.id}: codec JSON and ${c.kind === "valid" ? "resolved schedule" : `rejection (${c.reject?.code})`}`, () => {
      const doc = decodeXml(registry, readFileSync(at(file, c.xml)));
      expect(doc.profile).toBe(c.profile);
      expect(toJsonObject(doc)).toEqual(JSON.parse(readFileSync(at(file, c.json), "utf8")));
      if (c.kind === "valid") {
        const want = JSON.parse(readFileSync(at(file, c.expect?.resolved ?? ""), "utf8"));
        expect(resolvedToJson(resolveDocument(doc))).toEqual(want);
      } else {
        let err: unknown;
        try {
          resolveDocument(doc);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(ResolutionError);
        expect((err as ResolutionError).issues[0]).toMatchObject({
          code: c.reject?.code,
          path: c.reject?.path,
        });
      }
    });
  }
  it.skipIf(!oracle && process.env.CI !== "true")(
    "every XML vector is valid against its profile's official XSD",
    async () => {
      const byProfile = new Map<string, string[]>();
      for (const { file, c } of cases)
        byProfile.set(c.profile, [...(byProfile.get(c.profile) ?? []), at(file, c.xml)]);
      for (const [profile, files] of byProfile) {
        const verdicts = await xmllintValidate(await xsdFor(profile), files);
        for (const f of files)
          expect(verdicts.get(f)?.valid, `${f}: ${JSON.stringify(verdicts.get(f)?.errors)}`).toBe(
            true,
          );
      }
    },
  );
});
