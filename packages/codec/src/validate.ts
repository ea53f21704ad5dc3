/**
 * Validation of the canonical model against the JSON Schemas (ajv, draft 2020-12), plus the wire
 * profile's structure (the profile's content model, checked by a dry-run encode).
 */
import type { ErrorObject } from "ajv/dist/2020.js";
import { typeValidator } from "./ajv.js";
import type { CodecDocument } from "./document.js";
import { encodeTree } from "./encode.js";
import { CodecError, type Issue } from "./errors.js";
import {
  type AnyElementHandle,
  type ElementHandle,
  expectElement,
  type HandleOptions,
  isElementHandle,
  type ProfileTypes,
  registryOf,
} from "./handle.js";
import { getProfile, type Registry } from "./registry.js";

export { typeValidator };

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

/**
 * Validates a document; returns the issues found (an empty array when valid). With a handle, a
 * document of another element is an "unexpected-element" issue.
 */
export function validate<M extends ProfileTypes>(
  handle: ElementHandle<M>,
  doc: CodecDocument,
  options?: ValidateOptions & Pick<HandleOptions, "registry">,
): Issue[];
export function validate(
  registry: Registry,
  doc: CodecDocument,
  options?: ValidateOptions,
): Issue[];
export function validate(
  target: Registry | AnyElementHandle,
  doc: CodecDocument,
  options: ValidateOptions & Pick<HandleOptions, "registry"> = {},
): Issue[] {
  const registry = registryOf(target, options);
  if (isElementHandle(target))
    try {
      expectElement(target, doc.element, doc.profile);
    } catch (e) {
      if (e instanceof CodecError) return [...e.issues];
      throw e;
    }
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
  // a document element may carry xsi:type: validate against the type it names (the dry-run
  // encode below checks that it is derived from the declared one)
  const named = (doc.value as { "@xsi:type"?: unknown } | null)?.["@xsi:type"];
  const type = typeof named === "string" && registry.types.has(named) ? named : decl.type;
  const fn = typeValidator(registry, type);
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
