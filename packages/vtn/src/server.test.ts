// biome-ignore-all lint/suspicious/noExplicitAny: the tests read decoded answers loosely
/**
 * The operable VTN over real sockets (127.0.0.1, port 0): the admin API's authentication, events
 * published, modified and cancelled as a polling VEN sees them, report requests negotiated against
 * the VEN's sampling rates, report data received and read back, and push delivery to a VEN's own
 * endpoint. The VEN is the typed client of @transactive/ei-node (pull) or the reference VEN's push
 * endpoint.
 */
import { request } from "node:http";
import type { OadrReportType, TypedEiClient } from "@transactive/ei";
import { createReferenceDispatcher, type ReferenceVen } from "@transactive/ei/reference";
import { createTypedEiClient, type RunningEiServer, startEiServer } from "@transactive/ei-node";
import { afterEach, describe, expect, it } from "vitest";
import { createVtnAdminClient, VtnAdminError } from "./admin-client.js";
import { VtnError } from "./errors.js";
import { type RunningVtn, startVtn, type VtnServerOptions } from "./server.js";

const TOKEN = "test-admin-token-0123456789";
const NOW = () => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");

const POWER = {
  itemDescription: "RealPower",
  itemUnits: "W",
  siScaleCode: "none",
  powerAttributes: { hertz: "60", voltage: "120", ac: true },
};
const report = (rID: string, min: string, max: string, id = "telemetry-1"): OadrReportType =>
  ({
    duration: { duration: "PT1H" },
    oadrReportDescription: [
      {
        rID,
        reportType: "usage",
        powerReal: POWER,
        readingType: "Direct Read",
        oadrSamplingRate: { oadrMinPeriod: min, oadrMaxPeriod: max, oadrOnChange: false },
      },
    ],
    reportRequestID: "0",
    reportSpecifierID: id,
    reportName: "METADATA_TELEMETRY_USAGE",
    createdDateTime: NOW(),
  }) as OadrReportType;

let vtn: RunningVtn | undefined;
let closers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const c of closers) await c.close();
  closers = [];
  await vtn?.close();
  vtn = undefined;
});

async function start(options: VtnServerOptions = {}) {
  vtn = await startVtn({ admin: { tokens: [TOKEN] }, ...options });
  const admin = createVtnAdminClient({ url: vtn.url, token: TOKEN });
  const client = createTypedEiClient({ baseUrl: vtn.url, profile: "openadr2b" });
  closers.push(client);
  return { vtn, admin, client };
}

/** A pull-mode VEN made of the typed client: registers, and polls one message at a time. */
async function register(client: TypedEiClient<"openadr2b">, venName = "ven-under-test") {
  const created = await client.EiRegisterParty.createPartyRegistration({
    requestID: "r1",
    oadrProfileName: "2.0b",
    oadrTransportName: "simpleHttp",
    oadrReportOnly: false,
    oadrXmlSignature: false,
    oadrVenName: venName,
    oadrHttpPullModel: true,
  });
  expect(created.value.eiResponse.responseCode).toBe("200");
  return created.value as any;
}
const poll = async (client: TypedEiClient<"openadr2b">, venID: string) =>
  (await client.OadrPoll.poll({ venID, "@ei:schemaVersion": "2.0b" } as any)) as any;

/** A raw admin request, to see status codes and headers as an operator's curl would. */
function raw(url: string, method: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number; headers: Record<string, unknown>; json: any }>(
    (resolve, reject) => {
      const req = request(url, { method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            json: JSON.parse(Buffer.concat(chunks).toString("utf8") || "null"),
          }),
        );
      });
      req.on("error", reject);
      req.end(body);
    },
  );
}

const DESCRIPTION = {
  eventID: "evt-1",
  start: "now+PT1H",
  signals: [{ name: "SIMPLE", type: "level", intervals: [{ duration: "PT30M", value: 1 }] }],
};

describe("admin API authentication", () => {
  it("refuses a missing token (401) and a wrong one (403), and stores nothing", async () => {
    const { vtn, admin } = await start();
    const body = JSON.stringify(DESCRIPTION);
    const json = { "Content-Type": "application/json" };
    const missing = await raw(`${vtn.url}/admin/events`, "POST", json, body);
    expect(missing.status).toBe(401);
    expect(missing.headers["www-authenticate"]).toMatch(/^Bearer/);
    expect(missing.json.error.code).toBe("unauthenticated");
    const wrong = await raw(
      `${vtn.url}/admin/events`,
      "POST",
      { ...json, Authorization: "Bearer nope" },
      body,
    );
    expect(wrong.status).toBe(403);
    const malformed = await raw(
      `${vtn.url}/admin/events`,
      "POST",
      { ...json, Authorization: TOKEN },
      body,
    );
    expect(malformed.status).toBe(403);
    expect(await admin.events()).toEqual([]);
    // the right token works, and the same client without it is refused with the server's reason
    await expect(createVtnAdminClient({ url: vtn.url }).vens()).rejects.toMatchObject({
      status: 401,
      code: "unauthenticated",
    });
    expect(await admin.publishEvent(DESCRIPTION)).toMatchObject({ eventID: "evt-1" });
  });

  it("is off without credentials, and never runs unauthenticated on a non-loopback host", async () => {
    vtn = await startVtn({});
    const off = await raw(`${vtn.url}/admin/vens`, "GET", {});
    expect(off.status).toBe(404);
    expect(off.json.error.code).toBe("admin-off");
    await expect(startVtn({ host: "0.0.0.0", admin: { unauthenticated: true } })).rejects.toThrow(
      /loopback host only/,
    );
    await expect(startVtn({ admin: {} })).rejects.toBeInstanceOf(VtnError);
  });

  it("runs unauthenticated on loopback only when asked to", async () => {
    vtn = await startVtn({ admin: { unauthenticated: true } });
    expect(await createVtnAdminClient({ url: vtn.url }).vtn()).toMatchObject({
      vtnID: "TransactiveVTN",
    });
  });
});

describe("events as a polling VEN sees them", () => {
  it("publishes, modifies and cancels; the VEN's opt answers show per event", async () => {
    const { admin, client } = await start({ vtnID: "Utility-VTN", pollFrequency: "PT5S" });
    const reg = await register(client);
    expect(reg.vtnID).toBe("Utility-VTN");
    expect(reg.oadrRequestedOadrPollFreq).toEqual({ duration: "PT5S" });
    const venID = reg.venID as string;

    const published: any = await admin.publishEvent(DESCRIPTION);
    expect(published).toMatchObject({
      eventID: "evt-1",
      modificationNumber: 0,
      eventStatus: "far",
    });
    let msg = await poll(client, venID);
    expect(msg.element).toBe("oadr:oadrDistributeEvent");
    expect(msg.value.vtnID).toBe("Utility-VTN");
    const e0 = msg.value.oadrEvent[0].eiEvent;
    expect(e0.eventDescriptor).toMatchObject({ eventID: "evt-1", modificationNumber: 0 });
    expect(e0.eiEventSignals.eiEventSignal[0].signalName).toBe("SIMPLE");

    // the VEN opts in to modification 0
    const created = await client.EiEvent.createdEvent({
      eiCreatedEvent: {
        eiResponse: { responseCode: "200", responseDescription: "OK", requestID: "" },
        eventResponses: {
          eventResponse: [
            {
              responseCode: "200",
              responseDescription: "OK",
              requestID: msg.value.requestID,
              qualifiedEventID: { eventID: "evt-1", modificationNumber: 0 },
              optType: "optIn",
            },
          ],
        },
        venID,
      },
    } as any);
    expect((created.value as any).eiResponse.responseCode).toBe("200");
    expect(((await admin.event("evt-1")) as any).responses).toEqual([
      { venID, eventID: "evt-1", optType: "optIn", modificationNumber: 0, via: "oadrCreatedEvent" },
    ]);

    // a modification gives only what changes; the VEN gets modification 1 on its next poll
    const modified: any = await admin.modifyEvent("evt-1", {
      signals: [{ name: "SIMPLE", type: "level", intervals: [{ duration: "PT30M", value: 3 }] }],
    });
    expect(modified).toMatchObject({ modificationNumber: 1, eventStatus: "far" });
    msg = await poll(client, venID);
    const e1 = msg.value.oadrEvent[0].eiEvent;
    expect(e1.eventDescriptor.modificationNumber).toBe(1);
    expect(e1.eventDescriptor.modificationDateTime).toBeDefined();
    expect(
      e1.eiEventSignals.eiEventSignal[0].intervals.interval[0].signalPayload[0].payloadFloat.value,
    ).toBe(3);
    // the same start as before: a modification keeps what it does not change
    expect(e1.eiActivePeriod.properties.dtstart).toEqual(e0.eiActivePeriod.properties.dtstart);

    const cancelled: any = await admin.cancelEvent("evt-1");
    expect(cancelled).toMatchObject({ modificationNumber: 2, eventStatus: "cancelled" });
    msg = await poll(client, venID);
    expect(msg.value.oadrEvent[0].eiEvent.eventDescriptor).toMatchObject({
      modificationNumber: 2,
      eventStatus: "cancelled",
    });
    expect((await poll(client, venID)).element).toBe("oadr:oadrResponse");
    // a cancelled event can be neither modified nor cancelled again; an unknown one is 404
    await expect(admin.cancelEvent("evt-1")).rejects.toMatchObject({ status: 409 });
    await expect(admin.modifyEvent("evt-1", { start: "now" })).rejects.toMatchObject({
      status: 409,
    });
    await expect(admin.cancelEvent("evt-x")).rejects.toMatchObject({ status: 404 });
  });

  it("queues events published before a VEN registers, and only for the VENs they target", async () => {
    const { admin, client } = await start();
    await admin.publishEvent({ ...DESCRIPTION, eventID: "for-all" });
    await admin.publishEvent({
      ...DESCRIPTION,
      eventID: "for-other",
      targets: { venID: ["someone-else"] },
    });
    const { venID } = await register(client);
    const msg = await poll(client, venID);
    expect(msg.element).toBe("oadr:oadrDistributeEvent");
    expect(msg.value.oadrEvent.map((e: any) => e.eiEvent.eventDescriptor.eventID)).toEqual([
      "for-all",
    ]);
  });

  it("hands out the event's current status, without a new modification", async () => {
    let now = Date.parse("2026-07-01T12:00:00Z");
    const { admin, client } = await start({ clock: () => new Date(now) });
    const { venID } = await register(client);
    await admin.publishEvent({ ...DESCRIPTION, start: "2026-07-01T12:10:00Z" });
    expect((await poll(client, venID)).value.oadrEvent[0].eiEvent.eventDescriptor.eventStatus).toBe(
      "far",
    );
    now += 15 * 60_000;
    const asked: any = await client.EiEvent.requestEvent({
      eiRequestEvent: { requestID: "q", venID },
    } as any);
    expect(asked.value.oadrEvent[0].eiEvent.eventDescriptor).toMatchObject({
      eventStatus: "active",
      modificationNumber: 0,
    });
    now += 60 * 60_000;
    expect(await admin.event("evt-1")).toMatchObject({
      currentStatus: "completed",
      modificationNumber: 0,
    });
  });

  it("refuses a bad event with the path of the problem, and stores nothing", async () => {
    const { admin } = await start();
    const bad = {
      ...DESCRIPTION,
      signals: [{ name: "SIMPLE", type: "level", intervals: [{ duration: "PT30X", value: 1 }] }],
    };
    await expect(admin.publishEvent(bad)).rejects.toMatchObject({
      status: 400,
      code: "invalid-event",
      path: "/signals/0/intervals/0/duration",
    });
    await expect(admin.publishEvent("<oadrPoll/>")).rejects.toMatchObject({
      status: 400,
      code: "invalid-event",
    });
    // all or nothing: the second event of a payload conflicts with the first, so neither is published
    await admin.publishEvent(DESCRIPTION);
    await expect(admin.publishEvent(DESCRIPTION)).rejects.toMatchObject({
      status: 409,
      path: "/eventID",
    });
    expect(((await admin.events()) as any[]).map((e) => e.eventID)).toEqual(["evt-1"]);
  });
});

describe("refusals the dispatcher forms", () => {
  it("answers an unregistered VEN's oadrRequestEvent with this VTN's vtnID and a requestID", async () => {
    const { client } = await start({ vtnID: "RefusingVTN" });
    const answer = (await client.EiEvent.requestEvent({
      eiRequestEvent: { requestID: "req-unknown-1", venID: "nobody" },
      "@ei:schemaVersion": "2.0b",
    } as any)) as any;
    expect(answer.value.eiResponse.responseCode).toBe("463");
    expect(answer.value.eiResponse.requestID).toBe("req-unknown-1");
    // a VEN matches a distribution to its VTN by vtnID, and answers it by echoing requestID
    expect(answer.value.vtnID).toBe("RefusingVTN");
    expect(answer.value.requestID).toBe("req-unknown-1");
  });
});

describe("report requests", () => {
  async function withReports(reports: OadrReportType[], options: VtnServerOptions = {}) {
    const ctx = await start(options);
    const { venID } = await register(ctx.client);
    const registered = await ctx.client.EiReport.registerReport({
      requestID: "rr-1",
      oadrReport: reports,
      venID,
    } as any);
    return { ...ctx, venID, registered: registered.value as any };
  }

  it("refuses a rate the VEN did not offer, saying why, and picks one it offered", async () => {
    const { admin, client, venID } = await withReports([report("rid-power", "PT10S", "PT10S")]);
    const refusal = await admin
      .requestReport(venID, { reportSpecifierID: "telemetry-1", granularity: "PT15M" })
      .catch((e: VtnAdminError) => e);
    expect(refusal).toBeInstanceOf(VtnAdminError);
    expect(refusal).toMatchObject({ status: 409, code: "no-sampling-rate", path: "/granularity" });
    expect((refusal as VtnAdminError).reasons).toEqual(["rid-power: offers only PT10S"]);
    expect(((await admin.ven(venID)) as any).reportRequests).toEqual([]);
    await expect(admin.requestReport(venID, { reportSpecifierID: "nope" })).rejects.toMatchObject({
      status: 404,
      path: "/reportSpecifierID",
    });

    // no rate asked for: the VTN takes the one the VEN offered
    const made: any = await admin.requestReport(venID, { reportSpecifierID: "telemetry-1" });
    expect(made).toMatchObject({
      granularity: "PT10S",
      reportBackDuration: "PT10S",
      state: "requested",
      rIDs: ["rid-power"],
    });

    // the VTN registers its own reports (none) first, then asks for the VEN's
    let msg = await poll(client, venID);
    expect(msg.element).toBe("oadr:oadrRegisterReport");
    const ack = await client.EiReport.registeredReport({
      eiResponse: {
        responseCode: "200",
        responseDescription: "OK",
        requestID: msg.value.requestID,
      },
      venID,
    } as any);
    expect((ack.value as any).eiResponse.responseCode).toBe("200");
    msg = await poll(client, venID);
    expect(msg.element).toBe("oadr:oadrCreateReport");
    const spec = msg.value.oadrReportRequest[0].reportSpecifier;
    expect(spec.granularity).toEqual({ duration: "PT10S" });
    expect(spec.specifierPayload).toEqual([
      { rID: "rid-power", powerReal: POWER, readingType: "Direct Read" },
    ]);

    await client.EiReport.createdReport({
      eiResponse: {
        responseCode: "200",
        responseDescription: "OK",
        requestID: msg.value.requestID,
      },
      oadrPendingReports: { reportRequestID: [made.reportRequestID] },
      venID,
    } as any);
    const update = await client.EiReport.updateReport({
      requestID: "up-1",
      oadrReport: [
        {
          dtstart: { "date-time": "2026-07-01T12:00:00Z" },
          duration: { duration: "PT20S" },
          intervals: {
            interval: [0, 1].map((i) => ({
              dtstart: { "date-time": `2026-07-01T12:00:${i ? "10" : "00"}Z` },
              duration: { duration: "PT10S" },
              oadrReportPayload: [
                {
                  rID: "rid-power",
                  payloadFloat: { value: 1.5 + i },
                  oadrDataQuality: "Quality Good - Non Specific",
                },
              ],
            })),
          },
          reportRequestID: made.reportRequestID,
          reportSpecifierID: "telemetry-1",
          reportName: "TELEMETRY_USAGE",
          createdDateTime: NOW(),
        },
      ],
      venID,
    } as any);
    expect((update.value as any).eiResponse.responseCode).toBe("200");
    const data: any = await admin.report(made.reportRequestID);
    expect(data).toMatchObject({ state: "active", updates: 1, points: 2 });
    expect(data.data.map((p: any) => [p.rID, p.dtstart, p.value, p.dataQuality])).toEqual([
      ["rid-power", "2026-07-01T12:00:00Z", 1.5, "Quality Good - Non Specific"],
      ["rid-power", "2026-07-01T12:00:10Z", 2.5, "Quality Good - Non Specific"],
    ]);
    const ven: any = await admin.ven(venID);
    expect(ven).toMatchObject({ vtnReportRegistration: "acknowledged", transport: "pull" });
    expect(ven.reports[0].dataPoints[0].samplingRate).toEqual({
      minPeriod: "PT10S",
      maxPeriod: "PT10S",
      onChange: false,
    });
  });

  it("keeps the VEN's refusal of a request as its reason", async () => {
    const { admin, client, venID } = await withReports([report("rid-power", "PT1M", "PT1H")], {
      registerVtnReports: false,
    });
    const made: any = await admin.requestReport(venID, {
      reportSpecifierID: "telemetry-1",
      granularity: "PT5M",
    });
    expect(made.granularity).toBe("PT5M");
    const msg = await poll(client, venID);
    expect(msg.element).toBe("oadr:oadrCreateReport");
    await client.EiReport.createdReport({
      eiResponse: {
        responseCode: "452",
        responseDescription: "sampling rate not supported",
        requestID: msg.value.requestID,
      },
      oadrPendingReports: { reportRequestID: [made.reportRequestID] },
      venID,
    } as any);
    expect(await admin.report(made.reportRequestID)).toMatchObject({
      state: "cancelled",
      refusal: "452 sampling rate not supported",
    });
  });

  it("requests reports inside oadrRegisteredReport when asked to, and says which it could not", async () => {
    const { admin, venID, registered } = await withReports(
      [report("rid-power", "PT10S", "PT10S", "fast"), report("rid-energy", "PT1M", "PT1H", "slow")],
      { requestReportsOnRegister: { granularity: "PT1M" } },
    );
    expect(registered.oadrReportRequest).toHaveLength(1);
    expect(registered.oadrReportRequest[0].reportSpecifier).toMatchObject({
      reportSpecifierID: "slow",
      granularity: { duration: "PT1M" },
    });
    const ven: any = await admin.ven(venID);
    expect(ven.reportRequests).toMatchObject([
      { reportSpecifierID: "slow", delivery: "registeredReport" },
    ]);
    expect(ven.notRequested).toHaveLength(1);
    expect(ven.notRequested[0]).toMatch(/^fast: .*rid-power: offers only PT10S/);
  });
});

describe("push mode", () => {
  let venServer: RunningEiServer | undefined;
  afterEach(async () => {
    await venServer?.close();
    venServer = undefined;
  });

  it("pushes an event to a VEN that registered for push, and records its opt", async () => {
    const { admin, client } = await start();
    const venD = createReferenceDispatcher({
      profile: "openadr2b",
      role: "ven",
      venID: "push-ven",
    });
    const ven = venD.reference as ReferenceVen;
    venServer = await startEiServer({ dispatcher: venD });
    const created = await client.EiRegisterParty.createPartyRegistration({
      ...ven.registrationRequest({ transportAddress: venServer.url, httpPullModel: false }),
    });
    ven.recordRegistration(created.value);
    const answer: any = await admin.publishEvent(DESCRIPTION);
    expect(answer.pushed).toContainEqual(
      expect.objectContaining({
        venID: "push-ven",
        sent: "oadr:oadrDistributeEvent",
        answer: "oadr:oadrCreatedEvent",
      }),
    );
    expect(ven.optFor("evt-1")).toBe("optIn");
    expect(((await admin.event("evt-1")) as any).responses).toMatchObject([
      { venID: "push-ven", optType: "optIn" },
    ]);
    expect(((await admin.ven("push-ven")) as any).transport).toBe("push");
  });
});
