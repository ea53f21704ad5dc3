/**
 * The CTS scenario files played by the harness's runner, ours against ours over 127.0.0.1, each
 * side in its own process: the market (`transactive serve --profile cts --role market`) with the
 * harness as the parties, and a market day with two of our agents (`transactive agent`).
 */
import { describe, expect, it } from "vitest";
import { runScenario } from "../src/runner.js";
import { loadScenario } from "../src/scenario.js";
import type { InteropRun } from "../src/types.js";

const file = (name: string) =>
  new URL(`../../../conformance/interop/${name}.json`, import.meta.url).pathname;

function failures(run: InteropRun): string {
  return run.checks
    .filter((c) => !c.ok)
    .map((c) => `${c.step}: ${c.rule}: ${c.message}`)
    .join("\n");
}

describe("CTS scenarios through the runner (ours vs ours)", () => {
  it("cts-tender-transaction-delivery: our market (its own process) and the scripted parties", async () => {
    const scenario = loadScenario(file("cts-tender-transaction-delivery"));
    const run = await runScenario(scenario, {
      market: { kind: "ours" },
      agent: { kind: "script" },
    });
    expect(failures(run)).toBe("");
    expect(run.passed).toBe(true);
    expect(run.transcript.filter((e) => e.direction === "request")).toHaveLength(
      scenario.steps.length,
    );
    const rules = new Set(run.checks.map((c) => c.rule));
    for (const r of [
      "cts-transaction-tender",
      "cts-transaction-price",
      "cts-delivery-transaction",
      "cts-quote-reply",
    ])
      expect(rules, `the runner must call checkCtsExchange/checkCtsSequence (${r})`).toContain(r);
  }, 120_000);

  it("cts-market-day: our market and two of our agents, each in its own process", async () => {
    const scenario = loadScenario(file("cts-market-day"));
    const run = await runScenario(scenario, { market: { kind: "ours" }, agent: { kind: "ours" } });
    expect(failures(run)).toBe("");
    expect(run.passed).toBe(true);
    expect(
      run.checks.filter((c) => c.rule === "cts-transaction-tender").length,
    ).toBeGreaterThanOrEqual(4);
  }, 120_000);
});
