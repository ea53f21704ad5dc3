import { Decimal } from "@transactive/emix";
import { describe, expect, it } from "vitest";
import type { IntervalOutcome } from "./engine.js";
import { marketEngine } from "./market-engine.js";
import { runSimulation } from "./run.js";
import { createScenario } from "./scenario.js";
import { type SideSummary, summarize } from "./summary.js";

/** The market's figures against the no-market baseline on the same seed. */
async function compare(mechanism: "call" | "cda", levels: number) {
  const scenario = createScenario(); // the default scenario: 100 agents, PT5M, a summer day
  const result = await runSimulation(scenario, { market: marketEngine, mechanism, levels });
  const summary = summarize(result);
  return { result, market: summary.market as SideSummary, baseline: summary.baseline };
}

describe("market engine on the default scenario", () => {
  it("lowers the peak import and the peak-to-average ratio (call auction, 1 level)", async () => {
    const { market, baseline, result } = await compare("call", 1);
    expect(result.engines.market).toBe("call auction, 1 level");
    expect(Decimal.of(market.peakImportKw).cmp(baseline.peakImportKw)).toBeLessThan(0);
    expect(
      Decimal.of(market.peakToAverageRatio as string).cmp(baseline.peakToAverageRatio as string),
    ).toBeLessThan(0);
    expect(market.transactionCount).toBeGreaterThan(0);
    expect(Decimal.of(market.energyTradedKwh).sign()).toBe(1);
    // every interval cleared at a price; batteries were used
    expect(result.intervals.every((i) => i.market?.clearingPrice !== null)).toBe(true);
    const stored = result.intervals.map((i) => Decimal.of(i.market?.batteryEnergyKwh as string));
    expect(stored.some((s) => !s.eq(stored[0] as Decimal))).toBe(true);
  });

  it("lowers them too with a continuous double auction over 3 levels", async () => {
    const { market, baseline, result } = await compare("cda", 3);
    expect(result.engines.market).toBe("continuous double auction, 3 levels");
    expect(Decimal.of(market.peakImportKw).cmp(baseline.peakImportKw)).toBeLessThan(0);
    expect(
      Decimal.of(market.peakToAverageRatio as string).cmp(baseline.peakToAverageRatio as string),
    ).toBeLessThan(0);
  });

  it("replays a seed to the same result, and nests in any depth", async () => {
    const scenario = createScenario({ agents: 30, hours: 6, seed: 7 });
    const a = await runSimulation(scenario, { market: marketEngine, levels: 4 });
    const b = await runSimulation(scenario, { market: marketEngine, levels: 4 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.engines.market).toBe("call auction, 4 levels");
  });

  it("refuses an interval whose kW figures would not be finite decimals", async () => {
    const scenario = createScenario({ agents: 5, hours: 3, interval: "PT1M48S" });
    await expect(runSimulation(scenario, { market: marketEngine })).rejects.toMatchObject({
      code: "bad-interval",
    });
  });

  it("reports every agent's fills with the market, both sides, energy balanced", async () => {
    const scenario = createScenario({ agents: 20, hours: 3, interval: "PT15M", seed: 3 });
    const seen: IntervalOutcome[] = [];
    const result = await runSimulation(scenario, {
      market: marketEngine,
      levels: 2,
      onMarketOutcome: (_, o) => seen.push(o),
    });
    expect(seen.length).toBe(scenario.count);
    const ids = new Set(["grid-tie", ...scenario.devices.map((d) => d.id)]);
    let fills = 0;
    seen.forEach((o, i) => {
      let bought = Decimal.ZERO;
      let sold = Decimal.ZERO;
      for (const f of o.fills ?? []) {
        expect(ids.has(f.party)).toBe(true);
        expect(f.quantity.sign()).toBe(1);
        if (f.side === "buy") bought = bought.add(f.quantity);
        else sold = sold.add(f.quantity);
        fills++;
      }
      // the market conserves energy: what agents bought is what agents sold
      expect(bought.eq(sold)).toBe(true);
      // the trades are the buying side of the fills
      expect(bought.eq(result.intervals[i]?.market?.transactions.energyKwh as string)).toBe(true);
    });
    expect(fills).toBeGreaterThan(0);
  });
});
