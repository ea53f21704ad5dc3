/**
 * The README "Example" section, as a test: it must type-check without a cast (`npm run typecheck`)
 * and do what its comments say. Keep the two in step.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CodecError, create, decodeXml, encodeXml, toJson, validate } from "@transactive/codec";
import { describe, expect, it } from "vitest";
import {
  type OadrDistributeEventType,
  OadrPayloadSchema,
  OadrResponseSchema,
} from "../src/index.js";

const file = fileURLToPath(
  new URL("../../../examples/openadr2b-distribute-event.xml", import.meta.url),
);

describe("README example", () => {
  it("decodes, reads typed fields, validates and encodes with handles", { timeout: 60_000 }, () => {
    const doc = decodeXml(OadrPayloadSchema, readFileSync(file));
    expect(doc.profile).toBe("openadr2b");
    const event: OadrDistributeEventType | undefined =
      doc.value.oadrSignedObject.oadrDistributeEvent;
    expect(event?.oadrEvent?.[0]?.eiEvent.eventDescriptor.eventID).toBe("evt-2026-07-01-peak");
    expect(validate(OadrPayloadSchema, doc)).toEqual([]);
    expect(JSON.parse(toJson(doc)).$profile).toBe("openadr2b");
    expect(encodeXml(OadrPayloadSchema, doc)).toContain("<oadr:oadrDistributeEvent");
  });

  it("refuses a document of another element", () => {
    let error: unknown;
    try {
      decodeXml(OadrResponseSchema, readFileSync(file));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CodecError);
    expect((error as CodecError).code).toBe("unexpected-element");
  });

  it("creates a response with its required fields given", () => {
    const reply = create(OadrResponseSchema, {
      "@ei:schemaVersion": "2.0b",
      eiResponse: { responseCode: "200", requestID: "req-2026-07-01-0001" },
    });
    expect(validate(OadrResponseSchema, reply)).toEqual([]);
    expect(encodeXml(OadrResponseSchema, reply)).toContain(
      "<ei:responseCode>200</ei:responseCode>",
    );
  });
});
