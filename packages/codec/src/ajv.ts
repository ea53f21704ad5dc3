/**
 * The ajv instance per registry: every schema document added once, validators compiled lazily per
 * type. Custom pieces: the `x-xml` annotation keyword (ignored), XSD date/time/duration formats,
 * and `x-bounds` (inclusive/exclusive bounds of exact decimals and integers held as strings).
 */
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import type { Registry } from "./registry.js";
import { compareDecimal, isXsdDate, isXsdDateTime, isXsdDuration, isXsdTime } from "./values.js";

interface Validators {
  readonly ajv: Ajv2020;
  readonly byType: Map<string, ValidateFunction>;
  readonly variants: Map<string, ValidateFunction | null>;
}
const cache = new WeakMap<Registry, Validators>();

type Bounds = {
  minInclusive?: string;
  maxInclusive?: string;
  minExclusive?: string;
  maxExclusive?: string;
};

function withinBounds(b: Bounds, value: unknown): boolean {
  if (typeof value !== "string" || !/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(value.trim())) return true; // pattern reports it
  const v = value.trim();
  if (b.minInclusive !== undefined && compareDecimal(v, b.minInclusive) < 0) return false;
  if (b.maxInclusive !== undefined && compareDecimal(v, b.maxInclusive) > 0) return false;
  if (b.minExclusive !== undefined && compareDecimal(v, b.minExclusive) <= 0) return false;
  if (b.maxExclusive !== undefined && compareDecimal(v, b.maxExclusive) >= 0) return false;
  return true;
}

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
    validate: (schema: Bounds, data: unknown) => withinBounds(schema, data),
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
