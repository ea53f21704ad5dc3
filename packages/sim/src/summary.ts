/**
 * summary.json: the figures of a run, for the market and for the no-market baseline on the same
 * seed. Computed in exact decimal arithmetic from the result's strings. Figures that are sums,
 * maxima or medians of exact values are written exactly; figures with a division in them (means,
 * ratios, energies over 5-minute intervals, which are twelfths of an hour) are rounded half-even
 * to FIGURE_PLACES decimal places when written, and only then.
 */
import { Decimal } from "@transactive/emix";
import type { Mechanism } from "./engine.js";
import type { EngineRecord, ScenarioInfo, SimulationResult } from "./result.js";

/** Decimal places of the rounded figures (means, ratios, energies, costs). */
export const FIGURE_PLACES = 6;

/** The figures of one engine over the whole run (decimal strings; see docs/simulation.md). */
export interface SideSummary {
  /** highest grid-tie import of any interval, kW (exact) */
  readonly peakImportKw: string;
  /** start of the first interval with that import */
  readonly peakImportAt: string;
  /** mean grid-tie import over all intervals, kW */
  readonly averageImportKw: string;
  /** peak-to-average ratio of the grid-tie import: peak / mean; null when nothing is imported */
  readonly peakToAverageRatio: string | null;
  /** highest load (consumption, no battery) of any interval, kW (exact) */
  readonly peakLoadKw: string;
  /** peak-to-average ratio of the load; null when there is no load */
  readonly loadPeakToAverageRatio: string | null;
  /** energy imported over the run, kWh */
  readonly importEnergyKwh: string;
  /** energy exported over the run, kWh */
  readonly exportEnergyKwh: string;
  /** energy consumed by loads over the run, kWh */
  readonly loadEnergyKwh: string;
  /** energy bought and sold in the market (sum of the fills' quantities), kWh (exact) */
  readonly energyTradedKwh: string;
  /** number of fills */
  readonly transactionCount: number;
  /** median amount of a fill in currency (mean of the middle two for an even count); null with none (exact) */
  readonly medianTransactionAmount: string | null;
  /** sum of the fills' amounts in currency (exact) */
  readonly totalTransactionAmount: string;
  /** import energy at the import tariff minus export energy at the export tariff, currency */
  readonly gridCost: string;
}

/** What `transactive simulate --ledger` wrote into its ledger and how the day settled. */
export interface LedgerSummary {
  /** the ledger directory (absolute) */
  readonly directory: string;
  /** records in the ledger after the settlement */
  readonly records: number;
  /** the median value of the contracts (energy × price), currency, exact; null without contracts */
  readonly medianTransactionValue: string | null;
  readonly settlement: {
    /** sum of every party's net balance change, currency, exact: "0" when the books balance */
    readonly total: string;
    /** parties whose intervals the settlement closed, and the market (their counterparty) */
    readonly partiesSettled: number;
    /** contracts and delivery records it settled */
    readonly contracts: number;
    readonly deliveries: number;
    /** settlement periods (of whole intervals: one for a day) */
    readonly periods: number;
    /** settlement records: each period in parts (groups of agents) under the record size limit */
    readonly parts: number;
  };
}

/** The content of summary.json. */
export interface SimulationSummary {
  readonly format: "transactive-simulation-summary/1";
  readonly scenario: ScenarioInfo;
  readonly levels: number;
  readonly mechanism: Mechanism | null;
  readonly engines: SimulationResult["engines"];
  /** the market's figures; null when no market engine ran */
  readonly market: SideSummary | null;
  /** the no-market baseline's figures on the same seed */
  readonly baseline: SideSummary;
  /** present when the run was written into a ledger (--ledger) */
  readonly ledger?: LedgerSummary;
}

/** A figure with a division in it, rounded half-even to FIGURE_PLACES places, trailing zeros kept off. */
export function roundFigure(d: Decimal): string {
  if (d.isTerminating()) {
    const s = d.toString();
    const dot = s.indexOf(".");
    if (dot < 0 || s.length - dot - 1 <= FIGURE_PLACES) return s;
  }
  return Decimal.of(d.toFixed(FIGURE_PLACES, "half-even")).toString();
}

/** The median of exact values (mean of the middle two for an even count); undefined for none. */
export function median(values: readonly Decimal[]): Decimal | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a.cmp(b));
  const mid = sorted.length >> 1;
  const hi = sorted[mid] as Decimal;
  return sorted.length % 2 === 1 ? hi : (sorted[mid - 1] as Decimal).add(hi).div(2);
}

/** The figures of one engine's records. */
export function summarizeSide(
  records: readonly EngineRecord[],
  starts: readonly string[],
  intervalSeconds: number,
  tariff: ScenarioInfo["tariff"],
): SideSummary {
  const hours = Decimal.fraction(BigInt(intervalSeconds), 3600n);
  let peakImport = Decimal.ZERO;
  let peakAt = starts[0] ?? "";
  let peakLoad = Decimal.ZERO;
  let importSum = Decimal.ZERO;
  let exportSum = Decimal.ZERO;
  let loadSum = Decimal.ZERO;
  let traded = Decimal.ZERO;
  let total = Decimal.ZERO;
  const amounts: Decimal[] = [];
  records.forEach((r, i) => {
    const imp = Decimal.of(r.importKw);
    const load = Decimal.of(r.loadKw);
    if (imp.cmp(peakImport) > 0) {
      peakImport = imp;
      peakAt = starts[i] ?? "";
    }
    if (load.cmp(peakLoad) > 0) peakLoad = load;
    importSum = importSum.add(imp);
    exportSum = exportSum.add(r.exportKw);
    loadSum = loadSum.add(load);
    traded = traded.add(r.transactions.energyKwh);
    for (const a of r.transactions.amounts) {
      const d = Decimal.of(a);
      amounts.push(d);
      total = total.add(d);
    }
  });
  const n = Math.max(1, records.length);
  const meanImport = importSum.div(n);
  const meanLoad = loadSum.div(n);
  const importEnergy = importSum.mul(hours);
  const exportEnergy = exportSum.mul(hours);
  const med = median(amounts);
  return {
    peakImportKw: peakImport.toString(),
    peakImportAt: peakAt,
    averageImportKw: roundFigure(meanImport),
    peakToAverageRatio: meanImport.isZero() ? null : roundFigure(peakImport.div(meanImport)),
    peakLoadKw: peakLoad.toString(),
    loadPeakToAverageRatio: meanLoad.isZero() ? null : roundFigure(peakLoad.div(meanLoad)),
    importEnergyKwh: roundFigure(importEnergy),
    exportEnergyKwh: roundFigure(exportEnergy),
    loadEnergyKwh: roundFigure(loadSum.mul(hours)),
    energyTradedKwh: traded.toString(),
    transactionCount: amounts.length,
    medianTransactionAmount: med === undefined ? null : med.toString(),
    totalTransactionAmount: total.toString(),
    gridCost: roundFigure(
      importEnergy.mul(tariff.importPrice).sub(exportEnergy.mul(tariff.exportPrice)),
    ),
  };
}

/** summary.json of a result. */
export function summarize(result: SimulationResult): SimulationSummary {
  const starts = result.intervals.map((i) => i.start);
  const { intervalSeconds, tariff } = result.scenario;
  const marketRecords = result.intervals.map((i) => i.market);
  const market = marketRecords.every((r): r is EngineRecord => r !== null)
    ? marketRecords
    : undefined;
  return {
    format: "transactive-simulation-summary/1",
    scenario: result.scenario,
    levels: result.levels,
    mechanism: result.mechanism,
    engines: result.engines,
    market:
      market && result.engines.market !== null
        ? summarizeSide(market, starts, intervalSeconds, tariff)
        : null,
    baseline: summarizeSide(
      result.intervals.map((i) => i.baseline),
      starts,
      intervalSeconds,
      tariff,
    ),
  };
}
