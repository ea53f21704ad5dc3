/**
 * The engine interface: what plugs a market (or no market) into the simulation. The runner
 * (run.ts) calls `step` once per delivery interval, in order, and records the outcome; the engine
 * owns all agent state between steps. Every value of an outcome is an exact Decimal of
 * @transactive/emix with a finite decimal form (the market's fixed-point prices and quantities are):
 * the runner refuses a float, a fraction such as 1/3, a negative flow or an outcome whose power
 * does not balance, with a SimulationError naming the interval and field.
 */
import type { Decimal } from "@transactive/emix";
import type { Scenario } from "./scenario.js";

/** The clearing mechanisms of the market (see docs/market.md): continuous double auction or call auction. */
export type Mechanism = "cda" | "call";

/** One delivery interval, as the runner hands it to an engine. */
export interface SimInterval {
  /** 0-based position in the scenario */
  readonly index: number;
  /** start, local time with offset ("2026-07-15T18:05:00-06:00") */
  readonly start: string;
  /** end (the next interval's start) */
  readonly end: string;
  /** start in epoch milliseconds */
  readonly startMs: number;
  /** length in seconds (the scenario's intervalSeconds) */
  readonly seconds: number;
}

/** One fill of the market in an interval: an EI transaction between two agents. */
export interface Trade {
  /** energy, kWh, > 0 */
  readonly quantity: Decimal;
  /** price, currency per kWh (may be negative or zero) */
  readonly price: Decimal;
  /**
   * the settled amount in currency, when the market rounds it to its money resolution; without
   * it the amount is quantity × price, exactly
   */
  readonly amount?: Decimal;
}

/**
 * One agent's transaction with its market in an interval, as the market engine knows it: the
 * agent (its device ID, or "grid-tie"), its side, the energy and the price. The counterparty is
 * the market (the node the agent is a member of, acting for the whole market): agents trade with
 * the market, not with each other, in a call auction and in the nested markets alike.
 */
export interface MarketFill {
  /** the agent's ID */
  readonly party: string;
  /** "buy": the agent takes the energy from the market; "sell": it delivers it to the market */
  readonly side: "buy" | "sell";
  /** energy, kWh, > 0 */
  readonly quantity: Decimal;
  /** price, currency per kWh */
  readonly price: Decimal;
}

/**
 * What happened in one interval at the top of the microgrid, as average powers over the interval
 * (kW) and energy in store at its end (kWh). Power balances exactly:
 * supply + gridImport = demand + gridExport.
 */
export interface IntervalOutcome {
  /** the interval's clearing (or last trade) price, currency per kWh; null without a market or a trade */
  readonly clearingPrice: Decimal | null;
  /** local supply delivered: PV output used plus battery discharge, kW ≥ 0 */
  readonly supply: Decimal;
  /** local demand served: loads (household, EV, HVAC) plus battery charging, kW ≥ 0 */
  readonly demand: Decimal;
  /** consumption of loads alone (household, EV, HVAC; no battery), kW ≥ 0 */
  readonly load: Decimal;
  /** energy stored in all batteries together at the end of the interval, kWh ≥ 0 */
  readonly batteryEnergy: Decimal;
  /** power drawn from the grid at the grid tie, kW ≥ 0 */
  readonly gridImport: Decimal;
  /** power fed into the grid at the grid tie, kW ≥ 0 */
  readonly gridExport: Decimal;
  /** every fill of the interval's market (empty without a market) */
  readonly trades: readonly Trade[];
  /**
   * every agent's transactions with the market, both sides (optional: an engine that knows its
   * counterparties reports them; `transactive simulate --ledger` writes them as contracts)
   */
  readonly fills?: readonly MarketFill[];
}

/** A running simulation of the microgrid's agents: stepped once per interval, in order. */
export interface SimulationEngine {
  /** a short name for the report ("no market", "call auction, 3 levels"…) */
  readonly name: string;
  /** Runs one delivery interval (gate closure, clearing, delivery) and reports its outcome. */
  step(interval: SimInterval): IntervalOutcome | Promise<IntervalOutcome>;
  /** Releases what the engine holds (servers, workers); called once after the last step, also on failure. */
  close?(): void | Promise<void>;
}

/** What the runner tells an engine factory besides the scenario. */
export interface EngineOptions {
  /** nesting depth of markets: 1 is one flat microgrid market (--levels) */
  readonly levels: number;
  /** the clearing mechanism, or null for an engine without a market */
  readonly mechanism: Mechanism | null;
}

/** Builds an engine for a scenario: the plug of `runSimulation` and `transactive simulate`. */
export type EngineFactory = (
  scenario: Scenario,
  options: EngineOptions,
) => SimulationEngine | Promise<SimulationEngine>;
