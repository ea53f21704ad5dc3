/**
 * The market engine: every device of the scenario is an agent of @transactive/market, nested in
 * `levels` levels of market nodes (one flat microgrid market at 1; neighbourhood → streets →
 * homes at 3), with the grid tie a member of the root. Each interval the root closes the gate
 * (every node collects its members' bids and passes only their aggregate curve up), clears with
 * the chosen mechanism, every node shares its award among its members at its price, and every
 * agent then delivers what it was awarded: the outcome is the sum of the awards, so power
 * balances exactly because the market conserves energy.
 *
 * Owners' preferences (stated here, the same for every scenario; docs/market.md "Agents"):
 * - grid tie: imports in three price blocks — up to IMPORT_BLOCK_W per device at the import
 *   tariff, as much again at twice the tariff, then up to IMPORT_LIMIT_W per device at four times
 *   the tariff (the utility's marginal cost rising with the feeder's load, a scarcity price);
 *   exports up to EXPORT_LIMIT_W per device at the export tariff;
 * - household loads: must be served, cap LOAD_CAP per kWh (above every import block);
 * - PV: floor 0 (sunlight costs nothing); curtailed only when no one buys at or above it;
 * - batteries: expect the import tariff before they have seen prices, want a 20 % spread, book
 *   their initial charge at the import tariff;
 * - EVs: willing from the export tariff (plenty of time) up to four times the import tariff
 *   (must charge now to be full at departure);
 * - HVAC: from the export tariff at the comfortable edge of the band to four times the import
 *   tariff at the uncomfortable edge.
 */
import { Decimal } from "@transactive/emix";
import {
  type Agent,
  Battery,
  type Bid,
  type DeliveryInterval,
  EvCharger,
  energyOf,
  GridTie,
  InflexibleLoad,
  MarketNode,
  type MemberAward,
  type Price,
  PvGenerator,
  type Quantity,
  type Quote,
  ThermalLoad,
  toPrice,
} from "@transactive/market";
import type {
  EngineFactory,
  EngineOptions,
  IntervalOutcome,
  SimInterval,
  SimulationEngine,
} from "./engine.js";
import { SimulationError } from "./errors.js";
import type { DeviceSpec, Scenario } from "./scenario.js";

/** The first import block of the grid tie, watts per device agent, at the import tariff. */
export const IMPORT_BLOCK_W = 400;
/** The import limit of the grid tie, watts per device agent. */
export const IMPORT_LIMIT_W = 10_000;
/** The export limit of the grid tie, watts per device agent. */
export const EXPORT_LIMIT_W = 10_000;
/** What a household load pays at most, currency per kWh. */
export const LOAD_CAP = "1";

/** What a tracked agent is: a device kind of the scenario, or the grid tie. */
export type AgentKind = DeviceSpec["kind"] | "grid";
type Kind = AgentKind;

/** Wraps an agent to keep its last award, for the interval's outcome. */
class Tracked implements Agent, TrackedAgent {
  readonly id: string;
  last: MemberAward | undefined;
  constructor(
    readonly kind: Kind,
    readonly inner: Agent,
    public branch: number | undefined = undefined,
  ) {
    this.id = inner.id;
  }
  bid(interval: DeliveryInterval): Bid {
    this.last = undefined;
    return this.inner.bid(interval);
  }
  award(award: MemberAward): void {
    this.last = award;
    this.inner.award(award);
  }
  observe(quote: Quote): void {
    this.inner.observe?.(quote);
  }
  deliver(interval: DeliveryInterval): void {
    this.inner.deliver?.(interval);
  }
}

/** A device (or the grid tie) of the market engine, with its last award. */
export interface TrackedAgent {
  readonly id: string;
  readonly kind: Kind;
  /** the award of the last interval cleared (undefined before, or when it was not awarded) */
  readonly last: MemberAward | undefined;
  /** the agent as the scenario built it (a Battery for kind "battery") */
  readonly inner: Agent;
  /** which child of the root it sits under (levels ≥ 2), undefined for the root's own members */
  readonly branch: number | undefined;
}

/** The market tree of a scenario: what `marketEngine` steps, for engines that split it over processes. */
export interface MarketTree {
  /** the root node ("grid"): the grid tie and, with levels ≥ 2, the child nodes "grid.<k>" */
  readonly root: MarketNode;
  /** the grid tie first, then every device in scenario order */
  readonly agents: readonly TrackedAgent[];
  /** the root's child nodes "grid.<k>" in order (empty with one level); agents' `branch` is k */
  readonly children: readonly MarketNode[];
  /** the engine's name for the report */
  readonly name: string;
}

/**
 * The sums of some agents' awards in one interval, in exact integers (energy in quantity units,
 * battery energy in sub-units): partial tallies of disjoint agent sets merge in agent order.
 */
export interface AwardTally {
  pv: number;
  discharge: number;
  charge: number;
  load: number;
  imp: number;
  exp: number;
  stored: bigint;
  /** the buying side of every transaction: [quantity units, price units] */
  readonly trades: [number, number][];
  readonly fills: { party: string; side: "buy" | "sell"; quantity: number; price: number }[];
}

/** The tally of `agents`' last awards (after delivery), in their order. */
export function tallyAwards(agents: readonly TrackedAgent[]): AwardTally {
  const t: AwardTally = {
    pv: 0,
    discharge: 0,
    charge: 0,
    load: 0,
    imp: 0,
    exp: 0,
    stored: 0n,
    trades: [],
    fills: [],
  };
  for (const a of agents) {
    if (a.kind === "battery") t.stored += BigInt((a.inner as Battery).storedSubUnits);
    const award = a.last;
    if (award === undefined) continue;
    switch (a.kind) {
      case "grid":
        t.imp += award.sold;
        t.exp += award.bought;
        break;
      case "pv":
        t.pv += award.sold;
        break;
      case "battery":
        t.discharge += award.sold;
        t.charge += award.bought;
        break;
      default:
        t.load += award.bought;
    }
    // each unit of energy once: the buying side of every device's (and the grid's) transactions
    for (const tx of award.transactions) {
      if (tx.side === "buy") t.trades.push([tx.quantity, tx.price]);
      t.fills.push({ party: a.id, side: tx.side, quantity: tx.quantity, price: tx.price });
    }
  }
  return t;
}

/** Tallies of disjoint agent sets, merged in the given order. */
export function mergeTallies(tallies: readonly AwardTally[]): AwardTally {
  const t = tallyAwards([]);
  for (const x of tallies) {
    t.pv += x.pv;
    t.discharge += x.discharge;
    t.charge += x.charge;
    t.load += x.load;
    t.imp += x.imp;
    t.exp += x.exp;
    t.stored += x.stored;
    for (const tr of x.trades) t.trades.push(tr);
    for (const f of x.fills) t.fills.push(f);
  }
  return t;
}

/** An interval's outcome from the tally of every agent and the root's price (price units). */
export function outcomeOfTally(
  t: AwardTally,
  price: number | undefined,
  interval: Pick<SimInterval, "seconds">,
): IntervalOutcome {
  const kw = (units: number) =>
    Decimal.fraction(BigInt(units) * 3600n, BigInt(interval.seconds) * 1_000_000n);
  return {
    clearingPrice: price === undefined ? null : priceOf(price),
    supply: kw(t.pv + t.discharge),
    demand: kw(t.load + t.charge),
    load: kw(t.load),
    batteryEnergy: Decimal.fraction(t.stored, SUB_PER_KWH),
    gridImport: kw(t.imp),
    gridExport: kw(t.exp),
    trades: t.trades.map(([q, p]) => ({ quantity: kwhOf(q), price: priceOf(p) })),
    fills: t.fills.map((f) => ({
      party: f.party,
      side: f.side,
      quantity: kwhOf(f.quantity),
      price: priceOf(f.price),
    })),
  };
}

const SUB_PER_KWH = 10n ** 12n; // battery sub-units (1e-6 mWh) per kWh

class MarketEngine implements SimulationEngine {
  readonly name: string;
  readonly root: MarketNode;
  readonly agents: Tracked[] = [];
  readonly children: MarketNode[] = [];
  private next = 0;

  constructor(
    private readonly scenario: Scenario,
    options: EngineOptions,
  ) {
    const mechanism = options.mechanism ?? "call";
    const dt = scenario.intervalSeconds;
    // kW = units · 3600 / (dt · 10^6) must have a finite decimal form: dt may hold 3 at most twice
    if (dt % 27 === 0)
      throw new SimulationError(
        "bad-interval",
        "interval",
        `${scenario.interval}: the market engine needs an interval whose kWh → kW factor 3600/${dt} is a finite decimal`,
        scenario.interval,
      );
    const importPrice = toPrice(scenario.tariff.importPrice, "/tariff/importPrice");
    const exportPrice = toPrice(scenario.tariff.exportPrice, "/tariff/exportPrice");
    const cap = toPrice(LOAD_CAP);
    const high = (importPrice * 4) as Price;
    const n = scenario.devices.length;
    const node = (id: string, depth: number) =>
      new MarketNode({
        id,
        marketContext: `urn:transactive:sim:${id}`,
        currency: scenario.currency,
        interval: scenario.interval,
        epochMs: scenario.startMs,
        mechanism: depth === 0 ? mechanism : "call",
        minPrice: 0 as Price,
        maxPrice: cap > high ? cap : high,
        seed: Number(BigInt(scenario.seed) % 2147483647n),
      });
    const levels = options.levels;
    this.root = node("grid", 0);
    const block = energyOf(IMPORT_BLOCK_W * n, dt);
    const limit = energyOf(IMPORT_LIMIT_W * n, dt);
    const exportLimit = energyOf(EXPORT_LIMIT_W * n, dt);
    const tie = new GridTie({
      id: "grid-tie",
      tariff: () => ({
        import: [
          { quantity: block, price: importPrice },
          { quantity: block, price: (importPrice * 2) as Price },
          { quantity: Math.max(0, limit - 2 * block) as Quantity, price: high },
        ],
        exportPrice,
        exportLimit,
      }),
    });
    const tracked = new Tracked("grid", tie);
    this.agents.push(tracked);
    this.root.addMember(tracked);
    const devices = scenario.devices.map((d) =>
      this.agentOf(d, importPrice, exportPrice, high, cap),
    );
    this.nest(this.root, devices, levels, 0, node);
    this.name =
      mechanism === "call"
        ? `call auction, ${levels} level${levels === 1 ? "" : "s"}`
        : `continuous double auction, ${levels} level${levels === 1 ? "" : "s"}`;
  }

  /** Devices into `levels` levels of nodes below `parent`: branching ⌈n^(1/levels)⌉, contiguous slices. */
  private nest(
    parent: MarketNode,
    devices: Tracked[],
    levels: number,
    depth: number,
    node: (id: string, depth: number) => MarketNode,
  ): void {
    if (levels - depth <= 1) {
      for (const d of devices) parent.addMember(d);
      return;
    }
    const branching = Math.max(1, Math.ceil(devices.length ** (1 / (levels - depth))));
    const size = Math.ceil(devices.length / branching);
    for (let k = 0; k * size < devices.length; k++) {
      const child = node(`${parent.id}.${k}`, depth + 1);
      parent.addMember(child);
      const slice = devices.slice(k * size, (k + 1) * size);
      if (depth === 0) {
        for (const d of slice) d.branch = k;
        this.children.push(child);
      }
      this.nest(child, slice, levels, depth + 1, node);
    }
  }

  private agentOf(
    d: DeviceSpec,
    importPrice: Price,
    exportPrice: Price,
    high: Price,
    cap: Price,
  ): Tracked {
    const s = this.scenario;
    const dt = s.intervalSeconds;
    const startOf = (i: number) => s.startMs + i * dt * 1000;
    let agent: Agent;
    switch (d.kind) {
      case "load": {
        const profile = d.profileW;
        agent = new InflexibleLoad({
          id: d.id,
          demand: (iv) => energyOf(profile[iv.index] ?? 0, dt),
          cap,
        });
        break;
      }
      case "pv": {
        const profile = d.profileW;
        agent = new PvGenerator({
          id: d.id,
          forecast: (iv) => energyOf(profile[iv.index] ?? 0, dt),
          floor: 0 as Price,
        });
        break;
      }
      case "battery": {
        const b = new Battery({
          id: d.id,
          capacity: (d.capacityWh * 1000) as Quantity,
          minEnergy: (d.minEnergyWh * 1000) as Quantity,
          energy: (d.initialEnergyWh * 1000) as Quantity,
          initialCost: importPrice,
          maxChargeW: d.maxChargeW,
          maxDischargeW: d.maxDischargeW,
          chargeEfficiency: d.chargeEfficiency,
          dischargeEfficiency: d.dischargeEfficiency,
          expectedPrice: importPrice,
          marginPpm: 200_000,
          window: Math.max(1, Math.round(86_400 / dt)),
        });
        agent = b;
        break;
      }
      case "ev":
        agent = new EvCharger({
          id: d.id,
          maxChargeW: d.maxChargeW,
          sessions: d.sessions.map((x) => ({
            arrivalMs: startOf(x.arrivalIndex),
            departureMs: startOf(x.departureIndex),
            energy: (x.energyNeededWh * 1000) as Quantity,
          })),
          basePrice: exportPrice,
          cap: high,
        });
        break;
      case "hvac":
        agent = new ThermalLoad({
          id: d.id,
          mode: d.mode,
          ratedW: d.ratedW,
          resistance: d.resistance,
          capacitance: d.capacitance,
          cop: d.cop,
          gainsW: d.gainsW,
          setpoint: d.setpoint,
          deadband: d.deadband,
          indoor: d.initialIndoor,
          outdoor: (iv) => s.outdoorTemperature[iv.index] ?? 0,
          comfortPrice: exportPrice,
          cap: high,
        });
        break;
    }
    const t = new Tracked(d.kind, agent);
    this.agents.push(t);
    return t;
  }

  step(interval: SimInterval): IntervalOutcome {
    const i = interval.index;
    if (i !== this.next)
      throw new RangeError(`intervals must be stepped in order: expected ${this.next}, got ${i}`);
    this.next++;
    const result = this.root.clear(i);
    this.root.deliverInterval(i);
    return outcomeOfTally(tallyAwards(this.agents), result.quote.price, interval);
  }
}

function kwhOf(units: number): Decimal {
  return Decimal.fraction(BigInt(units), 1_000_000n);
}

function priceOf(units: number): Decimal {
  return Decimal.fraction(BigInt(units), 1_000_000_000n);
}

/**
 * The market engine factory: devices as market agents in `options.levels` levels of market
 * nodes, cleared by `options.mechanism` ("call" by default) at the root.
 */
export const marketEngine: EngineFactory = (scenario, options) =>
  new MarketEngine(scenario, options);

/**
 * The market tree `marketEngine` steps, built the same way from the same scenario and options: for
 * engines that run parts of it elsewhere (@transactive/scale runs each child of the root in
 * another process and merges the tallies with `mergeTallies` and `outcomeOfTally`).
 */
export function marketTree(scenario: Scenario, options: EngineOptions): MarketTree {
  const e = new MarketEngine(scenario, options);
  return { root: e.root, agents: e.agents, children: e.children, name: e.name };
}
