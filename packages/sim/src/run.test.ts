import { Decimal } from "@transactive/emix";
import { describe, expect, it } from "vitest";
import { peakShaver } from "../tests/peak-shaver.js";
import { baselineEngine } from "./baseline.js";
import type { EngineFactory, IntervalOutcome } from "./engine.js";
import { SimulationError } from "./errors.js";
import { runSimulation } from "./run.js";
import { createScenario } from "./scenario.js";

const scenario = createScenario({ agents: 40, seed: 3, hours: 6, interval: "PT15M" });
const D = (s: string) => Decimal.of(s);

/** An engine returning the baseline's outcome with `change` applied at interval 2. */
function tampered(change: (o: IntervalOutcome) => unknown): EngineFactory {
  return async (s, o) => {
    const base = await baselineEngine(s, o);
    return {
      name: "tampered",
      async step(interval) {
        const out = await base.step(interval);
        return (interval.index === 2 ? change(out) : out) as IntervalOutcome;
      },
    };
  };
}

async function refusal(market: EngineFactory): Promise<SimulationError> {
  try {
    await runSimulation(scenario, { market });
  } catch (e) {
    if (e instanceof SimulationError) return e;
    throw e;
  }
  throw new Error("the run was not refused");
}

describe("runSimulation", () => {
  it("without a market: baseline records only, exact strings, progress reported", async () => {
    const progress: number[] = [];
    const r = await runSimulation(scenario, { onProgress: (done) => progress.push(done) });
    expect(r.mechanism).toBeNull();
    expect(r.engines).toEqual({ market: null, baseline: "no market" });
    expect(r.intervals).toHaveLength(24);
    expect(progress).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    for (const i of r.intervals) {
      expect(i.market).toBeNull();
      expect(i.baseline.importKw).toMatch(/^\d+(\.\d+)?$/);
    }
    expect(r.intervals[1]?.start).toBe("2026-07-15T00:15:00-06:00");
    expect(r.scenario.devices).toEqual({ load: 16, pv: 8, hvac: 6, ev: 6, battery: 4 });
  });

  it("with a market engine: both sides recorded, trades as exact amounts, engine closed", async () => {
    let closed = 0;
    const market: EngineFactory = async (s, o) => {
      expect(o).toEqual({ levels: 3, mechanism: "cda" });
      const e = await peakShaver(s, o);
      return { ...e, step: e.step.bind(e), close: () => void closed++ };
    };
    const r = await runSimulation(scenario, { market, mechanism: "cda", levels: 3 });
    expect(closed).toBe(1);
    expect(r.mechanism).toBe("cda");
    expect(r.levels).toBe(3);
    const traded = r.intervals.filter((i) => (i.market?.transactions.count ?? 0) > 0);
    expect(traded.length).toBeGreaterThan(0);
    for (const i of traded) {
      const t = i.market?.transactions;
      expect(t?.amounts).toEqual([
        D(t?.energyKwh ?? "0")
          .mul("0.1025")
          .toString(),
      ]);
      expect(i.market?.clearingPrice).toBe("0.1025");
    }
  });

  it("an engine's own settled amount is used as given", async () => {
    const r = await runSimulation(scenario, {
      market: tampered((o) => ({
        ...o,
        trades: [
          { quantity: D("1.5"), price: D("0.1"), amount: D("0.15") },
          { quantity: D("2"), price: D("-0.01") },
        ],
      })),
    });
    expect(r.intervals[2]?.market?.transactions).toEqual({
      count: 2,
      energyKwh: "3.5",
      amounts: ["0.15", "-0.02"],
    });
  });

  it("refuses outcomes that break the model, naming interval and field", async () => {
    const cases: [(o: IntervalOutcome) => unknown, string, string][] = [
      [(o) => ({ ...o, gridImport: 1.5 }), "/intervals/2/market/gridImport", "bad-outcome"],
      [(o) => ({ ...o, supply: D("1").div(3) }), "/intervals/2/market/supply", "not-terminating"],
      [(o) => ({ ...o, gridExport: D("-1") }), "/intervals/2/market/gridExport", "bad-outcome"],
      [(o) => ({ ...o, demand: o.demand.add("0.001") }), "/intervals/2/market", "bad-outcome"],
      [
        (o) => ({ ...o, batteryEnergy: D("1000000") }),
        "/intervals/2/market/batteryEnergy",
        "bad-outcome",
      ],
      [(o) => ({ ...o, clearingPrice: "0.1" }), "/intervals/2/market/clearingPrice", "bad-outcome"],
      [
        (o) => ({ ...o, trades: [{ quantity: D("0"), price: D("1") }] }),
        "/intervals/2/market/trades/0/quantity",
        "bad-outcome",
      ],
      [
        (o) => ({ ...o, trades: [{ quantity: D("1"), price: D("1").div(7) }] }),
        "/intervals/2/market/trades/0/price",
        "not-terminating",
      ],
      [(o) => ({ ...o, trades: {} }), "/intervals/2/market/trades", "bad-outcome"],
      [() => undefined, "/intervals/2/market", "bad-outcome"],
    ];
    for (const [change, path, code] of cases) {
      const e = await refusal(tampered(change));
      expect({ path: e.path, code: e.code }).toEqual({ path, code });
    }
  });

  it("closes the engines when a step fails, and checks --levels", async () => {
    let closed = 0;
    const failing: EngineFactory = () => ({
      name: "failing",
      step: () => {
        throw new Error("boom");
      },
      close: () => void closed++,
    });
    await expect(runSimulation(scenario, { market: failing })).rejects.toThrow("boom");
    expect(closed).toBe(1);
    await expect(runSimulation(scenario, { levels: 0 })).rejects.toThrow(SimulationError);
    await expect(runSimulation(scenario, { levels: 9 })).rejects.toThrow(SimulationError);
  });
});
