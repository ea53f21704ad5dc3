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
  const fast = canon(value);
  // on a value JSON cannot carry, walk again with JSON pointers to name the field
  return fast ?? canonicalizeAt(value, path);
}

/** The canonical text, or undefined when the value cannot be written (no paths: the hot path). */
function canon(value: unknown): string | undefined {
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) return undefined;
      return Object.is(value, -0) ? "0" : String(value);
    case "string":
      return LONE_SURROGATE.test(value) ? undefined : JSON.stringify(value);
    case "object": {
      let out: string;
      if (Array.isArray(value)) {
        out = "[";
        for (let i = 0; i < value.length; i++) {
          const v = canon(value[i]);
          if (v === undefined) return undefined;
          out += i === 0 ? v : `,${v}`;
        }
        return `${out}]`;
      }
      const keys = Object.keys(value as object).sort();
      out = "{";
      let first = true;
      for (const k of keys) {
        const item = (value as Record<string, unknown>)[k];
        if (item === undefined) continue;
        const v = canon(item);
        if (v === undefined || LONE_SURROGATE.test(k)) return undefined;
        out += `${first ? "" : ","}${JSON.stringify(k)}:${v}`;
        first = false;
      }
      return `${out}}`;
    }
    default:
      return undefined;
  }
}

function canonicalizeAt(value: unknown, path: string): string {
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
        return `[${value.map((v, i) => canonicalizeAt(v, `${path}/${i}`)).join(",")}]`;
      const keys = Object.keys(value as object).sort();
      const parts: string[] = [];
      for (const k of keys) {
        const v = (value as Record<string, unknown>)[k];
        if (v === undefined) continue;
        parts.push(
          `${canonicalizeAt(k, path)}:${canonicalizeAt(v, `${path}/${escapePointer(k)}`)}`,
        );
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

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

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
