/**
 * A negative test per rule the issue names: a deliberately broken VTN (tests/broken-peers/*.mjs,
 * our real VTN behind a front that breaks one thing) in its own process, driven over HTTP by a
 * scripted VEN sending real messages; the transcript goes through every check, and exactly the
 * broken rule must fail, with a message that says what was expected and what came.
 * (When the runner is merged, these can run as scenarios with --vtn cmd:...; the assertions stay.)
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makePki, SKIP_OPENSSL, type TestPki } from "../../ei-node/tests/pki.js";
import { type CheckContext, checkTranscript } from "../src/checks.js";
import type { CheckResult } from "../src/types.js";
import { admin, type BrokenPeer, ScriptVen, startBrokenPeer } from "./script-ven.js";

const peers: BrokenPeer[] = [];
afterAll(async () => {
  await Promise.all(peers.map((p) => p.stop()));
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

describe("broken peers", { timeout: 180_000 }, () => {
  it("a VTN answering with an empty requestID fails request-id-echo only", async () => {
    const vtn = await peer("wrong-request-id");
    const ven = new ScriptVen(vtn.url);
    await ven.register();
    await ven.drain();
    const v = verdicts(checkTranscript(ven.transcript, OPENADR));
    expect(v.rules, v.text).toEqual(["request-id-echo"]);
    expect(v.messages).toContain(
      `#4 oadrCreatedPartyRegistration (vtn -> ven) answering #3 oadrCreatePartyRegistration: expected eiResponse/requestID "script-2" (the request's), got ""`,
    );
    expect(v.passedRules).toEqual(
      expect.arrayContaining(["conformance", "payload-type", "response-code", "ven-id"]),
    );
    for (const f of v.failed) expect(f.entries?.length).toBe(2);
  });

  it("a VTN that does not increment modificationNumber fails modification-number only", async () => {
    const vtn = await peer("no-increment");
    const ven = new ScriptVen(vtn.url);
    await ven.register();
    await ven.drain();
    await admin(vtn.admin, "/events", {
      eventID: "event-1",
      start: "now+PT1H",
      // "never": a VEN answering the unchanged number would be refused by the VTN's real state
      responseRequired: "never",
      signals: [{ name: "SIMPLE", type: "level", intervals: [{ duration: "PT10M", value: 1 }] }],
    });
    expect(await ven.drain()).toContain("oadrDistributeEvent");
    await admin(vtn.admin, "/events/event-1/modify", {
      signals: [{ name: "SIMPLE", type: "level", intervals: [{ duration: "PT10M", value: 3 }] }],
    });
    expect(await ven.drain()).toContain("oadrDistributeEvent");
    const v = verdicts(checkTranscript(ven.transcript, OPENADR));
    expect(v.rules, v.text).toEqual(["modification-number"]);
    expect(v.messages.join("\n")).toMatch(
      /oadrDistributeEvent \(vtn -> ven\): event "event-1" changed since #\d+ but kept modificationNumber 0: a change needs the next number/,
    );
    expect(v.passedRules).toEqual(expect.arrayContaining(["response-code", "request-id-echo"]));
  });

  it("a VTN answering with lower-cased venIDs fails ven-id only", async () => {
    const vtn = await peer("lowercase-ids");
    const ven = new ScriptVen(vtn.url);
    await ven.register();
    expect(ven.venID).toBe("VEN_1");
    await ven.drain();
    const v = verdicts(checkTranscript(ven.transcript, OPENADR));
    expect(v.rules, v.text).toEqual(["ven-id"]);
    expect(v.messages).toContain(
      `#6 oadrRegisteredReport (vtn -> ven): expected venID "VEN_1" (as registered in #4), got "ven_1": they differ only in case, and IDs are case-sensitive`,
    );
  });

  it("a VTN that requests a report outside the offered sampling rates fails report-request only", async () => {
    const vtn = await peer("sampling-outside-offer");
    const ven = new ScriptVen(vtn.url);
    await ven.register();
    await ven.drain();
    const v = verdicts(checkTranscript(ven.transcript, OPENADR));
    expect(v.rules, v.text).toEqual(["report-request"]);
    expect(v.messages.join("\n")).toMatch(
      /#6 oadrRegisteredReport \(vtn -> ven\): granularity PT2H of report request \S+ is outside the sampling rate the VEN offered in #5: power offers PT1S to PT1H; energy offers PT1S to PT1H/,
    );
  });

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
