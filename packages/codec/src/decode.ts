/**
 * XML -> model. Walks the namespace-resolved tree against the compiled content model of each
 * element's type, producing the canonical JSON form (docs/json-mapping.md). Any mismatch is a
 * CodecError naming the path; nothing is silently dropped.
 */

import { variantValidator } from "./ajv.js";
import {
  type Compiled,
  clark,
  complexPlan,
  derivesFrom,
  type ElementTarget,
  PlanError,
  primitiveOf,
  XSI,
} from "./compile.js";
import type { CodecDocument } from "./document.js";
import { CodecError, issue, shorten } from "./errors.js";
import { getProfile, type Profile, type Registry } from "./registry.js";
import { validate } from "./validate.js";
import { fromLexical } from "./values.js";
import { readXml } from "./xml/read.js";
import { isXmlElement, type XmlElement, XmlError, type XmlLimits } from "./xml/types.js";
import { writeFragment } from "./xml/write.js";

export interface DecodeOptions {
  /** force a wire profile instead of detecting it from the document element's namespace */
  readonly profile?: string;
  readonly limits?: Partial<XmlLimits>;
  /**
   * also check the decoded model against the JSON Schemas (facets: enumerations, patterns,
   * lengths, bounds) and throw a CodecError listing every issue. The profile's content model is
   * always enforced while decoding, so this is the whole of `validate()` for a decoded document.
   */
  readonly validate?: boolean;
}

/** Parses XML text or bytes and decodes it into the canonical model. */
export function decodeXml(
  registry: Registry,
  input: string | Uint8Array,
  options: DecodeOptions = {},
): CodecDocument {
  let root: XmlElement;
  try {
    root = readXml(input, options.limits);
  } catch (e) {
    if (e instanceof XmlError)
      throw new CodecError([{ code: "xml", path: e.path, message: e.message }]);
    throw e;
  }
  const doc = decodeTree(registry, root, options.profile);
  if (options.validate) {
    const issues = validate(registry, doc, { profile: false });
    if (issues.length) throw new CodecError(issues);
  }
  return doc;
}

/** Candidate profiles for a document element, best first. */
export function profilesFor(
  registry: Registry,
  root: XmlElement,
): { profile: Profile; element: string }[] {
  const declared = new Set(root.scope.values());
  const out: { profile: Profile; element: string; known: number; home: number }[] = [];
  for (const name of registry.profileOrder) {
    const profile = getProfile(registry, name);
    const prefix = profile.prefixOf.get(root.ns);
    if (prefix === undefined) continue;
    const element = `${prefix}:${root.local}`;
    if (!profile.elements.has(element)) continue;
    let known = 0;
    for (const uri of declared) if (profile.prefixOf.has(uri)) known++;
    const home = homeCount(profile, prefix);
    out.push({ profile, element, known, home });
  }
  out.sort((a, b) => b.known - a.known || b.home - a.home);
  return out;
}

export function decodeTree(
  registry: Registry,
  root: XmlElement,
  profileName?: string,
): CodecDocument {
  const candidates = profilesFor(registry, root).filter(
    (c) => profileName === undefined || c.profile.name === profileName,
  );
  if (candidates.length === 0) {
    const where = profileName ? ` in profile ${profileName}` : "";
    throw issue(
      "unknown-root",
      `/${root.local}`,
      `no known element {${root.ns}}${root.local}${where}`,
    );
  }
  let firstError: unknown;
  // Namespaces such as EI's and xCal's are shared by several profiles: the first profile that
  // decodes the document wins, and the error reported is the best candidate's.
  for (const { profile, element } of candidates) {
    try {
      const decoder = new Decoder(registry, profile);
      const decl = profile.elements.get(element);
      const value = decoder.element(
        root,
        decl?.type ?? "xs:anyType",
        decl?.nillable === true,
        `/${root.local}`,
        true,
      );
      const location = root.attrs.find((a) => a.ns === XSI && a.local === "schemaLocation")?.value;
      return {
        profile: profile.name,
        element,
        value,
        ...(location !== undefined ? { schemaLocation: location } : {}),
      };
    } catch (e) {
      if (!(e instanceof CodecError)) throw e;
      firstError ??= e;
    }
  }
  throw firstError;
}

interface Failure {
  index: number;
  /** particles that could have matched at `index`; names are built only for an error */
  at: Compiled[];
}

function expectedOf(at: readonly Compiled[]): Set<string> {
  const out = new Set<string>();
  for (const c of at) {
    if (c.kind === "element") for (const t of c.targets) out.add(t.qname);
    else if (c.kind === "any") out.add("(any element)");
    else for (const id of c.first) out.add(id);
  }
  return out;
}

function fail(failure: Failure, i: number, c: Compiled): -1 {
  if (i > failure.index) {
    failure.index = i;
    failure.at.length = 0;
    failure.at.push(c);
  } else if (i === failure.index) failure.at.push(c);
  return -1;
}

const homeCounts = new WeakMap<Profile, Map<string, number>>();
function homeCount(profile: Profile, prefix: string): number {
  let m = homeCounts.get(profile);
  if (!m) homeCounts.set(profile, (m = new Map()));
  let n = m.get(prefix);
  if (n === undefined) {
    n = 0;
    for (const q of profile.elements.keys()) if (q.startsWith(`${prefix}:`)) n++;
    m.set(prefix, n);
  }
  return n;
}

class Decoder {
  constructor(
    private readonly registry: Registry,
    private readonly profile: Profile,
  ) {}

  element(
    node: XmlElement,
    declared: string,
    nillable: boolean,
    path: string,
    isRoot = false,
  ): unknown {
    let type = declared;
    let xsiType: string | undefined;
    let nil = false;
    for (const a of node.attrs) {
      if (a.ns !== XSI) continue;
      if (a.local === "type") {
        xsiType = this.resolveTypeName(node, a.value, path);
        if (!derivesFrom(this.registry, this.profile, xsiType, declared))
          throw issue(
            "unknown-type",
            `${path}/@xsi:type`,
            `type ${xsiType} is not derived from ${declared}`,
            { input: a.value },
          );
        type = xsiType;
      } else if (a.local === "nil") nil = a.value.trim() === "true" || a.value.trim() === "1";
      else if (!(isRoot && a.local === "schemaLocation"))
        // a schema location hint is kept for the document element (CodecDocument.schemaLocation);
        // anywhere else it is refused rather than dropped
        throw issue(
          "unknown-attribute",
          `${path}/@xsi:${a.local}`,
          `attribute xsi:${a.local} is not supported here`,
        );
    }
    if (nil) {
      if (!nillable) throw issue("bad-value", path, "xsi:nil on an element that is not nillable");
      if (
        node.children.some(isXmlElement) ||
        node.children.some((c) => !isXmlElement(c) && c.text.trim())
      )
        throw issue("bad-value", path, "xsi:nil element has content");
      return null;
    }
    if (type === "xs:anyType") return { $xml: writeFragment(node) };
    const primitive = primitiveOf(this.registry, type);
    if (primitive !== undefined) {
      const extra = node.attrs.find((a) => a.ns !== XSI);
      if (extra)
        throw issue(
          "unknown-attribute",
          `${path}/@${extra.local}`,
          `attribute ${extra.local} not allowed on a simple-typed element`,
        );
      const value = fromLexical(primitive, this.simpleText(node, path), path);
      const own = variantValidator(this.registry, type, this.profile.name);
      if (own && !own(value))
        throw issue(
          "bad-value",
          path,
          `${JSON.stringify(value)} is not a valid ${type} in profile ${this.profile.name}`,
        );
      return value;
    }
    return this.complex(node, type, xsiType, path);
  }

  private resolveTypeName(node: XmlElement, value: string, path: string): string {
    const v = value.trim();
    const colon = v.indexOf(":");
    const prefix = colon < 0 ? "" : v.slice(0, colon);
    const local = colon < 0 ? v : v.slice(colon + 1);
    const uri = node.scope.get(prefix);
    if (uri === "http://www.w3.org/2001/XMLSchema") return `xs:${local}`;
    const canonical = uri === undefined ? undefined : this.profile.prefixOf.get(uri);
    const qname = canonical === undefined ? undefined : `${canonical}:${local}`;
    if (qname === undefined || !this.registry.types.has(qname))
      throw issue("unknown-type", `${path}/@xsi:type`, `unknown type "${shorten(v)}"`, {
        input: v,
      });
    return qname;
  }

  private simpleText(node: XmlElement, path: string): string {
    let text = "";
    for (const c of node.children) {
      if (isXmlElement(c))
        throw issue(
          "unexpected-element",
          `${path}/${c.local}`,
          `element ${c.local} inside a simple-typed element`,
        );
      text += c.text;
    }
    return text;
  }

  private complex(
    node: XmlElement,
    type: string,
    xsiType: string | undefined,
    path: string,
  ): Record<string, unknown> {
    let plan: ReturnType<typeof complexPlan>;
    try {
      plan = complexPlan(this.registry, this.profile, type);
    } catch (e) {
      if (e instanceof PlanError) throw issue("not-in-profile", path, e.message);
      throw e;
    }
    if (!plan)
      throw issue("unknown-type", path, `type ${type} is not part of profile ${this.profile.name}`);
    const out: Record<string, unknown> = {};
    if (xsiType !== undefined) out["@xsi:type"] = xsiType;
    for (const a of node.attrs) {
      if (a.ns === XSI) continue;
      const ap = plan.attributesById.get(clark(a.ns, a.local));
      if (ap) {
        out[ap.key] = fromLexical(ap.primitive, a.value, `${path}/@${a.local}`);
      } else if (plan.anyAttribute?.(a.ns)) {
        const bag = (out.$attributes ??= {}) as Record<string, string>;
        bag[clark(a.ns, a.local)] = a.value;
      } else
        throw issue(
          "unknown-attribute",
          `${path}/@${a.prefix ? `${a.prefix}:` : ""}${a.local}`,
          `attribute ${a.local} is not allowed on ${type}`,
        );
    }
    for (const ap of plan.attributes)
      if (ap.required && !(ap.key in out))
        throw issue(
          "missing-attribute",
          `${path}/@${ap.local}`,
          `required attribute ${ap.local} is missing`,
        );

    if (plan.simple !== undefined) {
      out.$value = fromLexical(plan.simple, this.simpleText(node, path), path);
      return out;
    }
    const kids: XmlElement[] = [];
    let text = "";
    for (const c of node.children) {
      if (isXmlElement(c)) kids.push(c);
      else if (plan.mixed) text += c.text;
      else if (c.text.trim() !== "")
        throw issue(
          "text-not-allowed",
          path,
          `text "${shorten(c.text.trim(), 40)}" is not allowed in ${type}`,
          { input: shorten(c.text.trim()) },
        );
    }
    if (plan.mixed && text.trim() !== "") out.$text = text;
    const failure: Failure = { index: -1, at: [] };
    const ids = kids.map((k) => clark(k.ns, k.local));
    const end = plan.content
      ? this.match(plan.content, kids, ids, 0, out, plan.many, path, failure)
      : 0;
    if (end < 0 || end < kids.length) {
      const at = end < 0 ? failure.index : Math.max(end, failure.index);
      const expected = [...expectedOf(failure.at)];
      const kid = kids[at];
      if (kid) {
        const name = `${kid.prefix ? `${kid.prefix}:` : ""}${kid.local}`;
        const here = expected.some((q) => q.endsWith(`:${kid.local}`));
        const why = here
          ? "is out of order or repeated too often here"
          : `is not allowed here${expected.length ? `; expected ${expected.join(" | ")}` : ""}`;
        throw issue("unexpected-element", `${path}/${kid.local}`, `element ${name} ${why}`, {
          expected,
        });
      }
      const first = expected[0] ?? "?";
      throw issue(
        "missing-element",
        `${path}/${first.slice(first.indexOf(":") + 1)}`,
        `missing ${expected.length > 1 ? `one of ${expected.join(" | ")}` : `element ${expected[0]}`}`,
        { expected },
      );
    }
    return out;
  }

  /** Greedy match of a deterministic (UPA) content model; returns the next child index or -1. */
  private match(
    c: Compiled,
    kids: readonly XmlElement[],
    ids: readonly string[],
    start: number,
    out: Record<string, unknown>,
    many: ReadonlySet<string>,
    path: string,
    failure: Failure,
  ): number {
    let i = start;
    if (c.kind === "element") {
      let n = 0;
      while (n < c.max && i < kids.length) {
        const kid = kids[i] as XmlElement;
        const t = c.byId.get(ids[i] as string);
        if (!t) break;
        this.put(out, t, kid, many, path);
        i++;
        n++;
      }
      if (n < c.min) return fail(failure, i, c);
      if (n < c.max && i < kids.length) fail(failure, i, c);
      return i;
    }
    if (c.kind === "any") {
      let n = 0;
      while (n < c.max && i < kids.length && c.test((kids[i] as XmlElement).ns)) {
        const list = (out.$any ??= []) as string[];
        list.push(writeFragment(kids[i] as XmlElement));
        i++;
        n++;
      }
      if (n < c.min) return fail(failure, i, c);
      return i;
    }
    let reps = 0;
    while (reps < c.max) {
      const kid = kids[i];
      const startsHere =
        kid !== undefined && (c.first.has(ids[i] as string) || c.firstAny.some((t) => t(kid.ns)));
      if (!startsHere && reps >= c.min) break;
      const snapshot = reps >= c.min ? snapshotOf(out) : undefined;
      let j: number;
      if (c.kind === "sequence") {
        j = i;
        for (const item of c.items) {
          j = this.match(item, kids, ids, j, out, many, path, failure);
          if (j < 0) break;
        }
      } else if (c.kind === "choice") {
        j = -1;
        for (const item of c.items) {
          if (kid === undefined) break;
          const id = ids[i] as string;
          const can =
            item.kind === "element"
              ? item.byId.has(id)
              : item.kind === "any"
                ? item.test(kid.ns)
                : item.first.has(id) || item.firstAny.some((t) => t(kid.ns));
          if (!can) continue;
          j = this.match(item, kids, ids, i, out, many, path, failure);
          if (j >= 0) break;
        }
        if (j < 0 && !startsHere) {
          if (c.nullable) j = i;
          else fail(failure, i, c);
        }
      } else {
        j = this.matchAll(c.items, kids, ids, i, out, many, path, failure);
      }
      if (j < 0) {
        if (snapshot) {
          restore(out, snapshot);
          break;
        }
        return -1;
      }
      reps++;
      if (j === i) break;
      i = j;
    }
    if (reps < c.min && !c.nullable) return fail(failure, i, c);
    return i;
  }

  private matchAll(
    items: readonly Compiled[],
    kids: readonly XmlElement[],
    ids: readonly string[],
    start: number,
    out: Record<string, unknown>,
    many: ReadonlySet<string>,
    path: string,
    failure: Failure,
  ): number {
    const done = new Set<Compiled>();
    let i = start;
    for (;;) {
      const kid = kids[i];
      if (!kid) break;
      const item = items.find(
        (it) => !done.has(it) && it.kind === "element" && it.byId.has(ids[i] as string),
      );
      if (!item) break;
      i = this.match(item, kids, ids, i, out, many, path, failure);
      if (i < 0) return -1;
      done.add(item);
    }
    for (const it of items) if (!done.has(it) && it.min > 0) return -1;
    return i;
  }

  private put(
    out: Record<string, unknown>,
    t: ElementTarget,
    kid: XmlElement,
    many: ReadonlySet<string>,
    path: string,
  ): void {
    if (many.has(t.key)) {
      const list = (out[t.key] ??= []) as unknown[];
      list.push(this.element(kid, t.type, t.nillable, `${path}/${t.key}[${list.length}]`));
    } else {
      if (t.key in out)
        throw issue(
          "unexpected-element",
          `${path}/${t.key}`,
          `element ${t.local} occurs more than once`,
        );
      out[t.key] = this.element(kid, t.type, t.nillable, `${path}/${t.key}`);
    }
  }
}

type Snapshot = Map<string, number | undefined>;
function snapshotOf(out: Record<string, unknown>): Snapshot {
  const s: Snapshot = new Map();
  for (const [k, v] of Object.entries(out)) s.set(k, Array.isArray(v) ? v.length : undefined);
  return s;
}
function restore(out: Record<string, unknown>, s: Snapshot): void {
  for (const k of Object.keys(out)) {
    if (!s.has(k)) delete out[k];
    else {
      const len = s.get(k);
      const v = out[k];
      if (len !== undefined && Array.isArray(v)) v.length = len;
    }
  }
}
