/**
 * Merges the profiles' descriptors into one canonical JSON Schema per standard. The JSON Schema part
 * is the union over profiles (a profile restricts it); the `x-xml` annotations keep each profile's
 * exact content model so that the codec can write each wire form in its XSD's order.
 */
import { BUILTINS } from "@transactive/codec/builtins";
import { FILE_TITLES, FILES } from "./config.js";
import type {
  ComplexInfo,
  ElementInfo,
  Particle,
  ProfileDescriptors,
  SimpleInfo,
  TypeInfo,
} from "./convert.js";

type Json = Record<string, unknown>;
const prefixOf = (qname: string): string => qname.slice(0, qname.indexOf(":"));
const fileOf = (qname: string): string => {
  const f = FILES[prefixOf(qname)];
  if (!f) throw new Error(`no schema file for ${qname}`);
  return f;
};
const pascal = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const ident = (s: string): string => s.replace(/[^A-Za-z0-9_]/g, "_");
const stable = (v: unknown): string => JSON.stringify(v);

export function emitSchemas(
  profiles: ReadonlyMap<string, ProfileDescriptors>,
  namespaces: ReadonlyMap<string, ReadonlyMap<string, string>>,
): Map<string, Json> {
  // ---- def keys: one per canonical type qname, unique within its file
  const typeNames = new Set<string>();
  for (const d of profiles.values()) for (const q of d.types.keys()) typeNames.add(q);
  const defKey = new Map<string, string>();
  const baseKey = (q: string): string => {
    const local = q.slice(q.indexOf(":") + 1);
    const slash = local.indexOf("/");
    const tilde = local.indexOf("~");
    const at = local.indexOf("@");
    const cut = [slash, tilde, at].filter((i) => i >= 0);
    if (!cut.length) return local;
    const head = local.slice(0, Math.min(...cut));
    const rest = local.slice(Math.min(...cut));
    const ownerKey = at === head.length && rest === "@" ? pascal(head) : pascal(head);
    return ident(ownerKey + (rest === "@" ? "" : rest.replace(/^@$/, "")).replace(/[/~@]/g, "_"));
  };
  const byFile = new Map<string, string[]>();
  for (const q of [...typeNames].sort()) {
    const f = fileOf(q);
    if (!byFile.has(f)) byFile.set(f, []);
    byFile.get(f)?.push(q);
  }
  for (const [, qs] of byFile) {
    const counts = new Map<string, number>();
    for (const q of qs) counts.set(baseKey(q), (counts.get(baseKey(q)) ?? 0) + 1);
    for (const q of qs) {
      let k = baseKey(q);
      if ((counts.get(k) ?? 0) > 1) k = pascal(prefixOf(q)) + pascal(k);
      defKey.set(q, k);
    }
  }
  const refTo = (fromFile: string, q: string): Json => {
    const k = defKey.get(q);
    if (!k) throw new Error(`no definition for ${q}`);
    const f = fileOf(q);
    return { $ref: f === fromFile ? `#/$defs/${k}` : `${f}.schema.json#/$defs/${k}` };
  };

  // ---- derivations over every profile, for xsi:type
  const derived = new Map<string, Set<string>>();
  for (const d of profiles.values())
    for (const [q, t] of d.types)
      if (t.kind === "complex" && t.base) {
        if (!derived.has(t.base)) derived.set(t.base, new Set());
        derived.get(t.base)?.add(q);
      }
  const descendants = (q: string, acc = new Set<string>()): Set<string> => {
    for (const d of derived.get(q) ?? []) if (!acc.has(d)) descendants(d, acc.add(d));
    return acc;
  };
  const isAbstract = (q: string): boolean =>
    [...profiles.values()].every((d) => {
      const t = d.types.get(q);
      return !t || (t.kind === "complex" && t.abstract === true);
    });

  const primitiveOf = (type: string): string | undefined => {
    if (type.startsWith("xs:")) return BUILTINS[type.slice(3)]?.primitive;
    for (const d of profiles.values()) {
      const t = d.types.get(type);
      if (t?.kind === "simple") return t.primitive;
    }
    return undefined;
  };
  /** an element's fixed value, in the JSON form of its type */
  const fixedValue = (type: string, fixed: string): unknown => {
    const p = primitiveOf(type);
    if (p === "int" || p === "float") return Number(fixed);
    if (p === "boolean") return fixed.trim() === "true" || fixed.trim() === "1";
    if (p === "token") return fixed.replace(/[\t\n\r ]+/g, " ").trim();
    return fixed;
  };

  const rewriteRefs = (fromFile: string, s: unknown): unknown => {
    if (Array.isArray(s)) return s.map((x) => rewriteRefs(fromFile, x));
    if (s && typeof s === "object") {
      const o = s as Json;
      if (typeof o.$ref === "string" && !o.$ref.startsWith("#") && !o.$ref.includes(".json"))
        return {
          ...refTo(fromFile, o.$ref),
          ...Object.fromEntries(Object.entries(o).filter(([k]) => k !== "$ref")),
        };
      return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, rewriteRefs(fromFile, v)]));
    }
    return s;
  };

  const valueSchema = (
    fromFile: string,
    type: string,
    nillable?: boolean,
    fixed?: string,
  ): Json => {
    let s: Json;
    if (type === "xs:anyType")
      s = {
        type: "object",
        properties: { $xml: { type: "string" } },
        required: ["$xml"],
        additionalProperties: false,
      };
    else if (type.startsWith("xs:"))
      s = { ...(BUILTINS[type.slice(3)]?.schema ?? { type: "string" }) };
    else {
      const alts = [type, ...descendants(type)].filter((q) =>
        q === type ? !isAbstract(q) : !isAbstract(q),
      );
      s =
        alts.length === 1
          ? refTo(fromFile, alts[0] as string)
          : { anyOf: (alts.length ? alts : [type]).map((q) => refTo(fromFile, q)) };
    }
    if (fixed !== undefined) s = { allOf: [s], const: fixedValue(type, fixed) };
    return nillable ? { anyOf: [s, { type: "null" }] } : s;
  };

  // ---- substitution members per profile
  const members = (d: ProfileDescriptors, head: string): string[] => {
    const out: string[] = [];
    const walk = (e: string): void => {
      const info = d.elements.get(e);
      if (!info) return;
      if (!info.abstract) out.push(e);
      for (const [q, i] of d.elements) if (i.substitutionGroup === e) walk(q);
    };
    walk(head);
    return out;
  };

  // ---- element occurrences of a content model
  interface Occ {
    element: string;
    type: string;
    nillable?: boolean;
    fixed?: string;
    many: boolean;
    required: boolean;
  }
  const occurrences = (
    d: ProfileDescriptors,
    p: Particle | undefined,
    many: boolean,
    required: boolean,
    acc: Occ[],
    anyAcc: { any: boolean; many: boolean },
  ): void => {
    if (!p) return;
    const max = p.maxOccurs === "unbounded" ? Number.POSITIVE_INFINITY : (p.maxOccurs ?? 1);
    const m = many || max > 1;
    const r = required && (p.minOccurs ?? 1) >= 1;
    if ("sequence" in p || "all" in p)
      for (const c of "sequence" in p ? p.sequence : p.all) occurrences(d, c, m, r, acc, anyAcc);
    else if ("choice" in p)
      for (const c of p.choice) occurrences(d, c, m, r && p.choice.length === 1, acc, anyAcc);
    else if ("any" in p) {
      anyAcc.any = true;
      anyAcc.many ||= m || true;
    } else if (p.type !== undefined)
      acc.push({
        element: p.element,
        type: p.type,
        ...(p.nillable ? { nillable: true } : {}),
        ...(p.fixed !== undefined ? { fixed: p.fixed } : {}),
        many: m,
        required: r,
      });
    else {
      const ms = members(d, p.element);
      for (const e of ms) {
        const info = d.elements.get(e) as ElementInfo;
        acc.push({
          element: e,
          type: info.type,
          ...(info.nillable ? { nillable: true } : {}),
          ...(info.fixed !== undefined ? { fixed: info.fixed } : {}),
          many: m,
          required: r && ms.length === 1,
        });
      }
    }
  };

  const files = new Map<string, Json>();
  const fileDoc = (f: string): Json => {
    let doc = files.get(f);
    if (!doc) {
      const ns: Record<string, Record<string, string>> = {};
      for (const [profile, map] of namespaces)
        for (const [uri, prefix] of map)
          if (FILES[prefix] === f) (ns[prefix] ??= {})[profile] = uri;
      doc = {
        $schema: "https://json-schema.org/draft/2020-12/schema",
        $id: `${f}.schema.json`,
        title: FILE_TITLES[f] ?? f,
        "x-xml": { namespaces: ns, elements: {} },
        $defs: {},
      };
      files.set(f, doc);
    }
    return doc;
  };

  for (const q of [...typeNames].sort()) {
    const f = fileOf(q);
    const doc = fileDoc(f);
    const defs = doc.$defs as Json;
    const per: [string, TypeInfo][] = [];
    for (const [p, d] of profiles) {
      const t = d.types.get(q);
      if (t) per.push([p, t]);
    }
    const first = per[0]?.[1] as TypeInfo;
    if (first.kind === "simple") {
      const variants = [
        ...new Set(per.map(([, t]) => stable(rewriteRefs(f, (t as SimpleInfo).schema)))),
      ].map((s) => JSON.parse(s) as Json);
      const schema = variants.length === 1 ? (variants[0] as Json) : { anyOf: variants };
      // profiles that disagree (OpenADR 2.0a vs 2.0b enumerations…): the JSON Schema is their
      // union, and each profile's own facets are kept for the codec to enforce when it writes it
      const own =
        variants.length > 1
          ? {
              variants: Object.fromEntries(
                per.map(([p, t]) => [p, rewriteRefs("", (t as SimpleInfo).schema)]),
              ),
            }
          : {};
      defs[defKey.get(q) as string] = {
        title: defKey.get(q),
        ...schema,
        "x-xml": {
          qname: q,
          primitive: (first as SimpleInfo).primitive,
          profiles: per.map(([p]) => p),
          ...own,
        },
      };
      continue;
    }
    // complex: gather occurrences per profile, then keys over the union
    const perOcc = per.map(([p, t]) => {
      const acc: Occ[] = [];
      const anyAcc = { any: false, many: false };
      occurrences(
        profiles.get(p) as ProfileDescriptors,
        (t as ComplexInfo).content,
        false,
        true,
        acc,
        anyAcc,
      );
      return { p, t: t as ComplexInfo, acc, anyAcc };
    });
    const elementNames = new Set(perOcc.flatMap((x) => x.acc.map((o) => o.element)));
    const localCount = new Map<string, number>();
    for (const e of elementNames) {
      const l = e.slice(e.indexOf(":") + 1);
      localCount.set(l, (localCount.get(l) ?? 0) + 1);
    }
    const keys: Record<string, string> = {};
    for (const e of [...elementNames].sort()) {
      const l = e.slice(e.indexOf(":") + 1);
      keys[e] = (localCount.get(l) ?? 0) > 1 ? e : l;
    }

    const props = new Map<string, { schemas: Set<string>; many: boolean; requiredIn: number }>();
    const add = (key: string, schema: Json, many: boolean, required: boolean): void => {
      let e = props.get(key);
      if (!e) props.set(key, (e = { schemas: new Set(), many: false, requiredIn: 0 }));
      e.schemas.add(stable(schema));
      e.many ||= many;
      if (required) e.requiredIn++;
    };
    let mixed = false;
    let simple = false;
    for (const { t, acc, anyAcc } of perOcc) {
      const counts = new Map<string, number>();
      for (const o of acc) counts.set(o.element, (counts.get(o.element) ?? 0) + 1);
      const seenReq = new Set<string>();
      for (const o of acc) {
        const key = keys[o.element] as string;
        const many = o.many || (counts.get(o.element) ?? 0) > 1;
        const req = o.required && !seenReq.has(key);
        if (req) seenReq.add(key);
        add(key, valueSchema(f, o.type, o.nillable, o.fixed), many, req);
      }
      if (anyAcc.any) add("$any", { type: "string" }, true, false);
      for (const a of t.attributes)
        add(
          `@${a.name}`,
          valueSchema(f, a.type),
          false,
          a.use === "required" && a.fixed === undefined,
        );
      if (t.anyAttribute)
        add(
          "$attributes",
          { type: "object", additionalProperties: { type: "string" } },
          false,
          false,
        );
      if (t.simple) {
        simple = true;
        add("$value", valueSchema(f, t.simple), false, true);
      }
      if (t.mixed) mixed = true;
    }
    if (mixed && !simple) add("$text", { type: "string" }, false, false);
    if (derived.has(q) || per.some(([, t]) => (t as ComplexInfo).base))
      add("@xsi:type", { type: "string" }, false, false);
    // schema location hints may sit on any element (OASIS samples carry them on the message
    // inside oadrPayload); the codec keeps them on the round trip (docs/json-mapping.md)
    add("@xsi:schemaLocation", { type: "string" }, false, false);
    add("@xsi:noNamespaceSchemaLocation", { type: "string" }, false, false);
    const properties: Json = {};
    const required: string[] = [];
    for (const [key, e] of props) {
      const schemas = [...e.schemas].map((s) => JSON.parse(s) as Json);
      const one = schemas.length === 1 ? (schemas[0] as Json) : { anyOf: schemas };
      properties[key] = e.many ? { type: "array", items: one } : one;
      if (e.requiredIn === per.length) required.push(key);
    }
    const xml: Json = {
      qname: q,
      keys,
      profiles: Object.fromEntries(
        per.map(([p, t]) => {
          const { kind: _k, ...rest } = t as ComplexInfo;
          return [p, rest];
        }),
      ),
    };
    defs[defKey.get(q) as string] = {
      title: defKey.get(q),
      type: "object",
      properties,
      ...(required.length ? { required } : {}),
      additionalProperties: false,
      "x-xml": xml,
    };
  }

  // ---- global elements
  const elementNames = new Set<string>();
  for (const d of profiles.values()) for (const q of d.elements.keys()) elementNames.add(q);
  for (const q of [...elementNames].sort()) {
    const doc = fileDoc(fileOf(q));
    const els = (doc["x-xml"] as Json).elements as Json;
    const per: Json = {};
    for (const [p, d] of profiles) {
      const e = d.elements.get(q);
      if (e) per[p] = e;
    }
    els[q] = per;
  }
  return files;
}
