/**
 * XML -> model. Walks the namespace-resolved tree against the compiled content model of each
 * element's type, producing the canonical JSON form (docs/json-mapping.md). Any mismatch is a
 * CodecError naming the path; nothing is silently dropped.
 */

import {
  type Compiled,
  type ComplexPlan,
  clark,
  derivesFrom,
  type ElementTarget,
  type NsTest,
  type ProfilePlans,
  plansFor,
  requirePlan,
  reusableFor,
  XSI,
} from "./compile.js";
import type { CodecDocument } from "./document.js";
import { CodecError, issue, shorten, xmlIssue } from "./errors.js";
import {
  type AnyElementHandle,
  acceptsRoot,
  type ElementHandle,
  type HandleDocument,
  type HandleOptions,
  isElementHandle,
  type ProfileTypes,
  registryOf,
  unexpectedRoot,
} from "./handle.js";
import { getProfile, type Profile, type Registry } from "./registry.js";
import { markDecoded, validate } from "./validate.js";
import { LexicalProblem, parseLexical } from "./values.js";
import { readXml } from "./xml/read.js";
import {
  isXmlElement,
  type XmlElement,
  XmlError,
  type XmlLimits,
  type XmlNode,
  type XmlText,
} from "./xml/types.js";
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

/**
 * Parses XML text or bytes and decodes it into the canonical model. With a handle, the document
 * element must be the handle's element (else an "unexpected-element" error) and the result is
 * typed; with a registry, any global element of any of its profiles is accepted.
 */
export function decodeXml<M extends ProfileTypes, P extends keyof M & string = keyof M & string>(
  handle: ElementHandle<M>,
  input: string | Uint8Array,
  options?: DecodeOptions & HandleOptions<P>,
): HandleDocument<M, P>;
export function decodeXml(
  registry: Registry,
  input: string | Uint8Array,
  options?: DecodeOptions,
): CodecDocument;
export function decodeXml(
  target: Registry | AnyElementHandle,
  input: string | Uint8Array,
  options: DecodeOptions & HandleOptions = {},
): CodecDocument {
  const registry = registryOf(target, options);
  const expected = isElementHandle(target) ? target : undefined;
  let root: XmlElement;
  try {
    root = readXml(input, options.limits);
  } catch (e) {
    if (e instanceof XmlError) throw xmlIssue(e);
    throw e;
  }
  const doc = decodeTree(registry, root, options.profile, expected);
  // decodeTree enforced the content model: validate() of this value need not redo it
  markDecoded(doc.value);
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
  /** accept only this element (of the handle's profiles) as the document element */
  expected?: AnyElementHandle,
): CodecDocument {
  const candidates = profilesFor(registry, root).filter(
    (c) =>
      (profileName === undefined || c.profile.name === profileName) &&
      (expected === undefined || acceptsRoot(expected, c.profile.name, c.element)),
  );
  if (candidates.length === 0) {
    if (expected) throw unexpectedRoot(expected, root, profileName);
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
    const decoder = decoderFor(registry, profile);
    decoder.busy = true;
    try {
      const decl = profile.elements.get(element);
      const value = decoder.root(root, decl?.type ?? "xs:anyType", decl?.nillable === true);
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
    } finally {
      decoder.release();
    }
  }
  throw firstError;
}

/** A schema location hint on an element whose model value is not an object has no place. */
function hintWithoutObject(hint: string, path: string): never {
  throw issue(
    "unknown-attribute",
    path,
    `xsi:${hint} on a simple-typed or nil element cannot be kept (its JSON value is not an object)`,
  );
}

const decoders = new WeakMap<ProfilePlans, Decoder>();

/** The decoder of a profile, reused (see reusableFor in compile.ts). */
function decoderFor(registry: Registry, profile: Profile): Decoder {
  const plans = plansFor(registry, profile);
  return reusableFor(decoders, plans, () => new Decoder(registry, profile, plans));
}

/**
 * The child elements of an element being decoded, matched against its content model. One per
 * depth, reused: arrays are overwritten up to `n`, never shrunk.
 */
class Content {
  /** the child elements, then `undefined` at index `n` (reads past the last child see that) */
  readonly kids: (XmlElement | undefined)[] = [];
  /** their "{ns}local" ids */
  readonly ids: string[] = [];
  n = 0;
  /** how far `kids` has been filled since the last release */
  private used = 0;
  /** the furthest child index where a particle failed to match, for the error */
  failIndex = -1;
  /** the particles that could have matched at `failIndex` (the first `failCount`) */
  readonly failAt: Compiled[] = [];
  failCount = 0;

  reset(): void {
    this.n = 0;
    this.failIndex = -1;
    this.failCount = 0;
  }

  add(kid: XmlElement, id: string): void {
    this.kids[this.n] = kid;
    this.ids[this.n++] = id;
  }

  /** Ends the list of children. */
  seal(): void {
    this.kids[this.n] = undefined;
    this.used = Math.max(this.used, this.n + 1);
  }

  /** Notes that `c` could not match at child `i`; returns -1 (no match). */
  fail(i: number, c: Compiled): -1 {
    if (i > this.failIndex) {
      this.failIndex = i;
      this.failCount = 0;
    }
    if (i === this.failIndex) this.failAt[this.failCount++] = c;
    return -1;
  }

  /** The names the failed particles expected. */
  expected(): Set<string> {
    const out = new Set<string>();
    for (let k = 0; k < this.failCount; k++) {
      const c = this.failAt[k] as Compiled;
      if (c.kind === "element") for (const t of c.targets) out.add(t.qname);
      else if (c.kind === "any") out.add("(any element)");
      else for (const id of c.first) out.add(id);
    }
    return out;
  }

  /** Drops the references to the document. */
  release(): void {
    this.kids.fill(undefined, 0, this.used);
    this.used = 0;
  }
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

/** Is `c` a particle the element `id` (in namespace `ns`) can start? */
function canStart(c: Compiled, id: string, ns: string): boolean {
  if (c.kind === "element") return c.byId.has(id);
  if (c.kind === "any") return c.test(ns);
  return c.first.has(id) || anyAdmits(c.firstAny, ns);
}

function anyAdmits(tests: readonly NsTest[], ns: string): boolean {
  for (const t of tests) if (t(ns)) return true;
  return false;
}

class Decoder {
  busy = false;
  /** path pieces of the element being decoded at each depth: its JSON key, its index or -1 */
  private readonly keys: string[] = [];
  private readonly indexes: number[] = [];
  /** per depth, the children of the element being decoded there */
  private readonly contents: Content[] = [];
  /**
   * Undo log of the object being filled, kept while an optional repetition is tried (it is
   * rolled back if the repetition does not match): pairs of a key and the length its array had,
   * -1 when the key was new; the first `logSize` entries are live. `marks` counts the
   * repetitions being tried in this object, `base` is where its entries start.
   */
  private readonly log: (string | number)[] = [];
  private logSize = 0;
  private marks = 0;
  private base = 0;

  constructor(
    private readonly registry: Registry,
    private readonly profile: Profile,
    private readonly plans: ProfilePlans,
  ) {}

  root(node: XmlElement, declared: string, nillable: boolean): unknown {
    this.keys[0] = node.local;
    this.indexes[0] = -1;
    return this.element(node, declared, nillable, 0, true);
  }

  /** Ends a document: drops the references to it. */
  release(): void {
    this.busy = false;
    this.logSize = 0;
    this.marks = 0;
    this.base = 0;
    for (const c of this.contents) c.release();
  }

  /** The path of the element at `depth` (e.g. "/oadrPayload/…/interval[3]") plus `suffix`. */
  private path(depth: number, suffix = ""): string {
    let p = "";
    for (let d = 0; d <= depth; d++) {
      p += `/${this.keys[d]}`;
      const n = this.indexes[d] as number;
      if (n >= 0) p += `[${n}]`;
    }
    return p + suffix;
  }

  private element(
    node: XmlElement,
    declared: string,
    nillable: boolean,
    depth: number,
    isRoot = false,
  ): unknown {
    let type = declared;
    let xsiType: string | undefined;
    let nil = false;
    /** a schema location hint the element's own object must carry */
    let hint: string | undefined;
    for (const a of node.attrs) {
      if (a.ns !== XSI) continue;
      if (a.local === "type") {
        xsiType = this.resolveTypeName(node, a.value, depth);
        if (!derivesFrom(this.registry, this.profile, xsiType, declared))
          throw issue(
            "unknown-type",
            this.path(depth, "/@xsi:type"),
            `type ${xsiType} is not derived from ${declared}`,
            { input: a.value },
          );
        type = xsiType;
      } else if (a.local === "nil") nil = a.value.trim() === "true" || a.value.trim() === "1";
      else if (a.local === "schemaLocation" || a.local === "noNamespaceSchemaLocation") {
        // the document element's xsi:schemaLocation is CodecDocument.schemaLocation; every other
        // hint is an "@xsi:…" property of its element's object (see complex())
        if (!(isRoot && a.local === "schemaLocation")) hint = a.local;
      } else
        throw issue(
          "unknown-attribute",
          this.path(depth, `/@xsi:${a.local}`),
          `attribute xsi:${a.local} is not supported here`,
        );
    }
    if (hint !== undefined && (nil || this.plans.simple(type) !== undefined))
      hintWithoutObject(hint, this.path(depth, `/@xsi:${hint}`));
    if (nil) {
      if (!nillable)
        throw issue("bad-value", this.path(depth), "xsi:nil on an element that is not nillable");
      if (
        node.children.some(isXmlElement) ||
        node.children.some((c) => !isXmlElement(c) && c.text.trim())
      )
        throw issue("bad-value", this.path(depth), "xsi:nil element has content");
      return null;
    }
    if (type === "xs:anyType") return { $xml: writeFragment(node) };
    const simple = this.plans.simple(type);
    if (simple !== undefined) {
      for (const a of node.attrs)
        if (a.ns !== XSI)
          throw issue(
            "unknown-attribute",
            this.path(depth, `/@${a.local}`),
            `attribute ${a.local} not allowed on a simple-typed element`,
          );
      const value = parseLexical(simple.primitive, this.simpleText(node, depth));
      if (value instanceof LexicalProblem) throw value.issue(this.path(depth));
      if (simple.variant && !simple.variant(value))
        throw issue(
          "bad-value",
          this.path(depth),
          `${JSON.stringify(value)} is not a valid ${type} in profile ${this.profile.name}`,
        );
      return value;
    }
    return this.complex(node, type, xsiType, depth);
  }

  private resolveTypeName(node: XmlElement, value: string, depth: number): string {
    const v = value.trim();
    const colon = v.indexOf(":");
    const prefix = colon < 0 ? "" : v.slice(0, colon);
    const local = colon < 0 ? v : v.slice(colon + 1);
    const uri = node.scope.get(prefix);
    if (uri === "http://www.w3.org/2001/XMLSchema") return `xs:${local}`;
    const canonical = uri === undefined ? undefined : this.profile.prefixOf.get(uri);
    const qname = canonical === undefined ? undefined : `${canonical}:${local}`;
    if (qname === undefined || !this.registry.types.has(qname))
      throw issue("unknown-type", this.path(depth, "/@xsi:type"), `unknown type "${shorten(v)}"`, {
        input: v,
      });
    return qname;
  }

  private simpleText(node: XmlElement, depth: number): string {
    const children = node.children;
    // the usual case, one text node (or none), needs no concatenation
    if (children.length === 1 && !isXmlElement(children[0] as XmlNode))
      return (children[0] as XmlText).text;
    let text = "";
    for (const c of children) {
      if (isXmlElement(c))
        throw issue(
          "unexpected-element",
          this.path(depth, `/${c.local}`),
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
    depth: number,
  ): Record<string, unknown> {
    const plan = requirePlan(
      this.plans,
      type,
      this.profile.name,
      () => this.path(depth),
      "unknown-type",
    );
    const out: Record<string, unknown> = {};
    if (xsiType !== undefined) out["@xsi:type"] = xsiType;
    for (const a of node.attrs) {
      if (a.ns === XSI) {
        if ((a.local === "schemaLocation" && depth > 0) || a.local === "noNamespaceSchemaLocation")
          out[`@xsi:${a.local}`] = a.value;
        continue;
      }
      const ap = plan.attributesById.get(this.plans.idOf(a.ns, a.local));
      if (ap) {
        const v = parseLexical(ap.primitive, a.value);
        if (v instanceof LexicalProblem) throw v.issue(this.path(depth, `/@${a.local}`));
        out[ap.key] = v;
      } else if (plan.anyAttribute?.(a.ns)) {
        const bag = (out.$attributes ??= {}) as Record<string, string>;
        bag[clark(a.ns, a.local)] = a.value;
      } else
        throw issue(
          "unknown-attribute",
          this.path(depth, `/@${a.prefix ? `${a.prefix}:` : ""}${a.local}`),
          `attribute ${a.local} is not allowed on ${type}`,
        );
    }
    for (const ap of plan.attributes)
      if (ap.required && !(ap.key in out))
        throw issue(
          "missing-attribute",
          this.path(depth, `/@${ap.local}`),
          `required attribute ${ap.local} is missing`,
        );

    if (plan.simple !== undefined) {
      const v = parseLexical(plan.simple, this.simpleText(node, depth));
      if (v instanceof LexicalProblem) throw v.issue(this.path(depth));
      out.$value = v;
      return out;
    }
    const content = (this.contents[depth] ??= new Content());
    content.reset();
    let text = "";
    for (const c of node.children) {
      if (isXmlElement(c)) content.add(c, this.plans.idOf(c.ns, c.local));
      else if (plan.mixed) text += c.text;
      else if (c.text.trim() !== "")
        throw issue(
          "text-not-allowed",
          this.path(depth),
          `text "${shorten(c.text.trim(), 40)}" is not allowed in ${type}`,
          { input: shorten(c.text.trim()) },
        );
    }
    content.seal();
    if (plan.mixed && text.trim() !== "") out.$text = text;
    // the undo log belongs to the object being filled: set the parent's aside
    const { marks, base } = this;
    this.marks = 0;
    const end = plan.content ? this.match(plan.content, content, 0, out, plan, depth) : 0;
    this.marks = marks;
    this.base = base;
    if (end < 0 || end < content.n) this.misfit(content, end, depth);
    return out;
  }

  /** The error for children that do not fit the content model. */
  private misfit(content: Content, end: number, depth: number): never {
    const at = end < 0 ? content.failIndex : Math.max(end, content.failIndex);
    const expected = [...content.expected()];
    const kid = at < 0 ? undefined : content.kids[at];
    if (kid) {
      const name = `${kid.prefix ? `${kid.prefix}:` : ""}${kid.local}`;
      const here = expected.some((q) => q.endsWith(`:${kid.local}`));
      const why = here
        ? "is out of order or repeated too often here"
        : `is not allowed here${expected.length ? `; expected ${expected.join(" | ")}` : ""}`;
      throw issue(
        "unexpected-element",
        this.path(depth, `/${kid.local}`),
        `element ${name} ${why}`,
        {
          expected,
        },
      );
    }
    const first = expected[0] ?? "?";
    throw issue(
      "missing-element",
      this.path(depth, `/${first.slice(first.indexOf(":") + 1)}`),
      `missing ${expected.length > 1 ? `one of ${expected.join(" | ")}` : `element ${expected[0]}`}`,
      { expected },
    );
  }

  /** Greedy match of a deterministic (UPA) content model; returns the next child index or -1. */
  private match(
    c: Compiled,
    content: Content,
    start: number,
    out: Record<string, unknown>,
    plan: ComplexPlan,
    depth: number,
  ): number {
    const { kids, ids, n: count } = content;
    let i = start;
    if (c.kind === "element") {
      let n = 0;
      while (n < c.max && i < count) {
        const t = c.byId.get(ids[i] as string);
        if (!t) break;
        this.put(out, t, kids[i] as XmlElement, plan, depth);
        i++;
        n++;
      }
      if (n < c.min) return content.fail(i, c);
      if (n < c.max && i < count) content.fail(i, c);
      return i;
    }
    if (c.kind === "any") {
      let n = 0;
      while (n < c.max && i < count && c.test((kids[i] as XmlElement).ns)) {
        this.pushTo(out, "$any", writeFragment(kids[i] as XmlElement));
        i++;
        n++;
      }
      if (n < c.min) return content.fail(i, c);
      return i;
    }
    let reps = 0;
    while (reps < c.max) {
      const kid = kids[i];
      const startsHere =
        kid !== undefined && (c.first.has(ids[i] as string) || anyAdmits(c.firstAny, kid.ns));
      if (!startsHere && reps >= c.min) break;
      // an optional repetition is rolled back if it does not match
      const mark = reps >= c.min ? this.mark() : -1;
      let j: number;
      if (c.kind === "sequence") {
        j = i;
        for (const item of c.items) {
          j = this.match(item, content, j, out, plan, depth);
          if (j < 0) break;
        }
      } else if (c.kind === "choice") {
        j = -1;
        if (kid !== undefined)
          for (const item of c.items) {
            if (!canStart(item, ids[i] as string, kid.ns)) continue;
            j = this.match(item, content, i, out, plan, depth);
            if (j >= 0) break;
          }
        if (j < 0 && !startsHere) {
          if (c.nullable) j = i;
          else content.fail(i, c);
        }
      } else {
        j = this.matchAll(c.items, content, i, out, plan, depth);
      }
      if (j < 0) {
        if (mark >= 0) {
          this.undo(out, mark);
          break;
        }
        return -1;
      }
      if (mark >= 0) this.unmark();
      reps++;
      if (j === i) break;
      i = j;
    }
    if (reps < c.min && !c.nullable) return content.fail(i, c);
    return i;
  }

  private matchAll(
    items: readonly Compiled[],
    content: Content,
    start: number,
    out: Record<string, unknown>,
    plan: ComplexPlan,
    depth: number,
  ): number {
    const done = new Set<Compiled>();
    let i = start;
    for (;;) {
      const kid = content.kids[i];
      if (!kid) break;
      const id = content.ids[i] as string;
      const item = items.find((it) => !done.has(it) && it.kind === "element" && it.byId.has(id));
      if (!item) break;
      i = this.match(item, content, i, out, plan, depth);
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
    plan: ComplexPlan,
    depth: number,
  ): void {
    const d = depth + 1;
    this.keys[d] = t.key;
    if (plan.slotMany[t.slot]) {
      const list = this.listOf(out, t.key);
      this.indexes[d] = list.length;
      list.push(this.element(kid, t.type, t.nillable, d));
    } else {
      if (t.key in out)
        throw issue(
          "unexpected-element",
          this.path(depth, `/${t.key}`),
          `element ${t.local} occurs more than once`,
        );
      this.indexes[d] = -1;
      out[t.key] = this.element(kid, t.type, t.nillable, d);
      this.logged(t.key, -1);
    }
  }

  private pushTo(out: Record<string, unknown>, key: string, value: unknown): void {
    this.listOf(out, key).push(value);
  }

  /** The array `key` holds (made, if need be), its state logged for a rollback. */
  private listOf(out: Record<string, unknown>, key: string): unknown[] {
    let list = out[key] as unknown[] | undefined | null;
    if (list == null) {
      out[key] = list = [];
      this.logged(key, -1);
    } else this.logged(key, list.length);
    return list;
  }

  /** Starts trying an optional repetition; returns its place in the undo log. */
  private mark(): number {
    if (this.marks++ === 0) this.base = this.logSize;
    return this.logSize;
  }

  /** The repetition matched: its changes stay (logged for an enclosing one, if any). */
  private unmark(): void {
    if (--this.marks === 0) this.logSize = this.base;
  }

  /** The repetition did not match: roll `out` back to `mark`. */
  private undo(out: Record<string, unknown>, mark: number): void {
    const log = this.log;
    for (let k = this.logSize - 2; k >= mark; k -= 2) {
      const key = log[k] as string;
      const len = log[k + 1] as number;
      if (len < 0) delete out[key];
      else (out[key] as unknown[]).length = len;
    }
    this.logSize = mark;
    this.unmark();
  }

  private logged(key: string, length: number): void {
    if (this.marks > 0) {
      this.log[this.logSize++] = key;
      this.log[this.logSize++] = length;
    }
  }
}
