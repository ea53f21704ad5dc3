/**
 * A thermal load (HVAC) in the manner of Huberman & Clearwater's building-cooling market ("A
 * Multi-Agent System for Controlling Building Environments", ICMAS 1995): the willingness to pay
 * for running the unit rises with discomfort, the distance of the indoor temperature across the
 * owner's comfort band.
 *
 * With the band [setpoint − deadband/2, setpoint + deadband/2] and discomfort x the position of
 * the indoor temperature in it (0 at the comfortable edge: the low edge when cooling, the high edge
 * when heating; 1 at the other edge):
 * - x ≤ 0: no bid (running would leave the band);
 * - 0 < x < 1: one buy step of the unit's rated energy for the interval at a limit rising from the
 *   owner's comfort price (x = 0) to its cap (x = 1);
 * - x ≥ 1: the same step at the cap (the owner will not be uncomfortable below it).
 * A partial award runs the unit for that share of the interval. The house is a first-order
 * thermal model (one resistance, one capacitance), stepped exactly over the interval in floats:
 * temperature is physics; only the rated energy (whole watts × seconds) enters the market.
 */
import { marketError } from "../errors.js";
import type { Agent, Bid, DeliveryInterval, MemberAward } from "../node/types.js";
import type { Price } from "../units.js";
import {
  averageWatts,
  checkId,
  checkPrice,
  checkWhole,
  energyOf,
  interpolatePrice,
} from "./common.js";

/** Options of a ThermalLoad. */
export interface ThermalLoadOptions {
  readonly id: string;
  readonly mode: "cooling" | "heating";
  /** electric power when running, whole watts */
  readonly ratedW: number;
  /** envelope resistance, °C per kW; thermal capacitance, kWh per °C */
  readonly resistance: number;
  readonly capacitance: number;
  /** kW of heat moved per kW of electricity */
  readonly cop: number;
  /** internal gains, W thermal */
  readonly gainsW: number;
  /** comfort setpoint and band width, °C */
  readonly setpoint: number;
  readonly deadband: number;
  /** indoor temperature at the start, °C */
  readonly indoor: number;
  /** the outdoor temperature forecast per interval, °C (public weather) */
  readonly outdoor: (interval: DeliveryInterval) => number;
  /** limit at the comfortable edge of the band and at the uncomfortable edge, per kWh */
  readonly comfortPrice: Price;
  readonly cap: Price;
}

/** An HVAC agent (see the module comment). */
export class ThermalLoad implements Agent {
  readonly id: string;
  /** indoor temperature now, °C */
  indoor: number;
  /** energy bought over all intervals, quantity units; the last interval's award */
  consumed = 0;
  lastAward = 0;
  /** degree-intervals spent outside the band (on the uncomfortable side) */
  discomfort = 0;
  private readonly o: ThermalLoadOptions;

  constructor(o: ThermalLoadOptions) {
    this.id = checkId(o.id, "thermal load");
    checkWhole(o.ratedW, "/ratedW");
    checkPrice(o.comfortPrice, "/comfortPrice");
    checkPrice(o.cap, "/cap");
    for (const k of ["resistance", "capacitance", "cop", "deadband"] as const)
      if (!(Number.isFinite(o[k]) && o[k] > 0))
        throw marketError("bad-option", `/${k}`, `${k} must be a positive number`, o[k]);
    if (!Number.isFinite(o.indoor) || !Number.isFinite(o.setpoint) || !Number.isFinite(o.gainsW))
      throw marketError("bad-option", "/indoor", "temperatures and gains must be finite numbers");
    if (o.mode !== "cooling" && o.mode !== "heating")
      throw marketError("bad-option", "/mode", `mode must be "cooling" or "heating"`, o.mode);
    if (o.cap < o.comfortPrice)
      throw marketError("bad-option", "/cap", "the cap must not be below the comfort price", o.cap);
    this.o = o;
    this.indoor = o.indoor;
  }

  /** Discomfort now: 0 at the comfortable edge of the band, 1 at the other edge (may leave [0, 1]). */
  discomfortNow(): number {
    const { setpoint, deadband, mode } = this.o;
    const lo = setpoint - deadband / 2;
    return mode === "cooling"
      ? (this.indoor - lo) / deadband
      : (setpoint + deadband / 2 - this.indoor) / deadband;
  }

  bid(interval: DeliveryInterval): Bid {
    this.lastAward = 0;
    const x = this.discomfortNow();
    if (x <= 0) return [];
    const q = energyOf(this.o.ratedW, interval.seconds);
    if (q === 0) return [];
    return [
      { side: "buy", price: interpolatePrice(this.o.comfortPrice, this.o.cap, x), quantity: q },
    ];
  }

  award(award: MemberAward): void {
    this.lastAward = award.bought;
    this.consumed += award.bought;
  }

  deliver(interval: DeliveryInterval): void {
    const o = this.o;
    const watts = averageWatts(this.lastAward as never, interval.seconds);
    const heatKw = (o.gainsW + (o.mode === "cooling" ? -1 : 1) * o.cop * watts) / 1000;
    const target = o.outdoor(interval) + o.resistance * heatKw;
    this.indoor =
      target +
      (this.indoor - target) * Math.exp(-interval.seconds / 3600 / (o.resistance * o.capacitance));
    const x = this.discomfortNow();
    if (x > 1) this.discomfort += (x - 1) * o.deadband;
  }
}
