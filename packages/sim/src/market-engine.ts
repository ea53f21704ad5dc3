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
  MarketFill,
  SimInterval,
  SimulationEngine,
  Trade,
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

type Kind = DeviceSpec["kind"] | "grid";

/** Wraps an agent to keep its last award, for the interval's outcome. */
class Tracked implements Agent {
  readonly id: string;
  last: MemberAward | undefined;
  constructor(
    readonly kind: Kind,
    readonly inner: Agent,
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

const SUB_PER_KWH = 10n ** 12n; // battery sub-units (1e-6 mWh) per kWh

class MarketEngine implements SimulationEngine {
  readonly name: string;
  private readonly root: MarketNode;
  private readonly agents: Tracked[] = [];
  private readonly batteries: Battery[] = [];
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
      this.nest(child, devices.slice(k * size, (k + 1) * size), levels, depth + 1, node);
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
        this.batteries.push(b);
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
    let pv = 0;
    let discharge = 0;
    let charge = 0;
    let load = 0;
    let imp = 0;
    let exp = 0;
    const trades: Trade[] = [];
    const fills: MarketFill[] = [];
    for (const a of this.agents) {
      const award = a.last;
      if (award === undefined) continue;
      switch (a.kind) {
        case "grid":
          imp += award.sold;
          exp += award.bought;
          break;
        case "pv":
          pv += award.sold;
          break;
        case "battery":
          discharge += award.sold;
          charge += award.bought;
          break;
        default:
          load += award.bought;
      }
      // each unit of energy once: the buying side of every device's (and the grid's) transactions
      for (const tx of award.transactions) {
        const quantity = kwhOf(tx.quantity);
        const price = priceOf(tx.price);
        if (tx.side === "buy") trades.push({ quantity, price });
        fills.push({ party: a.id, side: tx.side, quantity, price });
      }
    }
    let stored = 0n;
    for (const b of this.batteries) stored += BigInt(b.storedSubUnits);
    const kw = (units: number) =>
      Decimal.fraction(BigInt(units) * 3600n, BigInt(interval.seconds) * 1_000_000n);
    return {
      clearingPrice: result.quote.price === undefined ? null : priceOf(result.quote.price),
      supply: kw(pv + discharge),
      demand: kw(load + charge),
      load: kw(load),
      batteryEnergy: Decimal.fraction(stored, SUB_PER_KWH),
      gridImport: kw(imp),
      gridExport: kw(exp),
      trades,
      fills,
    };
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
