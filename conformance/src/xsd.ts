/**
 * The official XSDs as a second opinion: where each profile's root schema lives in the OASIS
 * folder, the CTS 0.4 erratum applied to a private copy, and batched xmllint runs.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The XSDs or xmllint are not available: an environment problem, not an invalid document. */
export class XsdUnavailableError extends Error {
  override readonly name = "XsdUnavailableError";
}

/** Root schema per profile, relative to the OASIS folder (see ../shared/oasis/VALIDATION.md). */
export const XSD_ROOTS: Readonly<Record<string, string>> = {
  openadr2b: "OpenLEADR-openleadr-python/openleadr/schema/oadr_20b.xsd",
  openadr2a: "avob-OpenADR/OpenADRModel20a/xsd/oadr20a_schema/oadr_20a.xsd",
  xcal: "Bedework-bw-xml/src/main/schemas/icalendar/iCalendar.xsd",
  "xcal-strict": "Bedework-bw-xml/src/main/schemas/icalendar-strict/iCalendar.xsd",
  cts: "EnergyMashupLab-CTS-schemas/_driver/cts-all.xsd",
};

/**
 * The CTS 0.4 erratum (schemas/profiles.json, profiles.cts.errata, says why): these global
 * elements of emix.xsd join the substitution group of the abstract emix:emixBase, as in EMIX 1.0.
 */
export const CTS_EMIX_BASE_MEMBERS: readonly string[] = ["product", "emixOption", "delivery"];

/** $TRANSACTIVE_OASIS_DIR, else ../shared/oasis beside the repository this module sits in. */
export function oasisDir(): string {
  const env = process.env.TRANSACTIVE_OASIS_DIR;
  if (env) return resolve(env);
  const repo = fileURLToPath(new URL("../../", import.meta.url));
  return resolve(repo, "..", "shared", "oasis");
}

let ctsCopy: Promise<string> | undefined;
let openadr2bCopy: Promise<string> | undefined;

/**
 * OpenADR 2.0b's XML-signature properties schema (ReplayProtect) sits beside oadr_20b.xsd, which
 * does not import it. The model has its element like every other, so the oracle validates against
 * a driver that imports both.
 */
export const OPENADR2B_DRIVER = `<?xml version="1.0" encoding="UTF-8"?>
<!-- @transactive/conformance: oadr_20b.xsd plus the XML-signature properties it does not import -->
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:import namespace="http://openadr.org/oadr-2.0b/2012/07" schemaLocation="oadr_20b.xsd"/>
  <xs:import namespace="http://openadr.org/oadr-2.0b/2012/07/xmldsig-properties"
             schemaLocation="oadr_xmldsig-properties-schema.xsd"/>
</xs:schema>
`;

/** Path of the root XSD that validates documents of a profile (for cts: the patched copy). */
export async function xsdFor(profile: string): Promise<string> {
  const relative = XSD_ROOTS[profile];
  if (relative === undefined)
    throw new XsdUnavailableError(`no XSD is known for profile "${profile}"`);
  const dir = oasisDir();
  const path = join(dir, relative);
  if (!existsSync(path))
    throw new XsdUnavailableError(
      `XSD for profile ${profile} not found at ${path} (set TRANSACTIVE_OASIS_DIR to the OASIS schema folder)`,
    );
  if (profile === "openadr2b") {
    openadr2bCopy ??= openadr2bWithProperties(dirname(path));
    return openadr2bCopy;
  }
  if (profile !== "cts") return path;
  ctsCopy ??= patchedCtsCopy(join(dir, "EnergyMashupLab-CTS-schemas"));
  return ctsCopy;
}

/** Adds substitutionGroup="emix:emixBase" to the erratum's elements; throws when one is not found. */
export function patchCtsEmix(xsd: string): string {
  let out = xsd;
  for (const name of CTS_EMIX_BASE_MEMBERS) {
    const declaration = new RegExp(`<xs:element name="${name}"(?![^>]*substitutionGroup)`);
    if (!declaration.test(out))
      throw new XsdUnavailableError(
        `CTS erratum: global element emix:${name} not found in emix.xsd`,
      );
    out = out.replace(declaration, (m) => `${m} substitutionGroup="emix:emixBase"`);
  }
  return out;
}

/**
 * Copies schemas/xsd and _driver into a temp folder named after the sources' hash and patches
 * emix.xsd there; an existing complete copy is reused, so repeated runs leave one folder behind.
 */
async function patchedCtsCopy(source: string): Promise<string> {
  // named after what the copy will contain: the sources plus the patched emix.xsd
  const patched = patchCtsEmix(await readFile(join(source, "schemas", "xsd", "emix.xsd"), "utf8"));
  const hash = createHash("sha256").update(patched);
  for (const sub of ["schemas/xsd", "_driver"])
    for (const name of (await readdir(join(source, sub))).sort())
      hash.update(name).update(await readFile(join(source, sub, name)));
  const target = join(tmpdir(), `transactive-cts-xsd-${hash.digest("hex").slice(0, 16)}`);
  const root = join(target, "_driver", "cts-all.xsd");
  if (existsSync(root)) return root;
  const work = await mkdtemp(join(tmpdir(), "transactive-cts-xsd-work-"));
  try {
    await mkdir(join(work, "schemas"), { recursive: true });
    await cp(join(source, "schemas", "xsd"), join(work, "schemas", "xsd"), { recursive: true });
    await cp(join(source, "_driver"), join(work, "_driver"), { recursive: true });
    await writeFile(join(work, "schemas", "xsd", "emix.xsd"), patched);
    // a concurrent run may have finished first; either copy is the same
    await rename(work, target).catch(() => undefined);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return root;
}

/**
 * Copies the OpenADR 2.0b XSD folder into a temp folder named after its contents and adds
 * OPENADR2B_DRIVER there as oadr_20b-all.xsd; an existing complete copy is reused.
 */
async function openadr2bWithProperties(source: string): Promise<string> {
  const names = (await readdir(source)).filter((n) => n.endsWith(".xsd")).sort();
  if (!names.includes("oadr_xmldsig-properties-schema.xsd"))
    throw new XsdUnavailableError(
      `OpenADR 2.0b: oadr_xmldsig-properties-schema.xsd not found beside oadr_20b.xsd in ${source}`,
    );
  const hash = createHash("sha256").update(OPENADR2B_DRIVER);
  for (const name of names) hash.update(name).update(await readFile(join(source, name)));
  const target = join(tmpdir(), `transactive-oadr20b-xsd-${hash.digest("hex").slice(0, 16)}`);
  // one folder below the copy's top, as in the original: the wasm oracle preloads two levels up
  const root = join(target, "schema", "oadr_20b-all.xsd");
  if (existsSync(root)) return root;
  const work = await mkdtemp(join(tmpdir(), "transactive-oadr20b-xsd-work-"));
  try {
    await mkdir(join(work, "schema"));
    for (const name of names) await cp(join(source, name), join(work, "schema", name));
    await writeFile(join(work, "schema", "oadr_20b-all.xsd"), OPENADR2B_DRIVER);
    // a concurrent run may have finished first; either copy is the same
    await rename(work, target).catch(() => undefined);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return root;
}

export interface XsdError {
  /** line in the validated file, when xmllint gives one */
  readonly line?: number;
  readonly message: string;
}

export interface XsdVerdict {
  readonly valid: boolean;
  readonly errors: readonly XsdError[];
}

/**
 * Validates files against one XSD with a single `xmllint --nonet --noout --schema` process and
 * returns a verdict per file (keys as given). Throws XsdUnavailableError when xmllint is missing
 * or the schema does not compile.
 */
export async function xmllintValidate(
  xsdPath: string,
  files: readonly string[],
): Promise<Map<string, XsdVerdict>> {
  const out = new Map<string, XsdVerdict>();
  if (files.length === 0) return out;
  const { code, stderr } = await run("xmllint", [
    "--nonet",
    "--noout",
    "--schema",
    xsdPath,
    ...files,
  ]);
  const verdicts = new Map<string, boolean>();
  const errors = new Map<string, XsdError[]>(files.map((f) => [f, []]));
  // longest names first, so "a.xml" never claims the lines of "a.xml.bak"
  const byLength = [...files].sort((a, b) => b.length - a.length);
  for (const line of stderr.split(/\r?\n/)) {
    const file = byLength.find((f) => line.startsWith(f));
    if (file === undefined) continue;
    const rest = line.slice(file.length);
    if (rest === " validates") verdicts.set(file, true);
    else if (rest === " fails to validate") verdicts.set(file, false);
    else if (rest.startsWith(":")) errors.get(file)?.push(parseError(rest.slice(1)));
  }
  if (verdicts.size === 0 && /failed to compile|Schemas parser error/.test(stderr))
    throw new XsdUnavailableError(
      `xmllint could not compile ${xsdPath} (exit ${code}):\n${stderr.trim().split("\n").slice(0, 5).join("\n")}`,
    );
  for (const f of files) {
    const list = errors.get(f) ?? [];
    const valid = verdicts.get(f);
    // no verdict line: xmllint could not read or parse the file; its error lines say why
    out.set(f, {
      valid: valid === true,
      errors:
        valid === undefined && list.length === 0 ? [{ message: "xmllint gave no verdict" }] : list,
    });
  }
  return out;
}

/** "12: element foo: Schemas validity error : Element '{ns}foo': …" -> {line: 12, message: "Element '{ns}foo': …"} */
function parseError(text: string): XsdError {
  const m = /^(\d+): (.*)$/.exec(text);
  if (!m) return { message: text.trim() };
  const message = (m[2] as string).replace(
    /^(element [^:]*: )?(Schemas validity error|parser error|namespace error) : /,
    "",
  );
  return { line: Number(m[1]), message };
}

/** Whether an xmllint executable runs on this machine. */
export async function hasXmllint(): Promise<boolean> {
  try {
    await run("xmllint", ["--version"]);
    return true;
  } catch {
    return false;
  }
}

function run(command: string, args: readonly string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
    const chunks: Buffer[] = [];
    child.stderr.on("data", (c: Buffer) => chunks.push(c));
    child.on("error", (e: NodeJS.ErrnoException) =>
      reject(
        e.code === "ENOENT"
          ? new XsdUnavailableError(
              "xmllint is not installed (Debian/Ubuntu: apt-get install libxml2-utils); xsdOracle() falls back to xmllint-wasm",
            )
          : e,
      ),
    );
    child.on("close", (code) =>
      resolvePromise({ code: code ?? -1, stderr: Buffer.concat(chunks).toString("utf8") }),
    );
  });
}
