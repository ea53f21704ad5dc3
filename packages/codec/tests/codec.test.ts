import { describe, expect, it } from "vitest";
import {
  decodeXml,
  encodeXml,
  fromJson,
  infosetDiff,
  readXml,
  toJson,
  validate,
} from "../src/index.js";
import { codecError } from "./codec-error.js";
import { registry } from "./registry.js";

const OADR = "http://openadr.org/oadr-2.0b/2012/07";
const EI = "http://docs.oasis-open.org/ns/energyinterop/201110";
const PYLD = "http://docs.oasis-open.org/ns/energyinterop/201110/payloads";
const NS = `xmlns:oadr="${OADR}" xmlns:ei="${EI}" xmlns:pyld="${PYLD}"`;

const response = (
  inner = "<ei:responseCode>200</ei:responseCode><ei:responseDescription>OK</ei:responseDescription><pyld:requestID>r-1</pyld:requestID>",
) =>
  `<oadr:oadrResponse ${NS} ei:schemaVersion="2.0b"><ei:eiResponse>${inner}</ei:eiResponse><ei:venID>ven-1</ei:venID></oadr:oadrResponse>`;

describe("decodeXml", () => {
  it("decodes by namespace, whatever the prefixes", () => {
    const text = response()
      .replaceAll("oadr:", "o:")
      .replace(`xmlns:oadr=`, "xmlns:o=")
      .replaceAll("ei:", "x:")
      .replace("xmlns:ei=", "xmlns:x=");
    const doc = decodeXml(registry, text);
    expect(doc.profile).toBe("openadr2b");
    expect(doc.element).toBe("oadr:oadrResponse");
    expect(doc.value).toEqual({
      "@ei:schemaVersion": "2.0b",
      eiResponse: { responseCode: "200", responseDescription: "OK", requestID: "r-1" },
      venID: "ven-1",
    });
  });

  it("writes canonical prefixes and XSD order", () => {
    const doc = decodeXml(registry, response());
    const xml = encodeXml(registry, doc);
    expect(xml).toContain("<oadr:oadrResponse");
    expect(xml.indexOf("<ei:responseCode>")).toBeLessThan(xml.indexOf("<pyld:requestID>"));
    expect(infosetDiff(readXml(response()), readXml(xml))).toBeUndefined();
  });

  it("names the path of a missing element", () => {
    const e = codecError(() =>
      decodeXml(registry, response("<ei:responseCode>200</ei:responseCode>")),
    );
    expect(e.code).toBe("missing-element");
    expect(e.path).toBe("/oadrResponse/eiResponse/requestID");
  });

  it("refuses an unknown element with the path", () => {
    const e = codecError(() =>
      decodeXml(
        registry,
        response(
          "<ei:responseCode>200</ei:responseCode><ei:bogus/><pyld:requestID>r</pyld:requestID>",
        ),
      ),
    );
    expect(e.code).toBe("unexpected-element");
    expect(e.path).toBe("/oadrResponse/eiResponse/bogus");
  });

  it("refuses an element in the wrong namespace", () => {
    const wrong = response().replace(`xmlns:pyld="${PYLD}"`, `xmlns:pyld="urn:example:wrong"`);
    const e = codecError(() => decodeXml(registry, wrong));
    expect(e.code).toBe("unexpected-element");
    expect(e.message).toContain("requestID");
  });

  it("refuses an unknown document element", () => {
    const e = codecError(() => decodeXml(registry, `<x:thing xmlns:x="urn:example"/>`));
    expect(e.code).toBe("unknown-root");
    expect(e.path).toBe("/thing");
  });

  it("refuses text in element-only content and unknown attributes", () => {
    expect(
      codecError(() => decodeXml(registry, response().replace("<ei:venID>", "stray<ei:venID>")))
        .code,
    ).toBe("text-not-allowed");
    expect(
      codecError(() => decodeXml(registry, response().replace("<ei:venID>", '<ei:venID foo="1">')))
        .code,
    ).toBe("unknown-attribute");
  });

  it("turns hostile XML into a CodecError, never a crash", () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${response()}`;
    expect(codecError(() => decodeXml(registry, xxe)).code).toBe("xml");
    expect(codecError(() => decodeXml(registry, "<oadr:oadrResponse")).code).toBe("xml");
    expect(codecError(() => decodeXml(registry, "<a>".repeat(5000))).code).toBe("xml");
  });
});

describe("values", () => {
  const distribute = (
    duration: string,
    value: string,
  ) => `<oadr:oadrDistributeEvent ${NS} xmlns:xcal="urn:ietf:params:xml:ns:icalendar-2.0" xmlns:strm="urn:ietf:params:xml:ns:icalendar-2.0:stream" xmlns:emix="http://docs.oasis-open.org/ns/emix/2011/06" ei:schemaVersion="2.0b">
  <pyld:requestID>r</pyld:requestID><ei:vtnID>vtn</ei:vtnID>
  <oadr:oadrEvent><ei:eiEvent>
    <ei:eventDescriptor><ei:eventID>e</ei:eventID><ei:modificationNumber>0</ei:modificationNumber><ei:eiMarketContext><emix:marketContext>http://m</emix:marketContext></ei:eiMarketContext><ei:createdDateTime>2026-11-25T10:00:00Z</ei:createdDateTime><ei:eventStatus>far</ei:eventStatus></ei:eventDescriptor>
    <ei:eiActivePeriod><xcal:properties><xcal:dtstart><xcal:date-time>2026-11-25T12:00:00Z</xcal:date-time></xcal:dtstart><xcal:duration><xcal:duration>${duration}</xcal:duration></xcal:duration></xcal:properties><xcal:components/></ei:eiActivePeriod>
    <ei:eiEventSignals><ei:eiEventSignal>
      <strm:intervals><ei:interval><xcal:duration><xcal:duration>PT15M</xcal:duration></xcal:duration><xcal:uid><xcal:text>0</xcal:text></xcal:uid><ei:signalPayload><ei:payloadFloat><ei:value>${value}</ei:value></ei:payloadFloat></ei:signalPayload></ei:interval></strm:intervals>
      <ei:signalName>SIMPLE</ei:signalName><ei:signalType>level</ei:signalType><ei:signalID>s</ei:signalID><ei:currentValue><ei:payloadFloat><ei:value>0</ei:value></ei:payloadFloat></ei:currentValue>
    </ei:eiEventSignal></ei:eiEventSignals>
    <ei:eiTarget/>
  </ei:eiEvent><oadr:oadrResponseRequired>always</oadr:oadrResponseRequired></oadr:oadrEvent>
</oadr:oadrDistributeEvent>`;

  it("decodes substitution group members under their own names, floats as numbers", () => {
    const doc = decodeXml(registry, distribute("PT1H", "2.5"));
    expect(validate(registry, doc)).toEqual([]);
    expect(doc.value).toMatchObject({
      oadrEvent: [
        {
          eiEvent: {
            eiActivePeriod: { properties: { duration: { duration: "PT1H" } } },
            eiEventSignals: {
              eiEventSignal: [
                {
                  intervals: { interval: [{ signalPayload: [{ payloadFloat: { value: 2.5 } }] }] },
                },
              ],
            },
          },
        },
      ],
    });
  });

  it("round-trips the document through JSON", () => {
    const doc = decodeXml(registry, distribute("PT1H", "2.5"));
    const again = fromJson(registry, toJson(doc));
    expect(again).toEqual(doc);
    expect(
      infosetDiff(readXml(encodeXml(registry, doc)), readXml(encodeXml(registry, again))),
    ).toBeUndefined();
  });

  it("rejects a bad duration and a bad float with their paths", () => {
    const bad = validate(registry, decodeXml(registry, distribute("1 hour", "2.5")));
    expect(bad[0]?.path).toBe(
      "/oadrDistributeEvent/oadrEvent[0]/eiEvent/eiActivePeriod/properties/duration/duration",
    );
    const e = codecError(() => decodeXml(registry, distribute("PT1H", "two")));
    expect(e.code).toBe("bad-value");
    expect(e.path).toBe(
      "/oadrDistributeEvent/oadrEvent[0]/eiEvent/eiEventSignals/eiEventSignal[0]/intervals/interval[0]/signalPayload[0]/payloadFloat/value",
    );
  });
});

describe("fromJson / encodeXml refuse what they cannot carry", () => {
  const json = {
    $profile: "openadr2b",
    "oadr:oadrResponse": { eiResponse: { responseCode: "200", requestID: "r" } },
  };

  it("accepts a valid document", () => {
    expect(() => fromJson(registry, json)).not.toThrow();
  });

  it("refuses unknown properties, never dropping them", () => {
    const e = codecError(() =>
      fromJson(registry, {
        ...json,
        "oadr:oadrResponse": { ...json["oadr:oadrResponse"], extra: 1 },
      }),
    );
    expect(e.code).toBe("schema");
    expect(e.message).toContain("extra");
    const e2 = codecError(() =>
      encodeXml(registry, {
        profile: "openadr2b",
        element: "oadr:oadrResponse",
        value: { eiResponse: { responseCode: "200", requestID: "r", extra: 1 } },
      }),
    );
    expect(e2.code).toBe("unknown-property");
    expect(e2.path).toBe("/oadrResponse/eiResponse/extra");
  });

  it("refuses malformed JSON and unknown profiles", () => {
    expect(codecError(() => fromJson(registry, "{")).code).toBe("bad-json");
    expect(
      codecError(() => fromJson(registry, { $profile: "nope", "oadr:oadrResponse": {} })).code,
    ).toBe("bad-json");
    expect(codecError(() => fromJson(registry, { a: 1, b: 2 })).code).toBe("bad-json");
  });

  it("refuses writing an element into a profile that does not have it", () => {
    const doc = fromJson(registry, json);
    const e = codecError(() => encodeXml(registry, doc, { profile: "cts" }));
    expect(e.code).toBe("not-in-profile");
  });
});
