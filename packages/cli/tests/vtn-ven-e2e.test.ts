// biome-ignore-all lint/suspicious/noExplicitAny: the tests read the admin API's JSON loosely
/**
 * The issue's "done when", from the command line alone: `transactive serve` (a VTN), `transactive
 * ven` (a pull-mode VEN) and `transactive admin` each run as their own process and talk over real
 * sockets on 127.0.0.1. The VEN registers, gets the event published at start-up and opts in; an
 * event published, modified and cancelled through the admin command is answered at each
 * modification; a report request brings the values of the VEN's report file to the VTN; SIGTERM
 * ends the VEN with its one-line summary. A second run does the same with XML Signature on both
 * sides. Every wait polls for a condition with a generous limit; nothing measures time.
 *
 * The processes run the built command (packages/cli/bin/transactive.js, as `npx transactive`
 * does), or the sources through tsx when the CLI is not built.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseSummary } from "@transactive/ven";
import { afterAll, describe, expect, it } from "vitest";
import { makePki, SKIP_OPENSSL } from "../../ei-node/tests/pki.js";
import { example, REPO } from "./helpers.js";

const BUILT = existsSync(join(REPO, "packages/cli/dist/bin.js"));
const COMMAND = BUILT
  ? [join(REPO, "packages/cli/bin/transactive.js")]
  : ["--conditions=@transactive/source", "--import", "tsx", join(REPO, "packages/cli/src/bin.ts")];
const LIMIT = 120_000;

const dir = mkdtempSync(join(tmpdir(), "vtn-ven-e2e-"));
const live = new Set<ChildProcess>();
afterAll(() => {
  for (const c of live) if (c.exitCode === null) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});
let files = 0;
function file(text: string, ext: string): string {
  const path = join(dir, `f${files++}.${ext}`);
  writeFileSync(path, text);
  return path;
}

interface Proc {
  readonly child: ChildProcess;
  readonly out: () => string;
  readonly err: () => string;
  readonly exit: Promise<number | null>;
}

function start(args: readonly string[]): Proc {
  const child = spawn(process.execPath, [...COMMAND, ...args], {
    cwd: REPO,
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  let out = "";
  let err = "";
  child.stdout?.on("data", (c: Buffer) => (out += c));
  child.stderr?.on("data", (c: Buffer) => (err += c));
  const exit = once(child, "exit").then(([code]) => {
    live.delete(child);
    return code as number | null;
  });
  return { child, out: () => out, err: () => err, exit };
}

async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  log: () => string,
): Promise<T> {
  const deadline = Date.now() + LIMIT;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${LIMIT} ms:\n${log()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** starts `transactive serve` and waits until it listens; returns its URL */
async function serve(args: readonly string[]): Promise<{ proc: Proc; url: string }> {
  const proc = start(["serve", "--port", "0", ...args]);
  await until(
    "VTN start",
    () => proc.out().includes("Stop with Ctrl+C.") || proc.child.exitCode !== null || undefined,
    () => proc.out() + proc.err(),
  );
  const url = /services on (\S+)/.exec(proc.out())?.[1];
  if (!url) throw new Error(`serve did not start:\n${proc.out()}${proc.err()}`);
  return { proc, url };
}

/** runs one `transactive admin` command to its end; its stdout is JSON when it succeeds */
function adminOf(url: string, tokenFile: string) {
  return async (...args: string[]): Promise<any> => {
    const p = start(["admin", ...args, "--url", url, "--token-file", tokenFile]);
    const code = await p.exit;
    if (code !== 0) throw new Error(`admin ${args.join(" ")} exited ${code}: ${p.err()}`);
    return JSON.parse(p.out());
  };
}

const TOKEN = "e2e-admin-token-0123456789abcdef";
/** power and energy are exact in xs:float, so they come back unchanged */
const METER = "rID,value\npower,4.25\nenergy,1234.5\n";

/** one VEN's latest answer to an event, from `admin event` */
const answerOf = (event: any, venID: string) =>
  event.responses.find((r: any) => r.venID === venID && r.via === "oadrCreatedEvent");

describe("an operator runs a VTN and a VEN from the command line", { timeout: 600_000 }, () => {
  it("registers, opts per modification, reports from a file and sums up", async () => {
    const tokenFile = file(`${TOKEN}\n`, "token");
    const { proc: vtn, url } = await serve([
      "--vtn-id",
      "E2E-VTN",
      "--poll-freq",
      "PT1S",
      "--event",
      example("vtn/event-description.json"),
      "--admin-token-file",
      tokenFile,
    ]);
    expect(vtn.out()).toContain("Published event evt-peak-shed (modification 0");
    const admin = adminOf(url, tokenFile);
    const ven = start([
      "ven",
      "--vtn",
      url,
      "--ven-name",
      "e2e-ven",
      "--opt",
      "by-signal:SIMPLE",
      "--report-file",
      file(METER, "csv"),
    ]);
    const logs = () => `--- ven\n${ven.err()}${ven.out()}--- vtn\n${vtn.out()}${vtn.err()}`;

    // registered, under the vtnID given, with the VEN's report offered
    const venRow = await until(
      "registration",
      async () =>
        (await admin("vens")).find(
          (v: any) => v.venName === "e2e-ven" && v.registration === "active",
        ),
      logs,
    );
    const venID: string = venRow.venID;
    expect(ven.err()).toContain(`registered with VTN E2E-VTN as VEN ${venID}`);

    // the start-up event (a SIMPLE signal) is received and opted into
    const startup = await until(
      "answer to the start-up event",
      async () => answerOf(await admin("event", "evt-peak-shed"), venID),
      logs,
    );
    expect(startup).toMatchObject({ optType: "optIn", modificationNumber: 0 });

    // a price-only event: by-signal:SIMPLE opts out
    const price = file(
      JSON.stringify({
        eventID: "evt-e2e",
        start: "now+PT1H",
        signals: [
          {
            name: "ELECTRICITY_PRICE",
            type: "price",
            intervals: [{ duration: "PT1H", value: 0.3 }],
          },
        ],
      }),
      "json",
    );
    expect(await admin("publish", price)).toMatchObject({
      eventID: "evt-e2e",
      modificationNumber: 0,
    });
    const answered = (n: number) =>
      until(
        `answer to modification ${n} of evt-e2e`,
        async () => {
          const a = answerOf(await admin("event", "evt-e2e"), venID);
          return a?.modificationNumber === n ? a : undefined;
        },
        logs,
      );
    expect((await answered(0)).optType).toBe("optOut");

    // modified to carry a SIMPLE signal: the VEN answers modification 1 with optIn
    const modify = file(
      JSON.stringify({
        signals: [{ name: "SIMPLE", type: "level", intervals: [{ duration: "PT1H", value: 2 }] }],
      }),
      "json",
    );
    expect(await admin("modify", "evt-e2e", modify)).toMatchObject({ modificationNumber: 1 });
    expect((await answered(1)).optType).toBe("optIn");

    // cancelled: modification 2, acknowledged (optIn accepts the cancellation)
    expect(await admin("cancel", "evt-e2e")).toMatchObject({
      eventStatus: "cancelled",
      modificationNumber: 2,
    });
    expect((await answered(2)).optType).toBe("optIn");

    // one more price-only event: opted out, so M < N in the summary
    const tariff = file(
      JSON.stringify({
        eventID: "evt-e2e-tariff",
        start: "now+PT2H",
        signals: [
          {
            name: "ELECTRICITY_PRICE",
            type: "price",
            intervals: [{ duration: "PT1H", value: 0.2 }],
          },
        ],
      }),
      "json",
    );
    await admin("publish", tariff);
    const tariffAnswer = await until(
      "answer to evt-e2e-tariff",
      async () => answerOf(await admin("event", "evt-e2e-tariff"), venID),
      logs,
    );
    expect(tariffAnswer).toMatchObject({ optType: "optOut", modificationNumber: 0 });

    // a report at a period the VEN offered: the file's values arrive
    const request = await admin(
      "request-report",
      venID,
      "telemetry-usage",
      "--granularity",
      "PT1S",
    );
    expect(request).toMatchObject({ granularity: "PT1S", rIDs: ["power", "energy"] });
    const rrid: string = request.reportRequestID;
    const report = await until(
      "report data",
      async () => {
        const r = await admin("report", rrid);
        const has = (rID: string) => r.data.some((d: any) => d.rID === rID);
        return has("power") && has("energy") ? r : undefined;
      },
      logs,
    );
    expect(report.state).toBe("active");
    for (const d of report.data) {
      expect(d.value).toBe(d.rID === "power" ? 4.25 : 1234.5);
      expect(d.duration).toBe("PT1S");
    }

    // cancelling the request fixes the number of updates, so the summary's K is exact
    await admin("cancel-report", rrid);
    const done = await until(
      "cancelled report request",
      async () => {
        const r = await admin("report", rrid);
        return r.state === "cancelled" ? r : undefined;
      },
      logs,
    );
    await until(
      "the VEN's cancel log",
      () => ven.err().includes(`report request ${rrid} cancelled by the VTN`) || undefined,
      logs,
    );
    expect(done.updates).toBeGreaterThan(0);

    ven.child.kill("SIGTERM");
    expect(await ven.exit).toBe(0);
    const lines = ven.out().trim().split("\n");
    expect(lines).toHaveLength(1);
    // N: evt-peak-shed, evt-e2e, evt-e2e-tariff. M: evt-peak-shed and evt-e2e (its last answer to
    // a live modification, 1, was optIn; the cancellation's acknowledgement is not an opt)
    // K: every oadrUpdateReport the VTN acknowledged, read once the VEN is gone
    const updates: number = (await admin("report", rrid)).updates;
    expect(updates).toBeGreaterThanOrEqual(done.updates);
    expect(lines[0]).toBe(
      `registered: yes, events: 3 received / 2 opted in, reports: ${updates} sent`,
    );
    expect(parseSummary(lines[0] as string)).toEqual({
      registered: true,
      eventsReceived: 3,
      eventsOptedIn: 2,
      reportsSent: updates,
    });

    vtn.child.kill("SIGTERM");
    expect(await vtn.exit).toBe(0);
  });

  it.skipIf(SKIP_OPENSSL)(
    "does the same with XML Signature on every message, and refuses an unsigned VEN",
    async () => {
      const pki = makePki();
      try {
        const vtnSigner = pki.issue("vtn-signer", "signer");
        const venSigner = pki.issue("ven-signer", "signer");
        const ca = file(pki.ca.cert, "crt");
        const tokenFile = file(`${TOKEN}\n`, "token");
        const { proc: vtn, url } = await serve([
          "--vtn-id",
          "Signed-VTN",
          "--poll-freq",
          "PT1S",
          "--event",
          example("vtn/event-description.json"),
          "--admin-token-file",
          tokenFile,
          "--sign-key",
          file(vtnSigner.key, "key"),
          "--sign-cert",
          file(vtnSigner.cert, "crt"),
          "--trust-ca",
          ca,
        ]);
        expect(vtn.out()).toContain("Answers are signed (XML Signature).");
        const admin = adminOf(url, tokenFile);
        const signArgs = [
          "--sign-key",
          file(venSigner.key, "key"),
          "--sign-cert",
          file(venSigner.cert, "crt"),
        ];
        const ven = start([
          "ven",
          "--vtn",
          url,
          "--ven-name",
          "signed-ven",
          ...signArgs,
          "--trust-ca",
          ca,
          "--report-file",
          file(METER, "csv"),
        ]);
        const logs = () => `--- ven\n${ven.err()}${ven.out()}--- vtn\n${vtn.out()}${vtn.err()}`;
        const answer = await until(
          "answer to the start-up event",
          async () => {
            const v = (await admin("vens")).find((x: any) => x.venName === "signed-ven");
            const e = v && answerOf(await admin("event", "evt-peak-shed"), v.venID);
            return e ? { venID: v.venID as string, ...e } : undefined;
          },
          logs,
        );
        expect(answer).toMatchObject({ optType: "optIn", modificationNumber: 0 });
        const request = await admin(
          "request-report",
          answer.venID,
          "telemetry-usage",
          "--granularity",
          "PT1S",
        );
        const data = await until(
          "signed report data",
          async () => {
            const r = await admin("report", request.reportRequestID);
            return r.data.length > 0 ? r.data : undefined;
          },
          logs,
        );
        expect(data[0].value).toBe(data[0].rID === "power" ? 4.25 : 1234.5);

        // a VEN that does not sign is refused by the VTN and never registers
        const unsigned = start(["ven", "--vtn", url, "--ven-name", "unsigned", "--duration", "4"]);
        expect(await unsigned.exit).toBe(0);
        expect(parseSummary(unsigned.out())).toMatchObject({ registered: false });
        expect((await admin("vens")).map((v: any) => v.venName)).toEqual(["signed-ven"]);

        ven.child.kill("SIGTERM");
        expect(await ven.exit).toBe(0);
        expect(parseSummary(ven.out())).toMatchObject({
          registered: true,
          eventsReceived: 1,
          eventsOptedIn: 1,
        });
        expect(parseSummary(ven.out())?.reportsSent).toBeGreaterThan(0);
        vtn.child.kill("SIGTERM");
        expect(await vtn.exit).toBe(0);
      } finally {
        pki.dispose();
      }
    },
  );
});
