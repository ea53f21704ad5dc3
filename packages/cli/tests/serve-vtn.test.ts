// biome-ignore-all lint/suspicious/noExplicitAny: the tests read decoded answers loosely
/**
 * `transactive serve` as an operable VTN in a real process (127.0.0.1, port 0): --vtn-id, --event
 * files published at start, the admin API behind --admin-token-file, and `transactive admin`
 * driving it (publish, modify, cancel, request a report, read it). Bad event files and unsafe admin
 * settings are refused before the server listens.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTypedEiClient } from "@transactive/ei-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { example, REPO, run } from "./helpers.js";

const BIN = join(REPO, "packages/cli/src/bin.ts");
const TOKEN = "cli-test-token-abcdef0123456789";
const dir = mkdtempSync(join(tmpdir(), "serve-vtn-"));
const tokenFile = join(dir, "token");
writeFileSync(tokenFile, `${TOKEN}\n`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("transactive serve as a VTN, and transactive admin", () => {
  let child: ChildProcess;
  let out = "";
  let base = "";
  beforeAll(async () => {
    child = spawn(
      process.execPath,
      [
        "--conditions=@transactive/source",
        "--import",
        "tsx",
        BIN,
        "serve",
        "--port",
        "0",
        "--vtn-id",
        "Lab-VTN",
        "--poll-freq",
        "PT2S",
        "--event",
        example("vtn/event-description.json"),
        "--event",
        example("vtn/distribute-event.xml"),
        "--admin-token-file",
        tokenFile,
      ],
      { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] },
    );
    child.stdout?.on("data", (c: Buffer) => (out += c));
    child.stderr?.on("data", (c: Buffer) => (out += c));
    const deadline = Date.now() + 50_000;
    while (!out.includes("Stop with Ctrl+C.")) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`serve did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    base = /services on (\S+)/.exec(out)?.[1] as string;
  }, 60_000);
  afterAll(() => {
    if (child?.exitCode === null) child.kill("SIGKILL");
  });
  const admin = (...args: string[]) =>
    run(["admin", ...args, "--url", base, "--token-file", tokenFile]);

  it("prints the VTN, its admin API and the events it published", () => {
    expect(out).toContain(`openadr2b VTN Lab-VTN services on ${base}`);
    expect(out).toContain(`Admin API: ${base}/admin`);
    expect(out).toContain("Published event evt-peak-shed (modification 0");
    expect(out).toContain(
      "Published event evt-2027-01-15-morning (modification 0, far) for every VEN",
    );
  });

  it("lets an operator drive the VTN from the command line while a VEN polls", async () => {
    const events = await admin("events");
    expect(events.code).toBe(0);
    expect(JSON.parse(events.stdout).map((e: any) => e.eventID)).toEqual([
      "evt-peak-shed",
      "evt-2027-01-15-morning",
    ]);
    // a VEN registers and polls: both start-up events wait for it
    const ven = createTypedEiClient({ baseUrl: base, profile: "openadr2b" });
    try {
      const reg: any = (
        await ven.EiRegisterParty.createPartyRegistration({
          requestID: "r1",
          oadrProfileName: "2.0b",
          oadrTransportName: "simpleHttp",
          oadrReportOnly: false,
          oadrXmlSignature: false,
          oadrVenName: "cli-ven",
          oadrHttpPullModel: true,
        })
      ).value;
      expect(reg.vtnID).toBe("Lab-VTN");
      expect(reg.oadrRequestedOadrPollFreq.duration).toBe("PT2S");
      const poll = async () => (await ven.OadrPoll.poll({ venID: reg.venID } as any)) as any;
      let msg = await poll();
      expect(msg.value.oadrEvent.map((e: any) => e.eiEvent.eventDescriptor.eventID)).toEqual([
        "evt-peak-shed",
        "evt-2027-01-15-morning",
      ]);

      const modified = await admin("modify", "evt-peak-shed", example("vtn/event-modify.json"));
      expect(modified.code).toBe(0);
      expect(JSON.parse(modified.stdout)).toMatchObject({ modificationNumber: 1 });
      msg = await poll();
      const mod = msg.value.oadrEvent.find(
        (e: any) => e.eiEvent.eventDescriptor.eventID === "evt-peak-shed",
      );
      expect(mod.eiEvent.eventDescriptor.modificationNumber).toBe(1);

      const cancelled = await admin("cancel", "evt-2027-01-15-morning");
      expect(JSON.parse(cancelled.stdout)).toMatchObject({
        eventStatus: "cancelled",
        modificationNumber: 1,
      });

      // a report the VEN offers at 10 s only: 15 min is refused with the reason, no rate given picks 10 s
      await ven.EiReport.registerReport({
        requestID: "rr",
        venID: reg.venID,
        oadrReport: [
          {
            oadrReportDescription: [
              {
                rID: "power",
                reportType: "usage",
                readingType: "Direct Read",
                oadrSamplingRate: {
                  oadrMinPeriod: "PT10S",
                  oadrMaxPeriod: "PT10S",
                  oadrOnChange: false,
                },
              },
            ],
            reportRequestID: "0",
            reportSpecifierID: "meter",
            reportName: "METADATA_TELEMETRY_USAGE",
            createdDateTime: "2026-07-01T12:00:00Z",
          },
        ],
      } as any);
      const refused = await admin("request-report", reg.venID, "meter", "--granularity", "PT15M");
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("409 no-sampling-rate");
      expect(refused.stderr).toContain("power: offers only PT10S");
      const made = await admin("request-report", reg.venID, "meter");
      expect(made.code).toBe(0);
      const request = JSON.parse(made.stdout);
      expect(request.granularity).toBe("PT10S");
      const vens = JSON.parse((await admin("vens")).stdout);
      expect(vens).toMatchObject([{ venID: reg.venID, venName: "cli-ven", transport: "pull" }]);
      expect(vens[0].reportRequests[0].reportRequestID).toBe(request.reportRequestID);
      const read = await admin("report", request.reportRequestID);
      expect(JSON.parse(read.stdout)).toMatchObject({ state: "requested", data: [] });
    } finally {
      await ven.close();
    }
  });

  it("refuses a missing or wrong admin token", async () => {
    const none = await run(["admin", "vens", "--url", base]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("401 unauthenticated");
    const wrong = await run(["admin", "vens", "--url", base, "--token", "not-the-token"]);
    expect(wrong.stderr).toContain("403 forbidden");
  });

  it("stops on SIGTERM", async () => {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    expect(child.exitCode).toBe(0);
  });
});

describe("transactive serve refuses before listening", () => {
  it("a bad event file, naming the file and the path of the problem", async () => {
    const bad = join(dir, "bad.json");
    writeFileSync(
      bad,
      JSON.stringify({
        start: "now",
        signals: [{ name: "SIMPLE", type: "level", intervals: [{ duration: "PT5M", value: 9 }] }],
      }),
    );
    const r = await run(["serve", "--port", "0", "--event", bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `--event ${bad}: /signals/0/intervals/0/value: a SIMPLE signal's level is 0, 1, 2 or 3`,
    );
    const notEvent = await run([
      "serve",
      "--port",
      "0",
      "--event",
      example("openadr2b-update-report.xml"),
    ]);
    expect(notEvent.code).toBe(1);
    expect(notEvent.stderr).toContain(
      "an event file holds an oadrDistributeEvent, not oadrUpdateReport",
    );
  });

  it("unsafe or unusable admin settings, and VTN options on another role", async () => {
    const open = await run(["serve", "--host", "0.0.0.0", "--admin-insecure-loopback"]);
    expect(open.code).toBe(2);
    expect(open.stderr).toContain("not a loopback host");
    const short = await run(["serve", "--admin-token", "short"]);
    expect(short.code).toBe(2);
    expect(short.stderr).toContain("at least 16 characters");
    const certs = await run(["serve", "--admin-cert", tokenFile]);
    expect(certs.code).toBe(2);
    expect(certs.stderr).toContain("--admin-cert needs HTTPS with client certificates");
    const role = await run(["serve", "--role", "ven", "--vtn-id", "X"]);
    expect(role.code).toBe(2);
    expect(role.stderr).toContain("--vtn-id is an option of the OpenADR 2.0b VTN");
    const poll = await run(["serve", "--poll-freq", "10s"]);
    expect(poll.code).toBe(2);
    expect(poll.stderr).toContain("--poll-freq must be a positive duration");
    const rate = await run(["serve", "--request-reports", "PT0S"]);
    expect(rate.code).toBe(2);
    expect(rate.stderr).toContain("--request-reports must be a positive duration");
  });
});
