/**
 * The typed client against the real HTTP server (127.0.0.1, ephemeral port) over the reference
 * services: every operation of both profiles through its typed method, in XML, canonical JSON and
 * (CTS) the CTS REST JSON, each answer equal to the conformance vector's expected response.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type CodecDocument, CodecError, toJsonObject } from "@transactive/codec";
import {
  type ClientProfile,
  clientOperations,
  EiClientError,
  OPERATIONS,
  receives,
  type TypedEiClient,
  type TypedReply,
} from "@transactive/ei";
import { SCENARIOS, setupDispatcher } from "@transactive/ei/reference";
import { afterEach, describe, expect, it } from "vitest";
import type { RunningEiServer } from "./server.js";
import { startEiServer } from "./server.js";
import { createTypedEiClient } from "./typed-client.js";

const DIR = fileURLToPath(new URL("../../../conformance/ei", import.meta.url));
const expectedResponses = (profile: string): Map<string, unknown> => {
  const out = new Map<string, unknown>();
  for (const f of readdirSync(join(DIR, profile)).filter((f) => f.endsWith(".case.json"))) {
    const kase = JSON.parse(readFileSync(join(DIR, profile, f), "utf8"));
    out.set(
      kase.id.replace(/^ei\.[a-z0-9]+\./, ""),
      JSON.parse(readFileSync(join(DIR, profile, kase.expect.response), "utf8")),
    );
  }
  return out;
};

/** The payload inside a step's canonical request document, and its element. */
function payloadOf(request: Record<string, unknown>): { element: string; value: object } {
  const key = Object.keys(request).find((k) => !k.startsWith("$")) as string;
  const value = request[key] as Record<string, unknown>;
  if (key !== "oadr:oadrPayload") return { element: key, value };
  const signed = value.oadrSignedObject as Record<string, object>;
  const inner = Object.keys(signed)[0] as string;
  return { element: `oadr:${inner}`, value: signed[inner] as object };
}

let server: RunningEiServer | undefined;
let client: { close(): Promise<void> } | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = server = undefined;
});

const FORMATS = {
  openadr2b: ["xml", "json"],
  cts: ["xml", "json", "cts-json"],
} as const;

describe.each(
  (["openadr2b", "cts"] as const).flatMap((p) => FORMATS[p].map((f) => [p, f] as const)),
)("typed client, %s in %s", (profile, format) => {
  it("drives every operation of the catalog through its own method and gets the expected answers", async () => {
    server = await startEiServer({ dispatcher: setupDispatcher(profile) });
    const typed = createTypedEiClient({ baseUrl: server.url, profile, format });
    client = typed;
    const expected = expectedResponses(profile);
    const scenario = SCENARIOS.find((s) => s.profile === profile);
    const driven = new Set<string>();
    for (const [i, step] of (scenario?.steps ?? []).entries()) {
      const { element, value } = payloadOf(step.request);
      const op = clientOperations(profile).find(
        (o) => o.operation === step.operation && o.request === element,
      );
      expect(op, `${step.operation} is in the catalog`).toBeDefined();
      if (!op) continue;
      const method = (
        typed as unknown as Record<
          string,
          Record<string, (v: unknown) => Promise<TypedReply<unknown>>>
        >
      )[op.service]?.[op.operation];
      if (!method) throw new Error(`no method ${op.service}.${op.operation}`);
      const answer = await method(value);
      const stem = `${String(i + 1).padStart(2, "0")}-${step.operation}`;
      expect(answer.status, stem).toBe(200);
      expect(toJsonObject(answer.reply.document as CodecDocument), stem).toEqual(
        expected.get(stem),
      );
      expect([op.response, ...(op.alsoResponds ?? [])]).toContain(answer.element);
      driven.add(`${op.service}.${op.operation}`);
    }
    // every catalog operation the reference services receive, except CTS createPartyRegistration
    // (no XSD-valid form in CTS 0.4; its refusal is tested below)
    const all = clientOperations(profile)
      .map((o) => `${o.service}.${o.operation}`)
      .filter((k) => !(profile === "cts" && k === "EiRegisterParty.createPartyRegistration"));
    expect(new Set(driven)).toEqual(new Set(all));
  }, 60_000);
});

describe("typed client", () => {
  it("has one method per catalog operation of each profile, and no others", () => {
    for (const profile of ["openadr2b", "cts"] as const) {
      const typed = createTypedEiClient({ baseUrl: "http://127.0.0.1:1", profile });
      const methods = Object.entries(typed)
        .filter(([, v]) => typeof v === "object" && v !== null && !("send" in v))
        .flatMap(([s, ops]) => Object.keys(ops as object).map((o) => `${s}.${o}`));
      const catalog = OPERATIONS.filter(
        (o) =>
          receives(o, profile === "cts" ? "market" : "vtn") &&
          o.profiles.some((p) => (profile === "cts" ? p === "cts" : p.startsWith("openadr"))),
      ).map((o) => `${o.service}.${o.operation}`);
      expect(new Set(methods)).toEqual(new Set(catalog));
    }
  });

  it("types methods by the service interfaces", async () => {
    server = await startEiServer({ dispatcher: setupDispatcher("cts") });
    const typed: TypedEiClient<"cts"> = createTypedEiClient({
      baseUrl: server.url,
      profile: "cts",
    });
    client = typed;
    const created = await typed.EiTender.createTender({
      requestID: "req-typed-1",
      partyID: "party-1",
      counterPartyID: "market",
      eiTender: [
        {
          tenderID: "tender-typed-1",
          product: {
            dtStart: { dateTime: "2026-09-01T14:00:00Z" },
            duration: "PT1H",
            temixPower: { price: { value: "0.10" }, quantity: 1 },
            uid: "p-1",
            transactiveState: "tender",
            marketContext: "http://market.example.com/cts/hourly",
            side: "buy",
          },
        },
      ],
    });
    // the value is typed EiCreatedTenderType: these compile, and hold
    expect(created.value.eiResponse.responseCode).toBe("200");
    expect(created.value.eiResponse.refID).toBe("req-typed-1");
    expect(created.value.tenderID).toEqual(["tender-typed-1"]);
    const cancelled = await typed.EiTender.cancelTender({
      requestID: "req-typed-2",
      partyID: "party-1",
      tenderID: ["tender-typed-1"],
    });
    expect(cancelled.element).toBe("pyld:eiCanceledTender");
    expect(cancelled.value.eiResponse.responseCode).toBe("200");
    // @ts-expect-error: an OpenADR payload is not a CTS createTender request
    const wrong = typed.EiTender.createTender({ venID: "x" });
    // refused by the encoder before anything is sent
    await expect(wrong).rejects.toThrow(/eiCreateTender\/requestID: missing requestID/);
  });

  it("throws EiClientError with the answer when the server answers without an EI response", async () => {
    server = await startEiServer({ dispatcher: setupDispatcher("cts") });
    // a client whose EiTender path is wrong: the server's 404 carries no EI response
    const typed = createTypedEiClient({
      baseUrl: server.url,
      profile: "cts" as ClientProfile,
      services: [{ name: "EiTender", path: "/cts/NoSuchService" }],
    }) as TypedEiClient<"cts">;
    client = typed;
    const error = await typed.EiTender.requestTender({
      requestID: "r",
      partyID: "p",
      requestorPartyID: "p",
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EiClientError);
    expect((error as EiClientError).reply.status).toBe(404);
    // one error class across packages: a CodecError carrying a typed issue
    expect(error).toBeInstanceOf(CodecError);
    expect((error as EiClientError).issues[0]).toMatchObject({ code: "transport", status: 404 });
    expect((error as EiClientError).message).toMatch(
      /EiTender\.requestTender: HTTP 404 without an EI response/,
    );
    // and the server keeps serving the right path
    const ok = createTypedEiClient({ baseUrl: server.url, profile: "cts" });
    const reply = await ok.EiTender.requestTender({
      requestID: "r2",
      partyID: "p",
      requestorPartyID: "p",
    });
    expect(reply.value.eiResponse.responseCode).toBe("200");
    await ok.close();
  });

  it("refuses a cts-json format for OpenADR before sending", async () => {
    const typed = createTypedEiClient({ baseUrl: "http://127.0.0.1:1", profile: "openadr2b" });
    await expect(typed.OadrPoll.poll({ venID: "v" }, { format: "cts-json" })).rejects.toThrow(
      /CTS REST JSON form is for CTS documents/,
    );
  });
});
