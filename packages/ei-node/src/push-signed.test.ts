// biome-ignore-all lint/suspicious/noExplicitAny: the tests read decoded answers loosely
/**
 * Signed OpenADR 2.0b push over HTTP on 127.0.0.1: the reference VTN's push client
 * (createVtnPush with the typed client's `signing`/`verify`) against a reference VEN endpoint
 * whose dispatcher verifies every request against a trusted CA and signs every answer. Between
 * them a relay records the bytes and can alter the VEN's answer. Keys are made at test time.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fromJson } from "@transactive/codec";
import { type OadrDistributeEventTypeOadrEvent, registry } from "@transactive/ei";
import {
  createReferenceDispatcher,
  type ReferenceVen,
  type ReferenceVtn,
} from "@transactive/ei/reference";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { makePki, SKIP_OPENSSL, type TestPki } from "../tests/pki.js";
import { createVtnPush, type VtnPush, type VtnPushOptions } from "./push.js";
import { type RunningEiServer, startEiServer } from "./server.js";
import { verifyOadrPayload } from "./signature/verify.js";
import { createTypedEiClient } from "./typed-client.js";
import { xmlSignature } from "./xml-signature.js";

const NOW = "2026-07-01T12:00:00Z";
const EVENT = (
  fromJson(
    registry,
    readFileSync(
      new URL("../../../examples/openadr2b-distribute-event.json", import.meta.url),
      "utf8",
    ),
  ).value as any
).oadrSignedObject.oadrDistributeEvent.oadrEvent[0] as OadrDistributeEventTypeOadrEvent;
const EVENT_ID = EVENT.eiEvent.eventDescriptor.eventID;
const OPT_KEY = `ven-1 ${EVENT_ID}`;

/** What crossed the relay: each request and answer body, as bytes went through. */
interface Exchange {
  readonly request: string;
  readonly answer: string;
}

/** An HTTP relay to `target` that records each exchange and may rewrite the answer's bytes. */
async function startRelay(
  target: string,
  rewrite: (answer: string) => string = (a) => a,
): Promise<{ url: string; exchanges: Exchange[]; close(): Promise<void> }> {
  const exchanges: Exchange[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const request = Buffer.concat(chunks);
      const upstream = await fetch(new URL(req.url ?? "/", target), {
        method: req.method ?? "POST",
        headers: { "content-type": req.headers["content-type"] ?? "application/xml" },
        body: request,
      });
      const original = Buffer.from(await upstream.arrayBuffer()).toString("utf8");
      const answer = rewrite(original);
      exchanges.push({ request: request.toString("utf8"), answer });
      const bytes = Buffer.from(answer, "utf8");
      res.writeHead(upstream.status, {
        "content-type": upstream.headers.get("content-type") ?? "application/xml",
        "content-length": bytes.length,
      });
      res.end(bytes);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

describe.skipIf(SKIP_OPENSSL)("signed VTN push to a signing, verifying VEN", () => {
  let pki: TestPki;
  let vtnSigner: { key: string; cert: string };
  let venSigner: { key: string; cert: string };
  let vtnServer: RunningEiServer;
  let venServer: RunningEiServer;
  let vtn: ReferenceVtn;
  let ven: ReferenceVen;
  const opened: { close(): Promise<unknown> }[] = [];
  const trust = () => ({ trustedCertificates: [pki.ca.cert] });
  const pushWith = (options: VtnPushOptions, url: string): VtnPush => {
    const push = createVtnPush(vtn, options);
    push.attach("ven-1", url);
    opened.push(push);
    return push;
  };
  const signedPush = (url: string) =>
    pushWith(
      { signing: { privateKey: vtnSigner.key, certificate: vtnSigner.cert }, verify: trust() },
      url,
    );

  beforeAll(() => {
    pki = makePki();
    vtnSigner = pki.issue("vtn-signer", "signer", "rsa");
    venSigner = pki.issue("ven-signer", "signer", "ec");
  }, 120_000);
  afterAll(() => pki?.dispose());

  beforeEach(async () => {
    const clock = () => new Date(NOW);
    const vtnD = createReferenceDispatcher({ profile: "openadr2b", vtnID: "vtn-1", clock });
    const venD = createReferenceDispatcher({
      profile: "openadr2b",
      role: "ven",
      venID: "ven-1",
      clock,
      signature: xmlSignature({
        sign: { privateKey: venSigner.key, certificate: venSigner.cert },
        verify: trust(),
      }),
    });
    vtn = vtnD.reference as ReferenceVtn;
    ven = venD.reference as ReferenceVen;
    vtnServer = await startEiServer({ dispatcher: vtnD, host: "127.0.0.1", port: 0 });
    venServer = await startEiServer({ dispatcher: venD, host: "127.0.0.1", port: 0 });
    // registration is pulled by the VEN (unsigned here: only the push is under test)
    const vtnClient = createTypedEiClient({ baseUrl: vtnServer.url, profile: "openadr2b" });
    opened.push(vtnClient);
    const created = await vtnClient.EiRegisterParty.createPartyRegistration(
      ven.registrationRequest({ transportAddress: venServer.url }),
    );
    ven.recordRegistration(created.value);
  });

  afterEach(async () => {
    for (const o of opened.splice(0)) await o.close();
    await vtnServer.close();
    await venServer.close();
  });

  it("delivers a signed push; the VEN's signed answer verifies and is applied", async () => {
    const relay = await startRelay(venServer.url);
    opened.push(relay);
    const push = signedPush(relay.url);
    const outcomes = await push.publishEvent(EVENT);
    expect(outcomes).toEqual([
      {
        venID: "ven-1",
        sent: "oadr:oadrDistributeEvent",
        answer: "oadr:oadrCreatedEvent",
        responseCode: "200",
        applied: expect.objectContaining({ responseCode: "200" }),
      },
    ]);
    // the VEN ran it, and the VTN recorded the VEN's opt from the verified answer
    expect(ven.optFor(EVENT_ID)).toBe("optIn");
    expect(vtn.state.eventResponses.get(OPT_KEY)).toEqual({
      optType: "optIn",
      modificationNumber: 0,
    });
    expect(vtn.state.vens.get("ven-1")?.queue).toEqual([]);
    // on the wire: a signed request and a signed answer, each verifying on its own bytes
    expect(relay.exchanges).toHaveLength(1);
    const [exchange] = relay.exchanges as [Exchange];
    expect(exchange.request).toMatch(/<oadr:oadrPayload[^>]*><ds:Signature/);
    expect(exchange.answer).toContain("<oadr:oadrCreatedEvent");
    expect(verifyOadrPayload(exchange.answer, trust()).ok).toBe(true);
    // a second message type: the signed cancellation ends the registration on both sides
    const cancelled = await push.cancelRegistration("ven-1");
    expect(cancelled[0]).toMatchObject({
      sent: "oadr:oadrCancelPartyRegistration",
      answer: "oadr:oadrCanceledPartyRegistration",
      responseCode: "200",
      applied: { responseCode: "200" },
    });
    expect(ven.state.registration).toBeUndefined();
    expect(vtn.state.vens.has("ven-1")).toBe(false);
  });

  it("an unsigned push is refused by the VEN with 463, reported, and stays queued", async () => {
    const unsigned = pushWith({ verify: trust() }, venServer.url);
    const outcomes = await unsigned.publishEvent(EVENT);
    expect(outcomes).toEqual([
      {
        venID: "ven-1",
        sent: "oadr:oadrDistributeEvent",
        answer: "oadr:oadrResponse",
        responseCode: "463",
        error: expect.stringMatching(/^refused by the VEN: 463 .*signature refused \(unsigned\)/),
      },
    ]);
    // not run by the VEN, not applied by the VTN, still queued
    expect(ven.state.events.has(EVENT_ID)).toBe(false);
    expect(vtn.state.eventResponses.has(OPT_KEY)).toBe(false);
    const queue = vtn.state.vens.get("ven-1")?.queue ?? [];
    expect(queue.map((m) => m.element)).toEqual(["oadr:oadrDistributeEvent"]);
    // flushing again unsigned is refused again; a signing push then delivers the same message
    expect((await unsigned.flush())[0]).toMatchObject({ responseCode: "463" });
    const flushed = await signedPush(venServer.url).flush();
    expect(flushed[0]).toMatchObject({
      answer: "oadr:oadrCreatedEvent",
      responseCode: "200",
      applied: { responseCode: "200" },
    });
    expect(ven.optFor(EVENT_ID)).toBe("optIn");
    expect(vtn.state.vens.get("ven-1")?.queue).toEqual([]);
  });

  it("refuses a tampered answer; the message stays queued until a verified answer", async () => {
    // the relay turns the VEN's optIn into an optOut inside the signed content
    const relay = await startRelay(venServer.url, (a) =>
      a.replace("<ei:optType>optIn</ei:optType>", "<ei:optType>optOut</ei:optType>"),
    );
    opened.push(relay);
    const push = signedPush(relay.url);
    const outcomes = await push.publishEvent(EVENT);
    expect(outcomes).toEqual([
      {
        venID: "ven-1",
        sent: "oadr:oadrDistributeEvent",
        error: expect.stringMatching(/Reference\[@URI='#signedObject'\]: invalid signature/),
      },
    ]);
    // the answer was altered on the way (the relay really rewrote it)
    expect(relay.exchanges[0]?.answer).toContain("<ei:optType>optOut</ei:optType>");
    expect(verifyOadrPayload(relay.exchanges[0]?.answer ?? "", trust())).toMatchObject({
      ok: false,
      issues: [expect.objectContaining({ code: "digest" })],
    });
    // the VEN ran it (optIn), but the VTN applied nothing and keeps the message queued
    expect(ven.optFor(EVENT_ID)).toBe("optIn");
    expect(vtn.state.eventResponses.has(OPT_KEY)).toBe(false);
    const queue = vtn.state.vens.get("ven-1")?.queue ?? [];
    expect(queue.map((m) => m.element)).toEqual(["oadr:oadrDistributeEvent"]);
    // pushed again without the relay: the VEN keeps its answer, which verifies and is applied
    push.attach("ven-1", venServer.url);
    const again = await push.flush();
    expect(again[0]).toMatchObject({
      answer: "oadr:oadrCreatedEvent",
      applied: { responseCode: "200" },
    });
    expect(vtn.state.eventResponses.get(OPT_KEY)).toEqual({
      optType: "optIn",
      modificationNumber: 0,
    });
    expect(vtn.state.vens.get("ven-1")?.queue).toEqual([]);
  });
});
