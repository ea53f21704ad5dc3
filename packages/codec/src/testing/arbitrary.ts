/**
 * fast-check arbitraries for valid documents, for property tests of the codec and of code built on
 * it. Generic: the generator walks a profile's compiled content model (compile.ts) and the JSON
 * Schema facets of the simple types, with no knowledge of particular elements.
 *
 *   fc.assert(fc.property(arbitraryDocument(registry, "openadr2b", "oadr:oadrPayload"), (doc) => …))
 *
 * What it generates: sequences, one alternative per choice repetition, repetitions within
 * min..max(min, min(max, maxItems)), substitution-group members, derived types as `@xsi:type`,
 * attributes (required always, optional sometimes, `fixed` values as fixed), `null` for nillable
 * elements, `$text` for mixed content, `$attributes` and `$any` where a wildcard admits a foreign
 * namespace and is not strict, and simple values from the XSD primitive plus the JSON Schema facets
 * (enum, pattern, lengths, bounds, formats). Below `maxDepth` elements get random content; deeper
 * ones get the least content their type allows.
 *
 * The JSON Schemas do not carry every XSD facet (a base type such as xs:hexBinary behind a named
 * string type, for instance). `samples` supplies known-good values for such types.
 *
 * Requires fast-check (a peer of this subpath only; the codec itself does not use it).
 */
import * as fc from "fast-check";
import { BUILTINS } from "../builtins.js";
import { typeCheck } from "../check/schema.js";
import { type Compiled, type ComplexPlan, complexPlan, type ElementTarget } from "../compile.js";
import type { ParticleDescriptor, SchemaDocument } from "../descriptors.js";
import type { CodecDocument } from "../document.js";
import { getProfile, type Profile, type Registry } from "../registry.js";
import {
  fromLexical,
  isXsdDate,
  isXsdDateTime,
  isXsdDuration,
  isXsdTime,
  type Primitive,
} from "../values.js";

export interface ArbitraryOptions {
  /** nesting depth (in complex elements) below which content is random; deeper elements get minimal content (default 5) */
  readonly maxDepth?: number;
  /** repetitions of a particle go up to max(minOccurs, min(maxOccurs, maxItems)) (default 2) */
  readonly maxItems?: number;
  /**
   * Known-good values used instead of generated ones, keyed by simple type qname
   * ("espi:HexBinary16") or by an element in the content of a complex type
   * ("power:EnergyRealType/power:itemUnits"), for XSD facets the JSON Schemas do not carry.
   */
  readonly samples?: Readonly<Record<string, readonly unknown[]>>;
  /** sometimes replace a type by a derived one with `@xsi:type` (default true; abstract types always are) */
  readonly xsiTypes?: boolean;
  /** generate `$attributes` where a type has an attribute wildcard admitting a foreign namespace (default true) */
  readonly foreignAttributes?: boolean;
  /** namespace of `$any`/`$attributes` content (default "urn:example") */
  readonly foreignNamespace?: string;
}

/** A fast-check Arbitrary of valid documents whose document element is `element` in `profile`. */
export function arbitraryDocument(
  registry: Registry,
  profile: string,
  element: string,
  options: ArbitraryOptions = {},
): fc.Arbitrary<CodecDocument> {
  const gen = generatorFor(registry, profile, options);
  const decl = gen.profile.elements.get(element);
  if (!decl)
    throw new Error(`arbitraryDocument: profile ${profile} declares no element ${element}`);
  if (decl.abstract)
    throw new Error(`arbitraryDocument: element ${element} is abstract in profile ${profile}`);
  const target = { type: decl.type, nillable: false, qname: element };
  const path = `/${element}`;
  if (gen.targetHeight(target) === Number.POSITIVE_INFINITY)
    throw new Error(
      `arbitraryDocument: no finite valid instance of ${element} in profile ${profile}: ${gen.explain(decl.type, path, new Set())}`,
    );
  return gen
    .element(target, 0, path)
    .map((value): CodecDocument => ({ profile, element, value: resolveIds(value) }));
}

/** Non-abstract global elements of `profile` that have a finite valid instance. */
export function generatableElements(
  registry: Registry,
  profile: string,
  options: ArbitraryOptions = {},
): string[] {
  const gen = generatorFor(registry, profile, options);
  const out: string[] = [];
  for (const [qname, decl] of gen.profile.elements) {
    if (decl.abstract) continue;
    if (gen.targetHeight({ type: decl.type, nillable: false, qname }) < Number.POSITIVE_INFINITY)
      out.push(qname);
  }
  return out.sort();
}

/** Picks a non-abstract global element of `profile` (one with a finite valid instance). */
export function arbitraryElementName(registry: Registry, profile: string): fc.Arbitrary<string> {
  const names = generatableElements(registry, profile);
  if (names.length === 0)
    throw new Error(`arbitraryElementName: profile ${profile} has no concrete global element`);
  return fc.constantFrom(...names);
}

// ---------------------------------------------------------------------------------------------

/** xs:ID values are generated as tokens and numbered once the whole document exists, so they are unique. */
class IdToken {}
function resolveIds(value: unknown): unknown {
  let n = 0;
  const walk = (v: unknown): unknown => {
    if (v instanceof IdToken) return `id${++n}`;
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object")
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value);
}

type Entry = readonly [key: string, value: unknown];
interface Target {
  readonly type: string;
  readonly nillable: boolean;
  readonly qname: string;
}
type JsonSchema = Record<string, unknown>;

const INF = Number.POSITIVE_INFINITY;
const generators = new WeakMap<Registry, Map<string, Generator>>();

function generatorFor(registry: Registry, profile: string, options: ArbitraryOptions): Generator {
  let byKey = generators.get(registry);
  if (!byKey) generators.set(registry, (byKey = new Map()));
  const key = `${profile} ${JSON.stringify(options)}`;
  let gen = byKey.get(key);
  if (!gen) byKey.set(key, (gen = new Generator(registry, getProfile(registry, profile), options)));
  return gen;
}

const childrenOf = (d: ParticleDescriptor): readonly ParticleDescriptor[] =>
  "sequence" in d ? d.sequence : "choice" in d ? d.choice : "all" in d ? d.all : [];

class Generator {
  private readonly maxDepth: number;
  private readonly maxItems: number;
  private readonly foreign: string;
  private readonly heights = new Map<string, number>();
  private readonly derived = new Map<string, string[]>();
  private readonly memo = new Map<string, fc.Arbitrary<unknown>>();
  private readonly simpleMemo = new Map<string, fc.Arbitrary<unknown>>();

  constructor(
    private readonly registry: Registry,
    readonly profile: Profile,
    private readonly options: ArbitraryOptions,
  ) {
    this.maxDepth = options.maxDepth ?? 5;
    this.maxItems = options.maxItems ?? 2;
    this.foreign = options.foreignNamespace ?? "urn:example";
    this.computeHeights();
  }

  // --- content model metadata ---------------------------------------------------------------

  private plan(type: string): ComplexPlan | undefined {
    try {
      return complexPlan(this.registry, this.profile, type);
    } catch {
      return undefined; // a type this profile cannot carry (e.g. a namespace it does not bind)
    }
  }

  private isComplex(type: string): boolean {
    return this.registry.types.get(type)?.complex !== undefined;
  }

  /** Non-abstract types of this profile that are `type` or derive from it. */
  private concreteTypes(type: string): string[] {
    let list = this.derived.get(type);
    if (list) return list;
    list = [];
    for (const [q, entry] of this.registry.types) {
      const d = entry.complex?.profiles[this.profile.name];
      if (!d || d.abstract) continue;
      for (let t: string | undefined = q, guard = 0; t && guard < 64; guard++) {
        if (t === type) {
          list.push(q);
          break;
        }
        t = this.registry.types.get(t)?.complex?.profiles[this.profile.name]?.base;
      }
    }
    list.sort((a, b) => (a === type ? -1 : b === type ? 1 : a.localeCompare(b)));
    this.derived.set(type, list);
    return list;
  }

  /**
   * Least nesting depth of a valid instance of each complex type (Infinity when none is finite),
   * by fixpoint iteration: height(T) = 1 + height of T's required content.
   */
  private computeHeights(): void {
    const types = [...this.registry.types.keys()].filter(
      (q) => this.registry.types.get(q)?.complex?.profiles[this.profile.name],
    );
    for (const q of types) this.heights.set(q, INF);
    for (let changed = true; changed; ) {
      changed = false;
      for (const q of types) {
        const plan = this.plan(q);
        const h =
          plan === undefined
            ? INF
            : 1 +
              (plan.content && plan.descriptor.content
                ? this.contentHeight(plan.content, plan.descriptor.content)
                : 0);
        if (h < (this.heights.get(q) ?? INF)) {
          this.heights.set(q, h);
          changed = true;
        }
      }
    }
  }

  /** Height of a type as written with its own name (abstract types are INF). */
  private ownHeight(type: string): number {
    if (!this.isComplex(type)) return 0;
    const d = this.registry.types.get(type)?.complex?.profiles[this.profile.name];
    if (!d || d.abstract) return INF;
    return this.heights.get(type) ?? INF;
  }

  /** Height of the cheapest instance of an element declared with `type` (itself or a derived type). */
  private typeHeight(type: string): number {
    if (!this.isComplex(type))
      return this.registry.types.has(type) || type.startsWith("xs:") ? 0 : INF;
    let best = INF;
    for (const t of this.concreteTypes(type)) best = Math.min(best, this.ownHeight(t));
    return best;
  }

  /** Why `type` (at `path`) has no finite valid instance: the chain of required elements to the cause. */
  explain(type: string, path: string, seen: Set<string>): string {
    if (seen.has(type)) return `${path} (${type}) requires itself without end`;
    if (!this.isComplex(type)) return `${path}: unknown type ${type}`;
    const concrete = this.concreteTypes(type);
    const [first] = concrete;
    if (first === undefined)
      return `${path}: type ${type} is abstract and has no concrete derived type in this profile`;
    const plan = this.plan(first);
    if (!plan?.content || !plan.descriptor.content)
      return `${path}: type ${first} is not usable in this profile`;
    const inner = new Set(seen).add(type);
    const walk = (c: Compiled, d: ParticleDescriptor): string | undefined => {
      if (this.contentHeight(c, d) < INF) return undefined;
      if (c.kind === "element") {
        const t = c.targets[0];
        return t === undefined
          ? `${path}: required substitution group with no member`
          : this.explain(t.type, `${path}/${t.qname}`, inner);
      }
      if (c.kind === "any")
        return `${path}: required wildcard that cannot be filled (strict, or excluding ${this.foreign})`;
      const kids = childrenOf(d);
      for (let i = 0; i < c.items.length; i++) {
        const why = walk(c.items[i] as Compiled, kids[i] as ParticleDescriptor);
        if (why) return why;
      }
      return undefined;
    };
    return walk(plan.content, plan.descriptor.content) ?? `${path}: no finite content for ${first}`;
  }

  targetHeight(t: Target): number {
    return t.nillable ? 0 : this.typeHeight(t.type);
  }

  /** Height of the cheapest valid content of particle `c` (`d` is its descriptor). */
  private contentHeight(c: Compiled, d: ParticleDescriptor): number {
    if (c.min === 0) return 0;
    switch (c.kind) {
      case "element":
        return Math.min(...c.targets.map((t) => this.targetHeight(t)));
      case "any":
        return this.fillable(c, d) ? 0 : INF;
      case "choice":
        return c.items.length === 0
          ? 0
          : Math.min(
              ...c.items.map((i, k) =>
                this.contentHeight(i, childrenOf(d)[k] as ParticleDescriptor),
              ),
            );
      default:
        return Math.max(
          0,
          ...c.items.map((i, k) => this.contentHeight(i, childrenOf(d)[k] as ParticleDescriptor)),
        );
    }
  }

  /**
   * Can a wildcard take the foreign fragment? Not when it excludes the foreign namespace, nor when
   * it is strict: a schema validator would then look for a declaration of the fragment's element.
   */
  private fillable(c: Compiled & { kind: "any" }, d: ParticleDescriptor): boolean {
    const strict =
      !("any" in d) || d.processContents === undefined || d.processContents === "strict";
    return c.test(this.foreign) && !strict;
  }

  // --- arbitraries --------------------------------------------------------------------------

  /** The value of one element occurrence. `depth` counts the complex elements above it. */
  element(t: Target, depth: number, path: string): fc.Arbitrary<unknown> {
    const minimal = depth > this.maxDepth;
    const key = `${t.type === "xs:anyType" ? t.qname : t.type}|${t.nillable}|${minimal ? "min" : depth}`;
    const have = this.memo.get(key);
    if (have) return have;
    let arb: fc.Arbitrary<unknown>;
    if (t.type === "xs:anyType") {
      // the fragment is the element itself (docs/json-mapping.md), with foreign content
      const colon = t.qname.indexOf(":");
      const prefix = colon < 0 ? "" : t.qname.slice(0, colon);
      const ns = prefix === "" ? "" : this.profile.uriOf.get(prefix);
      const decl = prefix === "" ? "" : ` xmlns:${prefix}="${ns}"`;
      arb = fc
        .constantFrom(
          `<${t.qname}${decl}/>`,
          `<${t.qname}${decl}><x:e xmlns:x="${this.foreign}" x:a="1">text</x:e></${t.qname}>`,
        )
        .map((xml) => ({ $xml: xml }));
    } else if (!this.isComplex(t.type)) {
      arb = this.simple(t.type, path);
    } else {
      const own = this.typeHeight(t.type);
      if (minimal && t.nillable && own > 0) arb = fc.constant(null);
      else {
        if (own === INF) {
          if (!t.nillable)
            throw new Error(
              `arbitraryDocument: no finite valid instance of ${path} (${t.type}) in profile ${this.profile.name}`,
            );
          arb = fc.constant(null);
        } else {
          let types = this.concreteTypes(t.type).filter((x) => this.ownHeight(x) < INF);
          if (minimal) types = types.filter((x) => this.ownHeight(x) === own).slice(0, 1);
          else if (this.options.xsiTypes === false && types.includes(t.type)) types = [t.type];
          const alternatives = types.map((x) =>
            this.complex(x, x === t.type ? undefined : x, depth + 1, path),
          );
          const [first, ...rest] = alternatives;
          if (!first)
            throw new Error(`arbitraryDocument: no concrete type for ${path} (${t.type})`);
          // the declared type itself (first) most of the time, a derived type sometimes
          let body: fc.Arbitrary<unknown> =
            rest.length === 0
              ? first
              : fc.oneof(
                  { arbitrary: first, weight: 3 },
                  ...rest.map((a) => ({ arbitrary: a, weight: 1 })),
                );
          if (this.concreteTypes(t.type)[0] !== t.type) body = fc.oneof(...alternatives); // abstract declared type
          arb =
            t.nillable && !minimal
              ? fc.oneof(
                  { arbitrary: body, weight: 6 },
                  { arbitrary: fc.constant(null), weight: 1 },
                )
              : body;
        }
      }
    }
    this.memo.set(key, arb);
    return arb;
  }

  private complex(
    type: string,
    xsiType: string | undefined,
    depth: number,
    path: string,
  ): fc.Arbitrary<unknown> {
    const plan = this.plan(type);
    if (!plan)
      throw new Error(
        `arbitraryDocument: type ${type} is not part of profile ${this.profile.name} (${path})`,
      );
    const minimal = depth > this.maxDepth;
    const parts: fc.Arbitrary<readonly Entry[]>[] = [];
    if (xsiType !== undefined) parts.push(fc.constant<readonly Entry[]>([["@xsi:type", xsiType]]));
    plan.attributes.forEach((a, i) => {
      const d = plan.descriptor.attributes[i];
      if (!d) return;
      const at = `${path}/${a.key}`;
      const value =
        a.fixed !== undefined
          ? fc.constant(fromLexical(a.primitive, a.fixed, at))
          : this.simple(d.type, at);
      const entry = value.map((v): readonly Entry[] => [[a.key, v]]);
      if (a.required) parts.push(entry);
      else if (!minimal) parts.push(fc.oneof(fc.constant([]), entry));
    });
    if (plan.anyAttribute?.(this.foreign) && this.options.foreignAttributes !== false && !minimal)
      parts.push(
        fc.oneof(
          fc.constant([]),
          richString(0, 8).map((v): readonly Entry[] => [
            ["$attributes", { [`{${this.foreign}}a`]: v }],
          ]),
        ),
      );
    if (plan.simple !== undefined && plan.descriptor.simple !== undefined) {
      parts.push(
        this.simple(plan.descriptor.simple, `${path}/$value`).map((v): readonly Entry[] => [
          ["$value", v],
        ]),
      );
    } else {
      if (plan.mixed && !minimal)
        parts.push(
          fc.oneof(
            fc.constant([]),
            richString(1, 8)
              .filter((s) => s.trim() !== "")
              .map((v): readonly Entry[] => [["$text", v]]),
          ),
        );
      if (plan.content && plan.descriptor.content)
        parts.push(
          this.particle(plan.content, plan.descriptor.content, type, depth, minimal, path),
        );
    }
    return fc.tuple(...parts).map((lists) => {
      const out: Record<string, unknown> = {};
      for (const list of lists)
        for (const [k, v] of list) {
          if (k === "$any" || plan.many.has(k)) ((out[k] ??= []) as unknown[]).push(v);
          else if (k in out)
            throw new Error(
              `arbitraryDocument: ${path}: ${k} generated twice but is not an array in the JSON form of ${type}`,
            );
          else out[k] = v;
        }
      return out;
    });
  }

  /** The entries one particle contributes (all its repetitions). */
  private particle(
    c: Compiled,
    d: ParticleDescriptor,
    owner: string,
    depth: number,
    minimal: boolean,
    path: string,
  ): fc.Arbitrary<readonly Entry[]> {
    const lo = c.min;
    const hi = minimal ? lo : Math.max(lo, Math.min(c.max, this.maxItems));
    // nothing to build (and, for a recursive type past maxDepth, nothing to recurse into)
    if (hi === 0) return fc.constant([]);
    const repeat = (
      one: fc.Arbitrary<readonly Entry[]>,
      min: number,
      max: number,
    ): fc.Arbitrary<readonly Entry[]> =>
      max === 0
        ? fc.constant([])
        : min === 1 && max === 1
          ? one
          : fc.array(one, { minLength: min, maxLength: max }).map((xs) => xs.flat());
    if (c.kind === "element") {
      let targets = c.targets.filter((t) => this.targetHeight(t) < INF);
      if (minimal) {
        const best = Math.min(...targets.map((t) => this.targetHeight(t)));
        targets = targets.filter((t) => this.targetHeight(t) === best).slice(0, 1);
      }
      if (targets.length === 0) {
        if (lo > 0)
          throw new Error(
            `arbitraryDocument: no finite valid instance of the required element(s) ${c.targets.map((t) => t.qname).join(" | ") || "(empty substitution group)"} at ${path}`,
          );
        return fc.constant([]);
      }
      const occurrence = (t: ElementTarget): fc.Arbitrary<unknown> => {
        const samples = this.options.samples?.[`${owner}/${t.qname}`];
        return samples && samples.length > 0
          ? fc.constantFrom(...samples)
          : this.element(t, depth, `${path}/${t.key}`);
      };
      const one = fc.oneof(
        ...targets.map((t) => occurrence(t).map((v): readonly Entry[] => [[t.key, v]])),
      );
      return repeat(one, lo, hi);
    }
    if (c.kind === "any") {
      if (!this.fillable(c, d)) {
        if (lo > 0)
          throw new Error(
            `arbitraryDocument: ${path}: a required strict or foreign-excluding wildcard (${"any" in d ? d.any : "?"}) cannot be filled generically`,
          );
        return fc.constant([]);
      }
      return repeat(fc.constant([["$any", `<x:e xmlns:x="${this.foreign}"/>`]]), lo, hi);
    }
    const raw = childrenOf(d);
    const items = c.items.map((item, i) => ({ item, desc: raw[i] as ParticleDescriptor }));
    let one: fc.Arbitrary<readonly Entry[]>;
    if (c.kind === "choice") {
      let usable = items.filter(({ item, desc }) => this.contentHeight(item, desc) < INF);
      if (minimal) {
        const best = Math.min(...usable.map(({ item, desc }) => this.contentHeight(item, desc)));
        usable = usable
          .filter(({ item, desc }) => this.contentHeight(item, desc) === best)
          .slice(0, 1);
      }
      if (usable.length === 0) {
        if (lo > 0)
          throw new Error(
            `arbitraryDocument: ${path}: no alternative of a required choice has a finite valid instance`,
          );
        return fc.constant([]);
      }
      one = fc.oneof(
        ...usable.map(({ item, desc }) => this.particle(item, desc, owner, depth, minimal, path)),
      );
    } else {
      const parts = items.map(({ item, desc }) =>
        this.particle(item, desc, owner, depth, minimal, path),
      );
      one = fc.tuple(...parts).map((lists) => lists.flat());
    }
    return repeat(one, lo, hi);
  }

  // --- simple values ------------------------------------------------------------------------

  simple(type: string, path: string): fc.Arbitrary<unknown> {
    let arb = this.simpleMemo.get(type);
    if (arb) return arb;
    const samples = this.options.samples?.[type];
    if (samples && samples.length > 0) arb = fc.constantFrom(...samples);
    else if (type.startsWith("xs:")) arb = builtin(type.slice(3));
    else {
      const entry = this.registry.types.get(type);
      if (!entry?.simple)
        throw new Error(`arbitraryDocument: ${path}: unknown simple type ${type}`);
      const def = entry.doc.$defs[entry.defKey] as JsonSchema;
      const primitive = entry.simple.primitive;
      arb = this.fromSchema(def, entry.doc, primitive, type, 0).filter((v) =>
        xmlSafe(primitive, v),
      );
      const validator = schemaValidator(this.registry, type);
      if (validator) arb = arb.filter((v) => validator(v) === true);
    }
    this.simpleMemo.set(type, arb);
    return arb;
  }

  private resolve(ref: string, doc: SchemaDocument): { schema: JsonSchema; doc: SchemaDocument } {
    const hash = ref.indexOf("#");
    const file = ref.slice(0, hash);
    const target = file === "" ? doc : this.registry.docs.find((d) => d.$id === file);
    const key = ref.slice(hash).replace(/^#\/\$defs\//, "");
    const schema = target?.$defs[key] as JsonSchema | undefined;
    if (!target || !schema)
      throw new Error(`arbitraryDocument: cannot resolve $ref ${ref} from ${doc.$id}`);
    return { schema, doc: target };
  }

  /** Candidates from a (simple-type) JSON Schema; the caller filters them with the full validator. */
  private fromSchema(
    s: JsonSchema,
    doc: SchemaDocument,
    primitive: Primitive,
    type: string,
    guard: number,
  ): fc.Arbitrary<unknown> {
    if (guard > 16) throw new Error(`arbitraryDocument: $ref chain too deep for ${type}`);
    if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
    if ("const" in s) return fc.constant(s.const);
    if (typeof s.$ref === "string") {
      const r = this.resolve(s.$ref, doc);
      return this.fromSchema(r.schema, r.doc, primitive, type, guard + 1);
    }
    if (Array.isArray(s.anyOf) && s.anyOf.length > 0) {
      // a bound on the union (e.g. maximum next to anyOf) applies to every branch
      const own = Object.fromEntries(
        Object.entries(s).filter(
          ([k]) => k === "minimum" || k === "maximum" || k === "minLength" || k === "maxLength",
        ),
      );
      // floats are generated finite: "INF", "-INF" and "NaN" branches are left out
      const branches = (s.anyOf as JsonSchema[]).filter(
        (b) => primitive !== "float" || !Array.isArray(b.enum),
      );
      return fc.oneof(
        ...branches.map((b) => this.fromSchema({ ...b, ...own }, doc, primitive, type, guard + 1)),
      );
    }
    if (Array.isArray(s.allOf) && s.allOf.length > 0)
      return this.fromSchema(s.allOf[0] as JsonSchema, doc, primitive, type, guard + 1);
    const num = (k: string): number | undefined =>
      typeof s[k] === "number" ? (s[k] as number) : undefined;
    const b: Bounds = {
      min: num("minimum"),
      max: num("maximum"),
      minLength: num("minLength"),
      maxLength: num("maxLength"),
    };
    let re: RegExp | undefined;
    if (typeof s.pattern === "string") {
      try {
        re = new RegExp(s.pattern);
      } catch {
        throw new Error(
          `arbitraryDocument: the pattern of ${type} does not compile in JavaScript; give known-good values in options.samples["${type}"]`,
        );
      }
    }
    const base =
      re && (primitive === "string" || primitive === "token")
        ? fc.stringMatching(re, b.maxLength !== undefined ? { maxLength: b.maxLength } : {})
        : byPrimitive(primitive, b);
    // this branch's own facets (the whole type's validator, when it compiles, runs afterwards too)
    const format = typeof s.format === "string" ? FORMATS[s.format] : undefined;
    return base.filter((v) => {
      if (typeof v === "string") {
        const n = [...v].length;
        if (
          (re && !re.test(v)) ||
          (b.minLength !== undefined && n < b.minLength) ||
          (b.maxLength !== undefined && n > b.maxLength) ||
          (format && !format(v))
        )
          return false;
      } else if (typeof v === "number") {
        if ((b.min !== undefined && v < b.min) || (b.max !== undefined && v > b.max)) return false;
      }
      return true;
    });
  }
}

/** The codec's JSON Schema check for a simple type, or undefined when it cannot be compiled. */
function schemaValidator(registry: Registry, type: string): ((v: unknown) => boolean) | undefined {
  try {
    const fn = typeCheck(registry, type);
    return fn ? (v) => fn(v) : undefined;
  } catch {
    return undefined; // validate() reports that itself; the branch facets above still apply
  }
}

const FORMATS: Readonly<Record<string, (s: string) => boolean>> = {
  "xsd-dateTime": isXsdDateTime,
  "xsd-date": isXsdDate,
  "xsd-time": isXsdTime,
  "xsd-duration": isXsdDuration,
};

// ---------------------------------------------------------------------------------------------
// Simple values

interface Bounds {
  readonly min?: number | undefined;
  readonly max?: number | undefined;
  readonly minLength?: number | undefined;
  readonly maxLength?: number | undefined;
}

const XML_CHARS = /^[\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
const collapse = (s: string): string => s.replace(/[\t\n\r ]+/g, " ").trim();

/** Representable in XML 1.0, and already in the form the decoder returns (tokens collapsed). */
function xmlSafe(primitive: Primitive, v: unknown): boolean {
  if (typeof v !== "string") return true;
  if (!XML_CHARS.test(v)) return false;
  return primitive !== "token" || collapse(v) === v;
}

const ASCII = [..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.:/"];
const SPECIAL = [
  "<",
  ">",
  "&",
  '"',
  "'",
  "\t",
  "\n",
  "\r",
  " ",
  "é",
  "中",
  "😀",
  "\u00a0",
  "]]>",
  "&amp;",
];

/** Strings with the characters that exercise escaping: markup, quotes, whitespace, non-ASCII. */
function richString(minLength: number, maxLength: number): fc.Arbitrary<string> {
  const unit = fc.oneof(
    { arbitrary: fc.constantFrom(...ASCII), weight: 6 },
    { arbitrary: fc.constantFrom(...SPECIAL), weight: 1 },
  );
  return fc.string({ unit, minLength, maxLength: Math.max(minLength, maxLength) });
}

const int = (min: number, max: number): fc.Arbitrary<number> =>
  fc.bigInt({ min: BigInt(min), max: BigInt(max) }).map(Number);
const pad = (n: number, w = 2): string => String(n).padStart(w, "0");

const year = fc.integer({ min: 1900, max: 2099 });
const zone = fc.oneof(
  fc.constant(""),
  fc.constant("Z"),
  fc
    .tuple(fc.constantFrom("+", "-"), fc.integer({ min: 0, max: 13 }), fc.constantFrom(0, 30, 45))
    .map(([s, h, m]) => `${s}${pad(h)}:${pad(m)}`),
);
const daysIn = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();
const ymd = fc
  .tuple(year, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }))
  .map(([y, m, d]) => `${y}-${pad(m)}-${pad(Math.min(d, daysIn(y, m)))}`);
const hms = fc
  .tuple(
    fc.integer({ min: 0, max: 23 }),
    fc.integer({ min: 0, max: 59 }),
    fc.integer({ min: 0, max: 59 }),
    fc.option(fc.stringMatching(/^[0-9]{1,6}$/), { nil: undefined }),
  )
  .map(([h, m, s, f]) => `${pad(h)}:${pad(m)}:${pad(s)}${f === undefined ? "" : `.${f}`}`);
const dateTime = fc.tuple(ymd, hms, zone).map(([d, t, z]) => `${d}T${t}${z}`);
const date = fc.tuple(ymd, zone).map(([d, z]) => `${d}${z}`);
const time = fc.tuple(hms, zone).map(([t, z]) => `${t}${z}`);
const duration = fc
  .tuple(
    fc.boolean(),
    fc.array(fc.option(fc.integer({ min: 0, max: 999 }), { nil: undefined }), {
      minLength: 6,
      maxLength: 6,
    }),
    fc.option(fc.integer({ min: 0, max: 999 }), { nil: undefined }),
  )
  .map(([neg, [y, mo, d, h, mi, s], frac]) => {
    const datePart = `${y !== undefined ? `${y}Y` : ""}${mo !== undefined ? `${mo}M` : ""}${d !== undefined ? `${d}D` : ""}`;
    const sec = s !== undefined ? `${s}${frac !== undefined ? `.${frac}` : ""}S` : "";
    const timePart = `${h !== undefined ? `${h}H` : ""}${mi !== undefined ? `${mi}M` : ""}${sec}`;
    const body =
      datePart === "" && timePart === "" ? "T0S" : `${datePart}${timePart ? `T${timePart}` : ""}`;
    return `${neg ? "-" : ""}P${body}`;
  });
const digits = (min: number, max: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: min, maxLength: max });
const decimal = fc
  .tuple(
    fc.constantFrom("", "", "-", "+"),
    digits(0, 12),
    fc.option(digits(0, 6), { nil: undefined }),
  )
  .filter(([, i, f]) => i !== "" || (f !== undefined && f !== ""))
  .map(([s, i, f]) => `${s}${i}${f === undefined ? "" : `.${f}`}`);
/** at most 18 digits: inside xs:long, the usual base of the schemas' integer types */
const integer = fc
  .tuple(fc.constantFrom("", "", "-", "+"), digits(1, 18))
  .map(([s, d]) => `${s}${d}`);

function float(min = -3.4e38, max = 3.4e38): fc.Arbitrary<number> {
  // JSON has no negative zero, so the model cannot carry one either
  const small = fc.integer({
    min: Math.ceil(Math.max(min, -1000)),
    max: Math.floor(Math.min(max, 1000)),
  });
  return fc
    .oneof(small, fc.double({ min, max, noNaN: true, noDefaultInfinity: true }))
    .map((n) => (Object.is(n, -0) ? 0 : n));
}

function byPrimitive(primitive: Primitive, b: Bounds): fc.Arbitrary<unknown> {
  switch (primitive) {
    case "boolean":
      return fc.boolean();
    case "int":
      return int(b.min ?? -2147483648, b.max ?? 2147483647);
    case "float":
      return float(b.min, b.max);
    case "decimal":
      return decimal;
    case "integer":
      return integer;
    case "dateTime":
      return dateTime;
    case "date":
      return date;
    case "time":
      return time;
    case "duration":
      return duration;
    case "string":
      return richString(b.minLength ?? 0, Math.min(b.maxLength ?? 12, 12));
    case "token":
      return richString(b.minLength ?? 0, Math.min(b.maxLength ?? 12, 12)).map(collapse);
  }
}

const ncname = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9._-]{0,10}$/);
const bytes = fc.uint8Array({ maxLength: 12 });

/** Values in the lexical space of an XSD built-in type (`name` without the xs: prefix). */
function builtin(name: string): fc.Arbitrary<unknown> {
  switch (name) {
    case "ID":
      return fc.constant(new IdToken());
    case "IDREF":
    case "IDREFS":
    case "ENTITY":
    case "ENTITIES":
    case "NOTATION":
      throw new Error(
        `arbitraryDocument: xs:${name} values depend on the rest of the document; give options.samples["xs:${name}"]`,
      );
    case "Name":
    case "NCName":
    case "QName":
      return ncname;
    case "NMTOKEN":
      return fc.stringMatching(/^[A-Za-z0-9._-]{1,10}$/);
    case "NMTOKENS":
      return fc
        .array(fc.stringMatching(/^[A-Za-z0-9._-]{1,6}$/), { minLength: 1, maxLength: 3 })
        .map((xs) => xs.join(" "));
    case "language":
      return fc.stringMatching(/^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8}){0,2}$/);
    case "anyURI":
      return fc.oneof(
        fc.constantFrom(
          "",
          "urn:example:a",
          "http://example.com/a?b=1&c=2",
          "https://example.org/x%20y#f",
          "rel/path",
        ),
        fc.stringMatching(/^urn:x:[a-z0-9]{1,8}$/),
      );
    case "base64Binary":
      return bytes.map((b) => btoa(String.fromCharCode(...b)));
    case "hexBinary":
      return bytes.map((b) =>
        [...b]
          .map((x) => x.toString(16).padStart(2, "0"))
          .join("")
          .toUpperCase(),
      );
    case "gYear":
      return year.map(String);
    case "gYearMonth":
      return fc.tuple(year, fc.integer({ min: 1, max: 12 })).map(([y, m]) => `${y}-${pad(m)}`);
    case "gMonth":
      return fc.integer({ min: 1, max: 12 }).map((m) => `--${pad(m)}`);
    case "gMonthDay":
      return fc
        .tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
        .map(([m, d]) => `--${pad(m)}-${pad(d)}`);
    case "gDay":
      return fc.integer({ min: 1, max: 31 }).map((d) => `---${pad(d)}`);
    case "integer":
      // unbounded: beyond 2^64, to show the value stays exact (24 digits at most: libxml2's limit)
      return fc.oneof(
        integer,
        fc.tuple(fc.constantFrom("", "-"), digits(19, 24)).map(([s, d]) => `${s}${d}`),
      );
    case "long":
      return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String);
    case "unsignedLong":
      return fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String);
    case "nonNegativeInteger":
      return fc.bigInt({ min: 0n, max: 10n ** 20n }).map(String);
    case "positiveInteger":
      return fc.bigInt({ min: 1n, max: 10n ** 20n }).map(String);
    case "nonPositiveInteger":
      return fc.bigInt({ min: -(10n ** 20n), max: 0n }).map(String);
    case "negativeInteger":
      return fc.bigInt({ min: -(10n ** 20n), max: -1n }).map(String);
    case "float":
      return float();
    case "double":
      return float(-Number.MAX_VALUE, Number.MAX_VALUE);
  }
  const b = BUILTINS[name];
  if (!b) throw new Error(`arbitraryDocument: unknown built-in type xs:${name}`);
  const s = b.schema as { minimum?: number; maximum?: number };
  return byPrimitive(b.primitive, { min: s.minimum, max: s.maximum });
}
