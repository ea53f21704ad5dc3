import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { canonicalize, parseCanonical } from "./canonical.js";
import { LedgerError } from "./errors.js";

const vectors = JSON.parse(
  readFileSync(new URL("../tests/vectors/canonical.json", import.meta.url), "utf8"),
) as {
  canonical: { name: string; input: string; canonical: string }[];
  refused: { name: string; text: string }[];
  refusedBytes: { name: string; hex: string }[];
};

describe("RFC 8785 canonical JSON", () => {
  for (const v of vectors.canonical)
    it(`writes ${v.name}`, () => {
      expect(canonicalize(JSON.parse(v.input))).toBe(v.canonical);
      // the canonical form is accepted back as is
      expect(canonicalize(parseCanonical(Buffer.from(v.canonical)))).toBe(v.canonical);
    });
  for (const v of vectors.refused)
    it(`refuses ${v.name}`, () => {
      expect(() => parseCanonical(Buffer.from(v.text))).toThrow(LedgerError);
    });
  for (const v of vectors.refusedBytes)
    it(`refuses ${v.name}`, () => {
      expect(() => parseCanonical(Buffer.from(v.hex, "hex"))).toThrow(/UTF-8|canonical|JSON/);
    });
  it("refuses values JSON cannot carry, naming the field", () => {
    expect(() => canonicalize({ a: [1, Number.NaN] })).toThrow("/a/1");
    expect(() => canonicalize({ "x/y": "\ud800" })).toThrow("/x~1y");
  });
});
