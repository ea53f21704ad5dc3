/**
 * `transactive ven` keeps going through peer errors: a VTN (behind a misbehaving relay) that
 * answers 500, sends bytes that are not XML, closes the connection, never answers, refuses a poll
 * with an EI error code, or forgets the VEN (463). Each is one log line and a retry with backoff;
 * the VEN registers, re-registers and still takes events. A VTN that is not there at all leaves it
 * unregistered, still retrying, until --duration ends it.
 */
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSummary } from "../src/summary.js";
import { type FlakyProxy, startFlakyProxy } from "./flaky-proxy.js";
import {
  spawnVen,
  startTestVtn,
  type TestVtn,
  testEvent,
  type VenProcess,
  waitUntil,
} from "./helpers.js";

describe("transactive ven through peer errors", { timeout: 240_000 }, () => {
  let t: TestVtn;
  let proxy: FlakyProxy;
  let ven: VenProcess;
  let venID: string;
  beforeAll(async () => {
    t = await startTestVtn({ pollFrequency: "PT1S" });
    proxy = await startFlakyProxy(t.url);
    proxy.inject(["500", "garbage", "close", "hang"], "oadrQueryRegistration");
    ven = spawnVen(["--vtn", proxy.url, "--timeout", "3"]);
  });
  afterAll(async () => {
    await ven?.stop();
    await proxy?.close();
    await t?.close();
  });

  it("registers after a 500, bytes that are not XML, a closed connection and a timeout, one log line each", async () => {
    const m = await ven.waitForLog(/registered with VTN vtn as VEN (\S+) /);
    venID = m[1] as string;
    const log = ven.stderr();
    expect(log).toMatch(
      /warn {2}EiRegisterParty oadrQueryRegistration: HTTP 500: boom; retrying in \d+ ms/,
    );
    expect(log).toMatch(
      /warn {2}EiRegisterParty oadrQueryRegistration: the answer is not an OpenADR message: .*; retrying in \d+ ms/,
    );
    expect(log).toMatch(
      /warn {2}EiRegisterParty oadrQueryRegistration: the VTN closed the connection without an answer .*; retrying/,
    );
    expect(log).toMatch(
      /warn {2}EiRegisterParty oadrQueryRegistration: no answer within 3000 ms; retrying/,
    );
    expect(log).not.toMatch(/\n\s+at /); // no stack traces
  });

  it("logs a refused poll (469) and a failed one (500), polls on, re-registers when the VTN forgets it (463)", async () => {
    proxy.inject([{ code: "469" }, "500"], "oadrPoll");
    await ven.waitForLog(/the VTN refused our oadrPoll: 469 injected/);
    await ven.waitForLog(/OadrPoll oadrPoll: HTTP 500: boom; retrying/);
    // the VTN forgets the VEN: its next poll is refused with 463
    t.vtn.state.vens.delete(venID);
    await ven.waitForLog(
      /oadrPoll refused with 463: the VTN no longer knows this VEN; registering again/,
    );
    await waitUntil(
      () => t.vtn.state.vens.get(venID)?.registrationID !== undefined,
      120_000,
      "the new registration",
      ven.stderr,
    );
    t.vtn.publishEvent(testEvent("evt-after-errors"));
    await waitUntil(
      () => t.vtn.state.eventResponses.has(`${venID} evt-after-errors`),
      120_000,
      "the opt",
      ven.stderr,
    );
    const { code, stdout } = await ven.stop();
    expect(code).toBe(0);
    expect(parseSummary(stdout)).toMatchObject({
      registered: true,
      eventsReceived: 1,
      eventsOptedIn: 1,
    });
  });
});

describe("transactive ven without a VTN", { timeout: 240_000 }, () => {
  it("retries a refused connection until --duration, then says it never registered", async () => {
    // a port that was free a moment ago: nothing listens there
    const probe = createServer().listen(0, "127.0.0.1");
    await new Promise((r) => probe.once("listening", r));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    const ven = spawnVen(["--vtn", `http://127.0.0.1:${port}`, "--duration", "6"]);
    const { code, stdout, stderr } = await ven.exited();
    expect(code).toBe(0);
    expect(stderr).toMatch(
      /oadrQueryRegistration: connection refused \(ECONNREFUSED\); retrying in \d+ ms/,
    );
    expect(stdout).toBe("registered: no, events: 0 received / 0 opted in, reports: 0 sent\n");
  });
});
