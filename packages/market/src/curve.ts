/**
 * Bid curves as net-demand step functions on the integer price grid: construction from points,
 * aggregation (sum of curves), evaluation, decomposition back into buy/sell steps (what a child
 * market submits upward as its one aggregate curve) and the equilibrium price where the net
 * demand crosses zero.
 */
import { marketError } from "./errors.js";
import type { BidCurve, CallAuctionOptions, CurvePoint, CurveStep, NetCurve } from "./types.js";
import type { Price, Quantity } from "./units.js";

/** The lowest and highest price units: a step at them buys or sells "at any price". */
const LOWEST = Number.MIN_SAFE_INTEGER;
const HIGHEST = Number.MAX_SAFE_INTEGER;

/**
 * A bidder's curve from net-demand points: at `points[k].price` and above (until the next
 * point) the bidder's net demand is `points[k].quantity` (negative: it sells); below the first
 * point it is the first point's quantity. Prices must strictly ascend and quantities never
 * increase (a "bad-order" error names the point otherwise). Demand left at the last point is a
 * buy at any price; supply below the first point a sell at any price (clamp them with the
 * auction's maxPrice/minPrice).
 */
export function curveFromPoints(bidder: string, points: readonly CurvePoint[]): BidCurve {
  if (typeof bidder !== "string" || bidder === "")
    throw marketError("bad-order", "/bidder", "a curve needs a non-empty bidder name", bidder);
  points.forEach((p, k) => {
    if (!Number.isSafeInteger(p.price))
      throw marketError(
        "bad-price",
        `/points[${k}]/price`,
        "price must be an integer count of price units",
        p.price,
      );
    if (!Number.isSafeInteger(p.quantity))
      throw marketError(
        "bad-quantity",
        `/points[${k}]/quantity`,
        "quantity must be an integer count of units",
        p.quantity,
      );
    const prev = points[k - 1];
    if (prev !== undefined && p.price <= prev.price)
      throw marketError(
        "bad-order",
        `/points[${k}]/price`,
        "point prices must strictly ascend",
        p.price,
      );
    if (prev !== undefined && p.quantity > prev.quantity)
      throw marketError(
        "bad-order",
        `/points[${k}]/quantity`,
        "net demand must not increase with price (a monotone curve)",
        p.quantity,
      );
  });
  const first = points[0];
  if (first === undefined) return { bidder, steps: [] };
  return {
    bidder,
    steps: stepsOf(first.quantity, points.slice(1)),
  };
}

/** Buy/sell steps of a net-demand function given by its value below the breaks and the breaks. */
function stepsOf(below: number, breaks: readonly CurvePoint[]): CurveStep[] {
  const steps: CurveStep[] = [];
  const pos = (v: number) => Math.max(v, 0);
  const neg = (v: number) => (v < 0 ? -v : 0);
  if (below < 0) steps.push({ side: "sell", price: LOWEST as Price, quantity: -below as Quantity });
  let prev = below;
  for (const b of breaks) {
    const v = b.quantity;
    if (v === prev) continue;
    const buy = pos(prev) - pos(v);
    const sell = neg(v) - neg(prev);
    if (buy > 0)
      steps.push({ side: "buy", price: (b.price - 1) as Price, quantity: buy as Quantity });
    if (sell > 0) steps.push({ side: "sell", price: b.price, quantity: sell as Quantity });
    prev = v;
  }
  if (prev > 0) steps.push({ side: "buy", price: HIGHEST as Price, quantity: prev as Quantity });
  return steps;
}

/** The sum of curves as one net-demand step function (positive: net buying). */
export function aggregateCurves(curves: readonly BidCurve[]): NetCurve {
  // a buy of q at L lowers net demand by q from L + 1 on; a sell of q at L from L on
  const drops = new Map<number, number>();
  let below = 0;
  curves.forEach((curve, c) => {
    curve.steps.forEach((step, s) => {
      const at = `/curves[${c}]/steps[${s}]`;
      if (!Number.isSafeInteger(step.price))
        throw marketError(
          "bad-price",
          `${at}/price`,
          "price must be an integer count of price units",
          step.price,
        );
      if (!Number.isSafeInteger(step.quantity) || step.quantity <= 0)
        throw marketError(
          "bad-quantity",
          `${at}/quantity`,
          "quantity must be a positive integer count of units",
          step.quantity,
        );
      if (step.side === "buy") {
        below += step.quantity;
        if (step.price < HIGHEST)
          drops.set(step.price + 1, (drops.get(step.price + 1) ?? 0) + step.quantity);
      } else if (step.side === "sell")
        drops.set(step.price, (drops.get(step.price) ?? 0) + step.quantity);
      else throw marketError("bad-order", `${at}/side`, `side must be "buy" or "sell"`, step.side);
    });
  });
  if (!Number.isSafeInteger(below))
    throw marketError("overflow", "/curves", "total quantity exceeds the fixed-point range");
  const prices = [...drops.keys()].sort((a, b) => a - b);
  const breaks: CurvePoint[] = [];
  let net = below;
  for (const p of prices) {
    net -= drops.get(p) as number;
    if (!Number.isSafeInteger(net))
      throw marketError("overflow", "/curves", "net quantity exceeds the fixed-point range");
    breaks.push({ price: p as Price, quantity: net as Quantity });
  }
  return { below: below as Quantity, breaks };
}

/** Net demand of an aggregate curve at a price. */
export function netDemandAt(curve: NetCurve, price: Price): Quantity {
  const b = curve.breaks;
  let lo = 0;
  let hi = b.length; // first break with price > `price`
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((b[mid] as CurvePoint).price <= price) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? curve.below : (b[lo - 1] as CurvePoint).quantity;
}

/**
 * The buy and sell steps of a net curve: buys where it is positive, sells where negative, none
 * crossing. A child market submits these upward as its one aggregate curve: no member appears.
 */
export function netCurveSteps(curve: NetCurve): CurveStep[] {
  return stepsOf(curve.below, curve.breaks);
}

/**
 * The price where the net demand crosses zero: the midpoint (rounded down) of the prices where
 * it is exactly zero, if any; otherwise the first price where it is negative (the crossing falls
 * inside a vertical step). All demand: options.maxPrice (or undefined); all supply:
 * options.minPrice (or undefined); an empty curve: undefined. The zero interval is bounded by
 * the options' prices when it is unbounded.
 */
export function equilibriumPrice(
  curve: NetCurve,
  options: CallAuctionOptions = {},
): Price | undefined {
  const b = curve.breaks;
  const last = b.at(-1);
  const lowest = options.minPrice ?? LOWEST;
  const highest = options.maxPrice ?? HIGHEST;
  if (curve.below === 0 && b.length === 0) return undefined;
  if ((last?.quantity ?? curve.below) > 0) return options.maxPrice;
  if (curve.below < 0) return options.minPrice;
  // first price where net ≤ 0
  let start: number;
  let k: number;
  if (curve.below === 0) {
    start = options.minPrice ?? (b[0] as CurvePoint).price - 1;
    k = -1;
  } else {
    k = b.findIndex((p) => p.quantity <= 0);
    start = (b[k] as CurvePoint).price;
  }
  const value = k < 0 ? curve.below : (b[k] as CurvePoint).quantity;
  if (value < 0) return clamp(start, lowest, highest) as Price;
  const next = b[k + 1];
  const end = next === undefined ? (options.maxPrice ?? start) : next.price - 1;
  const lo = clamp(start, lowest, highest);
  const hi = clamp(end, lowest, highest);
  return Number((BigInt(lo) + BigInt(hi)) >> 1n) as Price; // ⌊(lo + hi)/2⌋, exact at any range
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : Math.min(v, hi);
}
