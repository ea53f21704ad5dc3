/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): one byte form per JSON value. Object members are
 * sorted by the UTF-16 code units of their names, no whitespace, strings escaped as ECMAScript's
 * JSON.stringify does (the RFC adopts it), numbers in ECMAScript's shortest round-trip form.
 * The ledger only writes integers (safe range) and strings, and refuses lone surrogates, which
 * I-JSON (RFC 7493, required by JCS) forbids.
 */
import { fail } from "./errors.js";

/** A JSON value the ledger can canonicalize. */
export type Json =
  | null
  | boolean
  | number
  | string
  | readonly Json[]
  | { readonly [k: string]: Json };

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The RFC 8785 canonical text of `value`. Throws `malformed` on a value JSON cannot carry. */
export function canonicalize(value: unknown, path = ""): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) fail("malformed", path, `${value} is not a JSON number`);
      // ECMAScript Number::toString is the RFC's serialization; -0 is written 0
      return Object.is(value, -0) ? "0" : String(value);
    case "string":
      if (LONE_SURROGATE.test(value)) fail("malformed", path, "string holds a lone surrogate");
      return JSON.stringify(value);
    case "object": {
      if (Array.isArray(value))
        return `[${value.map((v, i) => canonicalize(v, `${path}/${i}`)).join(",")}]`;
      const keys = Object.keys(value as object).sort();
      const parts: string[] = [];
      for (const k of keys) {
        const v = (value as Record<string, unknown>)[k];
        if (v === undefined) continue;
        parts.push(`${canonicalize(k, path)}:${canonicalize(v, `${path}/${escapePointer(k)}`)}`);
      }
      return `{${parts.join(",")}}`;
    }
    default:
      return fail("malformed", path, `a ${typeof value} is not a JSON value`);
  }
}

/** JSON pointer escaping of one member name (RFC 6901). */
export function escapePointer(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Parses bytes that must be canonical JSON: valid UTF-8, valid JSON, and byte-identical to their
 * own canonicalization (so every record has exactly one accepted form).
 */
export function parseCanonical(bytes: Uint8Array, path = ""): unknown {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return fail("not-canonical", path, "the bytes are not valid UTF-8");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return fail("not-canonical", path, `not JSON: ${(e as Error).message}`);
  }
  const again = canonicalize(value, path);
  if (again !== text)
    fail(
      "not-canonical",
      path,
      `not in RFC 8785 canonical form (at character ${firstDiff(again, text)})`,
    );
  return value;
}

function firstDiff(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}
