/**
 * Every OpenADR 2.0b scenario of conformance/interop/ ours-vs-ours over 127.0.0.1 (our VTN and
 * our VEN each in its own process, every message through the recording proxy), and the harness
 * as the VEN (script) against our VTN. Signed variants run over HTTPS with client certificates and
 * XML Signature, with a throw-away PKI. Nothing here measures time: the limits are generous.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makePki, SKIP_OPENSSL, type TestPki } from "../../ei-node/tests/pki.js";
import type { InteropSecurity } from "./players.js";
import { runScenario } from "./runner.js";
import { listScenarios, loadScenario } from "./scenario.js";
import type { InteropRun, Player } from "./types.js";

const LIMIT = 180_000;
const OADR = listScenarios().filter((n) => n.startsWith("oadr-"));

/** The failed checks and both sides' logs, so a failure says why. */
function why(run: InteropRun): string {
  const failed = run.checks
    .filter((c) => !c.ok)
    .map((c) => `  ${c.rule} [${c.step}]: ${c.message}`);
  return `${run.scenario} failed:\n${failed.join("\n")}\n--- vtn\n${run.logs?.vtn ?? ""}\n--- ven\n${run.logs?.ven ?? ""}`;
}

async function play(name: string, ven: Player, security?: InteropSecurity): Promise<InteropRun> {
  const run = await runScenario(
    loadScenario(name),
    { vtn: { kind: "ours" }, ven },
    {
      ...(security ? { security } : {}),
      onInstruction: () => {
        throw new Error("no manual step is expected when both sides are ours");
      },
    },
  );
  if (!run.passed) throw new Error(why(run));
  return run;
}

describe("OpenADR 2.0b scenarios, ours vs ours", { timeout: LIMIT }, () => {
  let pki: TestPki | undefined;
  let security: InteropSecurity | undefined;
  beforeAll(() => {
    if (SKIP_OPENSSL) return;
    pki = makePki();
    security = {
      ca: pki.ca.cert,
      server: pki.issue("interop-server", "server"),
      client: pki.issue("interop-client", "client"),
      signer: pki.issue("interop-signer", "signer"),
    };
  });
  afterAll(() => pki?.dispose());

  it("has the scenarios the issue names, each with a signed variant", () => {
    for (const base of ["registration", "events-poll", "events-push", "opt", "reports"]) {
      expect(OADR).toContain(`oadr-${base}`);
      expect(OADR).toContain(`oadr-${base}-signed`);
    }
  });

  for (const name of OADR.filter((n) => !n.endsWith("-signed")))
    it(`${name}: our VTN and our VEN`, async () => {
      const run = await play(name, { kind: "ours" });
      // every message went through the proxy, in both directions; every one a step matched was
      // answered, and at most one per direction was still in flight when the run ended
      expect(run.transcript.length).toBeGreaterThan(10);
      const answered = (seq: number) => run.transcript.some((r) => r.inReplyTo === seq);
      const requests = run.transcript.filter((x) => x.direction === "request");
      for (const e of requests.filter((x) => x.step)) expect(answered(e.seq)).toBe(true);
      expect(requests.filter((e) => !answered(e.seq)).length).toBeLessThanOrEqual(2);
      expect(run.players).toMatchObject({ vtn: expect.stringContaining("ours") });
    });

  for (const name of OADR.filter((n) => n.endsWith("-signed")))
    it.skipIf(SKIP_OPENSSL)(`${name}: our VTN and our VEN, HTTPS and XML Signature`, async () => {
      const run = await play(name, { kind: "ours" }, security);
      const signatures = run.checks.filter((c) => c.rule === "signature");
      // every message was signed and verified, those of both sides
      expect(signatures.length).toBe(run.transcript.filter((e) => e.body.trim()).length);
      expect(new Set(run.transcript.map((e) => e.from))).toEqual(new Set(["vtn", "ven"]));
    });
});

describe("OpenADR 2.0b scenarios, the harness as the VEN against our VTN", {
  timeout: LIMIT,
}, () => {
  let pki: TestPki | undefined;
  let security: InteropSecurity | undefined;
  beforeAll(() => {
    if (SKIP_OPENSSL) return;
    pki = makePki();
    security = {
      ca: pki.ca.cert,
      server: pki.issue("interop-server", "server"),
      client: pki.issue("interop-client", "client"),
      signer: pki.issue("interop-signer", "signer"),
    };
  });
  afterAll(() => pki?.dispose());

  // a script cannot receive pushes: the push scenarios need a VEN with an endpoint
  for (const name of OADR.filter((n) => !n.includes("push") && !n.endsWith("-signed")))
    it(`${name}: VEN=script`, async () => {
      const run = await play(name, { kind: "script" });
      expect(run.transcript.every((e) => e.direction === "response" || e.step)).toBe(true);
      expect(run.players.ven).toBe("script");
    });

  for (const name of OADR.filter((n) => !n.includes("push") && n.endsWith("-signed")))
    it.skipIf(SKIP_OPENSSL)(`${name}: VEN=script, signed`, async () => {
      const run = await play(name, { kind: "script" }, security);
      expect(run.checks.filter((c) => c.rule === "signature").every((c) => c.ok)).toBe(true);
    });
});
