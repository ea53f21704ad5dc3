// biome-ignore-all lint/suspicious/noExplicitAny: the tests read decoded answers loosely
import { readFileSync } from "node:fs";
import { fromJson } from "@transactive/codec";
import {
  type OadrDistributeEventTypeOadrEvent,
  type OadrReportType,
  type OptTypeType,
  registry,
  type TypedEiClient,
} from "@transactive/ei";
import {
  createReferenceDispatcher,
  type ReferenceVen,
  type ReferenceVtn,
} from "@transactive/ei/reference";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createVtnPush, type VtnPush } from "./push.js";
import { type RunningEiServer, startEiServer } from "./server.js";
import { createTypedEiClient } from "./typed-client.js";

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
const modified = (n: number): OadrDistributeEventTypeOadrEvent => ({
  ...EVENT,
  eiEvent: {
    ...EVENT.eiEvent,
    eventDescriptor: { ...EVENT.eiEvent.eventDescriptor, modificationNumber: n },
  },
});
const TELEMETRY: OadrReportType = {
  duration: { duration: "PT1H" },
  oadrReportDescription: [
    {
      rID: "rid-power",
      reportType: "usage",
      readingType: "Direct Read",
      oadrSamplingRate: { oadrMinPeriod: "PT1M", oadrMaxPeriod: "PT1H", oadrOnChange: false },
    },
  ],
  reportRequestID: "0",
  reportSpecifierID: "ven-telemetry",
  reportName: "METADATA_TELEMETRY_USAGE",
  createdDateTime: NOW,
} as OadrReportType;

let vtnServer: RunningEiServer;
let venServer: RunningEiServer;
let vtn: ReferenceVtn;
let ven: ReferenceVen;
let vtnClient: TypedEiClient<"openadr2b">;
let venClient: TypedEiClient<"openadr2b", "ven">;
let push: VtnPush;
let choice: OptTypeType;

beforeEach(async () => {
  choice = "optIn";
  const clock = () => new Date(NOW);
  const vtnD = createReferenceDispatcher({ profile: "openadr2b", vtnID: "vtn-1", clock });
  const venD = createReferenceDispatcher({
    profile: "openadr2b",
    role: "ven",
    venID: "ven-1",
    clock,
    optChoice: () => choice,
    venReports: [TELEMETRY],
  });
  vtn = vtnD.reference as ReferenceVtn;
  ven = venD.reference as ReferenceVen;
  vtnServer = await startEiServer({ dispatcher: vtnD, host: "127.0.0.1", port: 0 });
  venServer = await startEiServer({ dispatcher: venD, host: "127.0.0.1", port: 0 });
  vtnClient = createTypedEiClient({ baseUrl: vtnServer.url, profile: "openadr2b" });
  venClient = createTypedEiClient({ baseUrl: venServer.url, profile: "openadr2b", role: "ven" });
  // the VEN registers with the VTN (pull of registration, push of everything after)
  const created = await vtnClient.EiRegisterParty.createPartyRegistration(
    ven.registrationRequest({ transportAddress: venServer.url }),
  );
  ven.recordRegistration(created.value);
  push = createVtnPush(vtn);
  push.attach(ven.state.venID, venServer.url);
});

afterEach(async () => {
  await push.close();
  await vtnClient.close();
  await venClient.close();
  await vtnServer.close();
  await venServer.close();
});

describe("a VEN endpoint", () => {
  it("serves only what the catalog has a VEN receive", () => {
    const d = createReferenceDispatcher({ profile: "openadr2b", role: "ven" });
    expect(Object.fromEntries(d.services.map((s) => [s.name, s.operations]))).toEqual({
      EiRegisterParty: ["cancelPartyRegistration", "requestReregistration"],
      EiEvent: ["distributeEvent"],
      EiReport: ["registerReport", "createReport", "updateReport", "cancelReport", "updatedReport"],
    });
    expect(() => createReferenceDispatcher({ profile: "cts", role: "ven" })).toThrow(/cannot play/);
  });
});

describe("VTN push to a VEN over HTTP", () => {
  it("publishes an event; the VEN opts by its rule and the VTN records the opt", async () => {
    expect(ven.state.registration?.vtnID).toBe("vtn-1");
    const outcomes = await push.publishEvent(EVENT);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({
      venID: "ven-1",
      sent: "oadr:oadrDistributeEvent",
      answer: "oadr:oadrCreatedEvent",
      responseCode: "200",
      applied: { responseCode: "200" },
    });
    expect(ven.optFor(EVENT_ID)).toBe("optIn");
    expect(vtn.state.eventResponses.get(`ven-1 ${EVENT_ID}`)).toEqual({
      optType: "optIn",
      modificationNumber: 0,
    });
    expect(vtn.state.vens.get("ven-1")?.queue).toEqual([]);
    // a modification: the VEN's rule now opts out, and the VTN sees it
    choice = "optOut";
    await push.publishEvent(modified(1));
    expect(ven.optFor(EVENT_ID)).toBe("optOut");
    expect(vtn.state.eventResponses.get(`ven-1 ${EVENT_ID}`)).toEqual({
      optType: "optOut",
      modificationNumber: 1,
    });
  });

  it("answers oadrResponse when no event requires a response", async () => {
    const outcomes = await push.publishEvent({ ...EVENT, oadrResponseRequired: "never" });
    expect(outcomes[0]).toMatchObject({ answer: "oadr:oadrResponse", responseCode: "200" });
    expect(ven.optFor(EVENT_ID)).toBe("optIn");
    expect(vtn.state.eventResponses.has(`ven-1 ${EVENT_ID}`)).toBe(false);
  });

  it("cancels an event: the VEN holds the cancelled modification, the VTN its answer", async () => {
    await push.publishEvent(EVENT);
    const outcomes = await push.cancelEvent(EVENT_ID);
    expect(outcomes[0]).toMatchObject({
      answer: "oadr:oadrCreatedEvent",
      applied: { responseCode: "200" },
    });
    const held = ven.state.events.get(EVENT_ID)?.oadrEvent.eiEvent.eventDescriptor;
    expect(held).toMatchObject({ modificationNumber: 1, eventStatus: "cancelled" });
    expect(vtn.state.eventResponses.get(`ven-1 ${EVENT_ID}`)?.modificationNumber).toBe(1);
  });

  it("asks for reregistration; the VEN acknowledges and registers again", async () => {
    const before = ven.state.registration?.registrationID;
    const outcomes = await push.requestReregistration("ven-1");
    expect(outcomes[0]).toMatchObject({
      sent: "oadr:oadrRequestReregistration",
      answer: "oadr:oadrResponse",
      responseCode: "200",
      applied: { responseCode: "200" },
    });
    expect(ven.state.reregistrationRequested).toBe(true);
    const again = await vtnClient.EiRegisterParty.createPartyRegistration(
      ven.registrationRequest(),
    );
    ven.recordRegistration(again.value);
    expect(ven.state.reregistrationRequested).toBe(false);
    expect(ven.state.registration?.registrationID).not.toBe(before);
    expect(vtn.state.vens.get("ven-1")?.registrationID).toBe(
      ven.state.registration?.registrationID,
    );
  });

  it("cancels the registration: the VEN confirms and both forget it", async () => {
    await push.publishEvent(EVENT);
    const outcomes = await push.cancelRegistration("ven-1");
    expect(outcomes[0]).toMatchObject({
      sent: "oadr:oadrCancelPartyRegistration",
      answer: "oadr:oadrCanceledPartyRegistration",
      responseCode: "200",
      applied: { responseCode: "200" },
    });
    expect(ven.state.registration).toBeUndefined();
    expect(ven.state.events.size).toBe(0);
    expect(vtn.state.vens.has("ven-1")).toBe(false);
    // a VEN no longer registered takes no events: 463
    const res = await venClient.EiEvent.distributeEvent({
      requestID: "req-late",
      vtnID: "vtn-1",
      oadrEvent: [EVENT],
    });
    expect((res.value as any).eiResponse.responseCode).toBe("463");
  });

  it("requests and cancels a report the VEN offers", async () => {
    await vtnClient.EiReport.registerReport({
      requestID: "req-reg-rep",
      oadrReport: [TELEMETRY],
      venID: "ven-1",
    });
    const { reportRequestID, outcomes } = await push.requestReport("ven-1", "ven-telemetry");
    expect(outcomes[0]).toMatchObject({
      answer: "oadr:oadrCreatedReport",
      applied: { responseCode: "200" },
    });
    expect(ven.state.reportRequests.get(reportRequestID)?.state).toBe("active");
    expect(vtn.state.reportRequests.get(reportRequestID)?.state).toBe("active");
    const cancelled = await push.cancelReportRequest(reportRequestID);
    expect(cancelled[0]).toMatchObject({
      answer: "oadr:oadrCanceledReport",
      applied: { responseCode: "200" },
    });
    expect(ven.state.reportRequests.get(reportRequestID)?.state).toBe("cancelled");
    expect(vtn.state.reportRequests.get(reportRequestID)?.state).toBe("cancelled");
  });

  it("refuses a stale modification number with 450 and keeps the newer event", async () => {
    await push.publishEvent(modified(0));
    await push.publishEvent(modified(2));
    const res = await venClient.EiEvent.distributeEvent({
      requestID: "req-stale",
      vtnID: "vtn-1",
      oadrEvent: [modified(1)],
    });
    expect(res.element).toBe("oadr:oadrCreatedEvent");
    const created = (res.value as any).eiCreatedEvent;
    expect(created.eiResponse.responseCode).toBe("450");
    expect(created.eventResponses.eventResponse[0]).toMatchObject({
      responseCode: "450",
      requestID: "req-stale",
      qualifiedEventID: { eventID: EVENT_ID, modificationNumber: 1 },
    });
    expect(
      ven.state.events.get(EVENT_ID)?.oadrEvent.eiEvent.eventDescriptor.modificationNumber,
    ).toBe(2);
    // the same modification again keeps the VEN's answer; a distribution from another VTN is refused
    choice = "optOut";
    await venClient.EiEvent.distributeEvent({
      requestID: "r2",
      vtnID: "vtn-1",
      oadrEvent: [modified(2)],
    });
    expect(ven.optFor(EVENT_ID)).toBe("optIn");
    const other = await venClient.EiEvent.distributeEvent({
      requestID: "r3",
      vtnID: "vtn-x",
      oadrEvent: [],
    });
    expect((other.value as any).eiResponse).toMatchObject({ responseCode: "452" });
  });

  it("answers malformed and misdirected pushes with EI codes and keeps serving", async () => {
    const base = "/OpenADR2/Simple/2.0b";
    const post = async (service: string, body: string) => {
      const r = await fetch(`${venServer.url}${base}/${service}`, {
        method: "POST",
        headers: { "content-type": "application/xml" },
        body,
      });
      return { status: r.status, body: await r.text() };
    };
    const code = (xml: string) => /responseCode>(\d+)</.exec(xml)?.[1];
    const payload = (inner: string) =>
      `<oadr:oadrPayload xmlns:oadr="http://openadr.org/oadr-2.0b/2012/07" xmlns:ei="http://docs.oasis-open.org/ns/energyinterop/201110" xmlns:pyld="http://docs.oasis-open.org/ns/energyinterop/201110/payloads"><oadr:oadrSignedObject>${inner}</oadr:oadrSignedObject></oadr:oadrPayload>`;
    // not well-formed
    expect(code((await post("EiEvent", "<oadr:oadrPayload><unclosed")).body)).toMatch(/^45\d$/);
    // schema-invalid: a distribution without vtnID
    const invalid = await post(
      "EiEvent",
      payload(
        '<oadr:oadrDistributeEvent ei:schemaVersion="2.0b"><pyld:requestID>r</pyld:requestID></oadr:oadrDistributeEvent>',
      ),
    );
    expect(code(invalid.body)).toBe("454");
    // a message the VEN only sends (oadrPoll) is not received here
    const poll = await post(
      "OadrPoll",
      payload('<oadr:oadrPoll ei:schemaVersion="2.0b"><ei:venID>ven-1</ei:venID></oadr:oadrPoll>'),
    );
    expect(poll.status).toBe(404);
    const created = await post(
      "EiEvent",
      payload(
        '<oadr:oadrRequestEvent ei:schemaVersion="2.0b"><pyld:eiRequestEvent><pyld:requestID>r</pyld:requestID><ei:venID>ven-1</ei:venID></pyld:eiRequestEvent></oadr:oadrRequestEvent>',
      ),
    );
    expect(code(created.body)).toBe("453");
    expect(created.body).toContain("not received by this VEN");
    // addressed to another VEN
    const wrong = await venClient.EiRegisterParty.requestReregistration({ venID: "ven-2" });
    expect(wrong.value.eiResponse.responseCode).toBe("452");
    expect(ven.state.reregistrationRequested).toBe(false);
    // and it still serves the VTN's pushes
    const outcomes = await push.publishEvent(EVENT);
    expect(outcomes[0]).toMatchObject({
      answer: "oadr:oadrCreatedEvent",
      applied: { responseCode: "200" },
    });
  });
});
