import { makePki } from "../../ei-node/tests/pki.js";
import { runScenario } from "../src/runner.js";
import { loadScenario } from "../src/scenario.js";

const pki = makePki();
const security = {
  ca: pki.ca.cert,
  server: pki.issue("server", "server"),
  client: pki.issue("client", "client"),
  signer: pki.issue("signer", "signer"),
};
const s = loadScenario(process.argv[2] as string);
const t0 = Date.now();
const ven = process.argv[3] === "script" ? { kind: "script" as const } : { kind: "ours" as const };
const run = await runScenario(
  s,
  { vtn: { kind: "ours" }, ven },
  {
    security,
    onStep: (r) =>
      console.log(Date.now() - t0, r.ok ? "ok  " : "FAIL", r.step, r.message.slice(0, 100)),
  },
);
for (const c of run.checks) if (!c.ok) console.log("FAILED", c.rule, c.step, c.message);
console.log("passed", run.passed, run.durationMs, "ms");
for (const e of run.transcript) console.log(e.seq, e.at.slice(17), e.from, e.payload, e.step ?? "");
pki.dispose();
