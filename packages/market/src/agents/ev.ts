/**
 * An EV charger: its car needs an energy by a departure time; urgency rises as the deadline nears.
 *
 * Each interval the car is plugged in for in full, with R the energy still needed, m the most the
 * charger delivers in one interval and n the intervals left before departure (this one included):
 * - the must-take part max(0, R − m·(n − 1)), which cannot wait without missing the deadline, is
 *   bid at the owner's cap: so the car is full by departure whenever supply at or below the cap
 *   allows;
 * - the rest of min(m, R) is bid at a limit rising from the owner's base price to the cap with
 *   the urgency u = R / (m·n) (the share of the remaining time it must charge).
 */
import { marketError } from "../errors.js";
import type { Agent, Bid, DeliveryInterval, MemberAward } from "../node/types.js";
import type { CurveStep } from "../types.js";
import type { Price, Quantity } from "../units.js";
import { checkId, checkPrice, checkWhole, energyOf, interpolatePrice } from "./common.js";

/** One plug-in session: the car is there for every interval inside [arrivalMs, departureMs). */
export interface ChargingSession {
  readonly arrivalMs: number;
  readonly departureMs: number;
  /** energy to deliver before departure, quantity units */
  readonly energy: Quantity;
}

/** Options of an EvCharger. */
export interface EvChargerOptions {
  readonly id: string;
  /** charger power limit, whole watts */
  readonly maxChargeW: number;
  /** the car's sessions, in time order, not overlapping */
  readonly sessions: readonly ChargingSession[];
  /** what the owner pays when there is plenty of time, per kWh */
  readonly basePrice: Price;
  /** the most the owner pays, per kWh (bid for energy that cannot wait) */
  readonly cap: Price;
}

/** An EV charger agent (see the module comment for its rule). */
export class EvCharger implements Agent {
  readonly id: string;
  /** energy still needed in the current session (0 when none) */
  remaining = 0;
  /** energy delivered over all sessions; energy missing at departures */
  delivered = 0;
  shortfall = 0;
  lastAward = 0;
  /** money paid over all sessions (1e-15 currency) */
  cost = 0n;
  private readonly maxChargeW: number;
  private readonly sessions: readonly ChargingSession[];
  private readonly basePrice: Price;
  private readonly cap: Price;
  private session = -1;

  constructor(o: EvChargerOptions) {
    this.id = checkId(o.id, "EV charger");
    this.maxChargeW = checkWhole(o.maxChargeW, "/maxChargeW");
    this.basePrice = checkPrice(o.basePrice, "/basePrice");
    this.cap = checkPrice(o.cap, "/cap");
    if (this.cap < this.basePrice)
      throw marketError("bad-option", "/cap", "the cap must not be below the base price", o.cap);
    let prevEnd = Number.NEGATIVE_INFINITY;
    o.sessions.forEach((s, k) => {
      if (!(s.arrivalMs < s.departureMs) || s.arrivalMs < prevEnd)
        throw marketError(
          "bad-option",
          `/sessions[${k}]`,
          "sessions must be in time order, each ending after it starts",
        );
      checkWhole(s.energy, `/sessions[${k}]/energy`);
      prevEnd = s.departureMs;
    });
    this.sessions = o.sessions;
  }

  /** The session the car is plugged in for during all of `interval`, if any. */
  private sessionAt(interval: DeliveryInterval): number {
    const k = this.sessions.findIndex(
      (s) => s.arrivalMs <= interval.startMs && interval.endMs <= s.departureMs,
    );
    if (k !== this.session) {
      // the previous session ended: what it still needed is missing
      if (this.session >= 0) this.shortfall += this.remaining;
      this.session = k;
      this.remaining = k >= 0 ? (this.sessions[k] as ChargingSession).energy : 0;
    }
    return k;
  }

  bid(interval: DeliveryInterval): Bid {
    const k = this.sessionAt(interval);
    this.lastAward = 0;
    if (k < 0 || this.remaining <= 0) return [];
    const s = this.sessions[k] as ChargingSession;
    const m = energyOf(this.maxChargeW, interval.seconds);
    if (m === 0) return [];
    const ms = interval.seconds * 1000;
    const left = Math.max(1, Math.floor((s.departureMs - interval.startMs) / ms));
    const now = Math.min(m, this.remaining);
    const must = Math.min(now, Math.max(0, this.remaining - m * (left - 1)));
    const flexible = now - must;
    const steps: CurveStep[] = [];
    if (must > 0) steps.push({ side: "buy", price: this.cap, quantity: must as Quantity });
    if (flexible > 0) {
      const urgency = this.remaining / (m * left);
      const limit = interpolatePrice(this.basePrice, this.cap, urgency);
      steps.push({ side: "buy", price: limit, quantity: flexible as Quantity });
    }
    return steps;
  }

  award(award: MemberAward): void {
    this.lastAward = award.bought;
    this.remaining -= award.bought;
    this.delivered += award.bought;
    this.cost += award.cost;
  }
}
