/**
 * Compiles a type's descriptor for one profile into a plan the decoder and encoder walk: element
 * particles resolved to namespace URIs and JSON keys, substitution groups expanded, first-sets
 * computed for choices, attribute lookups by expanded name. Plans are cached per registry.
 */

import { BUILTINS } from "./builtins.js";
import { type Check, variantCheck } from "./check/schema.js";
import type { ComplexProfileDescriptor, ParticleDescriptor } from "./descriptors.js";
import { type IssueCode, issue } from "./errors.js";
import type { Profile, Registry, TypeEntry } from "./registry.js";
import type { Primitive } from "./values.js";

export interface ElementTarget {
  readonly qname: string;
  readonly ns: string;
  readonly local: string;
  /** the canonical prefix the encoder writes ("" for an unqualified element) */
  readonly prefix: string;
  /** the "{ns}local" name the decoder looks children up by */
  readonly id: string;
  readonly key: string;
  /** the index of `key` among the plan's content keys (ComplexPlan.slotKeys) */
  readonly slot: number;
  readonly type: string;
  readonly nillable: boolean;
}

interface Occurrence {
  readonly min: number;
  readonly max: number;
  /**
   * the slots of the JSON keys this particle takes values from ("$any" for a wildcard), so the
   * encoder asks "does the object hold anything for this particle?" with one flat scan
   */
  readonly slots: readonly number[];
}

export type Compiled =
  | (Occurrence & {
      readonly kind: "element";
      readonly targets: readonly ElementTarget[];
      readonly byId: ReadonlyMap<string, ElementTarget>;
    })
  | (Occurrence & {
      readonly kind: "sequence" | "choice" | "all";
      readonly items: readonly Compiled[];
      readonly first: ReadonlySet<string>;
      readonly firstAny: readonly NsTest[];
      readonly nullable: boolean;
    })
  | (Occurrence & { readonly kind: "any"; readonly test: NsTest });

export type NsTest = (ns: string) => boolean;

export interface AttributePlan {
  readonly key: string;
  readonly id: string;
  readonly ns: string;
  readonly local: string;
  readonly prefix: string;
  readonly primitive: Primitive;
  readonly required: boolean;
  readonly fixed?: string;
}

export interface ComplexPlan {
  readonly kind: "complex";
  readonly qname: string;
  readonly entry: TypeEntry;
  readonly descriptor: ComplexProfileDescriptor;
  readonly attributes: readonly AttributePlan[];
  readonly attributesById: ReadonlyMap<string, AttributePlan>;
  /** the `@…` keys of `attributes` */
  readonly attributeKeys: ReadonlySet<string>;
  readonly anyAttribute?: NsTest;
  readonly content?: Compiled;
  readonly simple?: Primitive;
  readonly mixed: boolean;
  /** keys that are arrays in the canonical JSON form */
  readonly many: ReadonlySet<string>;
  /** every key the canonical JSON form allows */
  readonly keys: ReadonlySet<string>;
  /**
   * The JSON keys the content model takes values from ("$any" for wildcards), numbered: the
   * encoder keeps its per-key state in arrays indexed by these slots.
   */
  readonly slotOf: ReadonlyMap<string, number>;
  readonly slotKeys: readonly string[];
  /** by slot: is the key an array (in `many`)? */
  readonly slotMany: readonly boolean[];
}

export const XSI = "http://www.w3.org/2001/XMLSchema-instance";
export const clark = (ns: string, local: string): string => (ns ? `{${ns}}${local}` : local);
const maxOf = (m: number | "unbounded" | undefined): number =>
  m === "unbounded" ? Number.POSITIVE_INFINITY : (m ?? 1);

export class PlanError extends Error {}

/** A simple type as the codec reads and writes it in one profile. */
export interface SimpleType {
  readonly primitive: Primitive;
  /** the type's own facets in this profile, when they differ from the canonical schema's */
  readonly variant: Check | undefined;
}

/**
 * The compiled types of one profile. The decoder and encoder hold one for a whole document, so
 * each element costs one map lookup by type name.
 */
export class ProfilePlans {
  private readonly plans = new Map<string, ComplexPlan | null>();
  private readonly simples = new Map<string, SimpleType | null>();
  /** namespace -> local name -> the one "{ns}local" string of every plan of this profile */
  private readonly ids = new Map<string, Map<string, string>>();
  constructor(
    private readonly registry: Registry,
    private readonly profile: Profile,
  ) {}

  /** The plan of a complex type; undefined when the profile has no such type. Throws PlanError. */
  complex(qname: string): ComplexPlan | undefined {
    const have = this.plans.get(qname);
    if (have !== undefined) return have ?? undefined;
    const plan = compilePlan(this.registry, this.profile, qname, this);
    this.plans.set(qname, plan ?? null);
    return plan;
  }

  /** The simple type `type` is; undefined for a complex type and for xs:anyType. */
  simple(type: string): SimpleType | undefined {
    let s = this.simples.get(type);
    if (s === undefined) {
      const primitive = primitiveOf(this.registry, type);
      s =
        primitive === undefined
          ? null
          : { primitive, variant: variantCheck(this.registry, type, this.profile.name) };
      this.simples.set(type, s);
    }
    return s ?? undefined;
  }

  /**
   * The "{ns}local" id of a name. For a name the plans know, it is the very string their maps
   * are keyed by, so lookups compare it by identity and reuse its hash instead of building,
   * flattening and hashing a new string per element.
   */
  idOf(ns: string, local: string): string {
    return this.ids.get(ns)?.get(local) ?? clark(ns, local);
  }

  /** The id of a name the plans use, made once. */
  intern(ns: string, local: string): string {
    let byLocal = this.ids.get(ns);
    if (!byLocal) this.ids.set(ns, (byLocal = new Map()));
    let id = byLocal.get(local);
    if (id === undefined) byLocal.set(local, (id = clark(ns, local)));
    return id;
  }
}

const caches = new WeakMap<Registry, WeakMap<Profile, ProfilePlans>>();

export function plansFor(registry: Registry, profile: Profile): ProfilePlans {
  let byProfile = caches.get(registry);
  if (!byProfile) caches.set(registry, (byProfile = new WeakMap()));
  let plans = byProfile.get(profile);
  if (!plans) byProfile.set(profile, (plans = new ProfilePlans(registry, profile)));
  return plans;
}

const XS_PRIMITIVES = new Map<string, Primitive | undefined>();

export function primitiveOf(registry: Registry, type: string): Primitive | undefined {
  if (type.startsWith("xs:")) {
    if (XS_PRIMITIVES.has(type)) return XS_PRIMITIVES.get(type);
    const p = type === "xs:anyType" ? undefined : (BUILTINS[type.slice(3)]?.primitive ?? "string");
    XS_PRIMITIVES.set(type, p);
    return p;
  }
  return registry.types.get(type)?.simple?.primitive;
}

function nsTest(spec: string, target: string): NsTest {
  const tokens = spec.split(/\s+/).filter(Boolean);
  if (tokens.includes("##any")) return () => true;
  if (tokens.length === 1 && tokens[0] === "##other") return (ns) => ns !== target && ns !== "";
  const allowed = new Set(
    tokens.map((t) => (t === "##targetNamespace" ? target : t === "##local" ? "" : t)),
  );
  return (ns) => allowed.has(ns);
}

function uriOf(profile: Profile, qname: string): { ns: string; local: string; prefix: string } {
  const colon = qname.indexOf(":");
  if (colon < 0) return { ns: "", local: qname, prefix: "" };
  const prefix = qname.slice(0, colon);
  if (prefix === "xsi") return { ns: XSI, local: qname.slice(colon + 1), prefix };
  const ns = profile.uriOf.get(prefix);
  if (ns === undefined)
    throw new PlanError(
      `profile ${profile.name} has no namespace for prefix "${prefix}" (${qname})`,
    );
  return { ns, local: qname.slice(colon + 1), prefix };
}

export function complexPlan(
  registry: Registry,
  profile: Profile,
  qname: string,
): ComplexPlan | undefined {
  return plansFor(registry, profile).complex(qname);
}

function compilePlan(
  registry: Registry,
  profile: Profile,
  qname: string,
  plans: ProfilePlans,
): ComplexPlan | undefined {
  const entry = registry.types.get(qname);
  const descriptor = entry?.complex?.profiles[profile.name];
  if (!entry?.complex || !descriptor) return undefined;
  const keysByElement = entry.complex.keys;
  const targetNs = uriOf(profile, qname).ns;
  const slotOf = new Map<string, number>();
  const slot = (key: string): number => {
    let n = slotOf.get(key);
    if (n === undefined) slotOf.set(key, (n = slotOf.size));
    return n;
  };
  const distinct = (slots: readonly number[]): number[] => [...new Set(slots)];

  const compile = (p: ParticleDescriptor): Compiled => {
    const min = p.minOccurs ?? 1;
    const max = maxOf(p.maxOccurs);
    if ("element" in p) {
      const names = p.type !== undefined ? [p.element] : (profile.substitutes.get(p.element) ?? []);
      const targets = names.map((q): ElementTarget => {
        const { ns, local, prefix } = uriOf(profile, q);
        const type = p.type ?? profile.elements.get(q)?.type ?? "xs:anyType";
        const nillable =
          p.type !== undefined ? p.nillable === true : profile.elements.get(q)?.nillable === true;
        const key = keysByElement[q];
        if (key === undefined) throw new PlanError(`${qname}: no JSON key for element ${q}`);
        const id = plans.intern(ns, local);
        return { qname: q, ns, local, prefix, id, key, slot: slot(key), type, nillable };
      });
      const slots = distinct(targets.map((t) => t.slot));
      const byId = new Map(targets.map((t) => [t.id, t]));
      return { kind: "element", min, max, slots, targets, byId };
    }
    if ("any" in p)
      return { kind: "any", min, max, slots: [slot("$any")], test: nsTest(p.any, targetNs) };
    const kind = "sequence" in p ? "sequence" : "choice" in p ? "choice" : "all";
    const raw = "sequence" in p ? p.sequence : "choice" in p ? p.choice : p.all;
    const items = raw.map(compile);
    const first = new Set<string>();
    const firstAny: NsTest[] = [];
    const nullableOf = (c: Compiled): boolean =>
      c.min === 0 || (c.kind !== "element" && c.kind !== "any" && c.nullable);
    const addFirst = (c: Compiled): void => {
      if (c.kind === "element") for (const t of c.targets) first.add(t.id);
      else if (c.kind === "any") firstAny.push(c.test);
      else {
        for (const id of c.first) first.add(id);
        firstAny.push(...c.firstAny);
      }
    };
    let nullable: boolean;
    if (kind === "sequence") {
      nullable = true;
      for (const c of items) {
        addFirst(c);
        if (!nullableOf(c)) {
          nullable = false;
          break;
        }
      }
    } else {
      for (const c of items) addFirst(c);
      nullable =
        kind === "all" ? items.every(nullableOf) : items.some(nullableOf) || items.length === 0;
    }
    const slots = distinct(items.flatMap((c) => c.slots));
    return { kind, min, max, slots, items, first, firstAny, nullable };
  };

  const attributes = descriptor.attributes.map((a): AttributePlan => {
    const { ns, local, prefix } = uriOf(profile, a.name);
    const primitive = primitiveOf(registry, a.type) ?? "string";
    return {
      key: `@${a.name}`,
      id: plans.intern(ns, local),
      ns,
      local,
      prefix,
      primitive,
      required: a.use === "required",
      ...(a.fixed !== undefined ? { fixed: a.fixed } : {}),
    };
  });
  const def = entry.doc.$defs[entry.defKey] as { properties?: Record<string, { type?: string }> };
  const props = def.properties ?? {};
  const many = new Set(
    Object.entries(props)
      .filter(([, s]) => s.type === "array")
      .map(([k]) => k),
  );
  const content = descriptor.content ? compile(descriptor.content) : undefined;
  const slotKeys = [...slotOf.keys()];
  return {
    kind: "complex",
    qname,
    entry,
    descriptor,
    attributes,
    attributesById: new Map(attributes.map((a) => [a.id, a])),
    attributeKeys: new Set(attributes.map((a) => a.key)),
    ...(descriptor.anyAttribute ? { anyAttribute: nsTest(descriptor.anyAttribute, targetNs) } : {}),
    ...(content ? { content } : {}),
    ...(descriptor.simple ? { simple: primitiveOf(registry, descriptor.simple) ?? "string" } : {}),
    mixed: descriptor.mixed === true,
    many,
    keys: new Set(Object.keys(props)),
    slotOf,
    slotKeys,
    slotMany: slotKeys.map((k) => many.has(k)),
  };
}

/** Is `type` the same as, or derived from, `base` in this profile? */
export function derivesFrom(
  registry: Registry,
  profile: Profile,
  type: string,
  base: string,
): boolean {
  for (let t: string | undefined = type, guard = 0; t && guard < 64; guard++) {
    if (t === base) return true;
    t = registry.types.get(t)?.complex?.profiles[profile.name]?.base;
  }
  return base === "xs:anyType";
}

/**
 * One long-lived worker (encoder or decoder) per profile's plans, reused across calls: besides
 * sparing allocations, a live instance keeps its class's hidden map alive (V8 deoptimizes the
 * methods of a class whose last instance died at a full GC). A reentrant call gets a fresh one.
 */
export function reusableFor<T extends { readonly busy: boolean }>(
  cache: WeakMap<ProfilePlans, T>,
  plans: ProfilePlans,
  make: () => T,
): T {
  const have = cache.get(plans);
  if (have && !have.busy) return have;
  const fresh = make();
  if (!have) cache.set(plans, fresh);
  return fresh;
}

/**
 * The plan of a complex type in a profile, or a CodecError at `path`: a type the profile lacks is
 * `missing` ("unknown-type" when reading, "not-in-profile" when writing).
 */
export function requirePlan(
  plans: ProfilePlans,
  type: string,
  profile: string,
  path: () => string,
  missing: IssueCode,
): ComplexPlan {
  let plan: ComplexPlan | undefined;
  try {
    plan = plans.complex(type);
  } catch (e) {
    if (e instanceof PlanError) throw issue("not-in-profile", path(), e.message);
    throw e;
  }
  if (!plan) throw issue(missing, path(), `type ${type} is not part of profile ${profile}`);
  return plan;
}
