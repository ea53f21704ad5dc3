import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeXml } from "../src/decode.js";
import { encodeXml } from "../src/encode.js";
import { create, elementHandle, type HandleDocument, isElementHandle } from "../src/handle.js";
import { fromJson, toJson } from "../src/json.js";
import type { Registry } from "../src/registry.js";
import { validate } from "../src/validate.js";
import { codecError } from "./codec-error.js";
import { registry } from "./registry.js";

const examples = resolve(import.meta.dirname, "../../../examples");
const example = (name: string): string => readFileSync(join(examples, name), "utf8");

// Hand-declared stand-ins for the generated types: the handles of the standard packages use theirs.
interface Payload2b {
  oadrSignedObject: { oadrDistributeEvent?: { requestID: string; vtnID: string } };
}
interface DistributeEvent2a {
  requestID: string;
  vtnID: string;
}
interface EnergyReal {
  itemDescription: string;
  itemUnits: string;
  siScaleCode: string;
}

let resolved = 0;
const lazy = (): Registry => {
  resolved++;
  return registry;
};
const PayloadSchema = elementHandle<{ openadr2b: Payload2b }>(lazy, "oadr:oadrPayload", [
  "openadr2b",
]);
const DistributeEventSchema = elementHandle<{
  openadr2b: { requestID: string };
  openadr2a: DistributeEvent2a;
}>(() => registry, "oadr:oadrDistributeEvent", ["openadr2b", "openadr2a"]);
const EnergyRealSchema = elementHandle<{ openadr2b: EnergyReal; cts: EnergyReal }>(
  () => registry,
  "power:energyReal",
  ["openadr2b", "cts"],
);

describe("element handles", () => {
  it("resolve their registry on first use, once", () => {
    const before = resolved;
    const h = elementHandle<{ openadr2b: Payload2b }>(lazy, "oadr:oadrPayload", ["openadr2b"]);
    expect(resolved).toBe(before);
    expect(isElementHandle(h)).toBe(true);
    expect(isElementHandle(registry)).toBe(false);
    h.registry();
    h.registry();
    expect(resolved).toBe(before + 1);
  });

  it("decode a document of their element, typed, the same as the registry form", () => {
    const xml = example("openadr2b-distribute-event.xml");
    const doc = decodeXml(PayloadSchema, xml);
    const event: { requestID: string } | undefined = doc.value.oadrSignedObject.oadrDistributeEvent;
    expect(event?.requestID).toBe("req-2026-07-01-0001");
    expect(doc).toEqual(decodeXml(registry, xml));
  });

  it("narrow the value by profile", () => {
    const doc = decodeXml(DistributeEventSchema, example("openadr2a-distribute-event.xml"));
    expect(doc.profile).toBe("openadr2a");
    if (doc.profile === "openadr2a") {
      const value: DistributeEvent2a = doc.value; // no cast: the profile picks the type
      expect(value.vtnID).toBeTypeOf("string");
    }
    const forced: HandleDocument<{ openadr2a: DistributeEvent2a }> = decodeXml(
      DistributeEventSchema,
      example("openadr2a-distribute-event.xml"),
      { profile: "openadr2a" },
    );
    expect(forced.value.requestID).toBeTypeOf("string");
  });

  it("refuse a document of another element, naming both", () => {
    const e = codecError(() =>
      decodeXml(DistributeEventSchema, example("openadr2b-update-report.xml")),
    );
    expect(e.code).toBe("unexpected-element");
    const first = e.issues[0];
    expect(first?.code === "unexpected-element" && first.expected).toEqual([
      "oadr:oadrDistributeEvent",
    ]);
    expect(e.message).toMatch(/expected the document element oadr:oadrDistributeEvent/);
    expect(e.message).toMatch(/found \{http:\/\/openadr.org\/oadr-2.0b\/2012\/07\}oadrPayload/);
  });

  it("refuse their element in a profile that is not theirs", () => {
    const e = codecError(() =>
      decodeXml(DistributeEventSchema, example("openadr2a-distribute-event.xml"), {
        profile: "openadr2b",
      }),
    );
    expect(e.code).toBe("unexpected-element");
    expect(e.message).toMatch(/in profile openadr2b/);
  });

  // the first validation compiles the payload's JSON Schemas
  it("encode, convert to JSON and back, and validate with the handle", { timeout: 60_000 }, () => {
    const doc = decodeXml(PayloadSchema, example("openadr2b-distribute-event.xml"));
    expect(encodeXml(PayloadSchema, doc)).toBe(encodeXml(registry, doc));
    const back = fromJson(PayloadSchema, toJson(doc));
    expect(back.value).toEqual(doc.value);
    expect(validate(PayloadSchema, doc)).toEqual([]);
  });

  it("refuse another element's document in encode, fromJson and validate", () => {
    const doc = decodeXml(registry, example("openadr2a-distribute-event.xml"));
    // @ts-expect-error: an untyped document is refused at compile time, and at run time too
    expect(codecError(() => encodeXml(PayloadSchema, doc)).code).toBe("unexpected-element");
    expect(codecError(() => fromJson(PayloadSchema, toJson(doc))).code).toBe("unexpected-element");
    expect(validate(PayloadSchema, doc).map((i) => i.code)).toEqual(["unexpected-element"]);
    const json = JSON.parse(toJson(doc));
    json.$profile = "cts";
    const e = codecError(() => fromJson(DistributeEventSchema, json));
    expect(e.code).toBe("not-in-profile");
  });

  it("create a document with the values the schema fixes, and nothing invented", () => {
    const doc = create(EnergyRealSchema);
    expect(doc).toEqual({
      profile: "openadr2b",
      element: "power:energyReal",
      value: { itemDescription: "RealEnergy", itemUnits: "Wh" },
    });
    // siScaleCode is required and has no fixed value: validate says so
    expect(validate(EnergyRealSchema, doc).length).toBeGreaterThan(0);
    const full = create(EnergyRealSchema, { siScaleCode: "k" }, { profile: "cts" });
    expect(full.profile).toBe("cts");
    expect(validate(EnergyRealSchema, full)).toEqual([]);
    expect(encodeXml(EnergyRealSchema, full)).toContain("<power:itemUnits>Wh</power:itemUnits>");
    // what the caller gives wins
    expect(create(EnergyRealSchema, { itemUnits: "kWh" }).value.itemUnits).toBe("kWh");
  });

  it("refuse to create in a profile the element is not in", () => {
    const e = codecError(() =>
      // @ts-expect-error: xcal is not a profile of the handle
      create(EnergyRealSchema, {}, { profile: "xcal" }),
    );
    expect(e.code).toBe("not-in-profile");
  });
});
