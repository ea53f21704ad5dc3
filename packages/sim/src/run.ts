/**
 * The runner: steps the market engine and the no-market baseline through the same scenario,
 * interval by interval, checks each outcome and writes it down as exact decimal strings.
 */
import { Decimal } from "@transactive/emix";
import { baselineEngine, kw, kwh } from "./baseline.js";
import type {
  EngineFactory,
  IntervalOutcome,
  Mechanism,
  SimInterval,
  SimulationEngine,
} from "./engine.js";
import { SimulationError } from "./errors.js";
import type { EngineRecord, IntervalRecord, ScenarioInfo, SimulationResult } from "./result.js";
import type { DeviceKind, Scenario } from "./scenario.js";

/** How to run a scenario. */
export interface RunOptions {
  /** the market engine; without one only the baseline runs (the result's market records are null) */
  readonly market?: EngineFactory;
  /** the market's mechanism, handed to the factory (default "call" with a market, else null) */
  readonly mechanism?: Mechanism;
  /** the market's nesting depth, 1 … 8 (default 1) */
  readonly levels?: number;
  /** the no-market engine (default baselineEngine) */
  readonly baseline?: EngineFactory;
  /** called after each interval with the number done and the total */
  readonly onProgress?: (done: number, total: number) => void;
  /** called with each interval's checked market outcome (its fills included), in order */
  readonly onMarketOutcome?: (interval: SimInterval, outcome: IntervalOutcome) => void;
}

/** Runs a scenario through the market engine (if any) and the baseline; returns the checked result. */
export async function runSimulation(
  scenario: Scenario,
  options: RunOptions = {},
): Promise<SimulationResult> {
  const levels = options.levels ?? 1;
  if (!Number.isSafeInteger(levels) || levels < 1 || levels > 8)
    throw new SimulationError("bad-option", "levels", "must be a whole number from 1 to 8", levels);
  const mechanism = options.market ? (options.mechanism ?? "call") : null;
  const capacity = batteryCapacityWh(scenario);
  const engines: SimulationEngine[] = [];
  try {
    const baseline = await (options.baseline ?? baselineEngine)(scenario, {
      levels,
      mechanism: null,
    });
    engines.push(baseline);
    const market = options.market ? await options.market(scenario, { levels, mechanism }) : null;
    if (market) engines.push(market);
    const intervals: IntervalRecord[] = [];
    for (let i = 0; i < scenario.count; i++) {
      const interval: SimInterval = {
        index: i,
        start: scenario.times[i] as string,
        end: scenario.times[i + 1] as string,
        startMs: scenario.startMs + i * scenario.intervalSeconds * 1000,
        seconds: scenario.intervalSeconds,
      };
      let m: EngineRecord | null = null;
      if (market) {
        const outcome = await market.step(interval);
        m = record(outcome, `/intervals/${i}/market`, capacity);
        options.onMarketOutcome?.(interval, outcome);
      }
      const b = record(await baseline.step(interval), `/intervals/${i}/baseline`, capacity);
      intervals.push({
        index: i,
        start: interval.start,
        end: interval.end,
        outdoorTemperature: (scenario.outdoorTemperature[i] ?? 0).toFixed(1),
        market: m,
        baseline: b,
      });
      options.onProgress?.(i + 1, scenario.count);
    }
    return {
      format: "transactive-simulation/1",
      scenario: scenarioInfo(scenario),
      levels,
      mechanism,
      engines: { market: market?.name ?? null, baseline: baseline.name },
      intervals,
    };
  } finally {
    for (const e of engines) await e.close?.();
  }
}

function batteryCapacityWh(s: Scenario): number {
  let wh = 0;
  for (const d of s.devices) if (d.kind === "battery") wh += d.capacityWh;
  return wh;
}

/** What the result says about its scenario. */
export function scenarioInfo(s: Scenario): ScenarioInfo {
  let pvW = 0;
  const devices: Record<DeviceKind, number> = { load: 0, pv: 0, hvac: 0, ev: 0, battery: 0 };
  for (const d of s.devices) {
    devices[d.kind]++;
    if (d.kind === "pv") pvW += d.ratedW;
  }
  return {
    seed: s.seed,
    agents: s.devices.length,
    devices,
    interval: s.interval,
    intervalSeconds: s.intervalSeconds,
    hours: s.hours,
    count: s.count,
    date: s.date,
    site: s.site,
    currency: s.currency,
    tariff: s.tariff,
    hvacMode: s.hvacMode,
    temperatureRange: {
      min: s.temperatureRange.min.toFixed(1),
      max: s.temperatureRange.max.toFixed(1),
    },
    batteryCapacityKwh: kwh(batteryCapacityWh(s)).toString(),
    pvRatedKw: kw(pvW).toString(),
  };
}

/** The exact decimal string of an outcome value, or a SimulationError at `path`. */
function exact(value: unknown, path: string, nonNegative: boolean): Decimal {
  if (!(value instanceof Decimal))
    throw new SimulationError(
      "bad-outcome",
      path,
      `expected a Decimal of @transactive/emix, got ${value === null ? "null" : typeof value}`,
      value,
    );
  if (!value.isTerminating())
    throw new SimulationError(
      "not-terminating",
      path,
      `${value.toFraction()} has no finite decimal form; round it to the market's resolution`,
      value.toFraction(),
    );
  if (nonNegative && value.sign() < 0)
    throw new SimulationError(
      "bad-outcome",
      path,
      `must not be negative, got ${value}`,
      value.toString(),
    );
  return value;
}

function record(o: IntervalOutcome, path: string, capacityWh: number): EngineRecord {
  if (typeof o !== "object" || o === null)
    throw new SimulationError("bad-outcome", path, "the engine returned no outcome", o);
  const supply = exact(o.supply, `${path}/supply`, true);
  const demand = exact(o.demand, `${path}/demand`, true);
  const load = exact(o.load, `${path}/load`, true);
  const battery = exact(o.batteryEnergy, `${path}/batteryEnergy`, true);
  const imp = exact(o.gridImport, `${path}/gridImport`, true);
  const exp = exact(o.gridExport, `${path}/gridExport`, true);
  const price =
    o.clearingPrice === null ? null : exact(o.clearingPrice, `${path}/clearingPrice`, false);
  if (battery.cmp(kwh(capacityWh)) > 0)
    throw new SimulationError(
      "bad-outcome",
      `${path}/batteryEnergy`,
      `${battery} kWh is more than the batteries' capacity ${kwh(capacityWh)} kWh`,
    );
  if (!supply.add(imp).eq(demand.add(exp)))
    throw new SimulationError(
      "bad-outcome",
      path,
      `power does not balance: supply ${supply} + import ${imp} ≠ demand ${demand} + export ${exp} (kW)`,
    );
  if (!Array.isArray(o.trades))
    throw new SimulationError(
      "bad-outcome",
      `${path}/trades`,
      "expected an array of trades",
      o.trades,
    );
  let energy = Decimal.ZERO;
  const amounts: string[] = [];
  o.trades.forEach((t, k) => {
    const q = exact(t?.quantity, `${path}/trades/${k}/quantity`, true);
    if (q.isZero())
      throw new SimulationError("bad-outcome", `${path}/trades/${k}/quantity`, "a trade of 0 kWh");
    const p = exact(t.price, `${path}/trades/${k}/price`, false);
    const amount =
      t.amount === undefined ? q.mul(p) : exact(t.amount, `${path}/trades/${k}/amount`, false);
    energy = energy.add(q);
    amounts.push(amount.toString());
  });
  return {
    clearingPrice: price === null ? null : price.toString(),
    supplyKw: supply.toString(),
    demandKw: demand.toString(),
    loadKw: load.toString(),
    batteryEnergyKwh: battery.toString(),
    importKw: imp.toString(),
    exportKw: exp.toString(),
    transactions: { count: amounts.length, energyKwh: energy.toString(), amounts },
  };
}
