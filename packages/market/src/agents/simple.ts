/**
 * The simplest personalities: an inflexible load (must buy its demand, up to a price cap), a PV
 * generator (sells its forecast output at or above a floor; what is not sold is curtailed) and a
 * grid tie (the utility connection: sells imports and buys exports at its tariff, within import
 * and export limits, with optional price blocks for imports).
 */
import { marketError } from "../errors.js";
import type { Agent, Bid, DeliveryInterval, MemberAward } from "../node/types.js";
import type { CurveStep } from "../types.js";
import type { Price, Quantity } from "../units.js";
import { checkId, checkPrice } from "./common.js";

/** Energy per interval, from the agent's own forecast or profile (quantity units). */
export type EnergyProfile = (interval: DeliveryInterval) => Quantity;

function energy(profile: EnergyProfile, interval: DeliveryInterval, id: string): number {
  const q = profile(interval);
  if (!Number.isSafeInteger(q) || q < 0)
    throw marketError(
      "bad-quantity",
      `/agents/${id}/profile`,
      `interval ${interval.index}: energy must be a whole number of quantity units ≥ 0`,
      q,
    );
  return q;
}

/** Options of an InflexibleLoad. */
export interface InflexibleLoadOptions {
  readonly id: string;
  /** the energy it needs in each interval */
  readonly demand: EnergyProfile;
  /** the most it pays per kWh (its owner's cap): above it, the load is not served */
  readonly cap: Price;
}

/** A load that must be served: it bids its whole demand at its cap. */
export class InflexibleLoad implements Agent {
  readonly id: string;
  /** energy served over all intervals, and energy it needed but was not awarded */
  served = 0;
  unserved = 0;
  /** energy awarded in the last interval */
  lastAward = 0;
  private readonly demand: EnergyProfile;
  private readonly cap: Price;
  private wanted = 0;

  constructor(options: InflexibleLoadOptions) {
    this.id = checkId(options.id, "load");
    this.demand = options.demand;
    this.cap = checkPrice(options.cap, "/cap");
  }

  bid(interval: DeliveryInterval): Bid {
    this.wanted = energy(this.demand, interval, this.id);
    return this.wanted > 0
      ? [{ side: "buy", price: this.cap, quantity: this.wanted as Quantity }]
      : [];
  }

  award(award: MemberAward): void {
    this.lastAward = award.bought;
    this.served += award.bought;
    this.unserved += this.wanted - award.bought;
  }
}

/** Options of a PvGenerator. */
export interface PvGeneratorOptions {
  readonly id: string;
  /** forecast output per interval (clear-sky or better): the most it can deliver */
  readonly forecast: EnergyProfile;
  /** the least it sells for per kWh (0 when the panels cost nothing to run) */
  readonly floor: Price;
}

/** A PV generator: offers its forecast output at its floor; unsold output is curtailed. */
export class PvGenerator implements Agent {
  readonly id: string;
  delivered = 0;
  curtailed = 0;
  lastAward = 0;
  private readonly forecast: EnergyProfile;
  private readonly floor: Price;
  private offered = 0;

  constructor(options: PvGeneratorOptions) {
    this.id = checkId(options.id, "PV");
    this.forecast = options.forecast;
    this.floor = checkPrice(options.floor, "/floor");
  }

  bid(interval: DeliveryInterval): Bid {
    this.offered = energy(this.forecast, interval, this.id);
    return this.offered > 0
      ? [{ side: "sell", price: this.floor, quantity: this.offered as Quantity }]
      : [];
  }

  award(award: MemberAward): void {
    this.lastAward = award.sold;
    this.delivered += award.sold;
    this.curtailed += this.offered - award.sold;
  }
}

/** One import price block: up to `quantity` more energy per interval at `price`. */
export interface TariffBlock {
  readonly quantity: Quantity;
  readonly price: Price;
}

/** The grid tie's tariff in one interval. */
export interface GridTariff {
  /** import price blocks, cheapest first (the utility's marginal cost rising with load); their sum is the import limit */
  readonly import: readonly TariffBlock[];
  /** what the utility pays for exports, per kWh */
  readonly exportPrice: Price;
  /** the most it takes back per interval (the export limit) */
  readonly exportLimit: Quantity;
}

/** Options of a GridTie. */
export interface GridTieOptions {
  readonly id: string;
  /** the tariff of each interval (a constant tariff, time of use, or blocks by load) */
  readonly tariff: (interval: DeliveryInterval) => GridTariff;
}

/**
 * The utility connection: a sell step per import block (price ascending: the first block at the
 * import tariff, scarcity blocks above it) and one buy step of the export limit at the export
 * price. A tariff whose blocks are not ascending or whose export price is not below the first
 * import price (the utility would trade with itself) is refused ("bad-option").
 */
export class GridTie implements Agent {
  readonly id: string;
  /** energy imported (sold by the grid tie to the market) and exported, over all intervals */
  imported = 0;
  exported = 0;
  lastImport = 0;
  lastExport = 0;
  private readonly tariff: (interval: DeliveryInterval) => GridTariff;

  constructor(options: GridTieOptions) {
    this.id = checkId(options.id, "grid tie");
    this.tariff = options.tariff;
  }

  bid(interval: DeliveryInterval): Bid {
    const t = this.tariff(interval);
    const steps: CurveStep[] = [];
    let prev = Number.NEGATIVE_INFINITY;
    t.import.forEach((b, k) => {
      checkPrice(b.price, `/tariff/import[${k}]/price`);
      if (b.price < prev)
        throw marketError(
          "bad-option",
          `/tariff/import[${k}]/price`,
          "import blocks must be cheapest first",
          b.price,
        );
      prev = b.price;
      if (!Number.isSafeInteger(b.quantity) || b.quantity < 0)
        throw marketError(
          "bad-quantity",
          `/tariff/import[${k}]/quantity`,
          "a block is a whole number of units ≥ 0",
          b.quantity,
        );
      if (b.quantity > 0) steps.push({ side: "sell", price: b.price, quantity: b.quantity });
    });
    checkPrice(t.exportPrice, "/tariff/exportPrice");
    const first = t.import[0];
    if (first !== undefined && t.exportPrice >= first.price)
      throw marketError(
        "bad-option",
        "/tariff/exportPrice",
        "the export price must be below the first import price",
        t.exportPrice,
      );
    if (!Number.isSafeInteger(t.exportLimit) || t.exportLimit < 0)
      throw marketError(
        "bad-quantity",
        "/tariff/exportLimit",
        "a whole number of units ≥ 0",
        t.exportLimit,
      );
    if (t.exportLimit > 0)
      steps.push({ side: "buy", price: t.exportPrice, quantity: t.exportLimit });
    return steps;
  }

  award(award: MemberAward): void {
    this.lastImport = award.sold;
    this.lastExport = award.bought;
    this.imported += award.sold;
    this.exported += award.bought;
  }
}
