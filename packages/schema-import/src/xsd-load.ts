/**
 * Loads an XSD set (following xs:include / xs:import by schemaLocation) into symbol tables keyed by
 * expanded name "{namespace}local". Only the structure is read; annotations are ignored.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { XMLParser } from "fast-xml-parser";

export const XS = "http://www.w3.org/2001/XMLSchema";

/** A namespace-resolved node of an XSD document. `name` is the local name of an xs:* element. */
export interface XsdNode {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XsdNode[];
  readonly scope: ReadonlyMap<string, string>;
  /** target namespace of the schema document this node comes from */
  readonly tns: string;
  readonly file: string;
  readonly qualifiedElements: boolean;
  readonly qualifiedAttributes: boolean;
}

export interface XsdSet {
  readonly elements: Map<string, XsdNode>;
  readonly complexTypes: Map<string, XsdNode>;
  readonly simpleTypes: Map<string, XsdNode>;
  readonly attributes: Map<string, XsdNode>;
  readonly attributeGroups: Map<string, XsdNode>;
  readonly groups: Map<string, XsdNode>;
  readonly files: string[];
  readonly namespaces: Set<string>;
}

export const expanded = (ns: string, local: string): string => `{${ns}}${local}`;

export function splitExpanded(name: string): { ns: string; local: string } {
  const close = name.indexOf("}");
  return { ns: name.slice(1, close), local: name.slice(close + 1) };
}

/** Resolves a QName-valued attribute (type="ei:Foo") against the node's namespace scope. */
export function resolveQName(node: XsdNode, qname: string): string {
  const colon = qname.indexOf(":");
  const prefix = colon < 0 ? "" : qname.slice(0, colon);
  const local = colon < 0 ? qname : qname.slice(colon + 1);
  const ns = node.scope.get(prefix);
  if (ns === undefined) {
    if (prefix === "xml") return expanded("http://www.w3.org/XML/1998/namespace", local);
    if (prefix === "") return expanded("", local);
    throw new Error(`${node.file}: undeclared prefix in QName ${qname}`);
  }
  return expanded(ns, local);
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
  commentPropName: "#comment",
});

type Raw = Record<string, unknown>;

function toNodes(
  raw: Raw[],
  scope: Map<string, string>,
  ctx: Omit<XsdNode, "name" | "attrs" | "children" | "scope">,
): XsdNode[] {
  const out: XsdNode[] = [];
  for (const item of raw) {
    const tag = Object.keys(item).find((k) => k !== ":@");
    if (tag === undefined || tag === "#text" || tag === "#comment" || tag.startsWith("?")) continue;
    const rawAttrs = (item[":@"] ?? {}) as Record<string, string>;
    let local = scope;
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(rawAttrs)) {
      if (k === "xmlns" || k.startsWith("xmlns:")) {
        if (local === scope) local = new Map(scope);
        local.set(k === "xmlns" ? "" : k.slice(6), v);
      } else attrs[k] = v;
    }
    const colon = tag.indexOf(":");
    const prefix = colon < 0 ? "" : tag.slice(0, colon);
    const name = colon < 0 ? tag : tag.slice(colon + 1);
    const ns = local.get(prefix);
    const children = toNodes(item[tag] as Raw[], local, ctx);
    if (ns !== XS) continue; // appinfo / documentation content from other vocabularies
    out.push({ ...ctx, name, attrs, children, scope: local });
  }
  return out;
}

export function loadXsdSet(
  roots: readonly string[],
  errata: Readonly<Record<string, { substitutionGroup: string }>> = {},
): XsdSet {
  const set: XsdSet = {
    elements: new Map(),
    complexTypes: new Map(),
    simpleTypes: new Map(),
    attributes: new Map(),
    attributeGroups: new Map(),
    groups: new Map(),
    files: [],
    namespaces: new Set(),
  };
  const seen = new Set<string>();
  const visit = (file: string, inheritedTns?: string): void => {
    const key = `${file}|${inheritedTns ?? ""}`;
    if (seen.has(key)) return;
    seen.add(key);
    set.files.push(file);
    const raw = parser.parse(readFileSync(file, "utf8")) as Raw[];
    const schemaItem = raw.find((r) => Object.keys(r).some((k) => k.endsWith("schema")));
    if (!schemaItem) throw new Error(`${file}: no xs:schema root`);
    const rootTag = Object.keys(schemaItem).find((k) => k !== ":@") as string;
    const rootAttrs = (schemaItem[":@"] ?? {}) as Record<string, string>;
    const scope = new Map<string, string>();
    for (const [k, v] of Object.entries(rootAttrs)) {
      if (k === "xmlns") scope.set("", v);
      else if (k.startsWith("xmlns:")) scope.set(k.slice(6), v);
    }
    // chameleon include: a schema without targetNamespace takes the includer's
    const tns = rootAttrs.targetNamespace ?? inheritedTns ?? "";
    set.namespaces.add(tns);
    const ctx = {
      tns,
      file,
      qualifiedElements: rootAttrs.elementFormDefault === "qualified",
      qualifiedAttributes: rootAttrs.attributeFormDefault === "qualified",
    };
    const top = toNodes(schemaItem[rootTag] as Raw[], scope, ctx);
    for (const node of top) {
      const loc = node.attrs.schemaLocation;
      if (node.name === "include" && loc) visit(resolve(dirname(file), loc), tns);
      else if (node.name === "import" && loc && !/^https?:/.test(loc))
        visit(resolve(dirname(file), loc));
      const n = node.attrs.name;
      if (!n) continue;
      const table = {
        element: set.elements,
        complexType: set.complexTypes,
        simpleType: set.simpleTypes,
        attribute: set.attributes,
        attributeGroup: set.attributeGroups,
        group: set.groups,
      }[node.name];
      table?.set(expanded(tns, n), node);
    }
  };
  for (const root of roots) visit(resolve(root));
  for (const [name, fix] of Object.entries(errata)) {
    const node = set.elements.get(name);
    if (!node) throw new Error(`erratum for ${name}: no such global element`);
    const head = splitExpanded(fix.substitutionGroup);
    const prefix = [...node.scope].find(([, uri]) => uri === head.ns)?.[0];
    if (prefix === undefined) throw new Error(`erratum for ${name}: head namespace not in scope`);
    set.elements.set(name, {
      ...node,
      attrs: { ...node.attrs, substitutionGroup: prefix ? `${prefix}:${head.local}` : head.local },
    });
  }
  return set;
}
