/**
 * `transactive validate <file...> [--xsd] [--profile P]`: one stdout line per problem
 * ("file: path: reason") and one per valid file ("file: ok (profile, element)"). An unexpected
 * exception while checking a file is reported as "file: internal error: message" (exit 1).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeXml, formatIssue } from "@transactive/codec";
import { XsdUnavailableError, xmllintValidate, xsdFor } from "@transactive/conformance";
import { EXIT, type ExitCode, type Io, readInput, UsageError } from "./io.js";
import { claimedProfile, type Loaded, loadDocument } from "./load.js";

export interface ValidateCommandOptions {
  readonly files: readonly string[];
  /** also validate against the profile's official XSD with xmllint */
  readonly xsd?: boolean;
  /** read every input as this wire profile */
  readonly profile?: string | undefined;
}

interface FileReport {
  readonly file: string;
  readonly lines: string[];
  /** "profile, element" when the codec accepted it */
  summary?: string;
  /** what to hand xmllint: the input itself or, for JSON and stdin, XML written to a temp file */
  xsd?: { profile: string; bytes?: Uint8Array; text?: string; encoded: boolean };
}

export async function validateCommand(io: Io, options: ValidateCommandOptions): Promise<ExitCode> {
  if (options.files.length === 0) throw new UsageError("validate needs at least one file");
  let usage = false;
  const reports: FileReport[] = [];
  for (const file of options.files) {
    let bytes: Uint8Array;
    try {
      bytes = await readInput(io, file);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      io.stderr(`transactive: ${e.message}\n`);
      usage = true;
      continue;
    }
    const report: FileReport = { file, lines: [] };
    reports.push(report);
    let loaded: Loaded;
    try {
      loaded = loadDocument(io.registry, bytes, { profile: options.profile });
    } catch (e) {
      // a bug, not a verdict: say so for this file and go on with the others
      report.lines.push(`${file}: internal error: ${(e as Error).message}`);
      continue;
    }
    if (loaded.ok) {
      const { doc } = loaded;
      report.summary = `${doc.profile}, ${doc.element}`;
      if (loaded.format === "xml") report.xsd = { profile: doc.profile, bytes, encoded: false };
      else report.xsd = { profile: doc.profile, text: encodeXml(io.registry, doc), encoded: true };
    } else {
      for (const issue of loaded.issues) report.lines.push(`${file}: ${formatIssue(issue)}`);
      const profile =
        loaded.format === "xml" ? claimedProfile(io.registry, bytes, options.profile) : undefined;
      if (profile !== undefined) report.xsd = { profile, bytes, encoded: false };
    }
  }
  if (options.xsd) await checkXsd(reports);
  let invalid = false;
  for (const r of reports) {
    if (r.lines.length === 0 && r.summary !== undefined)
      io.stdout(`${r.file}: ok (${r.summary}${options.xsd ? ", xsd" : ""})\n`);
    else invalid = true;
    for (const line of r.lines) io.stdout(`${line}\n`);
  }
  return usage ? EXIT.usage : invalid ? EXIT.invalid : EXIT.ok;
}

/** No package ships the official XSDs (upstream files, other licenses): say where they come from. */
export const XSD_HINT =
  "The official XSDs are not part of the npm packages. Put the upstream schema repositories in one folder, " +
  "each as <owner>-<repo> (OpenLEADR-openleadr-python, avob-OpenADR, EnergyMashupLab-CTS-schemas, " +
  "Bedework-bw-xml), and set TRANSACTIVE_OASIS_DIR to it; without --xsd, validate runs every other check. " +
  "See https://github.com/transactive/transactive#use-it-from-your-project";

function withXsdHint(e: unknown): never {
  if (e instanceof XsdUnavailableError && e.message.includes(" not found at "))
    throw new XsdUnavailableError(`${e.message}\n${XSD_HINT}`);
  throw e;
}

/** One xmllint run per profile; adds "file: xsd line N: reason" lines to the reports. */
async function checkXsd(reports: readonly FileReport[]): Promise<void> {
  const byProfile = new Map<string, FileReport[]>();
  for (const r of reports)
    if (r.xsd) byProfile.set(r.xsd.profile, [...(byProfile.get(r.xsd.profile) ?? []), r]);
  const temp = await mkdtemp(join(tmpdir(), "transactive-validate-"));
  try {
    let n = 0;
    for (const [profile, group] of byProfile) {
      const schema = await xsdFor(profile).catch(withXsdHint);
      const paths = new Map<FileReport, string>();
      for (const r of group) {
        const x = r.xsd as NonNullable<FileReport["xsd"]>;
        if (x.encoded || r.file === "-") {
          const path = join(temp, `${n++}.xml`);
          await writeFile(path, x.text ?? (x.bytes as Uint8Array));
          paths.set(r, path);
        } else paths.set(r, r.file);
      }
      const verdicts = await xmllintValidate(schema, [...new Set(paths.values())]);
      for (const r of group) {
        const verdict = verdicts.get(paths.get(r) as string);
        if (!verdict || verdict.valid) continue;
        const where = r.xsd?.encoded ? " of the encoded XML" : "";
        const errors = verdict.errors.length ? verdict.errors : [{ message: "fails to validate" }];
        for (const e of errors)
          r.lines.push(
            `${r.file}: xsd${e.line === undefined ? "" : ` line ${e.line}${where}`}: ${e.message}`,
          );
      }
    }
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}
