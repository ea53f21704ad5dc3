/**
 * encodeXml writes straight to text (XmlStreamWriter). These tests hold it to the bytes and the
 * errors of the way it replaced, the XmlElement tree plus writeXml (encodeXmlThroughTree), on
 * the valid OASIS samples and on generated documents of every profile, and check that the
 * stream really was taken (a decline falls back to the tree, which would make the comparison
 * hollow).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type CodecDocument, decodeXml, encodeXml } from "@transactive/codec";
import { arbitraryDocument, generatableElements } from "@transactive/codec/testing";
import * as fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { encodeXmlThroughTree } from "../src/encode.js";
import { XmlStreamWriter } from "../src/xml/stream.js";
import { oasisDir } from "./oasis-dir.js";
import { arbitraryOptions, PROFILE_NAMES } from "./property-fixtures.js";
import { registry } from "./registry.js";

/** Counts the documents the stream declined (finish() -> undefined). */
function countDeclines(): { readonly declined: () => number } {
  const finish = XmlStreamWriter.prototype.finish;
  let declined = 0;
  vi.spyOn(XmlStreamWriter.prototype, "finish").mockImplementation(function (
    this: XmlStreamWriter,
    seed,
  ) {
    const text = finish.call(this, seed);
    if (text === undefined) declined++;
    return text;
  });
  return { declined: () => declined };
}

afterEach(() => {
  vi.restoreAllMocks();
});

function outcome(f: () => string): string {
  try {
    return f();
  } catch (e) {
    return `threw ${(e as Error).name}: ${(e as Error).message}`;
  }
}

function expectSame(doc: CodecDocument, label: string): void {
  for (const declaration of [true, false]) {
    expect(
      outcome(() => encodeXml(registry, doc, { declaration })),
      label,
    ).toBe(outcome(() => encodeXmlThroughTree(registry, doc, { declaration })));
  }
}

describe("encodeXml streams the bytes the tree gave", () => {
  it("on every valid OASIS sample", () => {
    const dir = oasisDir();
    if (process.env.CI !== "true" && !readdirSafe(dir)) return;
    const manifest = readFileSync(join(dir, "validation.tsv"), "utf8");
    const valid = manifest
      .split("\n")
      .map((line) => line.split("\t"))
      .filter((cols) => cols.includes("valid"))
      .map((cols) => cols[0] as string);
    expect(valid.length).toBeGreaterThan(30);
    const counter = countDeclines();
    let encoded = 0;
    for (const file of valid) {
      let doc: CodecDocument;
      try {
        doc = decodeXml(registry, readFileSync(join(dir, file)));
      } catch {
        continue; // the bench leaves such samples out too; the decoder's own tests cover them
      }
      expectSame(doc, file);
      expectSame({ ...doc, schemaLocation: "urn:x x.xsd" }, `${file} with a schema location`);
      encoded++;
    }
    expect(encoded).toBeGreaterThan(30);
    expect(counter.declined()).toBe(0);
  });

  it.each(PROFILE_NAMES)("on generated documents of profile %s", (profile) => {
    const counter = countDeclines();
    let n = 0;
    for (const element of generatableElements(registry, profile)) {
      const arb = arbitraryDocument(registry, profile, element, arbitraryOptions(profile));
      for (const doc of fc.sample(arb, { numRuns: 4, seed: 9 })) {
        expectSame(doc, `${profile} ${element}`);
        n++;
      }
    }
    expect(n).toBeGreaterThan(80);
    // declines are for writeXml's refusals and seed clashes, which valid documents do not make
    expect(counter.declined()).toBe(0);
  });

  it("gives the tree's errors, in the tree's order, for what cannot be written", () => {
    const counter = countDeclines();
    const base = {
      profile: "openadr2b",
      element: "oadr:oadrPayload",
      value: {
        oadrSignedObject: { oadrRequestEvent: { eiRequestEvent: { requestID: "r", venID: "v" } } },
      },
    };
    const bad: CodecDocument[] = [
      // the hint given twice
      {
        ...base,
        schemaLocation: "urn:a a.xsd",
        value: { ...base.value, "@xsi:schemaLocation": "urn:b b.xsd" },
      },
      // a character XML cannot hold in a foreign attribute and in a hint
      {
        ...base,
        value: { ...base.value, "@xsi:schemaLocation": "urn:b \u0001" },
      },
      { ...base, schemaLocation: "\uFFFE" },
    ];
    for (const doc of bad) {
      const ours = outcome(() => encodeXml(registry, doc));
      expect(ours).toMatch(/^threw CodecError/);
      expect(ours).toBe(outcome(() => encodeXmlThroughTree(registry, doc)));
    }
    expect(counter.declined()).toBe(bad.length);
    // a value the encoder refuses, after a character the writer would refuse: the encoder's
    // error, as through the tree (which writes only once the whole tree is built)
    const both: CodecDocument = {
      ...base,
      value: {
        "@xsi:schemaLocation": "urn:b \u0001",
        oadrSignedObject: { oadrRequestEvent: { eiRequestEvent: { requestID: "r" } } },
      },
    };
    const ours = outcome(() => encodeXml(registry, both));
    expect(ours).toMatch(/missing venID/);
    expect(ours).toBe(outcome(() => encodeXmlThroughTree(registry, both)));
  });
});

function readdirSafe(dir: string): boolean {
  try {
    readdirSync(dir);
    return true;
  } catch {
    return false;
  }
}
