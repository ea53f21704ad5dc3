/**
 * PowerMatcher's bid-curve rules: a market basis of N equidistant price steps, bids as demand
 * arrays over those steps (positive consumption, negative production, never increasing with
 * price), aggregation by element-wise sum, and the equilibrium price where the aggregate crosses
 * zero, interpolated between steps. PowerMatcher computes in doubles; this computes in exact
 * rationals (emix Decimal): aggregates are exact sums and the equilibrium price is the exact
 * value of PowerMatcher's formula, unrounded.
 */
import { Decimal, type DecimalInput } from "@transactive/emix";
import { marketError } from "./errors.js";

/** N price steps from minPrice to maxPrice inclusive: step i has price min + i·(max − min)/(N − 1). */
export interface MarketBasis {
  readonly priceSteps: number;
  readonly minPrice: DecimalInput;
  readonly maxPrice: DecimalInput;
}

/** Why a bid was left out of the aggregate. */
export interface RejectedBid {
  readonly index: number;
  readonly reason: "length" | "increasing";
  readonly message: string;
}

/** Validation and aggregation of a set of bids. */
export interface PowerMatcherAggregate {
  /** indices of the bids rejected, ascending */
  readonly rejected: readonly RejectedBid[];
  /** element-wise sum of the valid bids (all zeros when none is valid) */
  readonly aggregate: readonly Decimal[];
}

/** PowerMatcher's tolerance for two demands to be called equal (strictly less than 1e-6 apart). */
const SMALLEST_DEMAND = Decimal.of("0.000001");

function demandEquals(a: Decimal, b: Decimal): boolean {
  return a.sub(b).abs().cmp(SMALLEST_DEMAND) < 0;
}

interface Basis {
  readonly n: number;
  readonly min: Decimal;
  readonly max: Decimal;
  readonly step: Decimal;
}

function readBasis(basis: MarketBasis, path: string): Basis {
  const n = basis.priceSteps;
  if (!Number.isSafeInteger(n) || n < 2)
    throw marketError(
      "bad-value",
      `${path}/price_steps`,
      `price_steps must be an integer of at least 2, got ${JSON.stringify(n)}`,
      n,
    );
  const dec = (v: DecimalInput, at: string): Decimal => {
    try {
      return Decimal.of(v, at);
    } catch {
      throw marketError("bad-price", at, `${JSON.stringify(v)} is not a decimal number`, v);
    }
  };
  const min = dec(basis.minPrice, `${path}/min_price`);
  const max = dec(basis.maxPrice, `${path}/max_price`);
  if (max.cmp(min) <= 0)
    throw marketError(
      "bad-price",
      `${path}/max_price`,
      `max_price ${max.toJSON()} must be above min_price ${min.toJSON()}`,
    );
  return { n, min, max, step: max.sub(min).div(n - 1) };
}

/** The price of step i of the basis, exactly. */
export function priceOfStep(basis: MarketBasis, i: number): Decimal {
  const b = readBasis(basis, "");
  return b.min.add(b.step.mul(BigInt(i)));
}

/**
 * Validates each bid (exactly N entries, never increasing with price) and sums the valid ones.
 * Entries must be decimals (a JSON number is read through its shortest form); anything else is
 * a malformed input and throws a MarketError naming the entry, since PowerMatcher could not have
 * read it either.
 */
export function aggregatePowerMatcherBids(
  basis: MarketBasis,
  bids: readonly (readonly DecimalInput[])[],
  path = "",
): PowerMatcherAggregate {
  const b = readBasis(basis, `${path}/market_basis`);
  const aggregate: Decimal[] = Array.from({ length: b.n }, () => Decimal.ZERO);
  const rejected: RejectedBid[] = [];
  bids.forEach((bid, index) => {
    const at = `${path}/bids[${index}]`;
    if (!Array.isArray(bid))
      throw marketError("bad-value", at, "a bid must be an array of demands", typeof bid);
    const demand = bid.map((v, i) => {
      try {
        return Decimal.of(v, `${at}[${i}]`);
      } catch {
        throw marketError(
          "bad-quantity",
          `${at}[${i}]`,
          `${JSON.stringify(v)} is not a decimal number`,
          v,
        );
      }
    });
    if (demand.length !== b.n) {
      rejected.push({
        index,
        reason: "length",
        message: `has ${demand.length} demands, the market basis has ${b.n} price steps`,
      });
      return;
    }
    for (let i = 1; i < demand.length; i++) {
      if ((demand[i] as Decimal).cmp(demand[i - 1] as Decimal) > 0) {
        rejected.push({
          index,
          reason: "increasing",
          message: `demand increases with price from step ${i - 1} to step ${i}`,
        });
        return;
      }
    }
    for (let i = 0; i < b.n; i++)
      aggregate[i] = (aggregate[i] as Decimal).add(demand[i] as Decimal);
  });
  return { rejected, aggregate };
}

/**
 * The equilibrium price of an aggregate demand array (where it crosses zero), by PowerMatcher's
 * rule: min price when all demand is below zero, max price when all is above, otherwise a binary
 * search for the crossing (demands equal within 1e-6), widened over neighbours equal to zero, and
 * linear interpolation between the two steps found. Exact and unrounded.
 */
export function powerMatcherEquilibrium(
  basis: MarketBasis,
  aggregate: readonly DecimalInput[],
  path = "",
): Decimal {
  const b = readBasis(basis, `${path}/market_basis`);
  if (aggregate.length !== b.n)
    throw marketError(
      "bad-value",
      `${path}/aggregate`,
      `the aggregate has ${aggregate.length} demands, the market basis has ${b.n} price steps`,
    );
  const d = aggregate.map((v, i) => Decimal.of(v, `${path}/aggregate[${i}]`));
  const at = (i: number) => d[i] as Decimal;
  const zero = Decimal.ZERO;
  const n = b.n;
  let left = 0;
  let right = n - 1;
  if (zero.cmp(at(0)) > 0) return b.min;
  if (zero.cmp(at(n - 1)) < 0) return b.max;
  if (demandEquals(zero, at(left))) right = left;
  else if (demandEquals(zero, at(right))) left = right;
  else {
    while (right - left > 1) {
      const middle = (left + right) >> 1;
      const m = at(middle);
      if (demandEquals(zero, m)) {
        left = middle;
        right = middle;
      } else if (m.cmp(zero) > 0) left = middle;
      else right = middle;
    }
  }
  while (left > 0 && demandEquals(zero, at(left - 1))) left--;
  while (right < n - 1 && demandEquals(zero, at(right + 1))) right++;
  const stepPrice = (i: number) => b.min.add(b.step.mul(BigInt(i)));
  const leftPrice = right === 0 ? b.min : stepPrice(left);
  const rightPrice = left === n - 1 ? b.max : stepPrice(right);
  const dl = at(left);
  const dr = at(right);
  const factor = demandEquals(dl, dr) ? Decimal.of("0.5") : dl.div(dl.sub(dr));
  return leftPrice.add(rightPrice.sub(leftPrice).mul(factor));
}
