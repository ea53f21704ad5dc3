/**
 * `transactive convert <file|-> --to json|xml [--profile P]`: the converted document on stdout;
 * problems on stderr as "file: path: reason".
 */
import { parseArgs } from "node:util";
import {
  type CodecDocument,
  CodecError,
  encodeXml,
  formatIssue,
  type Issue,
  toJson,
  validate,
} from "@transactive/codec";
import { checkProfile, EXIT, type ExitCode, type Io, readInput, UsageError } from "./io.js";
import { loadDocument } from "./load.js";

export type OutputFormat = "json" | "xml";

export interface ConvertCommandOptions {
  readonly file: string;
  readonly to: OutputFormat;
  /** wire profile of the output (default: the input's) */
  readonly profile?: string | undefined;
}

/** The help text of `transactive convert`, printed for --help. */
export const CONVERT_HELP = `Usage: transactive convert <file|-> --to json|xml [--profile P]

Print the document converted to JSON (2-space indent) or XML on stdout; "-" reads standard
input. The input is validated first; problems go to stderr as "file: path: reason" (exit 1).

Options:
  --to F        json or xml
  --profile P   the output's wire profile (openadr2b, openadr2a, cts or xcal); the codec says
                why when the model does not fit it
  -h, --help    Show this help.

Exit codes: 0 converted, 1 input invalid or not convertible, 2 usage or environment problem.
`;

/** `transactive convert …` over its own arguments. */
export async function convertArgs(args: readonly string[], io: Io): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      to: { type: "string" },
      profile: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(CONVERT_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1)
    throw new UsageError(`convert takes one file (or "-" for stdin), got ${positionals.length}`);
  const to = parseOutputFormat(values.to);
  return convertCommand(io, {
    file: positionals[0] as string,
    to,
    profile: checkProfile(io, values.profile),
  });
}

export async function convertCommand(io: Io, options: ConvertCommandOptions): Promise<ExitCode> {
  const bytes = await readInput(io, options.file);
  const loaded = loadDocument(io.registry, bytes);
  if (!loaded.ok) return fail(io, options.file, loaded.issues);
  try {
    const text = convert(io, loaded.doc, options);
    io.stdout(text.endsWith("\n") ? text : `${text}\n`);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CodecError) return fail(io, options.file, e.issues);
    throw e;
  }
}

function convert(io: Io, doc: CodecDocument, options: ConvertCommandOptions): string {
  if (options.to === "xml")
    return encodeXml(
      io.registry,
      doc,
      options.profile === undefined ? {} : { profile: options.profile },
    );
  if (options.profile === undefined || options.profile === doc.profile)
    return toJson(doc, { space: 2 });
  // re-target: the same model must fit the other profile
  const target: CodecDocument = { ...doc, profile: options.profile };
  const issues = validate(io.registry, target);
  if (issues.length) throw new CodecError(issues);
  return toJson(target, { space: 2 });
}

function fail(io: Io, file: string, issues: readonly Issue[]): ExitCode {
  for (const issue of issues) io.stderr(`${file}: ${formatIssue(issue)}\n`);
  return EXIT.invalid;
}

export function parseOutputFormat(value: string | undefined): OutputFormat {
  if (value === "json" || value === "xml") return value;
  throw new UsageError(
    value === undefined
      ? "convert needs --to json or --to xml"
      : `--to must be json or xml, not "${value}"`,
  );
}
