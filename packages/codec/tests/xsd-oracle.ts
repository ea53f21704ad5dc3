/**
 * The XSD oracle for the codec's property tests: a thin adapter over @transactive/conformance's
 * (official XSD per profile, the CTS erratum applied to a copy, one xmllint call per batch).
 * Imported from source by the tests only: a package.json entry would make a dependency cycle.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hasXmllint, oasisDir, XSD_ROOTS, xmllintValidate, xsdFor } from "@transactive/conformance";

export interface Verdict {
  readonly valid: boolean;
  /** xmllint's messages about this file */
  readonly errors: string;
}

export interface Oracle {
  /** why the oracle cannot run (xmllint or the OASIS folder missing), or undefined when it can */
  readonly unavailable: string | undefined;
  /** Validates documents (name -> XML text) against a profile's XSD with one xmllint call. */
  validate(profile: string, docs: ReadonlyMap<string, string>): Promise<Map<string, Verdict>>;
  dispose(): void;
}

export async function createOracle(): Promise<Oracle> {
  const unavailable = !(await hasXmllint())
    ? "xmllint not found"
    : !existsSync(join(oasisDir(), XSD_ROOTS.openadr2b as string))
      ? `OASIS folder not found: ${oasisDir()}`
      : undefined;
  const work = mkdtempSync(join(tmpdir(), "transactive-xsd-"));
  return {
    unavailable,
    async validate(profile, docs) {
      const files = new Map<string, string>();
      let n = 0;
      for (const [name, xml] of docs) {
        const file = join(work, `${profile}-${n++}.xml`);
        writeFileSync(file, xml);
        files.set(name, file);
      }
      const verdicts = await xmllintValidate(await xsdFor(profile), [...files.values()]);
      const out = new Map<string, Verdict>();
      for (const [name, file] of files) {
        const v = verdicts.get(file);
        out.set(name, {
          valid: v?.valid === true,
          errors: v ? v.errors.map((e) => e.message).join("\n") : "no verdict from xmllint",
        });
      }
      return out;
    },
    dispose: () => rmSync(work, { recursive: true, force: true }),
  };
}
