/**
 * The codec's own schema checker (check/schema.ts) against ajv (@transactive/codec/json-schema),
 * the oracle it replaced on the validate path: the same verdict, and the same issues, over every
 * conformance case input, every OASIS sample, generated documents and mutations of them.
 *
 * Intentional difference, tested on its own below: the checker refuses strings holding characters
 * XML 1.0 cannot carry ("bad-value"); the JSON Schemas (and so ajv) do not know that rule.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  type CodecDocument,
  createRegistry,
  decodeXml,
  fromJson,
  type Issue,
  type SchemaDocument,
  typeCheck,
} from "@transactive/codec";
import { schemaIssues } from "@transactive/codec/json-schema";
import { arbitraryDocument, generatableElements } from "@transactive/codec/testing";
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkType, SchemaCompileError } from "../src/check/schema.js";
import { PROFILES } from "../src/gen/profiles.js";
import { arbitraryOptions, PROFILE_NAMES } from "./property-fixtures.js";
import { registry, schemaDocs } from "./registry.js";

const repo = resolve(import.meta.dirname, "../../..");

/** The type validate() checks a document against (xsi:type on the document element wins). */
function typeOf(doc: CodecDocument): string {
  const named = (doc.value as { "@xsi:type"?: unknown } | null)?.["@xsi:type"];
  if (typeof named === "string" && registry.types.has(named)) return named;
  return registry.profiles.get(doc.profile)?.elements.get(doc.element)?.type as string;
}

const sorted = (issues: readonly Issue[]): string[] =>
  [...new Set(issues.map((i) => `${i.code} ${i.path}: ${i.message}`))].sort();

/** Both checkers on one value: the same verdict and the same issues. */
function expectAgreement(type: string, value: unknown, what: string): boolean {
  const mine = checkType(registry, type, value, "/doc");
  const ajv = schemaIssues(registry, type, value, "/doc");
  expect(sorted(mine), what).toEqual(sorted(ajv));
  return mine.length === 0;
}

/** Every XML and JSON input of the conformance cases, decoded without validation. */
function conformanceDocuments(): { name: string; doc: CodecDocument }[] {
  const out: { name: string; doc: CodecDocument }[] = [];
  for (const suite of ["ws-calendar", "emix", "ei"]) {
    const dir = join(repo, "conformance", suite);
    for (const f of readdirSync(dir, { recursive: true, encoding: "utf8" }).sort()) {
      if (f.endsWith(".case.json")) continue;
      const text =
        f.endsWith(".xml") || f.endsWith(".json") ? readFileSync(join(dir, f), "utf8") : "";
      if (!text) continue;
      try {
        const doc = f.endsWith(".xml")
          ? decodeXml(registry, text)
          : fromJson(registry, text, { validate: false });
        out.push({ name: `${suite}/${f}`, doc });
      } catch {
        // not a document, or refused before the schema layer: nothing for the checkers to judge
      }
    }
  }
  return out;
}

function oasisDir(): string {
  const fromEnv = process.env.TRANSACTIVE_OASIS_DIR;
  return fromEnv ? resolve(fromEnv) : resolve(repo, "..", "shared", "oasis");
}

// ---------------------------------------------------------------------------------------------
// Mutations: one change at one place of a valid value

type Mutation = (v: unknown) => unknown;
const MUTATIONS: Readonly<Record<string, Mutation>> = {
  "wrong enum value / pattern break": (v) => (typeof v === "string" ? `${v}§not-valid` : v),
  "empty string": (v) => (typeof v === "string" ? "" : v),
  "long string": (v) => (typeof v === "string" ? "9".repeat(300) : v),
  "bound break (too large)": (v) =>
    typeof v === "number" ? 1e12 : typeof v === "string" ? "1e40" : v,
  "bound break (negative)": (v) =>
    typeof v === "number" ? -1 : typeof v === "string" ? "-99999999999999999999" : v,
  "fraction for an integer": (v) => (typeof v === "number" ? 1.5 : v),
  "wrong JSON type": (v) =>
    typeof v === "string" ? 7 : typeof v === "number" ? "7" : typeof v === "boolean" ? "true" : v,
  null: () => null,
  array: (v) => [v],
  "extra property": (v) =>
    v !== null && typeof v === "object" && !Array.isArray(v) ? { ...v, bogus: "x" } : v,
  "missing property": (v) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    const keys = Object.keys(v);
    const copy: Record<string, unknown> = { ...v };
    delete copy[keys[0] as string];
    return copy;
  },
  "empty array": (v) => (Array.isArray(v) ? [] : v),
};

/** The nodes of a JSON value, as [parent, key] pairs (the root is [holder, "root"]). */
function places(holder: { root: unknown }): [Record<string | number, unknown>, string | number][] {
  const out: [Record<string | number, unknown>, string | number][] = [];
  const walk = (parent: Record<string | number, unknown>, key: string | number): void => {
    out.push([parent, key]);
    const v = parent[key];
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) walk(v as unknown as Record<number, unknown>, i);
    } else if (v !== null && typeof v === "object")
      for (const k of Object.keys(v)) walk(v as Record<string, unknown>, k);
  };
  walk(holder as unknown as Record<string, unknown>, "root");
  return out;
}

function mutated(value: unknown, at: number, mutation: Mutation): unknown {
  const holder = { root: structuredClone(value) };
  const all = places(holder);
  const [parent, key] = all[at % all.length] as [Record<string | number, unknown>, string | number];
  parent[key] = mutation(parent[key]);
  return holder.root;
}

// ---------------------------------------------------------------------------------------------

describe("the schema checker", () => {
  it("compiles every definition of every schema (only keywords it knows)", () => {
    let n = 0;
    for (const type of registry.types.keys()) {
      const fn = typeCheck(registry, type);
      expect(fn, type).toBeTypeOf("function");
      // a first call resolves the definition's own references
      fn?.(undefined);
      fn?.({});
      n++;
    }
    expect(n).toBeGreaterThan(400);
  });

  it("fails loudly on a keyword it does not know", () => {
    const doc = structuredClone(schemaDocs[0]) as SchemaDocument;
    const [key, def] = Object.entries(doc.$defs)[0] as [string, Record<string, unknown>];
    (doc.$defs as Record<string, unknown>)[key] = { ...def, minLength: 1 };
    const other = createRegistry([doc, ...schemaDocs.slice(1)], PROFILES);
    const qname = (def["x-xml"] as { qname: string }).qname;
    expect(() => typeCheck(other, qname)?.("x")).toThrow(SchemaCompileError);
    expect(() => typeCheck(other, qname)?.("x")).toThrow(
      /unsupported JSON Schema keyword "minLength"/,
    );
  });

  it("refuses a $ref it cannot resolve", () => {
    const doc = structuredClone(schemaDocs[0]) as SchemaDocument;
    const [key, def] = Object.entries(doc.$defs)[0] as [string, Record<string, unknown>];
    (doc.$defs as Record<string, unknown>)[key] = { ...def, $ref: "nowhere.schema.json#/$defs/X" };
    const other = createRegistry([doc, ...schemaDocs.slice(1)], PROFILES);
    const qname = (def["x-xml"] as { qname: string }).qname;
    expect(() => typeCheck(other, qname)?.("x")).toThrow(/no schema document nowhere.schema.json/);
  });
});

describe("the schema checker agrees with ajv", () => {
  const cases = conformanceDocuments();

  it("on every conformance case input, and on mutations of each", () => {
    expect(cases.length).toBeGreaterThan(100);
    let valid = 0;
    let invalid = 0;
    for (const { name, doc } of cases) {
      const type = typeOf(doc);
      if (expectAgreement(type, doc.value, name)) valid++;
      else invalid++;
      Object.values(MUTATIONS).forEach((m, k) => {
        expectAgreement(type, mutated(doc.value, name.length * 7 + k * 13, m), `${name} mutated`);
      });
    }
    // the suites hold both: documents that pass and documents that break a facet
    expect(valid).toBeGreaterThan(0);
    expect(invalid + valid).toBe(cases.length);
  }, 300_000);

  const oasis = oasisDir();
  it.skipIf(!existsSync(oasis) && process.env.CI !== "true")(
    "on every OASIS sample (validation.tsv), valid and invalid",
    () => {
      const rows = readFileSync(join(oasis, "validation.tsv"), "utf8")
        .trim()
        .split("\n")
        .slice(1)
        .map((l) => l.split("\t"));
      expect(rows.length).toBeGreaterThan(50);
      let judged = 0;
      for (const [sample] of rows) {
        let doc: CodecDocument;
        try {
          doc = decodeXml(registry, readFileSync(join(oasis, sample as string)));
        } catch {
          continue; // refused by the reader or the content model, before the schema layer
        }
        expectAgreement(typeOf(doc), doc.value, sample as string);
        judged++;
      }
      expect(judged).toBeGreaterThan(rows.length / 2);
    },
    300_000,
  );

  it.each(PROFILE_NAMES)(
    "on generated %s documents and mutations of them",
    (profile) => {
      const elements = generatableElements(registry, profile);
      const arb = fc
        .constantFrom(...elements)
        .chain((element) =>
          arbitraryDocument(registry, profile, element, arbitraryOptions(profile)),
        );
      fc.assert(
        fc.property(
          arb,
          fc.nat(),
          fc.constantFrom(...Object.values(MUTATIONS)),
          (doc, at, mutation) => {
            const type = typeOf(doc);
            expectAgreement(type, doc.value, doc.element);
            expectAgreement(type, mutated(doc.value, at, mutation), `${doc.element} mutated`);
          },
        ),
        { numRuns: 60 },
      );
    },
    300_000,
  );

  it("differs by design on characters XML 1.0 cannot carry: only the checker refuses them", () => {
    const { doc } = cases.find((c) => c.doc.profile === "openadr2b" && c.name.endsWith(".xml")) as {
      doc: CodecDocument;
    };
    const holder = { root: structuredClone(doc.value) };
    // strings that any plain text may replace (no pattern, format or enumeration on them)
    const strings = places(holder).filter(([p, k]) => {
      const was = p[k];
      if (typeof was !== "string") return false;
      p[k] = "plain text";
      const ok = checkType(registry, typeOf(doc), holder.root, "/doc").length === 0;
      p[k] = was;
      return ok;
    });
    expect(strings.length).toBeGreaterThan(0);
    for (const bad of ["\u0000", "a\u0001b", "\uFFFE", "\uD800", "x\uDC00"]) {
      const [p, k] = strings[0] as [Record<string | number, unknown>, string | number];
      const was = p[k];
      p[k] = bad;
      const type = typeOf(doc);
      expect(schemaIssues(registry, type, holder.root, "/doc")).toEqual([]);
      const mine = checkType(registry, type, holder.root, "/doc");
      expect(
        mine.some((i) => i.code === "bad-value" && /not allowed in XML 1\.0/.test(i.message)),
      ).toBe(true);
      p[k] = was;
    }
    // a surrogate pair is one character, and allowed
    const [p, k] = strings[0] as [Record<string | number, unknown>, string | number];
    const was = p[k] as string;
    p[k] = `${was}\u{1F600}`;
    expect(
      checkType(registry, typeOf(doc), holder.root, "/doc").filter((i) => i.code === "bad-value"),
    ).toEqual([]);
    expectAgreement(typeOf(doc), holder.root, "a surrogate pair");
  });
});
