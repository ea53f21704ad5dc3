#!/usr/bin/env node
// `npm run demo`: runs the built CLI over the examples, one headed step at a time. Long outputs
// are cut to their first lines; the full output of every step is kept in a temp folder.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const bin = join(root, "packages/cli/dist/bin.js");
const SHOWN = 12;
const examples = (ext) =>
  readdirSync(join(root, "examples"))
    .filter((f) => f.endsWith(`.${ext}`))
    .sort()
    .map((f) => `examples/${f}`);

const simOut = join(root, "sim-out");

// The market's value, measured: the figures of summary.json, with the market and without it.
function simulationFigures() {
  const s = JSON.parse(readFileSync(join(simOut, "summary.json"), "utf8"));
  const rows = [
    ["peak import (kW)", s.market.peakImportKw, s.baseline.peakImportKw],
    ["peak-to-average ratio of import", s.market.peakToAverageRatio, s.baseline.peakToAverageRatio],
    ["energy traded in the market (kWh)", s.market.energyTradedKwh, "-"],
    ["transactions", String(s.market.transactionCount), "-"],
    [`median transaction (${s.scenario.currency})`, s.market.medianTransactionAmount ?? "-", "-"],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  return [
    `${"".padEnd(w)}  ${"with the market".padStart(16)}  ${"no market".padStart(12)}`,
    ...rows.map(([k, a, b]) => `${k.padEnd(w)}  ${a.padStart(16)}  ${b.padStart(12)}`),
    `report (open it in a browser): ${join(simOut, "report.html")}`,
  ].join("\n");
}

const steps = [
  {
    title: "Simulate a day of a 100-agent microgrid with and without the market",
    args: ["simulate", "--out", simOut],
    after: simulationFigures,
  },
  {
    title: "Clear one call auction (GridLAB-D rule) from a case file",
    args: ["clear", "examples/market/call-auction.json"],
  },
  {
    title: "Validate every example against our schemas and the official XSDs",
    args: ["validate", "--xsd", ...examples("xml"), ...examples("json")],
  },
  {
    title: "Convert an OpenADR 2.0b event from XML to JSON",
    args: ["convert", "examples/openadr2b-distribute-event.xml", "--to", "json"],
  },
  {
    title: "Resolve a WS-Calendar schedule to absolute intervals",
    args: ["resolve", "examples/xcal-wscalendar-interval.xml"],
  },
  {
    title: "Run the conformance suite against our own codecs",
    args: ["conformance"],
  },
];

const out = mkdtempSync(join(tmpdir(), "transactive-demo-"));
const failed = [];
steps.forEach((step, i) => {
  const n = i + 1;
  console.log(`\n=== Step ${n}/${steps.length}: ${step.title}`);
  console.log(`$ transactive ${step.args.join(" ")}\n`);
  const r = spawnSync(process.execPath, [bin, ...step.args], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const stdout = r.stdout ?? "";
  const stderr = r.stderr ?? "";
  const file = join(out, `step-${n}-${step.args[0]}.txt`);
  writeFileSync(file, `${stdout}${stderr ? `\n--- stderr\n${stderr}` : ""}`);
  // progress notes go to stderr: shown only when the step failed or printed nothing else
  const shown = r.status === 0 && stdout.trim() ? stdout : `${stdout}${stderr}`;
  const lines = shown.replace(/\n$/, "").split("\n");
  console.log(lines.slice(0, SHOWN).join("\n"));
  if (lines.length > SHOWN)
    console.log(`… ${lines.length - SHOWN} more lines; full output: ${file}`);
  const code = r.status ?? 1;
  if (code === 0 && step.after) console.log(step.after());
  if (r.error) console.log(`could not run: ${r.error.message}`);
  console.log(code === 0 ? `(exit 0)` : `FAILED (exit ${code})`);
  if (code !== 0 || r.error) failed.push(`${n} (${step.args[0]})`);
});

console.log(`\nFull outputs: ${out}`);
if (failed.length) {
  console.log(`Failed steps: ${failed.join(", ")}`);
  process.exit(1);
}
console.log(`All ${steps.length} steps passed.`);
