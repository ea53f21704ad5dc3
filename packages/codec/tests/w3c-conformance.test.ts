/**
 * readXml against the W3C XML Conformance Test Suite (docs/xml-conformance.md): every DTD-free,
 * namespace-aware XML 1.0 test gets the suite's verdict, every test with a DTD is refused with
 * the DOCTYPE error (or, when not well-formed, for an error met before it), nothing crashes, and
 * the table in the docs is current.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  DOC_PATH,
  doctypeOffset,
  loadTests,
  type Result,
  renderTable,
  runTest,
  START_MARKER,
  SUITE_DIR,
  type W3cTest,
  withTable,
} from "./w3c-suite.js";

const describeLine = (r: Result): string =>
  `${r.test.id} (${r.test.type}, ${r.test.sections}): ${r.outcome.accepted ? "accepted" : r.outcome.message}`;

describe("the W3C XML Conformance Test Suite", () => {
  let results: Result[] = [];
  beforeAll(() => {
    results = loadTests().map((t) => runTest(t));
  }, 120_000);

  it("is read whole: every TEST of the catalogue, each file present", () => {
    const catalogue = readFileSync(join(SUITE_DIR, "cleaned", "xmlconf-flattened.xml"), "utf8");
    const uncommented = catalogue.replace(/<!--[\s\S]*?-->/g, "");
    expect(results.length).toBe(uncommented.match(/<TEST\s/g)?.length);
    expect(new Set(results.map((r) => r.test.id)).size).toBe(results.length);
  });

  it("gets the suite's verdict on every DTD-free, namespace-aware XML 1.0 test", () => {
    const compared = results.filter((r) => r.category === "dtd-free");
    expect(compared.length).toBeGreaterThan(300);
    expect(compared.filter((r) => !r.agrees).map(describeLine)).toEqual([]);
    // Both verdicts occur: the comparison is not one-sided.
    expect(compared.some((r) => r.outcome.accepted)).toBe(true);
    expect(compared.some((r) => !r.outcome.accepted)).toBe(true);
  });

  it("refuses every test that needs a DTD with the DOCTYPE error (or an error before it)", () => {
    const dtd = results.filter((r) => r.category === "needs-dtd");
    expect(dtd.length).toBeGreaterThan(1000);
    expect(dtd.filter((r) => !r.agrees).map(describeLine)).toEqual([]);
    // Well-formed documents with a DTD are refused for the DOCTYPE itself.
    for (const r of dtd.filter((r) => r.test.type !== "not-wf"))
      expect(r.outcome, r.test.id).toMatchObject({ accepted: false, code: "doctype" });
  });

  it("never fails with anything but an XmlError, whatever the class", () => {
    expect(
      results.filter((r) => !r.outcome.accepted && r.outcome.code === "crash").map(describeLine),
    ).toEqual([]);
  });

  it("has the current counts in docs/xml-conformance.md", () => {
    const doc = readFileSync(DOC_PATH, "utf8");
    expect(doc).toContain(START_MARKER);
    expect(
      doc,
      "run: npx tsx --conditions=@transactive/source packages/codec/tests/w3c-suite.ts --write",
    ).toBe(withTable(doc, renderTable(results)));
  });
});

describe("the suite's checks", () => {
  const test = (type: W3cTest["type"], extra: Partial<W3cTest> = {}): W3cTest => ({
    id: "t",
    type,
    file: "",
    recommendation: "XML1.0",
    version: undefined,
    editions: undefined,
    namespaceUnaware: false,
    sections: "",
    ...extra,
  });
  const bytes = (s: string) => new TextEncoder().encode(s);

  it("find a DOCTYPE only in the prolog", () => {
    expect(doctypeOffset('<?xml version="1.0"?>\n<!-- c --><?p?> <!DOCTYPE r><r/>')).toBe(38);
    expect(doctypeOffset("<!-- <!DOCTYPE r> --><r/>")).toBe(-1);
    expect(doctypeOffset("<r/><!DOCTYPE r>")).toBe(-1);
  });

  it("report a disagreement in either direction", () => {
    expect(runTest(test("not-wf"), bytes("<r/>"))).toMatchObject({
      category: "dtd-free",
      agrees: false,
    });
    expect(runTest(test("invalid"), bytes("<r>&nbsp;</r>"))).toMatchObject({ agrees: false });
    expect(runTest(test("not-wf"), bytes("<r>&nbsp;</r>"))).toMatchObject({ agrees: true });
    expect(runTest(test("invalid"), bytes("<r/>"))).toMatchObject({ agrees: true });
  });

  it("require the DOCTYPE error for a well-formed document with a DTD", () => {
    expect(runTest(test("valid"), bytes("<!DOCTYPE r><r/>"))).toMatchObject({
      category: "needs-dtd",
      agrees: true,
    });
    // A not-wf document may fail before its DOCTYPE, but not after it: then the DOCTYPE won.
    expect(runTest(test("not-wf"), bytes("<!-- a -- b --><!DOCTYPE r><r/>"))).toMatchObject({
      outcome: { code: "malformed" },
      agrees: true,
    });
    expect(runTest(test("valid"), bytes("<!-- a -- b --><!DOCTYPE r><r/>"))).toMatchObject({
      agrees: false,
    });
  });

  it("set apart XML 1.1, earlier editions, namespace-unaware and optional-error tests", () => {
    expect(runTest(test("valid", { version: "1.1" }), bytes("<r/>")).category).toBe("xml-1.1");
    expect(runTest(test("not-wf", { editions: ["1", "2"] }), bytes("<r/>")).category).toBe(
      "earlier-edition",
    );
    expect(runTest(test("valid", { namespaceUnaware: true }), bytes("<a:r/>"))).toMatchObject({
      category: "namespace-unaware",
      agrees: undefined,
    });
    expect(runTest(test("error"), bytes("<r/>")).category).toBe("optional-error");
  });
});
