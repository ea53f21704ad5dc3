/**
 * Converts one profile's XSD set into profile descriptors in canonical names: every namespace is
 * named by the canonical prefix the profile maps it to, so that profiles which rename a namespace
 * (CTS 0.4 "cts.04" URIs, OpenADR 2.0a/2.0b oadr URIs) meet on the same canonical types.
 */
import { BUILTINS, type Primitive } from "@transactive/codec/builtins";
import { resolveQName, splitExpanded, XS, type XsdNode, type XsdSet } from "./xsd-load.js";

export type Occurs = { minOccurs?: number; maxOccurs?: number | "unbounded" };
export type Particle =
  | ({ sequence: Particle[] } & Occurs)
  | ({ choice: Particle[] } & Occurs)
  | ({ all: Particle[] } & Occurs)
  | ({ element: string; type?: string; nillable?: boolean; fixed?: string } & Occurs)
  | ({ any: string; processContents?: string } & Occurs);

export interface AttributeUse {
  name: string;
  type: string;
  use?: "required";
  default?: string;
  fixed?: string;
}

export interface ComplexInfo {
  kind: "complex";
  base?: string;
  derivation?: "extension" | "restriction";
  abstract?: boolean;
  mixed?: boolean;
  content?: Particle;
  simple?: string;
  attributes: AttributeUse[];
  anyAttribute?: string;
  anyType?: boolean;
}
export interface SimpleInfo {
  kind: "simple";
  primitive: Primitive;
  schema: Record<string, unknown>;
  base?: string;
}
export type TypeInfo = ComplexInfo | SimpleInfo;

export interface ElementInfo {
  type: string;
  abstract?: boolean;
  substitutionGroup?: string;
  nillable?: boolean;
  fixed?: string;
}

export interface ProfileDescriptors {
  readonly elements: Map<string, ElementInfo>;
  readonly types: Map<string, TypeInfo>;
  readonly attributes: Map<string, AttributeUse>;
}

const occurs = (n: XsdNode): Occurs => {
  const o: Occurs = {};
  if (n.attrs.minOccurs !== undefined && n.attrs.minOccurs !== "1")
    o.minOccurs = Number(n.attrs.minOccurs);
  const max = n.attrs.maxOccurs;
  if (max !== undefined && max !== "1")
    o.maxOccurs = max === "unbounded" ? "unbounded" : Number(max);
  return o;
};

const NUMBER_LEXICAL: Partial<Record<Primitive, string>> = {
  float: "([+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?|INF|-INF|NaN)",
  decimal: "[+-]?(\\d+(\\.\\d*)?|\\.\\d+)",
  integer: "[+-]?\\d+",
  int: "[+-]?\\d+",
};

const XSD_REGEX_UNSUPPORTED = /\\[iIcC]|-\[/;

export function convertProfile(
  set: XsdSet,
  prefixes: ReadonlyMap<string, string>,
): ProfileDescriptors {
  const out: ProfileDescriptors = { elements: new Map(), types: new Map(), attributes: new Map() };

  const canon = (exp: string): string => {
    const { ns, local } = splitExpanded(exp);
    if (ns === XS) return `xs:${local}`;
    const p = prefixes.get(ns);
    if (p === undefined) throw new Error(`no canonical prefix for namespace ${ns} (${local})`);
    return `${p}:${local}`;
  };
  const typeRef = (node: XsdNode, attr: string): string => canon(resolveQName(node, attr));

  const simpleType = (node: XsdNode, qname: string): string => {
    if (out.types.has(qname)) return qname;
    const info: SimpleInfo = { kind: "simple", primitive: "string", schema: {} };
    out.types.set(qname, info);
    const body = node.children.find(
      (c) => c.name === "restriction" || c.name === "union" || c.name === "list",
    );
    if (!body) throw new Error(`${node.file}: simpleType ${qname} without body`);
    if (body.name === "list") {
      const inlineItem = body.children.find((c) => c.name === "simpleType");
      const item = body.attrs.itemType
        ? typeRef(body, body.attrs.itemType)
        : inlineItem
          ? simpleType(inlineItem, `${qname}~item`)
          : "xs:string";
      ensureType(item);
      const num = NUMBER_LEXICAL[primitiveOf(item)];
      // a list of numbers: whitespace-separated numerals; other lists stay plain strings
      info.schema = num
        ? { type: "string", pattern: `^\\s*(${num}(\\s+${num})*)?\\s*$` }
        : { type: "string" };
      return qname;
    }
    if (body.name === "union") {
      const members: string[] = (body.attrs.memberTypes ?? "")
        .split(/\s+/)
        .filter(Boolean)
        .map((m) => canon(resolveQName(body, m)));
      body.children
        .filter((c) => c.name === "simpleType")
        .forEach((c, i) => {
          members.push(simpleType(c, `${qname}~${i}`));
        });
      const prims = new Set(members.map((m) => primitiveOf(m)));
      info.primitive = prims.size === 1 ? ([...prims][0] as Primitive) : "string";
      info.schema = { anyOf: members.map((m) => simpleSchemaRef(m)) };
      return qname;
    }
    let base: string;
    const inline = body.children.find((c) => c.name === "simpleType");
    if (body.attrs.base) base = typeRef(body, body.attrs.base);
    else if (inline) base = simpleType(inline, `${qname}~base`);
    else throw new Error(`${node.file}: restriction without base in ${qname}`);
    ensureType(base);
    info.base = base;
    info.primitive = primitiveOf(base);
    const convert = (v: string): unknown =>
      info.primitive === "int" || info.primitive === "float"
        ? Number(v)
        : info.primitive === "boolean"
          ? v === "true" || v === "1"
          : v;
    const facets: Record<string, unknown> = {};
    const root = builtinRoot(base);
    // length facets count octets for the binary types
    const lengthFactor = root === "xs:hexBinary" ? 2 : root === "xs:base64Binary" ? 0 : 1;
    const bounds: Record<string, string> = {};
    const enums = body.children
      .filter((c) => c.name === "enumeration")
      .map((c) => convert(c.attrs.value ?? ""));
    if (enums.length) facets.enum = enums;
    const patterns = body.children
      .filter((c) => c.name === "pattern")
      .map((c) => c.attrs.value ?? "");
    const usable = patterns.filter((p) => !XSD_REGEX_UNSUPPORTED.test(p));
    if (usable.length === 1) facets.pattern = `^(?:${usable[0]})$`;
    else if (usable.length > 1) facets.pattern = `^(?:${usable.map((p) => `(?:${p})`).join("|")})$`;
    for (const c of body.children) {
      const v = c.attrs.value;
      if (v === undefined) continue;
      const len = Number(v) * lengthFactor;
      if (lengthFactor && c.name === "length")
        Object.assign(facets, { minLength: len, maxLength: len });
      if (lengthFactor && c.name === "minLength") facets.minLength = len;
      if (lengthFactor && c.name === "maxLength") facets.maxLength = len;
      const exact = info.primitive === "decimal" || info.primitive === "integer";
      if (
        exact &&
        ["minInclusive", "maxInclusive", "minExclusive", "maxExclusive"].includes(c.name)
      )
        bounds[c.name] = v;
      const numeric = info.primitive === "int" || info.primitive === "float";
      if (numeric && c.name === "minInclusive") facets.minimum = Number(v);
      if (numeric && c.name === "maxInclusive") facets.maximum = Number(v);
      if (numeric && c.name === "minExclusive") facets.exclusiveMinimum = Number(v);
      if (numeric && c.name === "maxExclusive") facets.exclusiveMaximum = Number(v);
    }
    // bounds of exact (string-held) numbers: checked by the codec's "x-bounds" keyword
    if (Object.keys(bounds).length) facets["x-bounds"] = bounds;
    const baseSchema = simpleSchemaRef(base);
    const branches = baseSchema.anyOf as Record<string, unknown>[] | undefined;
    if (base.startsWith("xs:") && branches && !facets.enum) {
      // xs:float/double: numeric facets belong to the number branch, not beside "INF"/"NaN"
      info.schema = { anyOf: [{ ...branches[0], ...facets }, ...branches.slice(1)] };
    } else if (base.startsWith("xs:") && branches) info.schema = facets;
    else
      info.schema = base.startsWith("xs:")
        ? { ...baseSchema, ...facets }
        : { allOf: [baseSchema], ...facets };
    return qname;
  };

  const simpleSchemaRef = (qname: string): Record<string, unknown> => {
    if (qname.startsWith("xs:"))
      return { ...(BUILTINS[qname.slice(3)]?.schema ?? { type: "string" }) };
    return { $ref: qname };
  };

  const builtinRoot = (qname: string): string => {
    for (let q = qname, guard = 0; guard < 64; guard++) {
      if (q.startsWith("xs:")) return q;
      const t = out.types.get(q);
      if (t?.kind !== "simple" || !t.base) return q;
      q = t.base;
    }
    return qname;
  };

  const primitiveOf = (qname: string): Primitive => {
    if (qname.startsWith("xs:")) return BUILTINS[qname.slice(3)]?.primitive ?? "string";
    ensureType(qname);
    const t = out.types.get(qname);
    if (!t) throw new Error(`unknown type ${qname}`);
    if (t.kind !== "simple") throw new Error(`${qname} is not a simple type`);
    return t.primitive;
  };

  const ensureType = (qname: string): void => {
    if (qname.startsWith("xs:") || out.types.has(qname)) return;
    const [p, local] = qname.split(":") as [string, string];
    const ns = [...prefixes].find(([, v]) => v === p)?.[0];
    const exp = `{${ns}}${local}`;
    const st = set.simpleTypes.get(exp);
    if (st) {
      simpleType(st, qname);
      return;
    }
    const ct = set.complexTypes.get(exp);
    if (ct) {
      complexType(ct, qname);
      return;
    }
    throw new Error(`type ${qname} not found in the XSD set`);
  };

  const attributeUse = (a: XsdNode, owner: string): AttributeUse | undefined => {
    if (a.attrs.use === "prohibited") return undefined;
    let use: AttributeUse;
    if (a.attrs.ref) {
      const exp = resolveQName(a, a.attrs.ref);
      const name = canon(exp);
      const decl = set.attributes.get(exp);
      if (decl) {
        const g = attributeDecl(decl, name);
        use = { ...g, name };
      } else use = { name, type: "xs:string" }; // xml:lang and friends when xml.xsd is not loaded
    } else {
      const local = a.attrs.name ?? "";
      const qualified = a.attrs.form ? a.attrs.form === "qualified" : a.qualifiedAttributes;
      const name = qualified ? canon(`{${a.tns}}${local}`) : local;
      use = attributeDecl(a, name, `${owner}@${local}`);
    }
    if (a.attrs.use === "required") use.use = "required";
    if (a.attrs.default !== undefined) use.default = a.attrs.default;
    if (a.attrs.fixed !== undefined) use.fixed = a.attrs.fixed;
    return use;
  };

  const attributeDecl = (a: XsdNode, name: string, anonName?: string): AttributeUse => {
    const inline = a.children.find((c) => c.name === "simpleType");
    const type = a.attrs.type
      ? typeRef(a, a.attrs.type)
      : inline
        ? simpleType(inline, anonName ?? `${name}@`)
        : "xs:anySimpleType";
    ensureType(type);
    const use: AttributeUse = { name, type };
    if (a.attrs.default !== undefined) use.default = a.attrs.default;
    if (a.attrs.fixed !== undefined) use.fixed = a.attrs.fixed;
    return use;
  };

  const collectAttributes = (
    nodes: readonly XsdNode[],
    owner: string,
    into: AttributeUse[],
    info: { anyAttribute?: string },
  ): void => {
    for (const n of nodes) {
      if (n.name === "attribute") {
        const use = attributeUse(n, owner);
        const i = into.findIndex(
          (x) =>
            x.name ===
            (use?.name ?? (n.attrs.ref ? canon(resolveQName(n, n.attrs.ref)) : n.attrs.name)),
        );
        if (i >= 0) into.splice(i, 1);
        if (use) into.push(use);
      } else if (n.name === "attributeGroup" && n.attrs.ref) {
        const g = set.attributeGroups.get(resolveQName(n, n.attrs.ref));
        if (!g) throw new Error(`${n.file}: attributeGroup ${n.attrs.ref} not found`);
        collectAttributes(g.children, owner, into, info);
      } else if (n.name === "anyAttribute") {
        info.anyAttribute = n.attrs.namespace ?? "##any";
      }
    }
  };

  const particle = (n: XsdNode, owner: string): Particle | undefined => {
    const o = occurs(n);
    if (n.name === "sequence" || n.name === "choice" || n.name === "all") {
      const parts = n.children
        .map((c) => particle(c, owner))
        .filter((p): p is Particle => p !== undefined);
      return { [n.name]: parts, ...o } as Particle;
    }
    if (n.name === "group" && n.attrs.ref) {
      const g = set.groups.get(resolveQName(n, n.attrs.ref));
      const body = g?.children.find(
        (c) => c.name === "sequence" || c.name === "choice" || c.name === "all",
      );
      if (!body) throw new Error(`${n.file}: group ${n.attrs.ref} not found`);
      const inner = particle(body, owner) as Particle & Occurs;
      return { ...inner, ...o };
    }
    if (n.name === "any") {
      const p: Particle = { any: n.attrs.namespace ?? "##any", ...o };
      if (n.attrs.processContents) p.processContents = n.attrs.processContents;
      return p;
    }
    if (n.name === "element") {
      if (n.attrs.ref) {
        const exp = resolveQName(n, n.attrs.ref);
        globalElement(exp);
        return { element: canon(exp), ...o };
      }
      const local = n.attrs.name ?? "";
      const qualified = n.attrs.form ? n.attrs.form === "qualified" : n.qualifiedElements;
      const name = qualified ? canon(`{${n.tns}}${local}`) : local;
      const p: Particle = { element: name, type: elementType(n, `${owner}/${local}`), ...o };
      if (n.attrs.nillable === "true") p.nillable = true;
      if (n.attrs.fixed !== undefined) p.fixed = n.attrs.fixed;
      return p;
    }
    return undefined;
  };

  const elementType = (n: XsdNode, anonName: string): string => {
    if (n.attrs.type) {
      const t = typeRef(n, n.attrs.type);
      ensureType(t);
      return t;
    }
    const ct = n.children.find((c) => c.name === "complexType");
    if (ct) return complexType(ct, anonName);
    const st = n.children.find((c) => c.name === "simpleType");
    if (st) return simpleType(st, anonName);
    if (n.attrs.substitutionGroup) {
      // an element without a type takes the type of its substitution group head
      const head = resolveQName(n, n.attrs.substitutionGroup);
      const h = globalElement(head);
      return h.type;
    }
    return "xs:anyType";
  };

  const complexInfo = (qname: string): ComplexInfo => {
    ensureType(qname);
    const t = out.types.get(qname);
    if (t?.kind !== "complex") throw new Error(`${qname} is not a complex type`);
    return t;
  };

  const complexType = (node: XsdNode, qname: string): string => {
    if (out.types.has(qname)) return qname;
    const info: ComplexInfo = { kind: "complex", attributes: [] };
    out.types.set(qname, info);
    if (node.attrs.abstract === "true") info.abstract = true;
    if (node.attrs.mixed === "true") info.mixed = true;
    const cc = node.children.find((c) => c.name === "complexContent");
    const sc = node.children.find((c) => c.name === "simpleContent");
    const own = (nodes: readonly XsdNode[]): Particle | undefined => {
      const body = nodes.find((c) => ["sequence", "choice", "all", "group"].includes(c.name));
      return body ? particle(body, qname) : undefined;
    };
    if (cc) {
      if (cc.attrs.mixed === "true") info.mixed = true;
      const der = cc.children.find((c) => c.name === "extension" || c.name === "restriction");
      if (!der?.attrs.base)
        throw new Error(`${node.file}: complexContent without base in ${qname}`);
      const base = typeRef(der, der.attrs.base);
      const mine = own(der.children);
      if (base === "xs:anyType") {
        if (mine) info.content = mine;
      } else {
        const b = complexInfo(base);
        info.base = base;
        info.derivation = der.name as "extension" | "restriction";
        info.attributes.push(...b.attributes.map((a) => ({ ...a })));
        if (b.anyAttribute) info.anyAttribute = b.anyAttribute;
        if (der.name === "extension") {
          const parts = [b.content, mine].filter((p): p is Particle => p !== undefined);
          if (parts.length === 1) info.content = parts[0] as Particle;
          else if (parts.length > 1) info.content = { sequence: parts };
          if (b.mixed) info.mixed = true;
        } else if (mine) info.content = mine;
      }
      collectAttributes(der.children, qname, info.attributes, info);
    } else if (sc) {
      const der = sc.children.find((c) => c.name === "extension" || c.name === "restriction");
      if (!der?.attrs.base) throw new Error(`${node.file}: simpleContent without base in ${qname}`);
      const base = typeRef(der, der.attrs.base);
      ensureType(base);
      const bt = base.startsWith("xs:") ? undefined : out.types.get(base);
      if (bt?.kind === "complex") {
        info.base = base;
        info.derivation = der.name as "extension" | "restriction";
        info.simple = bt.simple ?? "xs:string";
        info.attributes.push(...bt.attributes.map((a) => ({ ...a })));
        if (bt.anyAttribute) info.anyAttribute = bt.anyAttribute;
      } else info.simple = base;
      collectAttributes(der.children, qname, info.attributes, info);
    } else {
      const mine = own(node.children);
      if (mine) info.content = mine;
      collectAttributes(node.children, qname, info.attributes, info);
    }
    return qname;
  };

  const globalElement = (exp: string): ElementInfo => {
    const name = canon(exp);
    const have = out.elements.get(name);
    if (have) return have;
    const node = set.elements.get(exp);
    if (!node) throw new Error(`global element ${name} not found`);
    const info: ElementInfo = { type: "xs:anyType" };
    out.elements.set(name, info);
    if (node.attrs.abstract === "true") info.abstract = true;
    if (node.attrs.nillable === "true") info.nillable = true;
    if (node.attrs.fixed !== undefined) info.fixed = node.attrs.fixed;
    if (node.attrs.substitutionGroup) {
      const head = resolveQName(node, node.attrs.substitutionGroup);
      info.substitutionGroup = canon(head);
      globalElement(head);
    }
    info.type = elementType(node, `${name}@`);
    return info;
  };

  // Everything global is imported, referenced or not: the coverage test counts global elements.
  for (const exp of set.elements.keys()) globalElement(exp);
  for (const [exp, node] of set.complexTypes) complexType(node, canon(exp));
  for (const [exp, node] of set.simpleTypes) simpleType(node, canon(exp));
  for (const [exp, node] of set.attributes)
    out.attributes.set(canon(exp), attributeDecl(node, canon(exp)));
  return out;
}
