/**
 * Input bytes -> validated CodecDocument, or the issues that stop it. XML goes through decodeXml,
 * JSON through fromJson; both then through validate (schemas plus the wire profile).
 */

import type { Registry } from "@transactive/codec";
import {
  type CodecDocument,
  CodecError,
  decodeText,
  decodeXml,
  formatIssue,
  fromJson,
  type Issue,
  profilesFor,
  readXml,
  validate,
} from "@transactive/codec";
import {
  checkProfile,
  detectFormat,
  EXIT,
  type ExitCode,
  type InputFormat,
  type Io,
  readInput,
  UsageError,
} from "./io.js";

export type Loaded =
  | { readonly ok: true; readonly format: InputFormat; readonly doc: CodecDocument }
  | {
      readonly ok: false;
      readonly format: InputFormat | undefined;
      readonly issues: readonly Issue[];
    };

export interface LoadOptions {
  /** read the input as this wire profile instead of detecting it */
  readonly profile?: string | undefined;
}

export function loadDocument(
  registry: Registry,
  bytes: Uint8Array,
  options: LoadOptions = {},
): Loaded {
  const format = detectFormat(bytes);
  if (format === undefined) return { ok: false, format, issues: refusal(bytes) };
  try {
    const doc =
      format === "xml"
        ? decodeXml(registry, bytes, profileOption(options))
        : fromJson(registry, jsonInput(bytes, options.profile));
    // fromJson has validated already; decodeXml checks structure and lexical values, not facets
    const issues = format === "xml" ? validate(registry, doc) : [];
    return issues.length ? { ok: false, format, issues } : { ok: true, format, doc };
  } catch (e) {
    if (e instanceof CodecError) return { ok: false, format, issues: e.issues };
    throw e;
  }
}

/** The codec's refusal of input that is neither XML nor JSON, word for word the server's. */
function refusal(bytes: Uint8Array): readonly Issue[] {
  try {
    decodeText(bytes);
  } catch (e) {
    if (e instanceof CodecError) return e.issues;
    throw e;
  }
  return [{ code: "bad-json", path: "", message: "neither XML nor JSON" }];
}

const profileOption = (options: LoadOptions): { profile?: string } =>
  options.profile === undefined ? {} : { profile: options.profile };

/**
 * JSON text, with "$profile" replaced when a profile is forced. The codec's one byte decoder (the
 * HTTP dispatcher's too) refuses JSON that is not UTF-8.
 */
function jsonInput(bytes: Uint8Array, profile: string | undefined): string | object {
  const { text } = decodeText(bytes);
  if (profile === undefined) return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text; // fromJson reports the syntax error
  }
  return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
    ? { ...parsed, $profile: profile }
    : text;
}

/**
 * The profile an XML input claims by its document element (or the forced one), even when it does
 * not decode: the XSD can still be asked about it. Undefined when it is not well-formed or unknown.
 */
export function claimedProfile(
  registry: Registry,
  bytes: Uint8Array,
  forced: string | undefined,
): string | undefined {
  if (forced !== undefined) return forced;
  try {
    return profilesFor(registry, readXml(bytes))[0]?.profile.name;
  } catch {
    return undefined;
  }
}

/**
 * The one document a single-file command (resolve, amounts) works on: checks the arguments, reads
 * the file ("-" is standard input) and decodes it. Returns the document, or the exit code after
 * printing one "file: path: reason" line per problem.
 */
export async function loadOneDocument(
  io: Io,
  command: string,
  positionals: readonly string[],
  profile: string | undefined,
): Promise<{ readonly file: string; readonly doc: CodecDocument } | ExitCode> {
  if (positionals.length !== 1)
    throw new UsageError(`${command} takes one file (or "-" for stdin), got ${positionals.length}`);
  const file = positionals[0] as string;
  const loaded = loadDocument(io.registry, await readInput(io, file), {
    profile: checkProfile(io, profile),
  });
  if (loaded.ok) return { file, doc: loaded.doc };
  for (const issue of loaded.issues) io.stderr(`${file}: ${formatIssue(issue)}\n`);
  return EXIT.invalid;
}
