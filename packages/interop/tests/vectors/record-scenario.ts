/**
 * Records a scenario run as a check vector base: our VTN and our VEN, each in its own process,
 * through the runner (so the harness's injected messages are marked). Run by hand when the wire
 * format changes:
 *
 *   node --conditions=@transactive/source --import tsx packages/interop/tests/vectors/record-scenario.ts
 *
 * It writes ours-registration.json: oadr-registration ours vs ours, with an oadrRequestReregistration
 * acknowledged by an oadrResponse (empty requestID), a cancellation the harness injects in the VEN's
 * name, the VEN's messages the VTN then refuses with 463, and the VEN registering again.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runScenario } from "../../src/runner.js";
import { loadScenario } from "../../src/scenario.js";

const run = await runScenario(loadScenario("oadr-registration"), {
  vtn: { kind: "ours" },
  ven: { kind: "ours" },
});
const injected = run.transcript
  .filter((e) => e.direction === "request" && e.step === "ven-cancels-registration")
  .map((e) => e.seq);
writeFileSync(
  join(import.meta.dirname, "ours-registration.json"),
  `${JSON.stringify({ scenario: run.scenario, injected, transcript: run.transcript }, null, 1)}\n`,
);
const failed = run.checks.filter((c) => !c.ok);
process.stdout.write(
  `${run.transcript.length} messages, injected ${injected.join(", ")}; ${failed.length} failed checks\n${failed.map((c) => `${c.rule}: ${c.message}`).join("\n")}\n`,
);
