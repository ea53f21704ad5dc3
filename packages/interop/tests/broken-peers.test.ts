// biome-ignore-all lint/suspicious/noTemplateCurlyInString: scenario steps write variables as ${name}
/**
 * A negative test per rule the issue names: a deliberately broken VTN (tests/broken-peers/*.mjs,
 * our real VTN behind a front that breaks one thing) in its own process, and exactly the broken
 * rule must fail, with a message that says what was expected and what came. The unsigned peers
 * run as a third party's VTN would: through runScenario, as a `command` VTN (it listens where
 * TRANSACTIVE_LISTEN_PORT says), the harness playing the VEN (`script`); the admin steps on that
 * VTN are instructions to an operator, which the test carries out on the peer's admin API. The
 * signed peer is driven by a scripted VEN and its transcript checked directly: the runner's signed
 * runs speak HTTPS to the VTN, which the broken front does not.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makePki, SKIP_OPENSSL, type TestPki } from "../../ei-node/tests/pki.js";
import { type CheckContext, checkTranscript } from "../src/checks.js";
import { runScenario } from "../src/runner.js";
import { parseScenario, SCENARIO_DIR } from "../src/scenario.js";
import type { CheckResult, InteropRun, Step } from "../src/types.js";
import { admin, type BrokenPeer, ScriptVen, startBrokenPeer } from "./script-ven.js";

const peers: BrokenPeer[] = [];
const scratch = mkdtempSync(join(tmpdir(), "transactive-broken-runs-"));
afterAll(async () => {
  await Promise.all(peers.map((p) => p.stop()));
  rmSync(scratch, { recursive: true, force: true });
});

async function peer(name: string, env: Record<string, string> = {}): Promise<BrokenPeer> {
  const p = await startBrokenPeer(name, env);
  peers.push(p);
  return p;
}

/** The failed rules, and the messages of the failures. */
function verdicts(results: readonly CheckResult[]) {
  const failed = results.filter((r) => !r.ok);
  return {
    rules: [...new Set(failed.map((r) => r.rule))].sort(),
    messages: failed.map((r) => r.message),
    passedRules: [...new Set(results.filter((r) => r.ok).map((r) => r.rule))].sort(),
    text: failed.map((r) => `${r.rule}: ${r.message}`).join("\n"),
    failed,
  };
}

const OPENADR: CheckContext = { profile: "openadr2b" };

const step = (name: string, file: string, expect: string, extra: Partial<Step> = {}): Step => ({
  name,
  from: "ven",
  send: { file: `templates/${file}.xml` },
  expect: { payload: expect },
  timing: { pollUntil: true },
  ...extra,
});
/** Registration, the VEN's report offer, and the VTN's report registration answered. */
const REGISTER: Step[] = [
  step("query-registration", "oadrQueryRegistration", "oadrCreatedPartyRegistration", {
    timing: {},
  }),
  step("create-registration", "oadrCreatePartyRegistration", "oadrCreatedPartyRegistration", {
    capture: { response: { venID: "venID", registrationID: "registrationID" } },
  }),
  step("ven-registers-reports", "oadrRegisterReport", "oadrRegisteredReport"),
  step("poll-gets-vtn-report-registration", "oadrPoll", "oadrRegisterReport", {
    capture: { response: { vtnRegisterRequestID: "requestID" } },
  }),
  step("ven-registers-vtn-reports", "oadrRegisteredReport", "oadrResponse"),
];

/**
 * Runs steps with the broken peer `name` as a `command` VTN and the harness as the VEN;
 * `operator` carries out the instructions of the admin steps on the peer's admin API.
 */
async function runAgainst(
  name: string,
  steps: Step[],
  operator?: (step: string, adminUrl: string) => Promise<unknown>,
): Promise<InteropRun> {
  const info = join(scratch, `${name}.json`);
  const command = [
    `BROKEN_PEER_INFO='${info}'`,
    `'${process.execPath}'`,
    "--conditions=@transactive/source --import tsx",
    `'${join(import.meta.dirname, "broken-peers", `${name}.mjs`)}'`,
  ].join(" ");
  const pending: Promise<unknown>[] = [];
  const run = await runScenario(
    parseScenario(
      {
        name: `broken-${name}`,
        title: `a broken VTN: ${name}`,
        profile: "openadr2b",
        roles: ["vtn", "ven"],
        // what the report templates offer (as oadr-reports.json): power and energy from PT1S
        variables: {
          venName: "script-ven",
          reportSpecifierID: "script-telemetry",
          minPeriod: "PT1S",
        },
        steps,
      },
      join(SCENARIO_DIR, `broken-${name}.json`),
    ),
    { vtn: { kind: "command", command }, ven: { kind: "script" } },
    {
      startTimeoutMs: 120_000,
      manualStepTimeoutMs: 30_000,
      onInstruction: (text) => {
        const stepName = /^\[[^\]]+\] ([\w-]+):/.exec(text)?.[1] ?? "";
        if (!operator) throw new Error(`no operator for: ${text}`);
        const { admin: adminUrl } = JSON.parse(readFileSync(info, "utf8")) as { admin: string };
        pending.push(operator(stepName, adminUrl));
      },
    },
  );
  await Promise.all(pending);
  return run;
}

describe("broken peers through the runner, as a command VTN", { timeout: 180_000 }, () => {
  it("a VTN answering with an empty requestID fails request-id-echo only", async () => {
    const run = await runAgainst("wrong-request-id", REGISTER.slice(0, 2));
    const v = verdicts(run.checks);
    expect(v.rules, v.text).toEqual(["request-id-echo"]);
    expect(v.messages).toContain(
      `#4 oadrCreatedPartyRegistration (vtn -> ven) answering #3 oadrCreatePartyRegistration: expected eiResponse/requestID "${/<pyld:requestID>([^<]+)</.exec(run.transcript[2]?.body ?? "")?.[1]}" (the request's), got ""`,
    );
    expect(v.passedRules).toEqual(
      expect.arrayContaining(["conformance", "payload-type", "response-code", "step"]),
    );
    for (const f of v.failed) expect(f.entries?.length).toBe(2);
  });

  it("a VTN that does not increment modificationNumber fails modification-number only", async () => {
    const event = {
      eventID: "event-1",
      start: "now+PT1H",
      // "never": a VEN answering the unchanged number would be refused by the VTN's real state
      responseRequired: "never",
      signals: [{ name: "SIMPLE", type: "level", intervals: [{ duration: "PT10M", value: 1 }] }],
    };
    const manual = (name: string): Step => ({
      name,
      admin: { on: "vtn", method: "POST", path: "/admin/events", instruction: name },
    });
    const run = await runAgainst(
      "no-increment",
      [
        ...REGISTER,
        manual("publish-event"),
        step("poll-gets-event", "oadrPoll", "oadrDistributeEvent"),
        manual("modify-event"),
        step("poll-gets-modification", "oadrPoll", "oadrDistributeEvent"),
      ],
      (name, url) =>
        name === "publish-event"
          ? admin(url, "/events", event)
          : admin(url, "/events/event-1/modify", {
              signals: [
                { name: "SIMPLE", type: "level", intervals: [{ duration: "PT10M", value: 3 }] },
              ],
            }),
    );
    const v = verdicts(run.checks);
    expect(v.rules, v.text).toEqual(["modification-number"]);
    expect(v.messages.join("\n")).toMatch(
      /oadrDistributeEvent \(vtn -> ven\): event "event-1" changed since #\d+ but kept modificationNumber 0: a change needs the next number/,
    );
    expect(v.passedRules).toEqual(expect.arrayContaining(["response-code", "request-id-echo"]));
  });

  it("a VTN answering with lower-cased venIDs fails ven-id only", async () => {
    const run = await runAgainst("lowercase-ids", REGISTER.slice(0, 3));
    const v = verdicts(run.checks);
    expect(v.rules, v.text).toEqual(["ven-id"]);
    expect(v.messages).toContain(
      `#6 oadrRegisteredReport (vtn -> ven): expected venID "VEN_1" (as registered in #4), got "ven_1": they differ only in case, and IDs are case-sensitive`,
    );
  });

  it("a VTN that requests a report outside the offered sampling rates fails report-request only", async () => {
    const run = await runAgainst("sampling-outside-offer", REGISTER.slice(0, 3));
    const v = verdicts(run.checks);
    expect(v.rules, v.text).toEqual(["report-request"]);
    expect(v.messages.join("\n")).toMatch(
      /#6 oadrRegisteredReport \(vtn -> ven\): granularity PT2H of report request \S+ is outside the sampling rate the VEN offered in #5: power offers PT1S to PT1H$/,
    );
  });
});

describe("broken peers, signed", { timeout: 180_000 }, () => {
  describe.skipIf(SKIP_OPENSSL)("signed", () => {
    let pki: TestPki | undefined;
    const dir = mkdtempSync(join(tmpdir(), "transactive-broken-peers-"));
    afterAll(() => {
      pki?.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it("a VTN answering a signed request unsigned fails signature only", async () => {
      pki = makePki();
      const signer = pki.issue("ven-signer", "signer");
      const ca = join(dir, "ca.pem");
      writeFileSync(ca, pki.ca.cert);
      const vtn = await peer("unsigned-answer", { TRUST_CA: ca });
      const ven = new ScriptVen(vtn.url, signer);
      await ven.register();
      await ven.drain();
      // the VTN accepted the signed requests (its answers say 200), so they verified there
      const ctx: CheckContext = {
        profile: "openadr2b",
        signed: true,
        trustedCertificates: [pki.ca.cert],
      };
      const v = verdicts(checkTranscript(ven.transcript, ctx));
      expect(v.rules, v.text).toEqual(["signature"]);
      expect(v.messages).toContain(
        "#2 oadrCreatedPartyRegistration (vtn -> ven): expected a signed answer (the exchange is signed); this answer carries no ds:Signature",
      );
      // every request verified; every answer failed
      const sig = checkTranscript(ven.transcript, ctx).filter((r) => r.rule === "signature");
      for (const r of sig) {
        const entry = ven.transcript.find((e) => e.seq === r.entries?.[0]);
        expect(r.ok, r.message).toBe(entry?.direction === "request");
      }
      // not signed throughout: the exchange rule catches it the same
      const loose = verdicts(checkTranscript(ven.transcript, OPENADR));
      expect(loose.rules).toEqual(["signature"]);
      expect(loose.messages[0]).toMatch(
        /answering #1 oadrQueryRegistration: the request was signed, expected a signed answer; it carries no ds:Signature/,
      );
    });
  });
});
