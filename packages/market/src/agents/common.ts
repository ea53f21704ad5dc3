/**
 * What the agent personalities share: converting a device's power over an interval into market
 * energy at the stated resolution, interpolating a willingness to pay, and exact efficiencies.
 *
 * Resolution: 1 quantity unit = 1 mWh = 3.6 J. A whole-watt power P over s seconds is P·s joules;
 * its quantity is P·s / 3.6 rounded half up to a whole mWh (the error is under 0.5 mWh per
 * interval: 0.006 W at PT5M). Limit prices an agent computes from its state (a float such as a
 * discomfort) are rounded down to PRICE_TICK (1e-6 currency per kWh). After that, every value is
 * an exact integer of the market's units.
 */
import { marketError } from "../errors.js";
import type { Price, Quantity } from "../units.js";

/** The resolution of agents' computed limit prices: 1e-6 currency per kWh (1000 price units). */
export const PRICE_TICK = 1000;

/** The energy of `watts` (a whole number ≥ 0) over `seconds`, in quantity units (mWh), rounded half up. */
export function energyOf(watts: number, seconds: number, path = "/watts"): Quantity {
  if (!Number.isSafeInteger(watts) || watts < 0)
    throw marketError("bad-quantity", path, "power must be a whole number of watts ≥ 0", watts);
  const joules = watts * seconds;
  if (!Number.isSafeInteger(joules * 10))
    throw marketError("overflow", path, "energy exceeds the fixed-point range", watts);
  return Math.floor((joules * 10 + 18) / 36) as Quantity;
}

/** The average power in watts (a float, for physics) of `quantity` delivered over `seconds`. */
export function averageWatts(quantity: Quantity, seconds: number): number {
  return (quantity * 3.6) / seconds;
}

/**
 * A price between `low` (at x = 0) and `high` (at x = 1), x clamped to [0, 1], rounded down to
 * PRICE_TICK (never below `low`).
 */
export function interpolatePrice(low: Price, high: Price, x: number): Price {
  const t = Number.isFinite(x) ? (x < 0 ? 0 : x > 1 ? 1 : x) : 0;
  const p = low + Math.floor(((high - low) * t) / PRICE_TICK) * PRICE_TICK;
  return (p < low ? low : p > high ? high : p) as Price;
}

/** Scale of efficiencies: a fraction as parts per million. */
export const EFFICIENCY_SCALE = 1_000_000;

/**
 * An efficiency from a decimal string in (0, 1] with at most 6 places ("0.95"), as parts per
 * million; "bad-option" otherwise.
 */
export function efficiencyPpm(text: string, path: string): number {
  const m = typeof text === "string" ? /^(0|1)(?:\.(\d{1,6}))?$/.exec(text) : null;
  const ppm = m
    ? Number(m[1]) * EFFICIENCY_SCALE + Number((m[2] ?? "").padEnd(6, "0"))
    : Number.NaN;
  if (!(ppm > 0 && ppm <= EFFICIENCY_SCALE))
    throw marketError(
      "bad-option",
      path,
      `an efficiency is a decimal in (0, 1] with at most 6 places, got ${JSON.stringify(text)}`,
      text,
    );
  return ppm;
}

/** Checks an agent's id. */
export function checkId(id: string, kind: string): string {
  if (typeof id !== "string" || id === "")
    throw marketError("bad-option", "/id", `a ${kind} agent needs a non-empty id`, id);
  return id;
}

/** Checks a price option. */
export function checkPrice(p: Price, path: string): Price {
  if (!Number.isSafeInteger(p))
    throw marketError("bad-price", path, "a price must be an integer count of price units", p);
  return p;
}

/** Checks a non-negative whole-number option (watts, quantity units). */
export function checkWhole(n: number, path: string): number {
  if (!Number.isSafeInteger(n) || n < 0)
    throw marketError("bad-option", path, "must be a whole number ≥ 0", n);
  return n;
}
