/**
 * Validation of the canonical model against the JSON Schemas (ajv, draft 2020-12), plus the wire
 * profile's structure (the profile's content model, checked by a dry-run encode).
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import type { CodecDocument } from "./document.js";
import { encodeTree } from "./encode.js";
import { CodecError, type Issue } from "./errors.js";
import { getProfile, type Registry } from "./registry.js";
import { isXsdDate, isXsdDateTime, isXsdDuration, isXsdTime } from "./values.js";

interface Validators {
  readonly ajv: Ajv2020;
  readonly byType: Map<string, ValidateFunction>;
}
const cache = new WeakMap<Registry, Validators>();

function validators(registry: Registry): Validators {
  let v = cache.get(registry);
  if (v) return v;
  // unicodeRegExp off: XSD patterns such as "\-" are not valid under the u flag.
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    allowUnionTypes: true,
    // facets on a union or a derived simple type apply to whichever branch holds the value
    strictTypes: false,
    unicodeRegExp: false,
    validateSchema: false,
  });
  ajv.addKeyword({ keyword: "x-xml", schemaType: "object" });
  ajv.addFormat("xsd-dateTime", isXsdDateTime);
  ajv.addFormat("xsd-date", isXsdDate);
  ajv.addFormat("xsd-time", isXsdTime);
  ajv.addFormat("xsd-duration", isXsdDuration);
  for (const doc of registry.docs) ajv.addSchema(doc as object);
  v = { ajv, byType: new Map() };
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

const toIssue = (base: string, e: ErrorObject): Issue => {
  const where = e.instancePath.replace(/\/(\d+)(?=\/|$)/g, "[$1]");
  const extra =
    e.keyword === "additionalProperties"
      ? `: ${(e.params as { additionalProperty: string }).additionalProperty}`
      : e.keyword === "enum"
        ? `: ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues).slice(0, 200)}`
        : "";
  return { code: "schema", path: `${base}${where}`, message: `${e.message ?? e.keyword}${extra}` };
};

export interface ValidateOptions {
  /** also check that the document fits its wire profile's content model (default true) */
  readonly profile?: boolean;
}

/** Validates a document; returns the issues found (an empty array when valid). */
export function validate(
  registry: Registry,
  doc: CodecDocument,
  options: ValidateOptions = {},
): Issue[] {
  const profile = getProfile(registry, doc.profile);
  const decl = profile.elements.get(doc.element);
  const root = `/${doc.element.slice(doc.element.indexOf(":") + 1)}`;
  if (!decl)
    return [
      {
        code: "not-in-profile",
        path: root,
        message: `element ${doc.element} is not part of profile ${doc.profile}`,
      },
    ];
  const issues: Issue[] = [];
  const fn = typeValidator(registry, decl.type);
  if (fn && !fn(doc.value)) {
    // anyOf branches repeat the same failure; keep the distinct ones
    const seen = new Set<string>();
    for (const e of fn.errors ?? []) {
      const i = toIssue(root, e);
      const k = `${i.path} ${i.message}`;
      if (!seen.has(k)) {
        seen.add(k);
        issues.push(i);
      }
    }
  }
  if (options.profile !== false && issues.length === 0) {
    try {
      encodeTree(registry, profile, doc.element, doc.value);
    } catch (e) {
      if (e instanceof CodecError) issues.push(...e.issues);
      else throw e;
    }
  }
  return issues;
}
