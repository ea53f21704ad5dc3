/**
 * xsi:schemaLocation and xsi:noNamespaceSchemaLocation on any element (docs/json-mapping.md):
 * an OASIS sample wrapped in oadrPayload, as it travels, keeps its own hint through
 * XML -> model -> XML and XML -> JSON -> XML.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type CodecDocument,
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
const XSI = "http://www.w3.org/2001/XMLSchema-instance";
const EI = "http://docs.oasis-open.org/ns/energyinterop/201110";
const PYLD = "http://docs.oasis-open.org/ns/energyinterop/201110/payloads";

const oasis = resolve(
  process.env.TRANSACTIVE_OASIS_DIR || resolve(import.meta.dirname, "../../../../shared/oasis"),
);
const SAMPLE = "avob-OpenADR/OpenADRModel20b/src/test/resources/eievent/oadrDistributeEvent.xml";
const OUTER = `${OADR} oadr_20b.xsd`;

/** The sample's document element (with its own xsi:schemaLocation) inside oadrPayload. */
function wrapped(): { xml: string; inner: string } {
  const text = readFileSync(join(oasis, SAMPLE), "utf8");
  const start = text.indexOf("<oadr:oadrDistributeEvent");
  const inner = /xsi:schemaLocation="([^"]*)"/.exec(text.slice(start))?.[1];
  if (start === -1 || inner === undefined) throw new Error(`${SAMPLE} changed`);
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<oadr:oadrPayload xmlns:oadr="${OADR}" xmlns:xsi="${XSI}" xsi:schemaLocation="${OUTER}">
<oadr:oadrSignedObject>${text.slice(start)}</oadr:oadrSignedObject></oadr:oadrPayload>`;
  return { xml, inner };
}

const event = (doc: CodecDocument) =>
  (doc.value as { oadrSignedObject: { oadrDistributeEvent: Record<string, unknown> } })
    .oadrSignedObject.oadrDistributeEvent;

describe.skipIf(!existsSync(join(oasis, SAMPLE)) && !process.env.CI)(
  "an OASIS sample wrapped in oadrPayload",
  { timeout: 60_000 },
  () => {
    it("decodes with both hints kept, each where it was, and validates", () => {
      const { xml, inner } = wrapped();
      const doc = decodeXml(registry, xml, { validate: true });
      expect(doc.schemaLocation).toBe(OUTER);
      expect(event(doc)["@xsi:schemaLocation"]).toBe(inner);
      expect(validate(registry, doc)).toEqual([]);
    });

    it("round-trips XML -> model -> XML", () => {
      const { xml, inner } = wrapped();
      const doc = decodeXml(registry, xml);
      const out = encodeXml(registry, doc);
      expect(infosetDiff(readXml(xml), readXml(out))).toBeUndefined();
      const written = readXml(out);
      expect(written.attrs).toContainEqual(expect.objectContaining({ ns: XSI, value: OUTER }));
      const again = decodeXml(registry, out);
      expect(again.schemaLocation).toBe(OUTER);
      expect(event(again)["@xsi:schemaLocation"]).toBe(inner);
      expect(out).toContain(`xsi:schemaLocation="${inner}"`);
    });

    it("round-trips XML -> JSON -> XML", () => {
      const { xml, inner } = wrapped();
      const json = toJson(decodeXml(registry, xml));
      const parsed = JSON.parse(json);
      expect(parsed.$schemaLocation).toBe(OUTER);
      expect(
        parsed["oadr:oadrPayload"].oadrSignedObject.oadrDistributeEvent["@xsi:schemaLocation"],
      ).toBe(inner);
      const back = encodeXml(registry, fromJson(registry, json));
      expect(infosetDiff(readXml(xml), readXml(back))).toBeUndefined();
    });
  },
);

const NS = `xmlns:oadr="${OADR}" xmlns:ei="${EI}" xmlns:pyld="${PYLD}" xmlns:xsi="${XSI}"`;
const response = (eiResponse: string, root = "") =>
  `<oadr:oadrResponse ${NS} ei:schemaVersion="2.0b"${root}><ei:eiResponse${eiResponse}><ei:responseCode>200</ei:responseCode><ei:responseDescription>OK</ei:responseDescription><pyld:requestID>r-1</pyld:requestID></ei:eiResponse><ei:venID>ven-1</ei:venID></oadr:oadrResponse>`;

describe("schema location hints below the document element", { timeout: 60_000 }, () => {
  it("keeps xsi:noNamespaceSchemaLocation too, on the document element as well", () => {
    const xml = response(
      ' xsi:noNamespaceSchemaLocation="a.xsd"',
      ' xsi:noNamespaceSchemaLocation="r.xsd"',
    );
    const doc = decodeXml(registry, xml, { validate: true });
    expect(doc.schemaLocation).toBeUndefined();
    const value = doc.value as Record<string, Record<string, unknown>>;
    expect(value["@xsi:noNamespaceSchemaLocation"]).toBe("r.xsd");
    expect(value.eiResponse?.["@xsi:noNamespaceSchemaLocation"]).toBe("a.xsd");
    expect(infosetDiff(readXml(xml), readXml(encodeXml(registry, doc)))).toBeUndefined();
  });

  it("refuses a hint on a simple-typed element, where the JSON value has no place for it", () => {
    const xml = response("").replace("<ei:venID>", '<ei:venID xsi:schemaLocation="urn:x x.xsd">');
    const e = codecError(() => decodeXml(registry, xml));
    expect(e.issues[0]).toMatchObject({
      code: "unknown-attribute",
      path: "/oadrResponse/venID/@xsi:schemaLocation",
    });
  });

  it("still refuses other xsi attributes", () => {
    const e = codecError(() => decodeXml(registry, response(' xsi:foo="1"')));
    expect(e.issues[0]).toMatchObject({
      code: "unknown-attribute",
      path: "/oadrResponse/eiResponse/@xsi:foo",
    });
  });

  it("refuses a hint that is not a string (JSON Schema and encoder)", () => {
    const doc = decodeXml(registry, response(' xsi:schemaLocation="urn:x x.xsd"'));
    const value = doc.value as Record<string, Record<string, unknown>>;
    const bad = {
      ...doc,
      value: { ...value, eiResponse: { ...value.eiResponse, "@xsi:schemaLocation": 5 } },
    };
    expect(validate(registry, bad)).toContainEqual(
      expect.objectContaining({
        code: "schema",
        path: "/oadrResponse/eiResponse/@xsi:schemaLocation",
      }),
    );
    expect(codecError(() => encodeXml(registry, bad)).issues[0]).toMatchObject({
      code: "bad-value",
      path: "/oadrResponse/eiResponse/@xsi:schemaLocation",
    });
  });

  it("refuses the document element's schema location given twice", () => {
    const doc = decodeXml(registry, response("", ` xsi:schemaLocation="${OUTER}"`));
    expect(doc.schemaLocation).toBe(OUTER);
    const twice = {
      ...doc,
      value: { ...(doc.value as object), "@xsi:schemaLocation": OUTER },
    };
    expect(codecError(() => encodeXml(registry, twice)).issues[0]).toMatchObject({
      code: "bad-value",
    });
    expect(codecError(() => fromJson(registry, toJson(twice))).issues[0]).toMatchObject({
      code: "bad-json",
      path: "/oadr:oadrResponse/@xsi:schemaLocation",
    });
    // Given once, on the value, it is written on the document element.
    const once = { ...twice, schemaLocation: undefined };
    const { schemaLocation: _, ...plain } = once;
    expect(readXml(encodeXml(registry, plain)).attrs).toContainEqual(
      expect.objectContaining({ ns: XSI, local: "schemaLocation", value: OUTER }),
    );
  });
});
