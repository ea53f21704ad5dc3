/**
 * Property tests over generated documents (@transactive/codec/testing): for every concrete global
 * element of every profile, generated models are valid, survive model -> XML -> model and
 * model -> JSON -> model, encode to a fixpoint, and are accepted by the OASIS XSDs (xmllint).
 *
 * Codec bugs these properties found are listed under KNOWN BUGS: each has a minimal reproduction
 * as an `it.fails` (it starts failing once the bug is fixed: then delete the entry and the guard
 * that names it). XSD facets the JSON Schemas lack are in property-fixtures.ts (SAMPLES).
 */
import {
  type CodecDocument,
  createRegistry,
  decodeXml,
  encodeXml,
  fromJson,
  readXml,
  type SchemaDocument,
  toJson,
  validate,
  writeFragment,
} from "@transactive/codec";
import {
  arbitraryDocument,
  arbitraryElementName,
  generatableElements,
} from "@transactive/codec/testing";
import * as fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { arbitraryOptions, PROFILE_NAMES } from "./property-fixtures.js";
import { registry } from "./registry.js";
import { createOracle } from "./xsd-oracle.js";

/** documents per element and property; the whole file stays well under a minute on 2 cores */
const RUNS = 20;
/** documents per element sent to xmllint */
const XSD_RUNS = 8;

// ---------------------------------------------------------------------------------------------
// Normalization the round trip allows (docs/json-mapping.md)

/**
 * B3: decoded `$any`/`$xml` fragments declare every namespace in scope at the element (so all the
 * document element's), not only those they use. The XML round trip compares fragments by their
 * canonical form (re-serialized with only the namespaces they use) until it is fixed.
 */
function canonicalFragments(value: unknown): unknown {
  const canon = (xml: string): string => writeFragment(readXml(xml), new Map());
  if (Array.isArray(value)) return value.map(canonicalFragments);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      k === "$xml" && typeof v === "string"
        ? canon(v)
        : k === "$any" && Array.isArray(v)
          ? v.map((f) => canon(f as string))
          : canonicalFragments(v),
    ]),
  );
}

// ---------------------------------------------------------------------------------------------
// Per-document checks

function checkValid(doc: CodecDocument): void {
  expect(validate(registry, doc)).toEqual([]);
}

function checkXml(doc: CodecDocument): void {
  const xml = encodeXml(registry, doc);
  // the namespaces do not say which profile wrote the document (xCal's is in three), so name it
  const back = decodeXml(registry, xml, { profile: doc.profile });
  expect(back.element).toBe(doc.element);
  expect(canonicalFragments(back.value)).toEqual(canonicalFragments(doc.value)); // B3
  expect(encodeXml(registry, back)).toBe(xml);
}

function checkJson(doc: CodecDocument): void {
  const text = toJson(doc);
  // B1 and B2 make fromJson's validation fail: for those, check the JSON mapping alone
  const back = fromJson(registry, text);
  expect(back).toEqual(doc);
}

function forEveryElement(profile: string, check: (doc: CodecDocument) => void): void {
  for (const element of generatableElements(registry, profile)) {
    const arb = arbitraryDocument(registry, profile, element, arbitraryOptions(profile));
    fc.assert(
      fc.property(arb, (doc) => check(doc)),
      { numRuns: RUNS },
    );
  }
}

// ---------------------------------------------------------------------------------------------

describe.each(PROFILE_NAMES)("profile %s", (profile) => {
  it("has generatable global elements", () => {
    const names = generatableElements(registry, profile);
    expect(names.length).toBeGreaterThan(20);
    fc.assert(fc.property(arbitraryElementName(registry, profile), (name) => names.includes(name)));
  });
  it("generated documents are valid", () => forEveryElement(profile, checkValid));
  it("model -> XML -> model is the identity, and re-encoding gives the same XML", () =>
    forEveryElement(profile, checkXml));
  it("model -> JSON -> model is the identity", () => forEveryElement(profile, checkJson));
});

// ---------------------------------------------------------------------------------------------
// The generator itself, on a small synthetic schema

describe("arbitraryDocument", () => {
  const tree = (content: unknown): Record<string, unknown> => ({
    type: "object",
    properties: {
      node: { type: "array", items: { $ref: "#/$defs/T" } },
      "@n": { type: "integer" },
    },
    additionalProperties: false,
    "x-xml": {
      qname: "t:T",
      keys: { "t:node": "node" },
      profiles: {
        p: { attributes: [{ name: "n", type: "xs:unsignedByte", use: "required" }], content },
      },
    },
  });
  const synthetic = (content: unknown) =>
    createRegistry(
      [
        {
          $id: "t.schema.json",
          "x-xml": {
            namespaces: { t: { p: "urn:t" } },
            elements: { "t:node": { p: { type: "t:T" } } },
          },
          $defs: { T: tree(content) },
        } as unknown as SchemaDocument,
      ],
      { profiles: { p: { title: "P", namespaces: { t: "urn:t" } } } },
    );
  it("bounds nesting by maxDepth and repetitions by maxItems, and its documents are valid", () => {
    const reg = synthetic({
      sequence: [{ element: "t:node", minOccurs: 0, maxOccurs: "unbounded" }],
    });
    const arb = arbitraryDocument(reg, "p", "t:node", { maxDepth: 2, maxItems: 3 });
    fc.assert(
      fc.property(arb, (doc) => {
        expect(validate(reg, doc)).toEqual([]);
        // the document element is level 1; below maxDepth (2) elements have random content
        const walk = (v: { node?: unknown[] }, level: number): void => {
          expect(level).toBeLessThanOrEqual(3);
          expect((v.node ?? []).length).toBeLessThanOrEqual(3);
          for (const n of v.node ?? []) walk(n as { node?: unknown[] }, level + 1);
        };
        walk(doc.value as { node?: unknown[] }, 1);
      }),
    );
  });

  it("fails loudly, naming the path, when a required element recurses without end", () => {
    const reg = synthetic({ sequence: [{ element: "t:node" }] });
    expect(() => arbitraryDocument(reg, "p", "t:node")).toThrow(
      /\/t:node\/t:node \(t:T\) requires itself without end/,
    );
    expect(generatableElements(reg, "p")).toEqual([]);
  });

  it("refuses unknown and abstract elements", () => {
    expect(() => arbitraryDocument(registry, "openadr2b", "oadr:noSuchElement")).toThrow(
      /declares no element/,
    );
    expect(() => arbitraryDocument(registry, "openadr2b", "emix:itemBase")).toThrow(/is abstract/);
  });
});

// ---------------------------------------------------------------------------------------------
// XSD oracle: every generated document, encoded, is valid against the profile's OASIS XSD

const oracle = await createOracle();
afterAll(() => oracle.dispose());
// Locally a missing xmllint or OASIS folder skips these; in CI it fails them.
const itXsd = oracle.unavailable !== undefined && process.env.CI !== "true" ? it.skip : it;

describe.each(PROFILE_NAMES)("XSD oracle, profile %s", (profile) => {
  itXsd("every generated document is XSD-valid (one xmllint call)", async () => {
    if (oracle.unavailable) throw new Error(`XSD oracle unavailable: ${oracle.unavailable}`);
    // no foreign attributes: the descriptors do not record whether an attribute wildcard is strict
    const options = arbitraryOptions(profile, { foreignAttributes: false });
    const batch = new Map<string, string>();
    for (const element of generatableElements(registry, profile)) {
      const docs = fc.sample(arbitraryDocument(registry, profile, element, options), XSD_RUNS);
      docs.forEach((doc, i) => {
        batch.set(`${element} #${i}`, encodeXml(registry, doc));
      });
    }
    const verdicts = await oracle.validate(profile, batch);
    const failures = [...verdicts]
      .filter(([, v]) => !v.valid)
      .map(([name, v]) => `--- ${name}\n${batch.get(name)}\n${v.errors}`);
    expect(
      failures.join("\n\n"),
      `${failures.length} of ${batch.size} documents are not XSD-valid`,
    ).toBe("");
  });
});

// ---------------------------------------------------------------------------------------------
// KNOWN BUGS found by the properties above, reported to the lead. Minimal reproductions.

describe("regressions found by the properties (B1–B5 and the schema gaps, all fixed)", () => {
  it("B1: validate() honours @xsi:type on the document element", () => {
    const doc = {
      profile: "openadr2b",
      element: "espi:Object",
      value: { "@xsi:type": "espi:BatchItemInfo", operation: 1 },
    };
    expect(validate(registry, doc)).toEqual([]); // the XSD accepts encodeXml(doc)
  });

  it("B2: a decoded ds:PGPData in its second form (no PGPKeyID) encodes", () => {
    const xml =
      '<ds:PGPData xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:PGPKeyPacket>AAAA</ds:PGPKeyPacket></ds:PGPData>';
    const doc = decodeXml(registry, xml);
    expect(() => encodeXml(registry, doc)).not.toThrow();
  });

  it("B3 (by design): a decoded $any fragment declares the namespaces in scope where it was found", () => {
    // docs/json-mapping.md: fragments keep their in-scope bindings so QName-valued content
    // (xsi:type, XPath in ds:Transform) keeps its meaning; compare fragments canonically
    const doc = {
      profile: "openadr2b",
      element: "ds:X509Data",
      value: { $any: ['<x:e xmlns:x="urn:example"/>'] },
    };
    const back = decodeXml(registry, encodeXml(registry, doc)).value as { $any: string[] };
    expect(back.$any[0]).toContain('xmlns:x="urn:example"');
    expect(canonicalFragments(back)).toEqual(canonicalFragments(doc.value));
  });

  it("B4: an $xml fragment naming another element is refused on encode", () => {
    const doc = {
      profile: "openadr2b",
      element: "espi:DateTimeInterval",
      value: { extension: [{ $xml: '<x:e xmlns:x="urn:example"/>' }] },
    };
    expect(() => encodeXml(registry, doc)).toThrow();
  });

  it("B5: a profile's own enumeration is enforced (OpenADR 2.0b has no signalType 'product')", () => {
    expect(
      validate(registry, { profile: "openadr2b", element: "ei:signalType", value: "product" }),
    ).not.toEqual([]);
  });

  // Schema-import gaps: validate() accepts values the XSD rejects, because schemas/*.schema.json
  // lack the facet (property-fixtures.ts SAMPLES works around each for the generator).
  it.each([
    [
      "fixed element value",
      "openadr2b",
      "power:energyReal",
      { itemDescription: "x", itemUnits: "Wh", siScaleCode: "k" },
    ],
    ["list of xs:double", "openadr2b", "gml:posList", "abc"],
    ["xs:base64Binary restriction", "openadr2b", "ds:DigestValue", "not base64!"],
    [
      "xs:hexBinary restriction",
      "openadr2b",
      "espi:UsagePoint",
      { roleFlags: "ZZ", ServiceCategory: { kind: 0 } },
    ],
    [
      "bounds of an xs:integer restriction",
      "xcal",
      "xcal:rrule",
      { recur: { freq: "DAILY", bymonth: ["13"] } },
    ],
  ] as const)("schema gap fixed (%s): %s %s is refused", (_what, profile, element, value) => {
    expect(validate(registry, { profile, element, value })).not.toEqual([]);
  });
});
