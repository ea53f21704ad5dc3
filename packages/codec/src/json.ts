/**
 * The JSON form of a document: {"$profile": "<profile>", "<prefix:element>": <value>} (plus
 * "$schemaLocation" when the document element had an xsi:schemaLocation; a hint on any other
 * element is an "@xsi:schemaLocation" property of that element's object). The value is
 * the canonical model itself (docs/json-mapping.md), so JSON <-> model is lossless by construction.
 */
import type { CodecDocument } from "./document.js";
import { CodecError, issue } from "./errors.js";
import {
  type AnyElementHandle,
  type ElementHandle,
  expectElement,
  type HandleDocument,
  type HandleOptions,
  isElementHandle,
  type ProfileTypes,
  registryOf,
} from "./handle.js";
import type { Registry } from "./registry.js";
import { validate } from "./validate.js";

export interface JsonOptions {
  /** indentation for JSON.stringify (default none) */
  readonly space?: number;
}

export function toJsonObject(doc: CodecDocument): Record<string, unknown> {
  return {
    $profile: doc.profile,
    ...(doc.schemaLocation !== undefined ? { $schemaLocation: doc.schemaLocation } : {}),
    [doc.element]: doc.value,
  };
}

export function toJson(doc: CodecDocument, options: JsonOptions = {}): string {
  return JSON.stringify(toJsonObject(doc), null, options.space);
}

export interface FromJsonOptions {
  /** reject input larger than this many characters (default 16 MiB) */
  readonly maxLength?: number;
  /** validate against the schemas and the profile (default true) */
  readonly validate?: boolean;
}

/**
 * Parses the JSON form (text or an already parsed object) into a validated document. With a
 * handle, the document's element must be the handle's and the result is typed.
 */
export function fromJson<M extends ProfileTypes, P extends keyof M & string = keyof M & string>(
  handle: ElementHandle<M>,
  input: string | object,
  options?: FromJsonOptions & HandleOptions<P>,
): HandleDocument<M, P>;
export function fromJson(
  registry: Registry,
  input: string | object,
  options?: FromJsonOptions,
): CodecDocument;
export function fromJson(
  target: Registry | AnyElementHandle,
  input: string | object,
  options: FromJsonOptions & HandleOptions = {},
): CodecDocument {
  const registry = registryOf(target, options);
  let obj: unknown = input;
  if (typeof input === "string") {
    const max = options.maxLength ?? 16 * 1024 * 1024;
    if (input.length > max)
      throw issue(
        "bad-json",
        "",
        `JSON input of ${input.length} characters exceeds the limit of ${max}`,
      );
    try {
      obj = JSON.parse(input);
    } catch (e) {
      throw issue("bad-json", "", `not valid JSON: ${(e as Error).message}`);
    }
  }
  if (typeof obj !== "object" || obj === null || Array.isArray(obj))
    throw issue("bad-json", "", "a document must be a JSON object");
  const record = obj as Record<string, unknown>;
  const keys = Object.keys(record).filter((k) => k !== "$profile" && k !== "$schemaLocation");
  const location = record.$schemaLocation;
  if (location !== undefined && typeof location !== "string")
    throw issue("bad-json", "/$schemaLocation", "$schemaLocation must be a string");
  if (keys.length !== 1)
    throw issue(
      "bad-json",
      "",
      `a document has exactly one element key besides "$profile", found ${keys.length}: ${keys.slice(0, 5).join(", ")}`,
    );
  const element = keys[0] as string;
  let profile = record.$profile;
  if (isElementHandle(target)) {
    expectElement(target, element, typeof profile === "string" ? profile : options.profile);
    profile ??= options.profile;
  }
  if (profile !== undefined && (typeof profile !== "string" || !registry.profiles.has(profile)))
    throw issue(
      "bad-json",
      "/$profile",
      `unknown profile ${JSON.stringify(profile)}; known: ${registry.profileOrder.join(", ")}`,
    );
  profile ??= registry.profileOrder.find(
    (p) =>
      registry.profiles.get(p)?.elements.has(element) &&
      (!isElementHandle(target) || target.profiles.includes(p)),
  );
  if (profile === undefined || !registry.profiles.get(profile as string)?.elements.has(element))
    throw issue("unknown-root", `/${element}`, `no profile declares element ${element}`);
  const value = record[element];
  if (
    location !== undefined &&
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)["@xsi:schemaLocation"] !== undefined
  )
    throw issue(
      "bad-json",
      `/${element}/@xsi:schemaLocation`,
      'the document element\'s schema location is given twice: "$schemaLocation" and "@xsi:schemaLocation"',
    );
  const doc: CodecDocument = {
    profile: profile as string,
    element,
    value,
    ...(location !== undefined ? { schemaLocation: location } : {}),
  };
  if (options.validate !== false) {
    const issues = validate(registry, doc);
    if (issues.length) throw new CodecError(issues);
  }
  return doc;
}
