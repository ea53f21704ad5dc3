/**
 * `transactive ven` (a real child process) against the reference VTN of `transactive serve` (in
 * this process, on 127.0.0.1:0): registration, oadrPoll, an event opted by an external command,
 * its modification and cancellation, a report request (oadrCreateReport through the poll) and its
 * oadrUpdateReport, a cancelled report request, a re-registration the VTN asks for, and the VTN
 * cancelling the registration, which ends the VEN with its summary. Every message the VEN sent is
 * then checked against the OpenADR 2.0b XSD.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSummary } from "../src/summary.js";
import {
  messageOf,
  SKIP_XSD,
  spawnVen,
  startTestVtn,
  type TestVtn,
  testEvent,
  type VenProcess,
  waitUntil,
  xsdProblems,
} from "./helpers.js";

// opts in when the event's first signal is SIMPLE, else out (the event arrives as JSON on stdin)
const OPT_COMMAND = `command:node -e "let s='';process.stdin.on('data',c=>s+=c).on('end',()=>{const e=JSON.parse(s);console.log(e.signalNames[0]==='SIMPLE'?'optIn':'optOut')})"`;

describe("transactive ven, pull mode, against the reference VTN", { timeout: 240_000 }, () => {
  let t: TestVtn;
  let ven: VenProcess;
  let venID: string;
  beforeAll(async () => {
    t = await startTestVtn({ pollFrequency: "PT1S", vtnID: "TEST_VTN" });
    ven = spawnVen([
      "--vtn",
      t.url,
      "--ven-name",
      "lab-ven",
      "--opt",
      OPT_COMMAND,
      "--log-level",
      "debug",
    ]);
    const m = await ven.waitForLog(/registered with VTN TEST_VTN as VEN (\S+) /);
    venID = m[1] as string;
  });
  afterAll(async () => {
    await ven?.stop();
    await t?.close();
  });

  it("registers with the VTN's vtnID and poll frequency, offers its report and polls", async () => {
    const record = t.vtn.state.vens.get(venID);
    expect(record?.registrationID).toBeDefined();
    expect(record?.venName).toBe("lab-ven");
    await waitUntil(
      () => (t.vtn.state.vens.get(venID)?.reports.size ?? 0) > 0,
      120_000,
      "oadrRegisterReport",
    );
    const offered = t.vtn.state.vens.get(venID)?.reports.get("telemetry-usage");
    expect(offered?.reportName).toBe("METADATA_TELEMETRY_USAGE");
    expect(offered?.oadrReportDescription?.map((d) => d.rID)).toEqual(["power", "energy"]);
    expect(offered?.oadrReportDescription?.[0]?.oadrSamplingRate).toEqual({
      oadrMinPeriod: "PT1S",
      oadrMaxPeriod: "PT1H",
      oadrOnChange: false,
    });
    expect(ven.stderr()).toMatch(/polling every PT1S/);
    await waitUntil(
      () => t.requests.filter((r) => r.path.endsWith("/OadrPoll")).length >= 2,
      120_000,
      "two polls",
    );
  });

  it("receives an event, asks the command and opts in; answers its modification; acknowledges its cancellation", async () => {
    t.vtn.publishEvent(testEvent("evt-1"));
    await waitUntil(
      () => t.vtn.state.eventResponses.has(`${venID} evt-1`),
      120_000,
      "the opt on evt-1",
      ven.stderr,
    );
    expect(t.vtn.state.eventResponses.get(`${venID} evt-1`)).toEqual({
      optType: "optIn",
      modificationNumber: 0,
    });

    t.vtn.publishEvent(testEvent("evt-2", { signalName: "ELECTRICITY_PRICE" }));
    await waitUntil(
      () => t.vtn.state.eventResponses.has(`${venID} evt-2`),
      120_000,
      "the opt on evt-2",
      ven.stderr,
    );
    expect(t.vtn.state.eventResponses.get(`${venID} evt-2`)?.optType).toBe("optOut");

    t.vtn.publishEvent(testEvent("evt-1", { modificationNumber: 1 }));
    await waitUntil(
      () => t.vtn.state.eventResponses.get(`${venID} evt-1`)?.modificationNumber === 1,
      120_000,
      "the answer to modification 1",
      ven.stderr,
    );
    t.vtn.cancelEvent("evt-1");
    await waitUntil(
      () => t.vtn.state.eventResponses.get(`${venID} evt-1`)?.modificationNumber === 2,
      120_000,
      "the answer to the cancellation",
      ven.stderr,
    );
    expect(ven.stderr()).toMatch(/event evt-1 cancelled \(modification 2\)/);
    // each modification went to the policy once, though every distribution lists every event
    const log = ven.stderr();
    expect(log.match(/event evt-1 modification 0 /g)).toHaveLength(1);
    expect(log.match(/event evt-1 modification 1 /g)).toHaveLength(1);
    expect(
      log.match(/event evt-2 modification 0 \(far, signals ELECTRICITY_PRICE\): optOut/g),
    ).toHaveLength(1);
  });

  it("serves a report request from oadrCreateReport with oadrUpdateReport, then its cancellation", async () => {
    const id = t.vtn.requestReport(venID, "telemetry-usage", {
      granularity: "PT1S",
      reportBackDuration: "PT2S",
    });
    await waitUntil(
      () => (t.vtn.state.reportRequests.get(id)?.updates ?? 0) >= 2,
      120_000,
      "two updates",
      ven.stderr,
    );
    expect(t.vtn.state.reportRequests.get(id)?.state).toBe("active");
    const update = t.requests.find((r) => messageOf(r.body) === "oadrUpdateReport")?.body ?? "";
    expect(update).toContain(`<ei:reportRequestID>${id}</ei:reportRequestID>`);
    expect(update).toContain("<ei:rID>power</ei:rID>");
    expect(update).toContain("<ei:rID>energy</ei:rID>");
    expect(update).toMatch(/<xcal:duration>PT1S<\/xcal:duration>/);

    t.vtn.cancelReportRequest(id);
    await waitUntil(
      () => t.vtn.state.reportRequests.get(id)?.state === "cancelled",
      120_000,
      "oadrCanceledReport",
      ven.stderr,
    );
    const updates = t.vtn.state.reportRequests.get(id)?.updates ?? 0;
    await new Promise((r) => setTimeout(r, 3_000));
    expect(t.vtn.state.reportRequests.get(id)?.updates).toBe(updates);
  });

  it("re-registers when the VTN asks, keeping its venID", async () => {
    const before = t.vtn.state.vens.get(venID)?.registrationID;
    t.vtn.requestReregistration(venID);
    await ven.waitForLog(/re-registered with VTN TEST_VTN as VEN/);
    expect(t.vtn.state.vens.get(venID)?.registrationID).not.toBe(before);
  });

  it("stops when the VTN cancels the registration, with its summary line", async () => {
    t.vtn.cancelRegistration(venID);
    const { code, stdout, stderr } = await ven.exited();
    expect(code).toBe(0);
    expect(t.vtn.state.vens.has(venID)).toBe(false);
    expect(stderr).toMatch(/the VTN cancelled this VEN's registration/);
    const summary = parseSummary(stdout);
    expect(summary).toMatchObject({ registered: false, eventsReceived: 2, eventsOptedIn: 1 });
    expect(summary?.reportsSent).toBeGreaterThanOrEqual(2);
    expect(stdout.trim().split("\n")).toHaveLength(1);
  });

  it.skipIf(SKIP_XSD)("sent only messages valid against the OpenADR 2.0b XSD", async () => {
    const sent = t.requests.map((r) => ({ name: messageOf(r.body), xml: r.body }));
    expect(new Set(sent.map((s) => s.name))).toEqual(
      new Set([
        "oadrQueryRegistration",
        "oadrCreatePartyRegistration",
        "oadrRegisterReport",
        "oadrRequestEvent",
        "oadrPoll",
        "oadrCreatedEvent",
        "oadrCreatedReport",
        "oadrUpdateReport",
        "oadrCanceledReport",
        "oadrResponse",
        "oadrCanceledPartyRegistration",
      ]),
    );
    expect(await xsdProblems(sent)).toEqual([]);
  });
});
