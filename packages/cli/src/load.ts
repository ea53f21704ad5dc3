/**
 * Input bytes -> validated CodecDocument, or the issues that stop it. XML goes through decodeXml,
 * JSON through fromJson; both then through validate (schemas plus the wire profile).
 */

import type { Registry } from "@transactive/codec";
import {
  type CodecDocument,
  CodecError,
  decodeXml,
  fromJson,
  type Issue,
  profilesFor,
  readXml,
  validate,
} from "@transactive/codec";
import { detectFormat, type InputFormat, utf8 } from "./io.js";

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
  if (format === undefined) {
    const first = utf8(bytes.subarray(0, 64)).trim().charAt(0);
    const issue: Issue = {
      code: "bad-json",
      path: "",
      message: first
        ? `neither XML nor JSON: starts with ${JSON.stringify(first)}, expected "<" or "{"`
        : "empty input",
    };
    return { ok: false, format, issues: [issue] };
  }
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

const profileOption = (options: LoadOptions): { profile?: string } =>
  options.profile === undefined ? {} : { profile: options.profile };

/** JSON text, with "$profile" replaced when a profile is forced. */
function jsonInput(bytes: Uint8Array, profile: string | undefined): string | object {
  const text = utf8(bytes);
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
