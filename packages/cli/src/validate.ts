/**
 * `transactive validate <file...> [--xsd] [--profile P]`: one stdout line per problem
 * ("file: path: reason") and one per valid file ("file: ok (profile, element)"). An unexpected
 * exception while checking a file is reported as "file: internal error: message" (exit 1).
 */
import { parseArgs } from "node:util";
import { encodeXml, formatIssue } from "@transactive/codec";
// type-only: the conformance package (and its XSD oracle) loads only when --xsd asks for it
import type { XsdEngine } from "@transactive/conformance";
import { checkProfile, EXIT, type ExitCode, type Io, readInput, UsageError } from "./io.js";
import { claimedProfile, type Loaded, loadDocument } from "./load.js";

export interface ValidateCommandOptions {
  readonly files: readonly string[];
  /** also validate against the profile's official XSD */
  readonly xsd?: boolean;
  /** the XSD validator: xmllint or xmllint-wasm (default: xmllint when installed, else the wasm one) */
  readonly xsdEngine?: XsdEngine | undefined;
  /** read every input as this wire profile */
  readonly profile?: string | undefined;
}

interface FileReport {
  readonly file: string;
  readonly lines: string[];
  /** "profile, element" when the codec accepted it */
  summary?: string;
  /** what to hand the XSD validator: the input's bytes or, for JSON, its XML encoding */
  xsd?: { profile: string; bytes?: Uint8Array; text?: string; encoded: boolean };
}

/** The help text of `transactive validate`, printed for --help. */
export const VALIDATE_HELP = `Usage: transactive validate <file...> [--xsd [--xsd-engine E]] [--profile P]

Decode each XML or JSON file (told apart by its first character, "<" or "{"; "-" reads
standard input), detect its standard and wire profile, and validate it. Prints
"file: ok (profile, element)" or one "file: path: reason" line per problem, all on stdout.

Options:
  --xsd           also check the XML (for JSON input: its XML encoding) against the
                  profile's official XSD (found under TRANSACTIVE_OASIS_DIR)
  --xsd-engine E  xmllint or xmllint-wasm (default: xmllint when installed, else the
                  bundled xmllint-wasm)
  --profile P     read every input as this wire profile: openadr2b, openadr2a, cts or xcal
  -h, --help      Show this help.

Exit codes: 0 every input valid, 1 some input invalid, 2 usage or environment problem.
`;

/** `transactive validate …` over its own arguments. */
export async function validateArgs(args: readonly string[], io: Io): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      xsd: { type: "boolean" },
      "xsd-engine": { type: "string" },
      profile: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(VALIDATE_HELP);
    return EXIT.ok;
  }
  const engine = values["xsd-engine"];
  if (engine !== undefined && engine !== "xmllint" && engine !== "xmllint-wasm")
    throw new UsageError(`--xsd-engine must be xmllint or xmllint-wasm, got "${engine}"`);
  if (engine !== undefined && values.xsd !== true)
    throw new UsageError("--xsd-engine goes with --xsd");
  return validateCommand(io, {
    files: positionals,
    xsd: values.xsd === true,
    xsdEngine: engine,
    profile: checkProfile(io, values.profile),
  });
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
  if (options.xsd) await checkXsd(reports, options.xsdEngine);
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

async function withXsdHint(e: unknown): Promise<never> {
  const { XsdUnavailableError } = await import("@transactive/conformance");
  if (e instanceof XsdUnavailableError && e.message.includes(" not found at "))
    throw new XsdUnavailableError(`${e.message}\n${XSD_HINT}`);
  throw e;
}

/**
 * One oracle run per profile (the conformance suite's: native xmllint where it runs, else
 * xmllint-wasm); adds "file: xsd line N: reason" lines to the reports.
 */
async function checkXsd(reports: readonly FileReport[], engine?: XsdEngine): Promise<void> {
  const byProfile = new Map<string, FileReport[]>();
  for (const r of reports)
    if (r.xsd) byProfile.set(r.xsd.profile, [...(byProfile.get(r.xsd.profile) ?? []), r]);
  if (byProfile.size === 0) return;
  const { xsdOracle } = await import("@transactive/conformance");
  const oracle = await xsdOracle(engine);
  for (const [profile, group] of byProfile) {
    const documents = new Map<string, string | Uint8Array>();
    group.forEach((r, i) => {
      const x = r.xsd as NonNullable<FileReport["xsd"]>;
      documents.set(String(i), x.text ?? (x.bytes as Uint8Array));
    });
    const verdicts = await oracle.validate(profile, documents).catch(withXsdHint);
    group.forEach((r, i) => {
      const verdict = verdicts.get(String(i));
      if (!verdict || verdict.valid) return;
      const where = r.xsd?.encoded ? " of the encoded XML" : "";
      const errors = verdict.errors.length ? verdict.errors : [{ message: "fails to validate" }];
      for (const e of errors)
        r.lines.push(
          `${r.file}: xsd${e.line === undefined ? "" : ` line ${e.line}${where}`}: ${e.message}`,
        );
    });
  }
}
