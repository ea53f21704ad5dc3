/**
 * Uniform-price call auction of one interval at gate closure, on step bid curves. Rules (stated
 * in docs/market.md, "Call auction"):
 *
 * 1. Limit prices are clamped into [minPrice, maxPrice] when those are given.
 * 2. D(p) = Σ buy steps with limit ≥ p, S(p) = Σ sell steps with limit ≤ p; the traded quantity
 *    at p is V(p) = min(D(p), S(p)). Q* = max V. The prices with V = Q* form one interval
 *    [low, high] (low a sell limit, high a buy limit); the price is its midpoint, rounded down
 *    to a price unit.
 * 3. At that price every eligible step of the short side trades in full; the long side is filled
 *    in price priority, whole price levels first, and the last admitted level shares what is
 *    left pro rata to quantity (floors, then one unit each by largest remainder, ties by input
 *    order). So quantities bought and sold are equal, exactly.
 */
import { marketError } from "./errors.js";
import type { Award, BidCurve, CallAuctionOptions, CallAuctionResult, Side } from "./types.js";
import { type Price, type Quantity, tradeValue } from "./units.js";

/** Clears one interval's call auction over `curves` (one curve per bidder). */
export function clearCallAuction(
  curves: readonly BidCurve[],
  options: CallAuctionOptions = {},
): CallAuctionResult {
  const min = options.minPrice ?? Number.MIN_SAFE_INTEGER;
  const max = options.maxPrice ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min > max)
    throw marketError(
      "bad-price",
      "/minPrice",
      "minPrice and maxPrice must be price units with minPrice ≤ maxPrice",
    );
  // steps in parallel typed arrays: the input order of a step is its index
  let count = 0;
  curves.forEach((curve, c) => {
    if (typeof curve !== "object" || curve === null || !Array.isArray(curve.steps))
      throw marketError(
        "bad-order",
        `/curves[${c}]`,
        "a curve needs a bidder and an array of steps",
      );
    count += curve.steps.length;
  });
  const price = new Float64Array(count);
  const quantity = new Float64Array(count);
  const owner = new Int32Array(count);
  const isBuy = new Uint8Array(count);
  const bidders: string[] = [];
  const seen = new Set<string>();
  let nBuy = 0;
  let totalBuy = 0;
  let totalSell = 0;
  let k = 0;
  curves.forEach((curve, c) => {
    const at = (rest = "") => `/curves[${c}]${rest}`; // built only for an error
    if (typeof curve.bidder !== "string" || curve.bidder === "")
      throw marketError(
        "bad-order",
        at("/bidder"),
        "a curve needs a non-empty bidder name",
        curve.bidder,
      );
    if (seen.has(curve.bidder))
      throw marketError(
        "bad-order",
        at("/bidder"),
        `bidder ${JSON.stringify(curve.bidder)} has two curves`,
        curve.bidder,
      );
    seen.add(curve.bidder);
    const b = bidders.length;
    bidders.push(curve.bidder);
    const steps = curve.steps;
    for (let s = 0; s < steps.length; s++) {
      const step = steps[s] as (typeof steps)[number];
      const p = step.price;
      const q = step.quantity;
      if (step.side !== "buy" && step.side !== "sell")
        throw marketError(
          "bad-order",
          at(`/steps[${s}]/side`),
          `side must be "buy" or "sell"`,
          step.side,
        );
      if (!Number.isSafeInteger(p))
        throw marketError(
          "bad-price",
          at(`/steps[${s}]/price`),
          "price must be an integer count of price units",
          p,
        );
      if (!Number.isSafeInteger(q) || q <= 0)
        throw marketError(
          "bad-quantity",
          at(`/steps[${s}]/quantity`),
          "quantity must be a positive integer count of units",
          q,
        );
      price[k] = p < min ? min : Math.min(p, max);
      quantity[k] = q;
      owner[k] = b;
      if (step.side === "buy") {
        isBuy[k] = 1;
        nBuy++;
        totalBuy += q;
      } else totalSell += q;
      k++;
    }
  });
  if (!Number.isSafeInteger(totalBuy) || !Number.isSafeInteger(totalSell))
    throw marketError("overflow", "/curves", "total quantity exceeds the fixed-point range");

  // buys by price descending, sells ascending; equal prices in input order
  const buys = sortedIndices(price, isBuy, 1, nBuy);
  const sells = sortedIndices(price, isBuy, 0, count - nBuy);
  const bestBid = nBuy > 0 ? (price[buys[0] as number] as number) : undefined;
  const bestAsk = sells.length > 0 ? (price[sells[0] as number] as number) : undefined;
  const base = {
    ...(bestBid !== undefined ? { bestBid: bestBid as Price } : {}),
    ...(bestAsk !== undefined ? { bestAsk: bestAsk as Price } : {}),
  };
  const none = (outcome: CallAuctionResult["outcome"]): CallAuctionResult => ({
    outcome,
    quantity: 0 as Quantity,
    demand: 0 as Quantity,
    supply: 0 as Quantity,
    rationed: "none",
    ...base,
    awards: [],
  });
  if (bestBid === undefined && bestAsk === undefined) return none("empty");
  if (bestBid === undefined || bestAsk === undefined) return none("one-sided");
  if (bestBid < bestAsk) return none("no-crossing");

  // V(p) = min(D(p), S(p)) at every limit price, ascending: buys are walked from their lowest
  // (D(p) = totalBuy − buys priced below p), sells from their lowest (S(p) = sells priced ≤ p)
  let bi = nBuy - 1;
  let si = 0;
  let below = 0;
  let supply = 0;
  let best = 0;
  let low = 0;
  let high = 0;
  for (;;) {
    const pb = bi >= 0 ? (price[buys[bi] as number] as number) : Number.POSITIVE_INFINITY;
    const ps =
      si < sells.length ? (price[sells[si] as number] as number) : Number.POSITIVE_INFINITY;
    const p = Math.min(pb, ps);
    if (p === Number.POSITIVE_INFINITY) break;
    while (si < sells.length && price[sells[si] as number] === p)
      supply += quantity[sells[si++] as number] as number;
    const v = Math.min(totalBuy - below, supply);
    if (v > best) {
      best = v;
      low = p;
      high = p;
    } else if (v === best && best > 0) high = p;
    while (bi >= 0 && price[buys[bi] as number] === p)
      below += quantity[buys[bi--] as number] as number;
  }
  if (best === 0) return none("no-crossing");
  // ⌊(low + high)/2⌋ in bigint: high − low can exceed the safe-integer range
  const clearing = Number((BigInt(low) + BigInt(high)) >> 1n);

  let nb = 0; // eligible buys: the first nb of `buys`
  let demand = 0;
  while (nb < nBuy && (price[buys[nb] as number] as number) >= clearing)
    demand += quantity[buys[nb++] as number] as number;
  let ns = 0;
  let offered = 0;
  while (ns < sells.length && (price[sells[ns] as number] as number) <= clearing)
    offered += quantity[sells[ns++] as number] as number;
  const q = Math.min(demand, offered);
  const bought = new Float64Array(bidders.length);
  const sold = new Float64Array(bidders.length);
  allocate(buys, nb, q, price, quantity, owner, bought);
  allocate(sells, ns, q, price, quantity, owner, sold);
  const rationed: Side | "none" = demand > q ? "buy" : offered > q ? "sell" : "none";

  const awards: Award[] = [];
  for (let b = 0; b < bidders.length; b++) {
    const by = bought[b] as number;
    const sd = sold[b] as number;
    if (by === 0 && sd === 0) continue;
    const net = (by - sd) as Quantity;
    awards.push({
      bidder: bidders[b] as string,
      bought: by as Quantity,
      sold: sd as Quantity,
      net,
      value: tradeValue(clearing as Price, net),
    });
  }
  return {
    outcome: "cleared",
    price: clearing as Price,
    priceRange: { low: low as Price, high: high as Price },
    quantity: q as Quantity,
    demand: demand as Quantity,
    supply: offered as Quantity,
    rationed,
    ...base,
    awards,
  };
}

/**
 * Indices of the steps of one side in priority order. When every (price offset × count + index)
 * is a safe integer, the order is a native numeric sort of such keys (no comparator calls);
 * otherwise an index sort with a comparator. Both give price order, then input order.
 */
function sortedIndices(
  price: Float64Array,
  isBuy: Uint8Array,
  side: 0 | 1,
  n: number,
): Uint32Array {
  const count = price.length;
  const out = new Uint32Array(n);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0, k = 0; i < count; i++) {
    if (isBuy[i] !== side) continue;
    out[k++] = i;
    const p = price[i] as number;
    if (p < lo) lo = p;
    if (p > hi) hi = p;
  }
  if (n === 0) return out;
  if ((hi - lo + 1) * count < Number.MAX_SAFE_INTEGER) {
    const keys = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const i = out[k] as number;
      const offset = side === 1 ? hi - (price[i] as number) : (price[i] as number) - lo;
      keys[k] = offset * count + i;
    }
    keys.sort();
    for (let k = 0; k < n; k++) out[k] = (keys[k] as number) % count;
    return out;
  }
  return side === 1
    ? out.sort((x, y) => (price[y] as number) - (price[x] as number) || x - y)
    : out.sort((x, y) => (price[x] as number) - (price[y] as number) || x - y);
}

/**
 * Fills `total` from the first `n` steps of `order` (priority order): whole price levels while
 * they fit, then the first level that does not fit shares the rest pro rata (largest remainder,
 * ties by input order).
 */
function allocate(
  order: Uint32Array,
  n: number,
  total: number,
  price: Float64Array,
  quantity: Float64Array,
  owner: Int32Array,
  into: Float64Array,
): void {
  let left = total;
  let k = 0;
  while (k < n && left > 0) {
    const p = price[order[k] as number] as number;
    let end = k;
    let levelQ = 0;
    while (end < n && price[order[end] as number] === p)
      levelQ += quantity[order[end++] as number] as number;
    if (levelQ <= left) {
      for (let m = k; m < end; m++) {
        const i = order[m] as number;
        const o = owner[i] as number;
        into[o] = (into[o] as number) + (quantity[i] as number);
      }
      left -= levelQ;
    } else {
      const level = Array.from(order.subarray(k, end)).sort((a, b) => a - b);
      prorate(level, left, levelQ, quantity, owner, into);
      left = 0;
    }
    k = end;
  }
}

function prorate(
  level: readonly number[],
  amount: number,
  levelQ: number,
  quantity: Float64Array,
  owner: Int32Array,
  into: Float64Array,
): void {
  const A = BigInt(amount);
  const T = BigInt(levelQ);
  const shares = level.map((i) => {
    const num = A * BigInt(quantity[i] as number);
    return { i, share: num / T, rem: num % T };
  });
  let given = 0n;
  for (const x of shares) given += x.share;
  const extra = Number(A - given);
  // largest remainder first; equal remainders in input order (the level is sorted by index)
  const byRemainder = shares
    .slice()
    .sort((a, b) => (a.rem === b.rem ? a.i - b.i : a.rem > b.rem ? -1 : 1));
  for (let n = 0; n < extra; n++) (byRemainder[n] as { share: bigint }).share += 1n;
  for (const x of shares) {
    const o = owner[x.i] as number;
    into[o] = (into[o] as number) + Number(x.share);
  }
}
