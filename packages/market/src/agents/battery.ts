/**
 * Battery storage: buys low and sells high against its own price expectation, and never sells
 * below what its stored energy cost plus the losses of getting it back out.
 *
 * State, exact: the energy in store in sub-units of 1e-6 quantity units (1e-12 kWh), so a charge
 * of q units at efficiency η (parts per million) stores exactly q·η sub-units; a discharge that
 * delivers q units takes ⌈q·10^12/η_d⌉ sub-units (rounded against the battery); and the money
 * its stored energy cost (1e-15 currency). Its break-even sell price is that cost per stored unit
 * divided by the discharge efficiency, rounded up to a price unit: selling at or above it never
 * loses money on energy it bought.
 *
 * Expectation: the mean over a window of the last `window` quotes, where the slots it has not
 * observed yet hold its owner's `expectedPrice` (a prior that observed prices replace one by one). It bids to charge (buy) at up to expectation·(1 − margin)
 * and to discharge (sell) at no less than max(expectation·(1 + margin), break-even).
 */
import { marketError } from "../errors.js";
import type { Agent, Bid, DeliveryInterval, MemberAward, Quote } from "../node/types.js";
import type { CurveStep } from "../types.js";
import type { Price, Quantity } from "../units.js";
import {
  checkId,
  checkPrice,
  checkWhole,
  EFFICIENCY_SCALE,
  efficiencyPpm,
  energyOf,
  PRICE_TICK,
} from "./common.js";

const SUB = 1_000_000; // sub-units per quantity unit
const SUB_N = 1_000_000n;

/** Options of a Battery. */
export interface BatteryOptions {
  readonly id: string;
  /** usable capacity, quantity units (mWh) */
  readonly capacity: Quantity;
  /** the least energy kept in store, quantity units */
  readonly minEnergy: Quantity;
  /** energy in store at the start, quantity units */
  readonly energy: Quantity;
  /** what the initial energy cost, per kWh (its owner's book value; default 0) */
  readonly initialCost?: Price;
  /** charge and discharge power limits at the terminals, whole watts */
  readonly maxChargeW: number;
  readonly maxDischargeW: number;
  /** one-way efficiencies, decimal strings in (0, 1] ("0.95"); round trip = their product */
  readonly chargeEfficiency: string;
  readonly dischargeEfficiency: string;
  /** the owner's price expectation before any quote is seen, per kWh */
  readonly expectedPrice: Price;
  /** the spread it wants around its expectation, parts per million (default 100000 = 10 %) */
  readonly marginPpm?: number;
  /** how many past quotes the expectation averages (default 288: a day of PT5M) */
  readonly window?: number;
}

/** A battery agent (see the module comment for its rules). */
export class Battery implements Agent {
  readonly id: string;
  readonly capacity: Quantity;
  readonly minEnergy: Quantity;
  readonly chargePpm: number;
  readonly dischargePpm: number;
  /** energy bought and sold over all intervals, quantity units; money paid minus received */
  bought = 0;
  sold = 0;
  spent = 0n;
  /** the limit prices of the last bid, for inspection (undefined: no step) */
  lastBuyLimit: Price | undefined;
  lastSellLimit: Price | undefined;
  private storedSub: number;
  private costMoney: bigint;
  private readonly maxChargeW: number;
  private readonly maxDischargeW: number;
  private readonly expectedPrice: Price;
  private readonly marginPpm: number;
  private readonly window: number;
  private readonly history: number[] = [];
  private historySum = 0;
  private pendingBought = 0;
  private pendingSold = 0;

  constructor(o: BatteryOptions) {
    this.id = checkId(o.id, "battery");
    this.capacity = checkWhole(o.capacity, "/capacity") as Quantity;
    this.minEnergy = checkWhole(o.minEnergy, "/minEnergy") as Quantity;
    checkWhole(o.energy, "/energy");
    if (this.minEnergy > this.capacity || o.energy > this.capacity)
      throw marketError(
        "bad-option",
        "/energy",
        "energy and minEnergy must not exceed the capacity",
      );
    if (this.capacity * SUB > Number.MAX_SAFE_INTEGER)
      throw marketError(
        "overflow",
        "/capacity",
        "capacity exceeds the fixed-point range",
        o.capacity,
      );
    this.storedSub = o.energy * SUB;
    const initialCost = checkPrice(o.initialCost ?? (0 as Price), "/initialCost");
    this.costMoney = BigInt(initialCost) * BigInt(o.energy);
    this.maxChargeW = checkWhole(o.maxChargeW, "/maxChargeW");
    this.maxDischargeW = checkWhole(o.maxDischargeW, "/maxDischargeW");
    this.chargePpm = efficiencyPpm(o.chargeEfficiency, "/chargeEfficiency");
    this.dischargePpm = efficiencyPpm(o.dischargeEfficiency, "/dischargeEfficiency");
    this.expectedPrice = checkPrice(o.expectedPrice, "/expectedPrice");
    this.marginPpm = checkWhole(o.marginPpm ?? 100_000, "/marginPpm");
    this.window = Math.max(1, checkWhole(o.window ?? 288, "/window"));
  }

  /** Energy in store now, in quantity units, rounded down (exact: `storedSubUnits` / 10^6). */
  get energy(): Quantity {
    return Math.floor(this.storedSub / SUB) as Quantity;
  }

  /** Energy in store in sub-units of 1e-6 quantity units (1e-12 kWh), exact. */
  get storedSubUnits(): number {
    return this.storedSub;
  }

  /** The price expectation now: the window's mean, unobserved slots holding the owner's prior. */
  expectation(): Price {
    const prior = this.window - this.history.length;
    return Math.round((this.historySum + prior * this.expectedPrice) / this.window) as Price;
  }

  /** The least price per kWh at which selling stored energy recovers its cost (undefined when empty). */
  breakEven(): Price | undefined {
    if (this.storedSub <= 0) return undefined;
    if (this.costMoney <= 0n) return 0 as Price;
    // cost per stored unit / η_d, in money units per quantity unit = price units
    const num = this.costMoney * SUB_N * BigInt(EFFICIENCY_SCALE);
    const den = BigInt(this.storedSub) * BigInt(this.dischargePpm);
    return Number((num + den - 1n) / den) as Price;
  }

  bid(interval: DeliveryInterval): Bid {
    const exp = this.expectation();
    const spread = Math.floor((Math.abs(exp) * this.marginPpm) / EFFICIENCY_SCALE);
    const buyLimit = floorTick(exp - spread);
    const breakEven = this.breakEven() ?? 0;
    let sellLimit = ceilTick(Math.max(exp + spread, breakEven));
    if (sellLimit <= buyLimit) sellLimit = buyLimit + PRICE_TICK;
    const steps: CurveStep[] = [];
    // room: terminal energy that fills the store to capacity, and that empties it to minEnergy
    const roomSub = this.capacity * SUB - this.storedSub;
    const chargeRoom = Math.floor(roomSub / this.chargePpm); // q·η_ppm ≤ roomSub
    const charge = Math.min(energyOf(this.maxChargeW, interval.seconds), chargeRoom);
    const availSub = this.storedSub - this.minEnergy * SUB;
    const dischargeRoom =
      availSub > 0 ? Number((BigInt(availSub) * BigInt(this.dischargePpm)) / (SUB_N * SUB_N)) : 0;
    const discharge = Math.min(energyOf(this.maxDischargeW, interval.seconds), dischargeRoom);
    this.lastBuyLimit = charge > 0 ? (buyLimit as Price) : undefined;
    this.lastSellLimit = discharge > 0 ? (sellLimit as Price) : undefined;
    if (charge > 0)
      steps.push({ side: "buy", price: buyLimit as Price, quantity: charge as Quantity });
    if (discharge > 0)
      steps.push({ side: "sell", price: sellLimit as Price, quantity: discharge as Quantity });
    return steps;
  }

  award(award: MemberAward): void {
    this.pendingBought = award.bought;
    this.pendingSold = award.sold;
    this.bought += award.bought;
    this.sold += award.sold;
    this.spent += award.cost;
    // the money follows the energy: a purchase adds its cost, a sale removes the sold share of the cost
    if (award.bought > 0) {
      for (const tx of award.transactions) if (tx.side === "buy") this.costMoney += tx.value;
    }
    if (award.sold > 0 && this.storedSub > 0) {
      const takenSub = this.dischargeSub(award.sold);
      const share = (this.costMoney * BigInt(takenSub)) / BigInt(this.storedSub);
      this.costMoney -= share;
    }
  }

  observe(quote: Quote): void {
    if (quote.price === undefined) return;
    this.history.push(quote.price);
    this.historySum += quote.price;
    if (this.history.length > this.window) this.historySum -= this.history.shift() as number;
  }

  deliver(_interval: DeliveryInterval): void {
    this.storedSub += this.pendingBought * this.chargePpm;
    this.storedSub -= this.dischargeSub(this.pendingSold);
    if (this.storedSub < 0) this.storedSub = 0;
    this.pendingBought = 0;
    this.pendingSold = 0;
  }

  private dischargeSub(q: number): number {
    if (q === 0) return 0;
    const num = BigInt(q) * SUB_N * SUB_N;
    const den = BigInt(this.dischargePpm);
    return Number((num + den - 1n) / den);
  }
}

function floorTick(p: number): number {
  return Math.floor(p / PRICE_TICK) * PRICE_TICK;
}

function ceilTick(p: number): number {
  return Math.ceil(p / PRICE_TICK) * PRICE_TICK;
}
