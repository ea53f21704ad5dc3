/**
 * Strict values (issue 16): float/double specials and huge exponents, integers beyond their range,
 * characters XML 1.0 cannot carry; and the README's decode-then-validate path (issue 9).
 */
import { describe, expect, it } from "vitest";
import {
  type CodecDocument,
  decodeXml,
  encodeXml,
  fromJson,
  isXsdDate,
  isXsdDateTime,
  toJson,
  validate,
} from "../src/index.js";
import { codecError } from "./codec-error.js";
import { registry } from "./registry.js";

const NS = `xmlns:oadr="http://openadr.org/oadr-2.0b/2012/07" xmlns:ei="http://docs.oasis-open.org/ns/energyinterop/201110" xmlns:pyld="http://docs.oasis-open.org/ns/energyinterop/201110/payloads" xmlns:xcal="urn:ietf:params:xml:ns:icalendar-2.0" xmlns:strm="urn:ietf:params:xml:ns:icalendar-2.0:stream" xmlns:emix="http://docs.oasis-open.org/ns/emix/2011/06"`;

/** An oadrDistributeEvent with one float payload and one modificationNumber (xs:unsignedInt). */
const distribute = (
  value: string,
  modification = "0",
) => `<oadr:oadrDistributeEvent ${NS} ei:schemaVersion="2.0b">
  <pyld:requestID>r</pyld:requestID><ei:vtnID>vtn</ei:vtnID>
  <oadr:oadrEvent><ei:eiEvent>
    <ei:eventDescriptor><ei:eventID>e</ei:eventID><ei:modificationNumber>${modification}</ei:modificationNumber><ei:eiMarketContext><emix:marketContext>http://m</emix:marketContext></ei:eiMarketContext><ei:createdDateTime>2026-11-25T10:00:00Z</ei:createdDateTime><ei:eventStatus>far</ei:eventStatus></ei:eventDescriptor>
    <ei:eiActivePeriod><xcal:properties><xcal:dtstart><xcal:date-time>2026-11-25T12:00:00Z</xcal:date-time></xcal:dtstart><xcal:duration><xcal:duration>PT1H</xcal:duration></xcal:duration></xcal:properties><xcal:components/></ei:eiActivePeriod>
    <ei:eiEventSignals><ei:eiEventSignal>
      <strm:intervals><ei:interval><xcal:duration><xcal:duration>PT15M</xcal:duration></xcal:duration><xcal:uid><xcal:text>0</xcal:text></xcal:uid><ei:signalPayload><ei:payloadFloat><ei:value>${value}</ei:value></ei:payloadFloat></ei:signalPayload></ei:interval></strm:intervals>
      <ei:signalName>SIMPLE</ei:signalName><ei:signalType>level</ei:signalType><ei:signalID>s</ei:signalID><ei:currentValue><ei:payloadFloat><ei:value>0</ei:value></ei:payloadFloat></ei:currentValue>
    </ei:eiEventSignal></ei:eiEventSignals>
    <ei:eiTarget/>
  </ei:eiEvent><oadr:oadrResponseRequired>always</oadr:oadrResponseRequired></oadr:oadrEvent>
</oadr:oadrDistributeEvent>`;

const EVENT = "/oadrDistributeEvent/oadrEvent[0]/eiEvent";
const VALUE = `${EVENT}/eiEventSignals/eiEventSignal[0]/intervals/interval[0]/signalPayload[0]/payloadFloat/value`;
const MODIFICATION = `${EVENT}/eventDescriptor/modificationNumber`;

type Json = Record<string, unknown>;
const payloadValue = (doc: CodecDocument): unknown =>
  // biome-ignore lint/suspicious/noExplicitAny: a deep path into a test document
  (doc.value as any).oadrEvent[0].eiEvent.eiEventSignals.eiEventSignal[0].intervals.interval[0]
    .signalPayload[0].payloadFloat.value;

describe("xs:float / xs:double", () => {
  it.each([
    ["INF", "INF"],
    ["-INF", "-INF"],
    ["NaN", "NaN"],
    ["1e309", "INF"],
    ["-1E400", "-INF"],
    ["1.7976931348623157e308", 1.7976931348623157e308],
    ["2.5", 2.5],
  ])("%s decodes to %j and survives XML -> JSON -> XML", (lexical, expected) => {
    const doc = decodeXml(registry, distribute(lexical), { validate: true });
    expect(payloadValue(doc)).toEqual(expected);
    const back = fromJson(registry, toJson(doc));
    expect(payloadValue(back)).toEqual(expected);
    const again = decodeXml(registry, encodeXml(registry, back), { validate: true });
    expect(payloadValue(again)).toEqual(expected);
  });

  it("a non-finite JSON number is refused with its path (JSON.parse reads 1e309 as Infinity)", () => {
    const doc = decodeXml(registry, distribute("1"));
    const text = toJson(doc).replace('"value":1', '"value":1e309');
    const e = codecError(() => fromJson(registry, text));
    expect(e.issues.some((i) => i.path === VALUE)).toBe(true);
    // and the encoder without validation: a typed error, not "null" in the XML
    const unchecked = fromJson(registry, text, { validate: false });
    const w = codecError(() => encodeXml(registry, unchecked));
    expect(w.code).toBe("bad-value");
    expect(w.path).toBe(VALUE);
  });
});

describe("bounded integers", () => {
  it("keep the values of their range", () => {
    const doc = decodeXml(registry, distribute("1", "4294967295"), { validate: true });
    // biome-ignore lint/suspicious/noExplicitAny: a deep path into a test document
    expect((doc.value as any).oadrEvent[0].eiEvent.eventDescriptor.modificationNumber).toBe(
      4294967295,
    );
  });

  it("beyond 2^53 are a bad-value issue while decoding, never 1e+35", () => {
    const e = codecError(() =>
      decodeXml(registry, distribute("1", "12345678901234567890123456789012345")),
    );
    expect(e.code).toBe("bad-value");
    expect(e.path).toBe(MODIFICATION);
    expect(e.message).toContain("12345678901234567890123456789012345");
  });

  it("beyond the type's range are refused by validation with their path", () => {
    const e = codecError(() =>
      decodeXml(registry, distribute("1", "4294967296"), { validate: true }),
    );
    expect(e.issues).toEqual([
      { code: "schema", path: MODIFICATION, message: "must be <= 4294967295" },
    ]);
    expect(validate(registry, decodeXml(registry, distribute("1", "-1")))[0]?.path).toBe(
      MODIFICATION,
    );
  });
});

describe("characters XML 1.0 cannot carry", () => {
  const valid = decodeXml(registry, distribute("1"));
  const withText = (s: string): string =>
    toJson(valid).replace('"requestID":"r"', `"requestID":${JSON.stringify(s)}`);

  it.each([["\u0000"], ["a\u0001"], ["\u001F"], ["\uD800"], ["x\uDFFFy"], ["\uFFFE"], ["\uFFFF"]])(
    "%j is refused by validation with its path, and by the encoder as a CodecError",
    (s) => {
      const e = codecError(() => fromJson(registry, withText(s)));
      expect(e.issues[0]).toMatchObject({
        code: "bad-value",
        path: "/oadrDistributeEvent/requestID",
      });
      expect(e.issues[0]?.message).toMatch(/not allowed in XML 1\.0/);
      const unchecked = fromJson(registry, withText(s), { validate: false });
      const w = codecError(() => encodeXml(registry, unchecked));
      expect(w.code).toBe("bad-value");
      expect(w.path).toBe("/oadrDistributeEvent/requestID");
    },
  );

  it("tab, newline, return and a surrogate pair are text", () => {
    const text = "a\tb\nc\rd \u{1F600}";
    const doc = fromJson(registry, withText(text));
    const back = decodeXml(registry, encodeXml(registry, doc), { validate: true });
    expect((back.value as Json).requestID).toBe(text);
  });
});

describe("validate() after decodeXml (the README's path)", () => {
  it("accepts the decoded document, and still checks its facets", () => {
    const doc = decodeXml(registry, distribute("1"));
    expect(validate(registry, doc)).toEqual([]);
    // biome-ignore lint/suspicious/noExplicitAny: a deep path into a test document
    (doc.value as any).oadrEvent[0].eiEvent.eventDescriptor.eventStatus = "later";
    expect(validate(registry, doc).map((i) => i.path)).toEqual([
      `${EVENT}/eventDescriptor/eventStatus`,
    ]);
  });

  it("skips the content-model check only for the value decodeXml returned; profile: true forces it", () => {
    const doc = decodeXml(registry, distribute("1"));
    // an edit only the content model refuses (the JSON Schemas have no minItems): a required
    // repeated element emptied
    // biome-ignore lint/suspicious/noExplicitAny: a deep path into a test document
    const signal = (doc.value as any).oadrEvent[0].eiEvent.eiEventSignals.eiEventSignal[0];
    signal.intervals.interval[0].signalPayload = [];
    const copy: CodecDocument = { ...doc, value: structuredClone(doc.value) as Json };
    const structural = validate(registry, copy);
    expect(structural.map((i) => i.code)).toEqual(["missing-element"]); // a copy is checked in full
    expect(validate(registry, doc)).toEqual([]); // the decoded value itself is trusted
    expect(validate(registry, doc, { profile: true })).toEqual(structural);
    expect(validate(registry, copy, { profile: false })).toEqual([]);
  });
});

describe("calendar dates of any year (no date library on the import path)", () => {
  it("accepts 29 February only in leap years, however long the year", () => {
    expect(isXsdDate("2024-02-29")).toBe(true);
    expect(isXsdDate("2023-02-29")).toBe(false);
    expect(isXsdDate("1900-02-29")).toBe(false);
    expect(isXsdDate("2000-02-29")).toBe(true);
    // years past 9999: the leap-year rule reads the last four digits (4, 100, 400 divide 10000)
    expect(isXsdDate("12000-02-29")).toBe(true);
    expect(isXsdDate("11900-02-29")).toBe(false);
    expect(isXsdDateTime("123456789012345678-02-29T00:00:00Z")).toBe(false);
    expect(isXsdDateTime("123456789012345600-02-29T00:00:00Z")).toBe(true);
    expect(isXsdDate("10000-04-31")).toBe(false);
    expect(isXsdDate("10000-13-01")).toBe(false);
  });
});
