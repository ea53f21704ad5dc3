/**
 * `transactive ven --push-listen`: push mode. The VEN registers with oadrHttpPullModel false and
 * its endpoint as oadrTransportAddress, never polls, and answers what the reference VTN pushes
 * (ei-node's createVtnPush): an event (oadrCreatedEvent in the HTTP answer), a report request
 * (oadrCreatedReport; then oadrUpdateReport of its own), a re-registration request and the
 * cancellation of its registration, which ends it.
 */
import { createVtnPush, type VtnPush } from "@transactive/ei-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSummary } from "../src/summary.js";
import {
  messageOf,
  spawnVen,
  startTestVtn,
  type TestVtn,
  testEvent,
  type VenProcess,
  waitUntil,
} from "./helpers.js";

describe("transactive ven in push mode", { timeout: 240_000 }, () => {
  let t: TestVtn;
  let push: VtnPush;
  let ven: VenProcess;
  let venID: string;
  let endpoint: string;
  beforeAll(async () => {
    t = await startTestVtn({ pollFrequency: "PT1S" });
    push = createVtnPush(t.vtn);
    ven = spawnVen(["--vtn", t.url, "--push-listen", "127.0.0.1:0"]);
    endpoint = (await ven.waitForLog(/listening for the VTN's messages on (\S+)/))[1] as string;
    venID = (await ven.waitForLog(/registered with VTN vtn as VEN (\S+) .*push to /))[1] as string;
    push.attach(venID, endpoint);
    // the VEN asks for the current events once registered: let the VTN answer that before an event
    // is published, or the event may reach the VEN in that answer rather than by push
    await waitUntil(
      () => t.requests.some((r) => messageOf(r.body) === "oadrRequestEvent" && r.answered),
      120_000,
      "the VEN's oadrRequestEvent answered",
      ven.stderr,
    );
  });
  afterAll(async () => {
    await ven?.stop();
    await push?.close();
    await t?.close();
  });

  it("registers as a push VEN with its transport address", () => {
    const registration = t.requests.find(
      (r) => messageOf(r.body) === "oadrCreatePartyRegistration",
    )?.body;
    expect(registration).toContain("<oadr:oadrHttpPullModel>false</oadr:oadrHttpPullModel>");
    expect(registration).toContain(
      `<oadr:oadrTransportAddress>${endpoint}</oadr:oadrTransportAddress>`,
    );
  });

  it("answers a pushed event with oadrCreatedEvent", async () => {
    const outcomes = await push.publishEvent(testEvent("evt-push"));
    expect(outcomes).toEqual([
      expect.objectContaining({
        venID,
        sent: "oadr:oadrDistributeEvent",
        answer: "oadr:oadrCreatedEvent",
        responseCode: "200",
      }),
    ]);
    expect(t.vtn.state.eventResponses.get(`${venID} evt-push`)?.optType).toBe("optIn");
  });

  it("answers a pushed report request with oadrCreatedReport, then sends oadrUpdateReport", async () => {
    const { reportRequestID, outcomes } = await push.requestReport(venID, "telemetry-usage", {
      granularity: "PT1S",
      reportBackDuration: "PT1S",
    });
    expect(outcomes[0]).toMatchObject({ answer: "oadr:oadrCreatedReport", responseCode: "200" });
    await waitUntil(
      () => (t.vtn.state.reportRequests.get(reportRequestID)?.updates ?? 0) >= 1,
      120_000,
      "an update",
      ven.stderr,
    );
  });

  it("re-registers when asked, and ends when the VTN cancels its registration; it never polled", async () => {
    const outcomes = await push.requestReregistration(venID);
    expect(outcomes[0]).toMatchObject({ answer: "oadr:oadrResponse", responseCode: "200" });
    await ven.waitForLog(/re-registered with VTN vtn/);
    const cancelled = await push.cancelRegistration(venID);
    expect(cancelled[0]).toMatchObject({
      answer: "oadr:oadrCanceledPartyRegistration",
      responseCode: "200",
    });
    const { code, stdout } = await ven.exited();
    expect(code).toBe(0);
    expect(parseSummary(stdout)).toMatchObject({
      registered: false,
      eventsReceived: 1,
      eventsOptedIn: 1,
    });
    expect(t.requests.some((r) => messageOf(r.body) === "oadrPoll")).toBe(false);
  });
});
