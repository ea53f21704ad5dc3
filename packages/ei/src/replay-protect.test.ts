/**
 * oadrdsig:ReplayProtect (oadr_xmldsig-properties-schema.xsd) is a global element of the
 * OpenADR 2.0b model like any other: it decodes, validates and round-trips through the codec.
 */
import { CodecError, decodeXml, encodeXml, validate } from "@transactive/codec";
import { describe, expect, it } from "vitest";
import { registry } from "./registry.js";

const DSP = "http://openadr.org/oadr-2.0b/2012/07/xmldsig-properties";
const replayProtect = (inner: string) =>
  `<dsp:ReplayProtect xmlns:dsp="${DSP}">${inner}</dsp:ReplayProtect>`;

describe("oadrdsig:ReplayProtect", () => {
  it("decodes a timestamp and a nonce, validates and encodes back", () => {
    const xml = replayProtect(
      '<dsp:timestamp>2026-12-02T04:30:00Z</dsp:timestamp><dsp:nonce EncodingType="urn:x-uuid">4f1c2a</dsp:nonce>',
    );
    const doc = decodeXml(registry, xml, { profile: "openadr2b" });
    expect(doc.element).toBe("oadrdsig:ReplayProtect");
    expect(doc.value).toEqual({
      timestamp: "2026-12-02T04:30:00Z",
      nonce: { "@EncodingType": "urn:x-uuid", $value: "4f1c2a" },
    });
    expect(validate(registry, doc)).toEqual([]);
    expect(decodeXml(registry, encodeXml(registry, doc), { profile: "openadr2b" }).value).toEqual(
      doc.value,
    );
  });

  it("refuses a ReplayProtect without its nonce, naming the path", () => {
    const xml = replayProtect("<dsp:timestamp>2026-12-02T04:30:00Z</dsp:timestamp>");
    let issues: readonly { path: string; message: string }[];
    try {
      issues = validate(registry, decodeXml(registry, xml, { profile: "openadr2b" }));
    } catch (e) {
      if (!(e instanceof CodecError)) throw e;
      issues = e.issues;
    }
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.map((i) => `${i.path} ${i.message}`).join("\n")).toMatch(
      /ReplayProtect.*nonce|nonce/,
    );
  });

  it("is not an element of OpenADR 2.0a, which has no XML signature", () => {
    expect(() =>
      decodeXml(registry, replayProtect("<dsp:timestamp>2026-12-02T04:30:00Z</dsp:timestamp>"), {
        profile: "openadr2a",
      }),
    ).toThrow(CodecError);
  });
});
