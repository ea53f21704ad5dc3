/**
 * Model -> XML for one wire profile. Walks the profile's content model in XSD order, taking values
 * from the canonical JSON form; element names get the profile's namespace URIs and the canonical
 * prefixes. A property the profile cannot carry is an error, never silently left out.
 *
 * Cost per element is kept to the tree node itself (docs/benchmarks.md): error paths are built
 * only when an error is thrown, from path pieces kept per depth; particles are walked by methods,
 * not closures; alternatives are tried on copies only when more than one holds values.
 */

import {
  type Compiled,
  type ComplexPlan,
  clark,
  derivesFrom,
  type ElementTarget,
  type ProfilePlans,
  plansFor,
  requirePlan,
  reusableFor,
  XSI,
} from "./compile.js";
import type { CodecDocument } from "./document.js";
import { issue } from "./errors.js";
import {
  type AnyElementHandle,
  type ElementHandle,
  expectElement,
  type HandleOptions,
  isElementHandle,
  type ProfileTypes,
  registryOf,
} from "./handle.js";
import { getProfile, type Profile, type Registry } from "./registry.js";
import { formatLexical } from "./values.js";
import { readXml } from "./xml/read.js";
import { XmlStreamWriter } from "./xml/stream.js";
import { type XmlAttribute, type XmlElement, XmlError, type XmlNode } from "./xml/types.js";
import { writeXml } from "./xml/write.js";

export interface EncodeOptions {
  /** wire profile to write; defaults to the document's own */
  readonly profile?: string;
  /** write the XML declaration (default true) */
  readonly declaration?: boolean;
}

/**
 * Writes a document as XML. With a handle, the document must be of the handle's element and the
 * profile one of the handle's.
 */
export function encodeXml<M extends ProfileTypes>(
  handle: ElementHandle<M>,
  doc: CodecDocument<M[keyof M]>,
  options?: EncodeOptions & HandleOptions<keyof M & string>,
): string;
export function encodeXml(registry: Registry, doc: CodecDocument, options?: EncodeOptions): string;
export function encodeXml(
  target: Registry | AnyElementHandle,
  doc: CodecDocument,
  options: EncodeOptions & HandleOptions = {},
): string {
  const registry = registryOf(target, options);
  if (isElementHandle(target)) expectElement(target, doc.element, options.profile ?? doc.profile);
  const profile = getProfile(registry, options.profile ?? doc.profile);
  const prefixes = prefixesOf(profile);
  const declaration = options.declaration ?? true;
  // straight to text; through the tree only when the stream cannot promise writeXml's bytes
  const stream = new XmlStreamWriter({
    declaration,
    prefixes,
    ...(doc.schemaLocation === undefined ? {} : { schemaLocation: doc.schemaLocation }),
  });
  const seed = encodeWith(registry, profile, doc.element, doc.value, stream);
  const text = stream.finish(seed);
  if (text !== undefined) return text;
  return encodeThroughTree(registry, profile, doc, declaration, prefixes);
}

/**
 * `encodeXml` through an XmlElement tree and `writeXml`, as before it wrote straight to text: the
 * same text, or the error `writeXml` gives. Internal: the tests compare the two ways.
 */
export function encodeXmlThroughTree(
  registry: Registry,
  doc: CodecDocument,
  options: EncodeOptions = {},
): string {
  const profile = getProfile(registry, options.profile ?? doc.profile);
  return encodeThroughTree(
    registry,
    profile,
    doc,
    options.declaration ?? true,
    prefixesOf(profile),
  );
}

function encodeThroughTree(
  registry: Registry,
  profile: Profile,
  doc: CodecDocument,
  declaration: boolean,
  prefixes: ReadonlyMap<string, string>,
): string {
  let tree = encodeTree(registry, profile, doc.element, doc.value);
  if (doc.schemaLocation !== undefined) {
    if (tree.attrs.some((a) => a.ns === XSI && a.local === "schemaLocation"))
      throw issue(
        "bad-value",
        `/${tree.local}/@xsi:schemaLocation`,
        "the document element's xsi:schemaLocation is given twice: as the document's schemaLocation and as \"@xsi:schemaLocation\" of its value",
      );
    tree = {
      ...tree,
      attrs: [
        ...tree.attrs,
        { ns: XSI, local: "schemaLocation", prefix: "xsi", value: doc.schemaLocation },
      ],
    };
  }
  try {
    return writeXml(tree, { declaration, prefixes });
  } catch (e) {
    // values are checked for XML 1.0 characters where they are formatted; this catches the rest
    // (foreign attributes, mixed text, xsi:schemaLocation) as a typed error, never a stack trace
    if (e instanceof XmlError) throw issue("bad-value", `/${tree.local}`, e.message);
    throw e;
  }
}

const profilePrefixes = new WeakMap<Profile, ReadonlyMap<string, string>>();

/** URI -> canonical prefix, the writer's preferred prefixes for a profile. */
function prefixesOf(profile: Profile): ReadonlyMap<string, string> {
  let prefixes = profilePrefixes.get(profile);
  if (!prefixes) {
    const m = new Map<string, string>([[XSI, "xsi"]]);
    for (const [prefix, uri] of profile.uriOf) m.set(uri, prefix);
    profilePrefixes.set(profile, (prefixes = m));
  }
  return prefixes;
}

/** The document as a tree (validate's dry run, and the path `encodeXml` falls back on). */
export function encodeTree(
  registry: Registry,
  profile: Profile,
  element: string,
  value: unknown,
): XmlElement {
  const sink = new TreeSink();
  const seed = encodeWith(registry, profile, element, value, sink);
  const root = sink.root();
  // prefixes used inside xsi:type values must be declared even if no element name uses them
  return seed.size > 0 ? { ...root, scope: seed } : root;
}

/**
 * Writes the document element to `sink`; returns the prefix -> URI bindings of the types named
 * by "@xsi:type" values (empty if none), which the root must declare.
 */
function encodeWith(
  registry: Registry,
  profile: Profile,
  element: string,
  value: unknown,
  sink: Sink,
): ReadonlyMap<string, string> {
  const decl = profile.elements.get(element);
  if (!decl)
    throw issue(
      "not-in-profile",
      `/${element}`,
      `element ${element} is not part of profile ${profile.name}`,
    );
  if (decl.abstract) throw issue("not-in-profile", `/${element}`, `element ${element} is abstract`);
  const colon = element.indexOf(":");
  const prefix = element.slice(0, colon);
  const name: ElementName = {
    ns: prefix === "" ? "" : (profile.uriOf.get(prefix) as string),
    local: element.slice(colon + 1),
    prefix,
    type: decl.type,
    nillable: decl.nillable === true,
  };
  const enc = encoderFor(registry, profile);
  enc.busy = true;
  enc.sink = sink;
  try {
    enc.root(name, value);
    return enc.qnamePrefixes ?? EMPTY_SCOPE;
  } finally {
    enc.release();
  }
}

/**
 * Where the encoder writes: a tree ({@link TreeSink}) or text ({@link XmlStreamWriter}). An
 * element's attributes are complete when it starts; a failed alternative is rewound.
 */
interface Sink {
  start(name: ElementName, attrs: readonly XmlAttribute[]): void;
  text(text: string): void;
  /** a parsed node (wildcard or any-type content) as the next child */
  node(node: XmlNode): void;
  end(): void;
  mark(): unknown;
  rewind(mark: unknown): void;
}

/** Builds the XmlElement tree. */
class TreeSink implements Sink {
  /**
   * The children written so far of the open elements, innermost last (up to `top`): each
   * element takes its own as an array of exactly their number, where a pushed-to array would
   * reserve room for 16 or more, which the whole tree then holds until it is written.
   */
  private readonly stack: XmlNode[] = [];
  private top = 0;
  private readonly names: ElementName[] = [];
  private readonly attrs: (readonly XmlAttribute[])[] = [];
  private readonly bases: number[] = [];
  private open = 0;

  start(name: ElementName, attrs: readonly XmlAttribute[]): void {
    this.names[this.open] = name;
    this.attrs[this.open] = attrs;
    this.bases[this.open++] = this.top;
  }

  text(text: string): void {
    this.stack[this.top++] = { text };
  }

  node(node: XmlNode): void {
    this.stack[this.top++] = node;
  }

  end(): void {
    const open = --this.open;
    const base = this.bases[open] as number;
    const children = this.stack.slice(base, this.top);
    this.top = base;
    const name = this.names[open] as ElementName;
    this.stack[this.top++] = {
      ns: name.ns,
      local: name.local,
      prefix: name.prefix,
      attrs: this.attrs[open] as readonly XmlAttribute[],
      children,
      scope: EMPTY_SCOPE,
    };
  }

  mark(): { top: number; open: number } {
    return { top: this.top, open: this.open };
  }

  rewind(mark: unknown): void {
    const m = mark as { top: number; open: number };
    this.top = m.top;
    this.open = m.open;
  }

  root(): XmlElement {
    return this.stack[0] as XmlElement;
  }
}

/** the sink of an idle encoder (never written to) */
const NO_SINK: Sink = new TreeSink();

const encoders = new WeakMap<ProfilePlans, Encoder>();

/** The encoder of a profile, reused (see reusableFor in compile.ts). */
function encoderFor(registry: Registry, profile: Profile): Encoder {
  const plans = plansFor(registry, profile);
  return reusableFor(encoders, plans, () => new Encoder(registry, profile, plans));
}

/** What the encoder needs to know of an element: the document element's or a particle's. */
type ElementName = Pick<ElementTarget, "ns" | "local" | "prefix" | "type" | "nillable"> & {
  /** `prefix:local`, which the text writer reuses (a particle's ElementTarget has it) */
  readonly qname?: string;
};

const EMPTY_SCOPE: ReadonlyMap<string, string> = new Map();
/** shared by the many elements without attributes (trees are read-only) */
const NO_ATTRS: readonly XmlAttribute[] = Object.freeze([]);
const hasOwn = Object.prototype.hasOwnProperty;
const NO_OBJECT: Record<string, unknown> = Object.freeze({});
const NIL: readonly XmlAttribute[] = Object.freeze([
  { ns: XSI, local: "nil", prefix: "xsi", value: "true" },
]);

/** Keys of the schema location hints an element's object may carry (docs/json-mapping.md). */
function isHintKey(k: string): boolean {
  return k === "@xsi:schemaLocation" || k === "@xsi:noNamespaceSchemaLocation";
}

/**
 * The content of one complex element being written, in arrays indexed by the plan's slots (one
 * per JSON key the content model takes): the key's value, how many values it holds, where the
 * object lists it, and how many are written so far. A count is -1 until a particle taking the
 * key is reached, so that values no particle took can be reported. Frames are reused per depth.
 */
class Frame {
  obj: Record<string, unknown> = NO_OBJECT;
  plan!: ComplexPlan;
  depth = 0;
  values: unknown[] = [];
  totals: number[] = [];
  ranks: number[] = [];
  counts: number[] = [];
  /** slots in the order they were reached (the first `reachedCount`): leftovers are reported so */
  reached: number[] = [];
  reachedCount = 0;
  /** keys with a value that no slot, attribute, "@xsi:type", "$attributes" or "$text" takes */
  others = 0;

  /** Starts on `obj`: one pass over its keys. */
  reset(obj: Record<string, unknown>, plan: ComplexPlan, depth: number): this {
    this.obj = obj;
    this.plan = plan;
    this.depth = depth;
    for (let s = 0; s < plan.slotKeys.length; s++) {
      this.values[s] = undefined;
      this.totals[s] = 0;
      this.counts[s] = -1;
    }
    this.reachedCount = 0;
    this.others = 0;
    // for-in with an own-property check walks what Object.keys lists, in its order, without
    // allocating an array (V8 compiles the check away)
    let i = -1;
    for (const k in obj) {
      if (!hasOwn.call(obj, k)) continue;
      i++;
      const v = obj[k];
      if (v === undefined) continue;
      const s = plan.slotOf.get(k);
      if (s !== undefined) {
        this.values[s] = v;
        this.totals[s] = Array.isArray(v) && plan.slotMany[s] ? v.length : 1;
        this.ranks[s] = i;
      } else if (
        !plan.attributeKeys.has(k) &&
        k !== "@xsi:type" &&
        !isHintKey(k) &&
        k !== "$attributes" &&
        !(k === "$text" && plan.mixed && typeof v === "string")
      )
        this.others++;
    }
    return this;
  }

  /** Drops the references to the document. */
  release(): void {
    this.obj = NO_OBJECT;
    // the slots of the last plan: a plan with more slots, met earlier, was cleared by its reset
    this.values.fill(
      undefined,
      0,
      this.plan === undefined ? this.values.length : this.plan.slotKeys.length,
    );
  }

  /** A copy to try an alternative on (values are shared: they are only read). */
  fork(): Frame {
    const f = new Frame();
    f.obj = this.obj;
    f.plan = this.plan;
    f.depth = this.depth;
    f.values = this.values;
    f.totals = this.totals;
    f.ranks = this.ranks;
    f.counts = this.counts.slice();
    f.reached = this.reached.slice(0, this.reachedCount);
    f.reachedCount = this.reachedCount;
    return f;
  }

  /** Takes over what a successful trial wrote. */
  adopt(trial: Frame): void {
    this.counts = trial.counts;
    this.reached = trial.reached;
    this.reachedCount = trial.reachedCount;
  }

  /** Marks a slot's particle as reached. */
  reach(s: number): void {
    if ((this.counts[s] as number) < 0) {
      this.counts[s] = 0;
      this.reached[this.reachedCount++] = s;
    }
  }

  /** How many values of slot `s` are not written yet. */
  available(s: number): number {
    const n = this.counts[s] as number;
    return (this.totals[s] as number) - Math.max(n, 0);
  }

  /** Does the object still hold values for particle `c`? */
  has(c: Compiled): boolean {
    for (const s of c.slots) if (this.available(s) > 0) return true;
    return false;
  }

  /** Where the object first lists a value `c` can still write (Infinity: nowhere). */
  firstOrder(c: Compiled): number {
    let min = Number.POSITIVE_INFINITY;
    for (const s of c.slots)
      if (this.available(s) > 0) min = Math.min(min, this.ranks[s] as number);
    return min;
  }

  /**
   * Of the targets with values left, the one the object lists first (several members of a
   * substitution group are written in the order of first appearance when decoded).
   */
  nextTarget(targets: readonly ElementTarget[]): ElementTarget | undefined {
    let next: ElementTarget | undefined;
    for (const t of targets)
      if (
        this.available(t.slot) > 0 &&
        (!next || (this.ranks[t.slot] as number) < (this.ranks[next.slot] as number))
      )
        next = t;
    return next;
  }

  /** Is every value of the object taken by the content written or by the attributes? */
  allTaken(): boolean {
    if (this.others > 0) return false;
    for (let s = 0; s < this.plan.slotKeys.length; s++)
      if (this.values[s] !== undefined && (this.counts[s] as number) < 0) return false;
    return true;
  }

  /** Has a particle taking `key` been reached? */
  reachedKey(key: string): boolean {
    const s = this.plan.slotOf.get(key);
    return s !== undefined && (this.counts[s] as number) >= 0;
  }
}

class Encoder {
  busy = false;
  /** prefix -> URI of the types named by "@xsi:type" values, once there is one */
  qnamePrefixes: Map<string, string> | undefined;
  /** path pieces of the element being written at each depth: its JSON key, its index or -1 */
  private readonly keys: string[] = [];
  private readonly indexes: number[] = [];
  /** one Frame per depth, reused by the elements written there */
  private readonly frames: Frame[] = [];
  /** where the document being encoded goes */
  sink: Sink = NO_SINK;

  constructor(
    private readonly registry: Registry,
    private readonly profile: Profile,
    private readonly plans: ProfilePlans,
  ) {}

  /** Ends a document: drops the references to it. */
  release(): void {
    this.busy = false;
    this.qnamePrefixes = undefined;
    for (const f of this.frames) f.release();
    this.sink = NO_SINK;
  }

  root(name: ElementName, value: unknown): void {
    this.keys[0] = name.local;
    this.indexes[0] = -1;
    this.element(name, value, 0);
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

  private element(name: ElementName, value: unknown, depth: number): void {
    const declared = name.type;
    if (value === null) {
      if (!name.nillable)
        throw issue("bad-value", this.path(depth), "null for an element that is not nillable");
      this.sink.start(name, NIL);
      this.sink.end();
      return;
    }
    if (declared === "xs:anyType") {
      this.anyType(name, value, depth);
      return;
    }
    const simple = this.plans.simple(declared);
    if (simple !== undefined) {
      const text = formatLexical(simple.primitive, value);
      if (typeof text !== "string") throw text.issue(this.path(depth));
      if (simple.variant && !simple.variant(value))
        throw issue(
          "not-in-profile",
          this.path(depth),
          `${JSON.stringify(value)} is not a valid ${declared} in profile ${this.profile.name}`,
        );
      this.sink.start(name, NO_ATTRS);
      this.sink.text(text);
      this.sink.end();
      return;
    }
    if (typeof value !== "object" || value === undefined || Array.isArray(value))
      throw issue("bad-value", this.path(depth), `expected an object for ${declared}`);
    this.complex(name, value as Record<string, unknown>, depth);
  }

  private anyType(name: ElementName, value: unknown, depth: number): void {
    const frag = (value as { $xml?: unknown } | undefined)?.$xml;
    if (typeof frag !== "string")
      throw issue(
        "bad-value",
        this.path(depth),
        'expected {"$xml": "<element>…</element>"} for an element of any type',
      );
    const parsed = this.fragment(frag, depth, "");
    if (parsed.ns !== name.ns || parsed.local !== name.local)
      throw issue(
        "bad-value",
        this.path(depth, "/$xml"),
        `the fragment's element {${parsed.ns}}${parsed.local} is not {${name.ns}}${name.local}`,
      );
    this.sink.start(name, parsed.attrs);
    for (const child of parsed.children) this.sink.node(child);
    this.sink.end();
  }

  private complex(name: ElementName, obj: Record<string, unknown>, depth: number): void {
    const declared = name.type;
    let attrs: XmlAttribute[] | undefined;
    let type = declared;
    const xsiType = obj["@xsi:type"];
    if (xsiType !== undefined) {
      type = this.xsiType(xsiType, declared, depth);
      attrs = [{ ns: XSI, local: "type", prefix: "xsi", value: type }];
    }
    const location = obj["@xsi:schemaLocation"];
    if (location !== undefined) (attrs ??= []).push(this.hint("schemaLocation", location, depth));
    const noNamespace = obj["@xsi:noNamespaceSchemaLocation"];
    if (noNamespace !== undefined)
      (attrs ??= []).push(this.hint("noNamespaceSchemaLocation", noNamespace, depth));
    const plan = requirePlan(
      this.plans,
      type,
      this.profile.name,
      () => this.path(depth),
      "not-in-profile",
    );
    if (plan.descriptor.abstract)
      throw issue("unknown-type", this.path(depth), `type ${type} is abstract: give "@xsi:type"`);
    attrs = this.attributes(plan, obj, attrs, depth);
    this.sink.start(name, attrs ?? NO_ATTRS);
    let frame: Frame | undefined;
    let textUsed = false;
    if (plan.simple !== undefined) {
      if (!("$value" in obj))
        throw issue("missing-element", this.path(depth, "/$value"), "missing $value");
      const text = formatLexical(plan.simple, obj.$value);
      if (typeof text !== "string") throw text.issue(this.path(depth, "/$value"));
      this.sink.text(text);
    } else {
      if (plan.mixed && typeof obj.$text === "string") {
        this.sink.text(obj.$text);
        textUsed = true;
      }
      if (plan.content) {
        frame = (this.frames[depth] ??= new Frame()).reset(obj, plan, depth);
        this.emit(plan.content, frame, true);
        this.checkAllWritten(frame, type);
      }
    }
    if (!frame?.allTaken()) this.checkKeys(obj, plan, frame, textUsed, type, depth);
    this.sink.end();
  }

  /** Every key of the object must have been written (as an attribute, content or value). */
  private checkKeys(
    obj: Record<string, unknown>,
    plan: ComplexPlan,
    frame: Frame | undefined,
    textUsed: boolean,
    type: string,
    depth: number,
  ): void {
    for (const k of Object.keys(obj)) {
      if (obj[k] === undefined || k === "@xsi:type" || k === "$attributes" || isHintKey(k))
        continue;
      if (plan.attributeKeys.has(k) || frame?.reachedKey(k)) continue;
      if (k === "$value" ? plan.simple !== undefined : k === "$text" && textUsed) continue;
      if (plan.keys.has(k))
        throw issue(
          "not-in-profile",
          this.path(depth, `/${k}`),
          `${k} cannot be written in profile ${this.profile.name} (type ${type})`,
        );
      throw issue(
        "unknown-property",
        this.path(depth, `/${k}`),
        `unknown property ${k} for ${type}`,
      );
    }
  }

  /** The attribute of an "@xsi:schemaLocation" or "@xsi:noNamespaceSchemaLocation" value. */
  private hint(local: string, value: unknown, depth: number): XmlAttribute {
    if (typeof value !== "string")
      throw issue(
        "bad-value",
        this.path(depth, `/@xsi:${local}`),
        `@xsi:${local} must be a string`,
      );
    return { ns: XSI, local, prefix: "xsi", value };
  }

  /** Checks an "@xsi:type" value and notes its prefix for declaration; returns the type. */
  private xsiType(xsiType: unknown, declared: string, depth: number): string {
    if (
      typeof xsiType !== "string" ||
      !this.registry.types.has(xsiType) ||
      !derivesFrom(this.registry, this.profile, xsiType, declared)
    )
      throw issue(
        "unknown-type",
        this.path(depth, "/@xsi:type"),
        `${String(xsiType)} is not a type derived from ${declared}`,
      );
    const tp = xsiType.slice(0, xsiType.indexOf(":"));
    const tpUri = this.profile.uriOf.get(tp);
    if (tpUri === undefined)
      throw issue(
        "not-in-profile",
        this.path(depth, "/@xsi:type"),
        `profile ${this.profile.name} has no namespace for ${tp}`,
      );
    (this.qnamePrefixes ??= new Map()).set(tp, tpUri);
    return xsiType;
  }

  /** A value left over once the content model is walked does not fit it. */
  private checkAllWritten(f: Frame, type: string): void {
    for (let r = 0; r < f.reachedCount; r++) {
      const s = f.reached[r] as number;
      const n = f.counts[s] as number;
      const total = f.values[s] === undefined ? 1 : (f.totals[s] as number);
      const k = f.plan.slotKeys[s] as string;
      if (n < total)
        throw issue(
          "not-in-profile",
          this.path(f.depth, `/${k}`),
          `${total - n} value(s) of ${k} do not fit the content model of ${type} in profile ${this.profile.name}`,
        );
    }
  }

  private attributes(
    plan: ComplexPlan,
    obj: Record<string, unknown>,
    attrs: XmlAttribute[] | undefined,
    depth: number,
  ): XmlAttribute[] | undefined {
    for (const a of plan.attributes) {
      const v = obj[a.key];
      if (v === undefined) {
        if (a.required)
          throw issue(
            "missing-attribute",
            this.path(depth, `/${a.key}`),
            `required attribute ${a.local} is missing`,
          );
        continue;
      }
      const value = formatLexical(a.primitive, v);
      if (typeof value !== "string") throw value.issue(this.path(depth, `/${a.key}`));
      (attrs ??= []).push({ ns: a.ns, local: a.local, prefix: a.prefix, value });
    }
    const bag = obj.$attributes;
    if (bag !== undefined) {
      if (!plan.anyAttribute || typeof bag !== "object" || bag === null)
        throw issue(
          "unknown-property",
          this.path(depth, "/$attributes"),
          "this type takes no foreign attributes",
        );
      for (const [name, v] of Object.entries(bag as Record<string, unknown>)) {
        const m = /^\{([^}]*)\}(.+)$/.exec(name);
        const ns = m ? (m[1] as string) : "";
        const local = m ? (m[2] as string) : name;
        if (!plan.anyAttribute(ns) || typeof v !== "string")
          throw issue(
            "bad-value",
            this.path(depth, `/$attributes/${name}`),
            "foreign attribute not allowed here",
          );
        (attrs ??= []).push({
          ns,
          local,
          prefix: ns ? (this.profile.prefixOf.get(ns) ?? "") : "",
          value: v,
        });
      }
    }
    return attrs;
  }

  /** Writes the values a particle takes; returns how many items it wrote. */
  private emit(c: Compiled, f: Frame, required: boolean): number {
    if (c.kind === "element") return this.emitElement(c, f, required);
    if (c.kind === "any") return this.emitAny(c, f, required);
    let total = 0;
    for (let rep = 0; rep < c.max; rep++) {
      const mustWrite = required && rep < c.min;
      if (!mustWrite && !f.has(c)) break;
      let written = 0;
      if (c.kind === "choice") written = this.emitChoice(c, f, mustWrite);
      // every item of a repetition that is written is required: the repetition is either
      // required or holds values (checked above), and an item that writes nothing changes
      // neither, so asking f.has(c) again per item would only repeat that scan
      else for (const item of c.items) written += this.emit(item, f, true);
      total += written;
      if (written === 0) break;
    }
    return total;
  }

  private emitElement(c: Compiled & { kind: "element" }, f: Frame, required: boolean): number {
    for (const t of c.targets) if (f.values[t.slot] !== undefined) f.reach(t.slot);
    let written = 0;
    while (written < c.max) {
      const next = f.nextTarget(c.targets);
      if (!next) break;
      this.writeTarget(next, f);
      written++;
    }
    if (required && written < c.min) {
      const names = c.targets.map((t) => t.key);
      throw issue(
        "missing-element",
        this.path(f.depth, `/${names[0]}`),
        `missing ${names.length > 1 ? `one of ${names.join(" | ")}` : names[0]}`,
        { expected: c.targets.map((t) => t.qname) },
      );
    }
    return written;
  }

  private emitAny(c: Compiled & { kind: "any" }, f: Frame, required: boolean): number {
    const s = c.slots[0] as number;
    const frags = f.values[s];
    if (!Array.isArray(frags)) {
      if (required && c.min > 0)
        throw issue("missing-element", this.path(f.depth, "/$any"), "missing wildcard content");
      return 0;
    }
    f.reach(s);
    let written = 0;
    while (written < c.max && f.available(s) > 0) {
      const n = f.counts[s] as number;
      const frag = frags[n];
      if (typeof frag !== "string")
        throw issue(
          "bad-value",
          this.path(f.depth, `/$any[${n}]`),
          "expected an XML fragment string",
        );
      this.sink.node(this.fragment(frag, f.depth, `/$any[${n}]`));
      f.counts[s] = n + 1;
      written++;
    }
    return written;
  }

  /** One repetition of a choice: the alternative that holds values. */
  private emitChoice(
    c: Compiled & { kind: "choice" | "sequence" | "all" },
    f: Frame,
    mustWrite: boolean,
  ): number {
    let only: Compiled | undefined;
    let count = 0;
    for (const item of c.items)
      if (f.has(item)) {
        only = item;
        count++;
      }
    if (count === 1) return this.emit(only as Compiled, f, true);
    if (count > 1) return this.tryAlternatives(c.items, f);
    if (mustWrite && !c.nullable) {
      const names = [...c.first];
      throw issue("missing-element", this.path(f.depth), `missing one of ${names.join(" | ")}`, {
        expected: names,
      });
    }
    return 0;
  }

  /**
   * Alternatives that hold values, earliest in the object first. Several may share an element
   * (ds:PGPData: KeyID+Packet | Packet), so each is tried on a copy and the first that can be
   * written completely wins; if none can, the first one's error is reported.
   */
  private tryAlternatives(items: readonly Compiled[], f: Frame): number {
    const candidates = items
      .filter((item) => f.has(item))
      .map((item, index) => ({ item, index, order: f.firstOrder(item) }))
      .sort((a, b) => a.order - b.order || a.index - b.index);
    let firstError: unknown;
    for (const { item } of candidates) {
      const trial = f.fork();
      const mark = this.sink.mark();
      let written: number;
      try {
        written = this.emit(item, trial, true);
      } catch (e) {
        this.sink.rewind(mark); // drop what the trial wrote
        firstError ??= e;
        continue;
      }
      f.adopt(trial);
      return written;
    }
    throw firstError;
  }

  private writeTarget(t: ElementTarget, f: Frame): void {
    const n = f.counts[t.slot] as number;
    const v = f.values[t.slot];
    const many = f.plan.slotMany[t.slot] as boolean;
    if (many && !Array.isArray(v))
      throw issue("bad-value", this.path(f.depth, `/${t.key}`), `${t.key} must be an array`);
    const depth = f.depth + 1;
    this.keys[depth] = t.key;
    this.indexes[depth] = many ? n : -1;
    this.element(t, many ? (v as unknown[])[n] : v, depth);
    f.counts[t.slot] = n + 1;
  }

  private fragment(xml: string, depth: number, suffix: string): XmlElement {
    try {
      return readXml(xml);
    } catch (e) {
      throw issue(
        "bad-value",
        this.path(depth, suffix),
        `not a well-formed XML fragment: ${(e as Error).message}`,
      );
    }
  }
}

export { clark };
