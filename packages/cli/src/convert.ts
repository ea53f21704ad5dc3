/**
 * `transactive convert <file|-> --to json|xml [--profile P]`: the converted document on stdout;
 * problems on stderr as "file: path: reason".
 */
import {
  type CodecDocument,
  CodecError,
  encodeXml,
  formatIssue,
  type Issue,
  toJson,
  validate,
} from "@transactive/codec";
import { EXIT, type ExitCode, type Io, readInput, UsageError } from "./io.js";
import { loadDocument } from "./load.js";

export type OutputFormat = "json" | "xml";

export interface ConvertCommandOptions {
  readonly file: string;
  readonly to: OutputFormat;
  /** wire profile of the output (default: the input's) */
  readonly profile?: string | undefined;
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
