/**
 * The codec's own checker for the JSON Schemas of schemas/*.schema.json: each definition compiled
 * lazily into closures, cached per registry. It knows exactly the keyword subset the generator
 * writes and fails loudly on any other keyword, so a schema change cannot go silently unchecked.
 * Its verdicts match ajv's (draft 2020-12, strict numbers, `unicodeRegExp: false`), proven by
 * check/agreement.test.ts; ajv itself lives behind the `@transactive/codec/json-schema` subpath.
 *
 * One rule goes beyond the schemas: every string must consist of XML 1.0 characters, so that a
 * document that validates can always be written.
 */
import type { Issue } from "../errors.js";
import type { Registry } from "../registry.js";
import {
  compareDecimal,
  isXmlText,
  isXsdDate,
  isXsdDateTime,
  isXsdDuration,
  isXsdTime,
  notXmlText,
} from "../values.js";

/**
 * A compiled schema. Without `out` it answers fast and stops at the first failure; with `out` it
 * appends every issue found under `path` (ajv's allErrors), for the error report.
 */
export type Check = (value: unknown, out?: Issue[], path?: string) => boolean;

type Schema = Readonly<Record<string, unknown>>;

/** A schema the checker cannot compile: an unsupported keyword, a malformed value or a `$ref` it cannot resolve. */
export class SchemaCompileError extends Error {
  override readonly name = "SchemaCompileError";
}

/** Keywords without a meaning for validation. */
const ANNOTATIONS = new Set(["title", "x-xml", "$schema", "$id", "$defs", "description"]);
const KEYWORDS = new Set([
  "$ref",
  "anyOf",
  "allOf",
  "type",
  "enum",
  "const",
  "properties",
  "additionalProperties",
  "required",
  "items",
  "minimum",
  "maximum",
  "pattern",
  "maxLength",
  "format",
  "x-bounds",
]);
const TYPES = new Set(["string", "number", "integer", "boolean", "object", "array", "null"]);

const FORMATS: Readonly<Record<string, (s: string) => boolean>> = {
  "xsd-dateTime": isXsdDateTime,
  "xsd-date": isXsdDate,
  "xsd-time": isXsdTime,
  "xsd-duration": isXsdDuration,
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** JSON types as ajv tells them apart (numbers must be finite: ajv's strictNumbers). */
const TYPE_TESTS: Readonly<Record<string, (v: unknown) => boolean>> = {
  string: (v) => typeof v === "string",
  number: (v) => typeof v === "number" && Number.isFinite(v),
  integer: (v) => typeof v === "number" && Number.isInteger(v),
  boolean: (v) => typeof v === "boolean",
  object: isObject,
  array: Array.isArray,
  null: (v) => v === null,
};

const fail = (
  out: Issue[] | undefined,
  path: string,
  message: string,
  code: "schema" | "bad-value" = "schema",
): false => {
  out?.push({ code, path, message });
  return false;
};

/** Deep equality of JSON values (enum and const). */
function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => equal(x, bb[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every((k) => equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

/** String length in code points, as ajv counts it. */
function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

type Bounds = {
  readonly minInclusive?: string;
  readonly maxInclusive?: string;
  readonly minExclusive?: string;
  readonly maxExclusive?: string;
};
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** Bounds of exact decimals held as strings; anything else is left to `pattern`/`type`. */
export function withinBounds(b: Bounds, value: unknown): boolean {
  if (typeof value !== "string" || !DECIMAL.test(value.trim())) return true;
  const v = value.trim();
  if (b.minInclusive !== undefined && compareDecimal(v, b.minInclusive) < 0) return false;
  if (b.maxInclusive !== undefined && compareDecimal(v, b.maxInclusive) > 0) return false;
  if (b.minExclusive !== undefined && compareDecimal(v, b.minExclusive) <= 0) return false;
  if (b.maxExclusive !== undefined && compareDecimal(v, b.maxExclusive) >= 0) return false;
  return true;
}

/** All of `parts` (every one runs when reporting, as ajv's allErrors does). */
function all(parts: readonly Check[]): Check {
  if (parts.length === 0) return () => true;
  if (parts.length === 1) return parts[0] as Check;
  if (parts.length === 2) {
    const [a, b] = parts as [Check, Check];
    return (v, out, path) => {
      if (out === undefined) return a(v) && b(v);
      const first = a(v, out, path);
      return b(v, out, path) && first;
    };
  }
  return (v, out, path = "") => {
    let ok = true;
    for (const c of parts)
      if (!c(v, out, path)) {
        if (out === undefined) return false;
        ok = false;
      }
    return ok;
  };
}

class Compiler {
  private readonly docs = new Map<string, Schema>();
  private readonly defs = new Map<string, Check>();

  /** `text`: check strings for XML 1.0 characters (not needed for values read from XML) */
  constructor(
    registry: Registry,
    private readonly text: boolean,
  ) {
    for (const doc of registry.docs) this.docs.set(doc.$id, doc as unknown as Schema);
  }

  /** The compiled definition behind `ref` ("<doc>#/$defs/<key>" or "#/$defs/<key>" in `base`). */
  def(ref: string, base: string): Check {
    const hash = ref.indexOf("#");
    const docId = hash <= 0 ? base : ref.slice(0, hash);
    const pointer = hash < 0 ? "" : ref.slice(hash + 1);
    const key = `${docId}#${pointer}`;
    const have = this.defs.get(key);
    if (have) return have;
    const doc = this.docs.get(docId);
    if (!doc) throw new SchemaCompileError(`$ref ${ref}: no schema document ${docId}`);
    if (!pointer.startsWith("/$defs/") || pointer.indexOf("/", 7) >= 0)
      throw new SchemaCompileError(`$ref ${ref}: only "#/$defs/<name>" references are supported`);
    const name = decodeURIComponent(pointer.slice(7)).replace(/~1/g, "/").replace(/~0/g, "~");
    const schema = (doc.$defs as Record<string, Schema> | undefined)?.[name];
    if (!schema) throw new SchemaCompileError(`$ref ${ref}: no definition ${name} in ${docId}`);
    // a placeholder first: definitions refer to themselves through their properties
    let compiled: Check | undefined;
    this.defs.set(key, (v, out, path) => (compiled as Check)(v, out, path));
    try {
      compiled = this.compile(schema, docId, `${docId}#${pointer}`);
    } catch (e) {
      this.defs.delete(key); // fail the same way on every use, not through the placeholder
      throw e;
    }
    this.defs.set(key, compiled);
    return compiled;
  }

  /** Compiles one schema object; `at` names it in errors. */
  compile(schema: Schema, base: string, at: string): Check {
    if (typeof schema !== "object" || schema === null || Array.isArray(schema))
      throw new SchemaCompileError(`${at}: a schema must be an object`);
    for (const k of Object.keys(schema))
      if (!KEYWORDS.has(k) && !ANNOTATIONS.has(k))
        throw new SchemaCompileError(`${at}: unsupported JSON Schema keyword "${k}"`);
    const parts: Check[] = [];
    const s = schema as Record<string, unknown>;
    if (s.$ref !== undefined) {
      const ref = s.$ref as string;
      if (typeof ref !== "string") throw new SchemaCompileError(`${at}: $ref must be a string`);
      let target: Check | undefined;
      // resolved on first use: the graph is large and most of it is never reached
      parts.push((v, out, path) => (target ??= this.def(ref, base))(v, out, path));
    }
    if (s.type !== undefined) parts.push(this.type(s.type, at));
    if (s.enum !== undefined) parts.push(this.enumeration(s.enum, at));
    if ("const" in s) {
      const c = s.const;
      parts.push(
        (v, out, path = "") => equal(v, c) || fail(out, path, "must be equal to constant"),
      );
    }
    if (s.minimum !== undefined || s.maximum !== undefined) parts.push(this.range(s, at));
    if (s.maxLength !== undefined) {
      const max = s.maxLength;
      if (typeof max !== "number")
        throw new SchemaCompileError(`${at}: maxLength must be a number`);
      const message = `must NOT have more than ${max} characters`;
      parts.push(
        (v, out, path = "") =>
          typeof v !== "string" ||
          (v.length <= max ? true : codePoints(v) <= max) ||
          fail(out, path, message),
      );
    }
    if (s.pattern !== undefined) {
      const source = s.pattern;
      if (typeof source !== "string")
        throw new SchemaCompileError(`${at}: pattern must be a string`);
      // as ajv with unicodeRegExp: false: no u flag, not anchored beyond what the pattern says
      const re = new RegExp(source);
      const message = `must match pattern "${source}"`;
      parts.push(
        (v, out, path = "") => typeof v !== "string" || re.test(v) || fail(out, path, message),
      );
    }
    if (s.format !== undefined) {
      const name = s.format as string;
      const test = FORMATS[name];
      if (!test) throw new SchemaCompileError(`${at}: unknown format "${name}"`);
      const message = `must match format "${name}"`;
      parts.push(
        (v, out, path = "") => typeof v !== "string" || test(v) || fail(out, path, message),
      );
    }
    if (s["x-bounds"] !== undefined) {
      const bounds = s["x-bounds"] as Bounds;
      if (!isObject(bounds)) throw new SchemaCompileError(`${at}: x-bounds must be an object`);
      parts.push(
        (v, out, path = "") =>
          withinBounds(bounds, v) || fail(out, path, 'must pass "x-bounds" keyword validation'),
      );
    }
    if (s.items !== undefined) parts.push(this.items(s.items as Schema, base, at));
    if (
      s.properties !== undefined ||
      s.required !== undefined ||
      s.additionalProperties !== undefined
    )
      parts.push(this.object(s, base, at));
    if (s.allOf !== undefined) parts.push(all(this.list(s.allOf, base, `${at}/allOf`)));
    if (s.anyOf !== undefined) parts.push(this.anyOf(this.list(s.anyOf, base, `${at}/anyOf`)));
    return all(parts);
  }

  private list(schemas: unknown, base: string, at: string): Check[] {
    if (!Array.isArray(schemas) || schemas.length === 0)
      throw new SchemaCompileError(`${at}: must be a non-empty array of schemas`);
    return schemas.map((x, i) => this.compile(x as Schema, base, `${at}/${i}`));
  }

  private type(type: unknown, at: string): Check {
    const names = Array.isArray(type) ? type : [type];
    for (const n of names)
      if (typeof n !== "string" || !TYPES.has(n))
        throw new SchemaCompileError(`${at}: unknown type ${JSON.stringify(n)}`);
    const tests = names.map((n) => TYPE_TESTS[n as string] as (v: unknown) => boolean);
    const message = `must be ${names.join(",")}`;
    if (names.length === 1 && names[0] === "string" && this.text)
      return (v, out, path = "") => {
        if (typeof v !== "string") return fail(out, path, message);
        return isXmlText(v) || fail(out, path, notXmlText(v).message, "bad-value");
      };
    if (names.length === 1 && names[0] !== "string") {
      const test = tests[0] as (v: unknown) => boolean;
      return (v, out, path = "") => test(v) || fail(out, path, message);
    }
    const string = names.includes("string") && this.text;
    const test =
      tests.length === 1
        ? (tests[0] as (v: unknown) => boolean)
        : (v: unknown) => tests.some((t) => t(v));
    return (v, out, path = "") => {
      if (!test(v)) return fail(out, path, message);
      if (string && typeof v === "string" && !isXmlText(v))
        return fail(out, path, notXmlText(v).message, "bad-value");
      return true;
    };
  }

  private enumeration(values: unknown, at: string): Check {
    if (!Array.isArray(values)) throw new SchemaCompileError(`${at}: enum must be an array`);
    const message = `must be equal to one of the allowed values: ${JSON.stringify(values).slice(0, 200)}`;
    if (values.every((x) => x === null || typeof x !== "object")) {
      const set = new Set<unknown>(values);
      return (v, out, path = "") => set.has(v) || fail(out, path, message);
    }
    return (v, out, path = "") => values.some((x) => equal(v, x)) || fail(out, path, message);
  }

  private range(s: Record<string, unknown>, at: string): Check {
    const min = s.minimum;
    const max = s.maximum;
    if (
      (min !== undefined && typeof min !== "number") ||
      (max !== undefined && typeof max !== "number")
    )
      throw new SchemaCompileError(`${at}: minimum/maximum must be numbers`);
    return (v, out, path = "") => {
      if (typeof v !== "number") return true;
      let ok = true;
      if (max !== undefined && !(v <= max)) ok = fail(out, path, `must be <= ${max}`);
      if (min !== undefined && !(v >= min) && (ok || out))
        ok = fail(out, path, `must be >= ${min}`);
      return ok;
    };
  }

  /**
   * Compiles `schema` into `holder[i]`. A bare $ref resolves on first use and then replaces
   * itself, so later calls go straight to the definition.
   */
  private into(holder: Check[], i: number, schema: Schema, base: string, at: string): void {
    const own = isObject(schema) ? Object.keys(schema).filter((k) => !ANNOTATIONS.has(k)) : [];
    const ref = (schema as Record<string, unknown>)?.$ref;
    if (own.length === 1 && typeof ref === "string")
      holder[i] = (v, out, path) => {
        const target = this.def(ref, base);
        holder[i] = target;
        return target(v, out, path);
      };
    else holder[i] = this.compile(schema, base, at);
  }

  private items(schema: Schema, base: string, at: string): Check {
    const h: Check[] = [];
    this.into(h, 0, schema, base, `${at}/items`);
    return (v, out, path = "") => {
      if (!Array.isArray(v)) return true;
      let ok = true;
      for (let i = 0; i < v.length; i++)
        if (!(h[0] as Check)(v[i], out, out && `${path}[${i}]`)) {
          if (out === undefined) return false;
          ok = false;
        }
      return ok;
    };
  }

  /**
   * properties, required and additionalProperties of one schema, as one generated function: its
   * property reads name their keys literally, so each type gets its own inline caches (a shared
   * closure reading `v[name]` would see every shape of the model and be slow on all of them).
   */
  private object(s: Record<string, unknown>, base: string, at: string): Check {
    const required = (s.required ?? []) as unknown;
    if (!Array.isArray(required) || required.some((r) => typeof r !== "string"))
      throw new SchemaCompileError(`${at}: required must be an array of strings`);
    const props = (s.properties ?? {}) as Record<string, Schema>;
    if (!isObject(props)) throw new SchemaCompileError(`${at}: properties must be an object`);
    const names = Object.keys(props);
    const checks: Check[] = [];
    names.forEach((n, i) => {
      this.into(checks, i, props[n] as Schema, base, `${at}/properties/${n}`);
    });
    const known = new Set(names);
    const additional = s.additionalProperties;
    let extra: Check | false | undefined;
    if (additional === false) extra = false;
    else if (additional !== undefined && additional !== true)
      extra = this.compile(additional as Schema, base, `${at}/additionalProperties`);
    const q = (x: string): string => JSON.stringify(x);
    const src: string[] = [
      'if (typeof v !== "object" || v === null || Array.isArray(v)) return true;',
      'if (path === undefined) path = "";',
      "let ok = true;",
    ];
    for (const r of required as string[])
      src.push(
        `if (v[${q(r)}] === undefined) { if (out === undefined) return false; ok = fail(out, path, ${q(`must have required property '${r}'`)}); }`,
      );
    if (extra !== undefined) {
      const unknown =
        names.length === 0
          ? "true"
          : names.length <= 8
            ? names.map((n) => `k !== ${q(n)}`).join(" && ")
            : "!known.has(k)";
      const onExtra =
        extra === false
          ? 'if (out === undefined) return false; ok = fail(out, path, "must NOT have additional properties: " + k);'
          : 'if (!extra(v[k], out, out && path + "/" + k)) { if (out === undefined) return false; ok = false; }';
      src.push(`for (const k in v) if (${unknown}) { ${onExtra} }`);
    }
    names.forEach((n, i) => {
      src.push(
        `{ const p = v[${q(n)}]; if (p !== undefined && !checks[${i}](p, out, out && path + ${q(`/${n}`)})) { if (out === undefined) return false; ok = false; } }`,
      );
    });
    src.push("return ok;");
    const factory = new Function(
      "checks",
      "extra",
      "known",
      "fail",
      `return function properties(v, out, path) {\n${src.join("\n")}\n};`,
    ) as (
      checks: Check[],
      extra: Check | false | undefined,
      known: Set<string>,
      f: typeof fail,
    ) => Check;
    return factory(checks, extra, known, fail);
  }

  private anyOf(branches: readonly Check[]): Check {
    return (v, out, path = "") => {
      for (const b of branches) if (b(v)) return true;
      if (out !== undefined) for (const b of branches) b(v, out, path);
      return fail(out, path, "must match a schema in anyOf");
    };
  }
}

interface Checkers {
  readonly compiler: Compiler;
  /** without the XML 1.0 character rule, for values the XML reader produced */
  trusted?: Compiler;
  readonly variants: Map<string, Check | null>;
}
const cache = new WeakMap<Registry, Checkers>();

function checkers(registry: Registry): Checkers {
  let c = cache.get(registry);
  if (!c) {
    c = { compiler: new Compiler(registry, true), variants: new Map() };
    cache.set(registry, c);
  }
  return c;
}

export interface CheckOptions {
  /**
   * false for a value read from XML, whose strings the reader already held to XML 1.0 characters
   * (default true)
   */
  readonly text?: boolean;
}

/** The compiled check of a canonical type; undefined for a type the registry does not know. */
export function typeCheck(
  registry: Registry,
  type: string,
  options: CheckOptions = {},
): Check | undefined {
  const entry = registry.types.get(type);
  if (!entry) return undefined;
  const c = checkers(registry);
  const compiler =
    options.text === false ? (c.trusted ??= new Compiler(registry, false)) : c.compiler;
  return compiler.def(entry.ref, entry.doc.$id);
}

/**
 * A simple type's own facets in one profile, when profiles disagree (OpenADR 2.0a and 2.0b list
 * different enumerations): undefined when the canonical schema is the profile's.
 */
export function variantCheck(registry: Registry, type: string, profile: string): Check | undefined {
  const c = checkers(registry);
  const key = `${profile} ${type}`;
  const have = c.variants.get(key);
  if (have !== undefined) return have ?? undefined;
  const entry = registry.types.get(type);
  const schema = entry?.simple?.variants?.[profile];
  const fn = schema
    ? c.compiler.compile(schema as Schema, entry.doc.$id, `${type} in profile ${profile}`)
    : null;
  c.variants.set(key, fn);
  return fn ?? undefined;
}

/**
 * The issues of `value` against the canonical type `type`, paths under `root`; anyOf branches
 * repeat the same failure, so only distinct issues are kept.
 */
export function checkType(
  registry: Registry,
  type: string,
  value: unknown,
  root: string,
  options: CheckOptions = {},
): Issue[] {
  const fn = typeCheck(registry, type, options);
  if (!fn || fn(value)) return [];
  const found: Issue[] = [];
  fn(value, found, root);
  const seen = new Set<string>();
  return found.filter((i) => {
    const k = `${i.path} ${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
