/**
 * Typed handles (the protobuf-es pattern): each global element of a standard gets a runtime value
 * exported beside its TypeScript type, so `decodeXml(OadrDistributeEventSchema, xml)` returns a
 * document whose value is typed, with no cast. The type is phantom: a handle at runtime is only
 * the element's name, the profiles that declare it and a lazy reference to its package's registry.
 */

import { complexPlan, primitiveOf } from "./compile.js";
import type {
  ComplexProfileDescriptor,
  ComplexTypeAnnotation,
  ParticleDescriptor,
} from "./descriptors.js";
import type { CodecDocument } from "./document.js";
import { type CodecError, issue } from "./errors.js";
import { getProfile, type Registry } from "./registry.js";
import { fromLexical, type Primitive } from "./values.js";
import type { XmlElement } from "./xml/types.js";

/** Profile name -> the TypeScript type of the element's value in that profile. */
export type ProfileTypes = { readonly [profile: string]: unknown };

/** What every handle is at run time, whatever its value types. */
export interface AnyElementHandle {
  readonly kind: "element";
  /** canonical qualified name of the element, e.g. "oadr:oadrDistributeEvent" */
  readonly qname: string;
  /** the wire profiles that declare the element, in schema order */
  readonly profiles: readonly string[];
  /** the registry of the element's package (created on first use) */
  registry(): Registry;
}

export interface ElementHandle<M extends ProfileTypes = ProfileTypes> extends AnyElementHandle {
  readonly profiles: readonly (keyof M & string)[];
  /** type only, never set: the value type per profile */
  readonly "~types"?: M;
}

/** A document of the handle's element: one member per profile, so `doc.profile` narrows `value`. */
export type HandleDocument<
  M extends ProfileTypes,
  P extends keyof M & string = keyof M & string,
> = {
  [Q in P]: CodecDocument<M[Q]> & { readonly profile: Q };
}[P];

/** The value type of a handle's element (the union over its profiles). */
export type ValueOf<H> = H extends ElementHandle<infer M> ? M[keyof M] : never;
/** The profile names of a handle. */
export type ProfileOf<H extends AnyElementHandle> = H["profiles"][number];

/** Options every handle form takes besides its own. */
export interface HandleOptions<P extends string = string> {
  /** restrict to one of the handle's profiles (the document's profile must be this one) */
  readonly profile?: P;
  /**
   * use this registry instead of the handle's own (its package's); a wider one, such as
   * @transactive/ei's, also knows members substituted from higher standards
   */
  readonly registry?: Registry;
}

/** Called by generated code: `export const XSchema = elementHandle<{...}>(...)`. */
export function elementHandle<M extends ProfileTypes>(
  registry: () => Registry,
  qname: string,
  profiles: readonly (keyof M & string)[],
): ElementHandle<M> {
  let resolved: Registry | undefined;
  return Object.freeze({
    kind: "element" as const,
    qname,
    profiles: Object.freeze([...profiles]),
    registry: () => (resolved ??= registry()),
  });
}

/** Whether a value is an element handle (rather than a registry), by its `kind`. */
export function isElementHandle(x: unknown): x is AnyElementHandle {
  return typeof x === "object" && x !== null && (x as { kind?: unknown }).kind === "element";
}

/** The registry a handle or registry argument stands for. */
export function registryOf(
  target: Registry | AnyElementHandle,
  options: { readonly registry?: Registry } = {},
): Registry {
  return isElementHandle(target) ? (options.registry ?? target.registry()) : target;
}

const rootPath = (qname: string): string => `/${qname.slice(qname.indexOf(":") + 1)}`;

/**
 * Throws "unexpected-element" unless `element` in `profile` is what the handle stands for. The
 * message names the expected element and profiles and what was found.
 */
export function expectElement(
  handle: AnyElementHandle,
  element: string,
  profile: string | undefined,
  path = rootPath(element),
): void {
  if (element !== handle.qname)
    throw issue(
      "unexpected-element",
      path,
      `expected the document element ${handle.qname}, found ${element}`,
      { expected: [handle.qname] },
    );
  if (profile !== undefined && !handle.profiles.includes(profile))
    throw issue(
      "not-in-profile",
      path,
      `element ${handle.qname} is not declared by profile ${profile}; it is by ${handle.profiles.join(", ")}`,
    );
}

/** For decodeTree: may this candidate (profile, element) be the document of the handle? */
export function acceptsRoot(handle: AnyElementHandle, profile: string, element: string): boolean {
  return element === handle.qname && handle.profiles.includes(profile);
}

/** The error when no candidate of a document element fits the handle. */
export function unexpectedRoot(
  handle: AnyElementHandle,
  root: XmlElement,
  profile: string | undefined,
): CodecError {
  const where = profile ? ` in profile ${profile}` : ` in profiles ${handle.profiles.join(", ")}`;
  return issue(
    "unexpected-element",
    `/${root.local}`,
    `expected the document element ${handle.qname}${where}, found {${root.ns}}${root.local}`,
    { expected: [handle.qname] },
  );
}

export interface CreateOptions<P extends string = string> extends HandleOptions<P> {}

/**
 * A new document of the handle's element: `init` (default `{}`) with the values its schema fixes
 * filled in where absent: required child elements with a `fixed` value (EMIX power:energyReal's
 * itemDescription "RealEnergy" and itemUnits "Wh"), attributes with a `fixed` value, and a simple
 * element's own `fixed` value. The schemas carry no other defaults, and create invents no required
 * content: `validate` the result before sending it.
 */
export function create<M extends ProfileTypes, P extends keyof M & string = keyof M & string>(
  handle: ElementHandle<M>,
  init?: Partial<M[P]>,
  options: CreateOptions<P> = {},
): HandleDocument<M, P> {
  const path = rootPath(handle.qname);
  const profileName = options.profile ?? handle.profiles[0];
  if (profileName === undefined)
    throw issue("not-in-profile", path, `${handle.qname} has no profile`);
  expectElement(handle, handle.qname, profileName);
  const registry = registryOf(handle, options);
  const profile = getProfile(registry, profileName);
  const decl = profile.elements.get(handle.qname);
  if (!decl)
    throw issue(
      "not-in-profile",
      path,
      `element ${handle.qname} is not part of profile ${profileName} in this registry`,
    );
  let value: unknown = init;
  const plan = complexPlan(registry, profile, decl.type);
  if (plan) {
    if (init !== undefined && (typeof init !== "object" || init === null || Array.isArray(init)))
      throw issue("bad-value", path, `${handle.qname} has a complex type: init must be an object`);
    const out: Record<string, unknown> = { ...(init as object | undefined) };
    for (const [key, fixed, primitive] of fixedContent(registry, profileName, decl.type))
      if (!(key in out)) out[key] = fromLexical(primitive, fixed, `${path}/${key}`);
    for (const a of plan.attributes)
      if (a.fixed !== undefined && !(a.key in out))
        out[a.key] = fromLexical(a.primitive, a.fixed, `${path}/${a.key}`);
    value = out;
  } else if (value === undefined && decl.fixed !== undefined) {
    value = fromLexical(primitiveOf(registry, decl.type) ?? "string", decl.fixed, path);
  }
  return { profile: profileName, element: handle.qname, value } as HandleDocument<M, P>;
}

/**
 * [JSON key, fixed lexical value, primitive] of each required, single child element with a fixed
 * value, in the type's own content and (for extensions) its bases'. Choices are skipped: which
 * branch applies is the caller's.
 */
function fixedContent(
  registry: Registry,
  profile: string,
  type: string,
): Array<[string, string, Primitive]> {
  const out: Array<[string, string, Primitive]> = [];
  const seen = new Set<string>();
  for (let t: string | undefined = type; t !== undefined && !seen.has(t); ) {
    seen.add(t);
    const complex: ComplexTypeAnnotation | undefined = registry.types.get(t)?.complex;
    const d: ComplexProfileDescriptor | undefined = complex?.profiles[profile];
    if (!complex || !d) break;
    const walk = (p: ParticleDescriptor): void => {
      if ((p.minOccurs ?? 1) === 0) return;
      if ("sequence" in p) p.sequence.forEach(walk);
      else if ("all" in p) p.all.forEach(walk);
      else if ("element" in p && p.fixed !== undefined && (p.maxOccurs ?? 1) === 1) {
        const key = complex.keys[p.element];
        const declared = p.type ?? registry.profiles.get(profile)?.elements.get(p.element)?.type;
        const primitive = primitiveOf(registry, declared ?? "xs:string") ?? "string";
        if (key !== undefined) out.push([key, p.fixed, primitive]);
      }
    };
    if (d.content) walk(d.content);
    t = d.derivation === "extension" ? d.base : undefined;
  }
  return out;
}
