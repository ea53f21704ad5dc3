/**
 * Model -> XML for one wire profile. Walks the profile's content model in XSD order, taking values
 * from the canonical JSON form; element names get the profile's namespace URIs and the canonical
 * prefixes. A property the profile cannot carry is an error, never silently left out.
 */

import { variantValidator } from "./ajv.js";
import {
  type AttributePlan,
  type Compiled,
  type ComplexPlan,
  clark,
  complexPlan,
  derivesFrom,
  type ElementTarget,
  PlanError,
  primitiveOf,
  XSI,
} from "./compile.js";
import type { CodecDocument } from "./document.js";
import { issue } from "./errors.js";
import { getProfile, type Profile, type Registry } from "./registry.js";
import { toLexical } from "./values.js";
import { readXml } from "./xml/read.js";
import type { XmlAttribute, XmlElement, XmlNode } from "./xml/types.js";
import { writeXml } from "./xml/write.js";

export interface EncodeOptions {
  /** wire profile to write; defaults to the document's own */
  readonly profile?: string;
  /** write the XML declaration (default true) */
  readonly declaration?: boolean;
}

export function encodeXml(
  registry: Registry,
  doc: CodecDocument,
  options: EncodeOptions = {},
): string {
  const profile = getProfile(registry, options.profile ?? doc.profile);
  let tree = encodeTree(registry, profile, doc.element, doc.value);
  if (doc.schemaLocation !== undefined)
    tree = {
      ...tree,
      attrs: [
        ...tree.attrs,
        { ns: XSI, local: "schemaLocation", prefix: "xsi", value: doc.schemaLocation },
      ],
    };
  const prefixes = new Map<string, string>([[XSI, "xsi"]]);
  for (const [prefix, uri] of profile.uriOf) prefixes.set(uri, prefix);
  return writeXml(tree, { declaration: options.declaration ?? true, prefixes });
}

export function encodeTree(
  registry: Registry,
  profile: Profile,
  element: string,
  value: unknown,
): XmlElement {
  const decl = profile.elements.get(element);
  if (!decl)
    throw issue(
      "not-in-profile",
      `/${element}`,
      `element ${element} is not part of profile ${profile.name}`,
    );
  if (decl.abstract) throw issue("not-in-profile", `/${element}`, `element ${element} is abstract`);
  const enc = new Encoder(registry, profile);
  const colon = element.indexOf(":");
  const root = enc.element(
    element.slice(0, colon),
    element.slice(colon + 1),
    decl.type,
    decl.nillable === true,
    value,
    `/${element.slice(colon + 1)}`,
  );
  // prefixes used inside xsi:type values must be declared even if no element name uses them
  return enc.qnamePrefixes.size ? { ...root, scope: enc.qnamePrefixes } : root;
}

const EMPTY_SCOPE: ReadonlyMap<string, string> = new Map();
const attributeKeySets = new WeakMap<ComplexPlan, ReadonlySet<string>>();
function attributeKeysOf(plan: ComplexPlan): ReadonlySet<string> {
  let s = attributeKeySets.get(plan);
  if (!s) attributeKeySets.set(plan, (s = new Set(plan.attributes.map((a) => a.key))));
  return s;
}

class Encoder {
  readonly qnamePrefixes = new Map<string, string>();
  constructor(
    private readonly registry: Registry,
    private readonly profile: Profile,
  ) {}

  element(
    prefix: string,
    local: string,
    declared: string,
    nillable: boolean,
    value: unknown,
    path: string,
  ): XmlElement {
    const ns = prefix === "" ? "" : (this.profile.uriOf.get(prefix) as string);
    const attrs: XmlAttribute[] = [];
    const children: XmlNode[] = [];
    const el = { ns, local, prefix, attrs, children, scope: EMPTY_SCOPE };
    if (value === null) {
      if (!nillable) throw issue("bad-value", path, "null for an element that is not nillable");
      attrs.push({ ns: XSI, local: "nil", prefix: "xsi", value: "true" });
      return el;
    }
    if (declared === "xs:anyType") {
      const frag = (value as { $xml?: unknown } | undefined)?.$xml;
      if (typeof frag !== "string")
        throw issue(
          "bad-value",
          path,
          'expected {"$xml": "<element>…</element>"} for an element of any type',
        );
      const parsed = readFragment(frag, path);
      if (parsed.ns !== ns || parsed.local !== local)
        throw issue(
          "bad-value",
          `${path}/$xml`,
          `the fragment's element {${parsed.ns}}${parsed.local} is not {${ns}}${local}`,
        );
      return { ...el, attrs: [...parsed.attrs], children: [...parsed.children] };
    }
    const primitive = primitiveOf(this.registry, declared);
    if (primitive !== undefined) {
      children.push({ text: toLexical(primitive, value, path) });
      const own = variantValidator(this.registry, declared, this.profile.name);
      if (own && !own(value))
        throw issue(
          "not-in-profile",
          path,
          `${JSON.stringify(value)} is not a valid ${declared} in profile ${this.profile.name}`,
        );
      return el;
    }
    if (typeof value !== "object" || value === undefined || Array.isArray(value))
      throw issue("bad-value", path, `expected an object for ${declared}`);
    const obj = value as Record<string, unknown>;
    let type = declared;
    const xsiType = obj["@xsi:type"];
    if (xsiType !== undefined) {
      if (
        typeof xsiType !== "string" ||
        !this.registry.types.has(xsiType) ||
        !derivesFrom(this.registry, this.profile, xsiType, declared)
      )
        throw issue(
          "unknown-type",
          `${path}/@xsi:type`,
          `${String(xsiType)} is not a type derived from ${declared}`,
        );
      type = xsiType;
      const colon = xsiType.indexOf(":");
      const tp = xsiType.slice(0, colon);
      const tpUri = this.profile.uriOf.get(tp);
      if (tpUri === undefined)
        throw issue(
          "not-in-profile",
          `${path}/@xsi:type`,
          `profile ${this.profile.name} has no namespace for ${tp}`,
        );
      this.qnamePrefixes.set(tp, tpUri);
      attrs.push({ ns: XSI, local: "type", prefix: "xsi", value: xsiType });
    }
    let plan: ComplexPlan | undefined;
    try {
      plan = complexPlan(this.registry, this.profile, type);
    } catch (e) {
      if (e instanceof PlanError) throw issue("not-in-profile", path, e.message);
      throw e;
    }
    if (!plan)
      throw issue(
        "not-in-profile",
        path,
        `type ${type} is not part of profile ${this.profile.name}`,
      );
    if (plan.descriptor.abstract)
      throw issue("unknown-type", path, `type ${type} is abstract: give "@xsi:type"`);
    this.attributes(plan, obj, attrs, path);
    let cursor: Map<string, number> | undefined;
    let textUsed = false;
    if (plan.simple !== undefined) {
      if (!("$value" in obj)) throw issue("missing-element", `${path}/$value`, "missing $value");
      children.push({ text: toLexical(plan.simple, obj.$value, `${path}/$value`) });
    } else {
      if (plan.mixed && typeof obj.$text === "string") {
        children.push({ text: obj.$text });
        textUsed = true;
      }
      if (plan.content) {
        cursor = new Map<string, number>();
        this.emit(plan.content, obj, plan, cursor, children, path, true);
        for (const [k, n] of cursor) {
          const v = obj[k];
          const total = Array.isArray(v) && plan.many.has(k) ? v.length : 1;
          if (n < total)
            throw issue(
              "not-in-profile",
              `${path}/${k}`,
              `${total - n} value(s) of ${k} do not fit the content model of ${type} in profile ${this.profile.name}`,
            );
        }
      }
    }
    const attributeKeys = attributeKeysOf(plan);
    for (const k of Object.keys(obj)) {
      if (obj[k] === undefined || k === "@xsi:type" || k === "$attributes") continue;
      if (attributeKeys.has(k) || cursor?.has(k)) continue;
      if (k === "$value" ? plan.simple !== undefined : k === "$text" && textUsed) continue;
      if (plan.keys.has(k))
        throw issue(
          "not-in-profile",
          `${path}/${k}`,
          `${k} cannot be written in profile ${this.profile.name} (type ${type})`,
        );
      throw issue("unknown-property", `${path}/${k}`, `unknown property ${k} for ${type}`);
    }
    return el;
  }

  private attributes(
    plan: ComplexPlan,
    obj: Record<string, unknown>,
    attrs: XmlAttribute[],
    path: string,
  ): void {
    for (const a of plan.attributes as AttributePlan[]) {
      const v = obj[a.key];
      if (v === undefined) {
        if (a.required)
          throw issue(
            "missing-attribute",
            `${path}/${a.key}`,
            `required attribute ${a.local} is missing`,
          );
        continue;
      }
      attrs.push({
        ns: a.ns,
        local: a.local,
        prefix: a.prefix,
        value: toLexical(a.primitive, v, `${path}/${a.key}`),
      });
    }
    const bag = obj.$attributes;
    if (bag !== undefined) {
      if (!plan.anyAttribute || typeof bag !== "object" || bag === null)
        throw issue(
          "unknown-property",
          `${path}/$attributes`,
          "this type takes no foreign attributes",
        );
      for (const [name, v] of Object.entries(bag as Record<string, unknown>)) {
        const m = /^\{([^}]*)\}(.+)$/.exec(name);
        const ns = m ? (m[1] as string) : "";
        const local = m ? (m[2] as string) : name;
        if (!plan.anyAttribute(ns) || typeof v !== "string")
          throw issue(
            "bad-value",
            `${path}/$attributes/${name}`,
            "foreign attribute not allowed here",
          );
        attrs.push({
          ns,
          local,
          prefix: ns ? (this.profile.prefixOf.get(ns) ?? "") : "",
          value: v,
        });
      }
    }
  }

  /** Writes the values a particle takes; returns how many items it wrote. */
  private emit(
    c: Compiled,
    obj: Record<string, unknown>,
    plan: ComplexPlan,
    cursor: Map<string, number>,
    out: XmlNode[],
    path: string,
    required: boolean,
  ): number {
    const available = (key: string): number => {
      const v = obj[key];
      if (v === undefined) return 0;
      const total = plan.many.has(key) && Array.isArray(v) ? v.length : 1;
      return total - (cursor.get(key) ?? 0);
    };
    const order = (key: string): number => keyOrder(obj).get(key) ?? Number.POSITIVE_INFINITY;
    const firstOrder = (x: Compiled): number => {
      if (x.kind === "element")
        return Math.min(
          ...x.targets.map((t) => (available(t.key) > 0 ? order(t.key) : Number.POSITIVE_INFINITY)),
        );
      if (x.kind === "any") return available("$any") > 0 ? order("$any") : Number.POSITIVE_INFINITY;
      return Math.min(...x.items.map(firstOrder));
    };
    if (c.kind === "element") {
      let written = 0;
      for (const t of c.targets)
        if (!cursor.has(t.key) && obj[t.key] !== undefined) cursor.set(t.key, 0);
      // several members of a substitution group: in the order the object lists them (the order
      // of first appearance when it was decoded)
      while (written < c.max) {
        let next: ElementTarget | undefined;
        for (const t of c.targets)
          if (available(t.key) > 0 && (!next || order(t.key) < order(next.key))) next = t;
        if (!next) break;
        this.writeTarget(next, obj, plan, cursor, out, path);
        written++;
      }
      if (required && written < c.min) {
        const names = c.targets.map((t) => t.key);
        throw issue(
          "missing-element",
          `${path}/${names[0]}`,
          `missing ${names.length > 1 ? `one of ${names.join(" | ")}` : names[0]}`,
          { expected: c.targets.map((t) => t.qname) },
        );
      }
      return written;
    }
    if (c.kind === "any") {
      const frags = obj.$any;
      if (!Array.isArray(frags)) {
        if (required && c.min > 0)
          throw issue("missing-element", `${path}/$any`, "missing wildcard content");
        return 0;
      }
      let written = 0;
      while (written < c.max && available("$any") > 0) {
        const n = cursor.get("$any") ?? 0;
        const frag = frags[n];
        if (typeof frag !== "string")
          throw issue("bad-value", `${path}/$any[${n}]`, "expected an XML fragment string");
        out.push(readFragment(frag, `${path}/$any[${n}]`));
        cursor.set("$any", n + 1);
        written++;
      }
      cursor.set("$any", cursor.get("$any") ?? 0);
      return written;
    }
    const has = (x: Compiled): boolean => {
      if (x.kind === "element") return x.targets.some((t) => available(t.key) > 0);
      if (x.kind === "any") return available("$any") > 0;
      return x.items.some(has);
    };
    let total = 0;
    for (let rep = 0; rep < c.max; rep++) {
      const mustWrite = required && rep < c.min;
      if (!mustWrite && !has(c)) break;
      let written = 0;
      if (c.kind === "choice") {
        // Alternatives that hold values, earliest in the object first. Several may share an element
        // (ds:PGPData: KeyID+Packet | Packet), so each is tried on a copy and the first that can be
        // written completely wins.
        const candidates = c.items
          .filter(has)
          .map((item, index) => ({ item, index, order: firstOrder(item) }))
          .sort((a, b) => a.order - b.order || a.index - b.index);
        let firstError: unknown;
        for (const { item } of candidates) {
          const trialCursor = new Map(cursor);
          const trialOut: XmlNode[] = [];
          try {
            written = this.emit(item, obj, plan, trialCursor, trialOut, path, true);
          } catch (e) {
            firstError ??= e;
            continue;
          }
          for (const [k, v] of trialCursor) cursor.set(k, v);
          out.push(...trialOut);
          firstError = undefined;
          break;
        }
        if (firstError !== undefined) throw firstError;
        if (!candidates.length && mustWrite && !c.nullable) {
          const names = [...c.first];
          throw issue("missing-element", path, `missing one of ${names.join(" | ")}`, {
            expected: names,
          });
        }
      } else
        for (const item of c.items)
          written += this.emit(
            item,
            obj,
            plan,
            cursor,
            out,
            path,
            mustWrite || written > 0 || has(c),
          );
      total += written;
      if (written === 0) break;
    }
    return total;
  }

  private writeTarget(
    t: ElementTarget,
    obj: Record<string, unknown>,
    plan: ComplexPlan,
    cursor: Map<string, number>,
    out: XmlNode[],
    path: string,
  ): void {
    const n = cursor.get(t.key) ?? 0;
    const v = obj[t.key];
    const many = plan.many.has(t.key);
    const item = many ? (Array.isArray(v) ? v[n] : v) : v;
    if (many && !Array.isArray(v))
      throw issue("bad-value", `${path}/${t.key}`, `${t.key} must be an array`);
    const colon = t.qname.indexOf(":");
    const prefix = colon < 0 ? "" : t.qname.slice(0, colon);
    out.push(
      this.element(
        prefix,
        t.local,
        t.type,
        t.nillable,
        item,
        many ? `${path}/${t.key}[${n}]` : `${path}/${t.key}`,
      ),
    );
    cursor.set(t.key, n + 1);
  }
}

const keyOrders = new WeakMap<object, Map<string, number>>();
function keyOrder(obj: Record<string, unknown>): Map<string, number> {
  let m = keyOrders.get(obj);
  if (!m) {
    m = new Map(Object.keys(obj).map((k, i) => [k, i]));
    keyOrders.set(obj, m);
  }
  return m;
}

function readFragment(xml: string, path: string): XmlElement {
  try {
    return readXml(xml);
  } catch (e) {
    throw issue("bad-value", path, `not a well-formed XML fragment: ${(e as Error).message}`);
  }
}

export { clark };
