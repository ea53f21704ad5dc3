/**
 * The XSD oracle: validates XML files against the OASIS schemas with xmllint (libxml2), one
 * xmllint process per batch. The schemas are not in this repository; they are read from
 * TRANSACTIVE_OASIS_DIR (default: <repo root>/../shared/oasis).
 */
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** XSD root per wire profile, relative to the OASIS folder. */
export const XSD_ROOTS: Readonly<Record<string, string>> = {
  openadr2b: "OpenLEADR-openleadr-python/openleadr/schema/oadr_20b.xsd",
  openadr2a: "avob-OpenADR/OpenADRModel20a/xsd/oadr20a_schema/oadr_20a.xsd",
  xcal: "Bedework-bw-xml/src/main/schemas/icalendar/iCalendar.xsd",
  "xcal-strict": "Bedework-bw-xml/src/main/schemas/icalendar-strict/iCalendar.xsd",
  cts: "EnergyMashupLab-CTS-schemas/_driver/cts-all.xsd",
};

/** CTS 0.4 erratum (schemas/profiles.json "errata"): these EMIX elements belong to emix:emixBase's substitution group. */
const CTS_ERRATUM = ["product", "emixOption", "delivery"];

export function repoRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "turbo.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no turbo.json above ${from}`);
  }
}

export interface Verdict {
  readonly valid: boolean;
  /** xmllint's messages about this file */
  readonly errors: string;
}

export interface Oracle {
  /** why the oracle cannot run (xmllint or the OASIS folder missing), or undefined when it can */
  readonly unavailable: string | undefined;
  /** Validates documents (name -> XML text) against a profile's XSD with one xmllint call. */
  validate(profile: string, docs: ReadonlyMap<string, string>): Map<string, Verdict>;
  dispose(): void;
}

export function createOracle(): Oracle {
  const oasis = process.env.TRANSACTIVE_OASIS_DIR ?? join(repoRoot(), "..", "shared", "oasis");
  const lint = spawnSync("xmllint", ["--version"], { encoding: "utf8" });
  const missing = lint.error
    ? `xmllint not found (${lint.error.message})`
    : !existsSync(oasis)
      ? `OASIS folder not found: ${oasis}`
      : undefined;
  const work = mkdtempSync(join(tmpdir(), "transactive-xsd-"));
  let ctsRoot: string | undefined;
  const rootOf = (profile: string): string => {
    const rel = XSD_ROOTS[profile];
    if (rel === undefined) throw new Error(`no XSD root for profile ${profile}`);
    if (profile !== "cts") return join(oasis, rel);
    if (ctsRoot) return ctsRoot;
    // the erratum is applied to a copy, never to the shared OASIS folder
    const copy = join(work, "cts");
    for (const d of ["schemas", "_driver"])
      cpSync(join(oasis, "EnergyMashupLab-CTS-schemas", d), join(copy, d), { recursive: true });
    const emix = join(copy, "schemas", "xsd", "emix.xsd");
    let text = readFileSync(emix, "utf8");
    for (const name of CTS_ERRATUM) {
      const re = new RegExp(`<xs:element name="${name}"(?![^>]*substitutionGroup)`);
      if (!re.test(text)) throw new Error(`CTS erratum: no global element ${name} in ${emix}`);
      text = text.replace(re, `<xs:element name="${name}" substitutionGroup="emix:emixBase"`);
    }
    writeFileSync(emix, text);
    ctsRoot = join(copy, "_driver", "cts-all.xsd");
    return ctsRoot;
  };
  let batch = 0;
  return {
    unavailable: missing,
    validate(profile, docs) {
      const dir = join(work, `batch-${++batch}`);
      mkdirSync(dir);
      const files = new Map<string, string>();
      let i = 0;
      for (const [name, xml] of docs) {
        const file = join(dir, `${++i}.xml`);
        writeFileSync(file, xml);
        files.set(file, name);
      }
      const run = spawnSync(
        "xmllint",
        ["--nonet", "--noout", "--schema", rootOf(profile), ...files.keys()],
        { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 },
      );
      if (run.error) throw run.error;
      const stderr = run.stderr;
      if (/failed to compile/.test(stderr))
        throw new Error(`xmllint could not compile the ${profile} XSD:\n${stderr.slice(0, 4000)}`);
      const out = new Map<string, Verdict>();
      const lines = stderr.split("\n");
      for (const [file, name] of files) {
        const valid = lines.includes(`${file} validates`);
        if (!valid && !lines.includes(`${file} fails to validate`))
          throw new Error(`xmllint said nothing about ${file}:\n${stderr.slice(0, 4000)}`);
        const errors = lines.filter((l) => l.startsWith(`${file}:`)).join("\n");
        out.set(name, { valid, errors });
      }
      rmSync(dir, { recursive: true, force: true });
      return out;
    },
    dispose() {
      rmSync(work, { recursive: true, force: true });
    },
  };
}
