/**
 * The vectors themselves: every case file loads, every valid case's XML is valid against its
 * profile's official XSD, and every invalid case of the XML or schema layer is not.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { haveOasis } from "../src/oasis.js";
import { loadSuite } from "../src/suite.js";
import { hasXmllint } from "../src/xsd.js";
import { xsdOracle } from "../src/xsd-oracle.js";

const present = haveOasis();

describe.skipIf(!present)("conformance vectors", () => {
  const cases = present ? loadSuite().filter((c) => c.oasis === undefined) : [];

  it("agree with the official XSDs", async () => {
    if (!(await hasXmllint()) && process.env.CI === "true")
      throw new Error("xmllint is required under CI");
    const oracle = await xsdOracle();
    const byProfile = new Map<string, Map<string, string>>();
    for (const c of cases) {
      // semantic rules and the security policy (no DTD: XXE, entity expansion) go beyond the XSD
      if (c.kind === "invalid" && (c.reject?.rule === "semantic" || c.id.includes(".threats.")))
        continue;
      const m = byProfile.get(c.profile) ?? new Map<string, string>();
      m.set(c.id, readFileSync(c.xmlPath, "utf8"));
      byProfile.set(c.profile, m);
    }
    const wrong: string[] = [];
    for (const [profile, docs] of byProfile) {
      const verdicts = await oracle.validate(profile, docs);
      for (const c of cases.filter((x) => docs.has(x.id))) {
        const valid = verdicts.get(c.id)?.valid;
        if (valid !== (c.kind === "valid"))
          wrong.push(`${c.source}: XSD says ${valid ? "valid" : "invalid"}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 300_000);
});
