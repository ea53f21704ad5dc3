/**
 * A Registry indexes schema documents for the codec: types by canonical qualified name, global
 * elements per profile, substitution groups, and each profile's namespace bindings.
 */
import type {
  ComplexTypeAnnotation,
  ElementDescriptor,
  ProfilesDocument,
  SchemaDocument,
  SimpleTypeAnnotation,
} from "./descriptors.js";

export interface TypeEntry {
  readonly doc: SchemaDocument;
  readonly defKey: string;
  /** JSON pointer-ish reference usable with the validator: "<$id>#/$defs/<key>" */
  readonly ref: string;
  readonly complex?: ComplexTypeAnnotation;
  readonly simple?: SimpleTypeAnnotation;
}

export interface Profile {
  readonly name: string;
  readonly title: string;
  /** canonical prefix -> URI */
  readonly uriOf: ReadonlyMap<string, string>;
  /** URI -> canonical prefix */
  readonly prefixOf: ReadonlyMap<string, string>;
  /** canonical element qname -> descriptor, for the elements this profile declares */
  readonly elements: ReadonlyMap<string, ElementDescriptor>;
  /** head qname -> non-abstract members, transitively (including the head when not abstract) */
  readonly substitutes: ReadonlyMap<string, readonly string[]>;
}

export interface Registry {
  readonly docs: readonly SchemaDocument[];
  readonly types: ReadonlyMap<string, TypeEntry>;
  readonly profiles: ReadonlyMap<string, Profile>;
  /** profile names in preference order */
  readonly profileOrder: readonly string[];
}

export function createRegistry(
  docs: readonly SchemaDocument[],
  profilesDoc: ProfilesDocument,
): Registry {
  const types = new Map<string, TypeEntry>();
  for (const doc of docs) {
    for (const [defKey, def] of Object.entries(doc.$defs)) {
      const xml = def["x-xml"];
      if (!xml) continue;
      const entry: TypeEntry =
        "keys" in xml
          ? { doc, defKey, ref: `${doc.$id}#/$defs/${defKey}`, complex: xml }
          : { doc, defKey, ref: `${doc.$id}#/$defs/${defKey}`, simple: xml };
      types.set(xml.qname, entry);
    }
  }
  const profiles = new Map<string, Profile>();
  for (const [name, def] of Object.entries(profilesDoc.profiles)) {
    const uriOf = new Map(Object.entries(def.namespaces));
    const prefixOf = new Map([...uriOf].map(([p, u]) => [u, p]));
    const elements = new Map<string, ElementDescriptor>();
    for (const doc of docs)
      for (const [qname, per] of Object.entries(doc["x-xml"].elements)) {
        const e = per[name];
        if (e) elements.set(qname, e);
      }
    const children = new Map<string, string[]>();
    for (const [q, e] of elements)
      if (e.substitutionGroup) {
        const list = children.get(e.substitutionGroup) ?? [];
        list.push(q);
        children.set(e.substitutionGroup, list);
      }
    const substitutes = new Map<string, string[]>();
    for (const head of elements.keys()) {
      const out: string[] = [];
      const walk = (q: string, seen: Set<string>): void => {
        if (seen.has(q)) return;
        seen.add(q);
        if (!elements.get(q)?.abstract) out.push(q);
        for (const c of children.get(q) ?? []) walk(c, seen);
      };
      walk(head, new Set());
      substitutes.set(head, out);
    }
    profiles.set(name, { name, title: def.title, uriOf, prefixOf, elements, substitutes });
  }
  return { docs, types, profiles, profileOrder: [...profiles.keys()] };
}

export function getProfile(registry: Registry, name: string): Profile {
  const p = registry.profiles.get(name);
  if (!p) throw new Error(`unknown profile "${name}"; known: ${registry.profileOrder.join(", ")}`);
  return p;
}
