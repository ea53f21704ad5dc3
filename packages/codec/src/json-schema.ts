/**
 * `@transactive/codec/json-schema`: the JSON Schemas of schemas/*.schema.json run by ajv (draft
 * 2020-12), for callers whose product is a JSON Schema verdict, and as the oracle the codec's own
 * checker (check/schema.ts) is proven against. Not imported by the root entry: compiling the
 * schema graph with ajv costs about a second of CPU, which decoding and validating never pay.
 *
 * One ajv instance per registry: every schema document added once, validators compiled lazily per
 * type. Custom pieces: the `x-xml` annotation keyword (ignored), XSD date/time/duration formats,
 * and `x-bounds` (inclusive/exclusive bounds of exact decimals and integers held as strings).
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import { withinBounds } from "./check/schema.js";
import type { Issue } from "./errors.js";
import type { Registry } from "./registry.js";
import { isXsdDate, isXsdDateTime, isXsdDuration, isXsdTime } from "./values.js";

export type { ErrorObject, ValidateFunction };

interface Validators {
  readonly ajv: Ajv2020;
  readonly byType: Map<string, ValidateFunction>;
  readonly variants: Map<string, ValidateFunction | null>;
}
const cache = new WeakMap<Registry, Validators>();

/** The registry's ajv instance, with every schema document added. */
export function validators(registry: Registry): Validators {
  let v = cache.get(registry);
  if (v) return v;
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    allowUnionTypes: true,
    // facets on a union or a derived simple type apply to whichever branch holds the value
    strictTypes: false,
    // XSD patterns such as "\-" are not valid under the u flag
    unicodeRegExp: false,
    validateSchema: false,
  });
  ajv.addKeyword({ keyword: "x-xml", schemaType: "object" });
  ajv.addKeyword({
    keyword: "x-bounds",
    schemaType: "object",
    errors: false,
    validate: (schema: Parameters<typeof withinBounds>[0], data: unknown) =>
      withinBounds(schema, data),
  });
  ajv.addFormat("xsd-dateTime", isXsdDateTime);
  ajv.addFormat("xsd-date", isXsdDate);
  ajv.addFormat("xsd-time", isXsdTime);
  ajv.addFormat("xsd-duration", isXsdDuration);
  for (const doc of registry.docs) ajv.addSchema(doc as object);
  v = { ajv, byType: new Map(), variants: new Map() };
  cache.set(registry, v);
  return v;
}

/** The compiled JSON Schema validator for a canonical type. */
export function typeValidator(registry: Registry, type: string): ValidateFunction | undefined {
  const v = validators(registry);
  let fn = v.byType.get(type);
  if (fn) return fn;
  const entry = registry.types.get(type);
  if (!entry) return undefined;
  fn = v.ajv.getSchema(entry.ref);
  if (fn) v.byType.set(type, fn);
  return fn;
}

/**
 * A simple type's own facets in one profile, when profiles disagree (OpenADR 2.0a and 2.0b list
 * different enumerations): undefined when the canonical schema is the profile's.
 */
export function variantValidator(
  registry: Registry,
  type: string,
  profile: string,
): ValidateFunction | undefined {
  const key = `${profile} ${type}`;
  const v = validators(registry);
  const have = v.variants.get(key);
  if (have !== undefined) return have ?? undefined;
  const schema = registry.types.get(type)?.simple?.variants?.[profile];
  const fn = schema ? v.ajv.compile(schema) : null;
  v.variants.set(key, fn);
  return fn ?? undefined;
}

/** An ajv error as an Issue under `root` (array positions as [i], as the codec writes paths). */
export function toIssue(root: string, e: ErrorObject): Issue {
  const where = e.instancePath.replace(/\/(\d+)(?=\/|$)/g, "[$1]");
  const extra =
    e.keyword === "additionalProperties"
      ? `: ${(e.params as { additionalProperty: string }).additionalProperty}`
      : e.keyword === "enum"
        ? `: ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues).slice(0, 200)}`
        : "";
  return { code: "schema", path: `${root}${where}`, message: `${e.message ?? e.keyword}${extra}` };
}

/**
 * The JSON Schema issues of `value` as an instance of the canonical type `type` (distinct ones:
 * anyOf branches repeat the same failure), paths under `root`.
 */
export function schemaIssues(
  registry: Registry,
  type: string,
  value: unknown,
  root: string,
): Issue[] {
  const fn = typeValidator(registry, type);
  if (!fn || fn(value)) return [];
  const seen = new Set<string>();
  const issues: Issue[] = [];
  for (const e of fn.errors ?? []) {
    const i = toIssue(root, e);
    const k = `${i.path} ${i.message}`;
    if (!seen.has(k)) {
      seen.add(k);
      issues.push(i);
    }
  }
  return issues;
}
