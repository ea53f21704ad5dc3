/**
 * The simulation's result as data: per interval what the market engine and the no-market baseline
 * did, every quantity and price an exact decimal string (kW, kWh, currency per kWh, currency).
 * This is what summary.ts computes figures from and what the report plots.
 */
import type { Mechanism } from "./engine.js";
import type { DeviceKind, Tariff } from "./scenario.js";
import type { Site } from "./solar.js";

/** What one engine did in one interval; decimal strings, see IntervalOutcome for each meaning. */
export interface EngineRecord {
  /** currency per kWh; null without a market or without a trade */
  readonly clearingPrice: string | null;
  /** local supply delivered, kW */
  readonly supplyKw: string;
  /** local demand served, kW */
  readonly demandKw: string;
  /** consumption of loads alone, kW */
  readonly loadKw: string;
  /** energy in all batteries at the interval's end, kWh */
  readonly batteryEnergyKwh: string;
  /** grid-tie import, kW */
  readonly importKw: string;
  /** grid-tie export, kW */
  readonly exportKw: string;
  /** the interval's fills: how many, their energy (kWh) and each one's amount (currency) */
  readonly transactions: {
    readonly count: number;
    readonly energyKwh: string;
    readonly amounts: readonly string[];
  };
}

/** One delivery interval of the result. */
export interface IntervalRecord {
  readonly index: number;
  /** start, local time with offset */
  readonly start: string;
  /** end, local time with offset */
  readonly end: string;
  /** average outdoor temperature, °C, one decimal (display only) */
  readonly outdoorTemperature: string;
  /** the market engine's record; null when no market engine ran */
  readonly market: EngineRecord | null;
  /** the no-market baseline's record, same seed */
  readonly baseline: EngineRecord;
}

/** The scenario as the result states it (profiles themselves are not repeated). */
export interface ScenarioInfo {
  readonly seed: string;
  /** device agents (the grid tie comes on top) */
  readonly agents: number;
  /** device agents per kind */
  readonly devices: Readonly<Record<DeviceKind, number>>;
  readonly interval: string;
  readonly intervalSeconds: number;
  readonly hours: number;
  readonly count: number;
  readonly date: string;
  readonly site: Site;
  readonly currency: string;
  readonly tariff: Tariff;
  readonly hvacMode: "cooling" | "heating";
  /** the day's drawn minimum and maximum outdoor temperature, °C, one decimal */
  readonly temperatureRange: { readonly min: string; readonly max: string };
  /** usable capacity of all batteries, kWh */
  readonly batteryCapacityKwh: string;
  /** rating of all PV inverters, kW */
  readonly pvRatedKw: string;
}

/** A whole simulation run: scenario, engines and one record per interval. */
export interface SimulationResult {
  readonly format: "transactive-simulation/1";
  readonly scenario: ScenarioInfo;
  /** the market's nesting depth (1 = one flat market) */
  readonly levels: number;
  /** the market's clearing mechanism; null when no market engine ran */
  readonly mechanism: Mechanism | null;
  /** engine names: the market's (null when none ran) and the baseline's */
  readonly engines: { readonly market: string | null; readonly baseline: string };
  readonly intervals: readonly IntervalRecord[];
}
