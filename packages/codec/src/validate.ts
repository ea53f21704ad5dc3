/**
 * Validation of the canonical model: the JSON Schemas' facets (checked by the codec's own compiled
 * checker, check/schema.ts; no ajv), plus the wire profile's structure (the profile's content
 * model, checked by a dry-run encode unless the value came out of decodeXml, which enforced it).
 */
import { checkType, typeCheck } from "./check/schema.js";
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

/**
 * Values exactly as decodeXml returned them: the decoder enforced the profile's content model on
 * them and the XML reader allowed only XML 1.0 characters, so validate() need not repeat either.
 * It holds the value objects, not copies: a caller that edits a decoded value in place and wants
 * those checked again passes `{ profile: true }`.
 */
const decodedValues = new WeakSet<object>();

/** Marks a value the decoder built and checked against its profile (decode.ts only). */
export function markDecoded(value: unknown): void {
  if (typeof value === "object" && value !== null) decodedValues.add(value);
}

export interface ValidateOptions {
  /**
   * check that the document fits its wire profile's content model: `true` always, `false` never;
   * by default always, except for a value exactly as decodeXml returned it (the decoder enforced
   * the content model, and the reader XML 1.0 characters, already; pass `true` after editing such
   * a value in place to have both checked again)
   */
  readonly profile?: boolean;
}

export { typeCheck };

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
  // a document element may carry xsi:type: validate against the type it names (the dry-run
  // encode below checks that it is derived from the declared one)
  const named = (doc.value as { "@xsi:type"?: unknown } | null)?.["@xsi:type"];
  const type = typeof named === "string" && registry.types.has(named) ? named : decl.type;
  const decoded =
    typeof doc.value === "object" && doc.value !== null && decodedValues.has(doc.value);
  // a decoded value's strings came from the XML reader: XML 1.0 characters, by construction
  const issues = checkType(registry, type, doc.value, root, {
    text: !decoded || options.profile === true,
  });
  const structure = options.profile ?? !decoded;
  if (structure && issues.length === 0) {
    try {
      encodeTree(registry, profile, doc.element, doc.value);
    } catch (e) {
      if (e instanceof CodecError) issues.push(...e.issues);
      else throw e;
    }
  }
  return issues;
}
