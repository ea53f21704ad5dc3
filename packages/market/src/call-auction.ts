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

interface Step {
  readonly bidder: number;
  readonly order: number;
  readonly price: number;
  readonly quantity: number;
}

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
  const buys: Step[] = [];
  const sells: Step[] = [];
  const bidders: string[] = [];
  const index = new Map<string, number>();
  let totalBuy = 0;
  let totalSell = 0;
  let order = 0;
  curves.forEach((curve, c) => {
    const at = `/curves[${c}]`;
    if (typeof curve !== "object" || curve === null || !Array.isArray(curve.steps))
      throw marketError("bad-order", at, "a curve needs a bidder and an array of steps");
    if (typeof curve.bidder !== "string" || curve.bidder === "")
      throw marketError(
        "bad-order",
        `${at}/bidder`,
        "a curve needs a non-empty bidder name",
        curve.bidder,
      );
    if (index.has(curve.bidder))
      throw marketError(
        "bad-order",
        `${at}/bidder`,
        `bidder ${JSON.stringify(curve.bidder)} has two curves`,
        curve.bidder,
      );
    const b = bidders.length;
    index.set(curve.bidder, b);
    bidders.push(curve.bidder);
    curve.steps.forEach((step, s) => {
      const sat = `${at}/steps[${s}]`;
      if (step.side !== "buy" && step.side !== "sell")
        throw marketError("bad-order", `${sat}/side`, `side must be "buy" or "sell"`, step.side);
      if (!Number.isSafeInteger(step.price))
        throw marketError(
          "bad-price",
          `${sat}/price`,
          "price must be an integer count of price units",
          step.price,
        );
      if (!Number.isSafeInteger(step.quantity) || step.quantity <= 0)
        throw marketError(
          "bad-quantity",
          `${sat}/quantity`,
          "quantity must be a positive integer count of units",
          step.quantity,
        );
      const price = step.price < min ? min : step.price > max ? max : step.price;
      const entry = { bidder: b, order: order++, price, quantity: step.quantity };
      if (step.side === "buy") {
        buys.push(entry);
        totalBuy += step.quantity;
      } else {
        sells.push(entry);
        totalSell += step.quantity;
      }
    });
  });
  if (!Number.isSafeInteger(totalBuy) || !Number.isSafeInteger(totalSell))
    throw marketError("overflow", "/curves", "total quantity exceeds the fixed-point range");

  buys.sort((x, y) => y.price - x.price || x.order - y.order);
  sells.sort((x, y) => x.price - y.price || x.order - y.order);
  const bestBid = buys[0]?.price;
  const bestAsk = sells[0]?.price;
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
  if (buys.length === 0 && sells.length === 0) return none("empty");
  if (buys.length === 0 || sells.length === 0) return none("one-sided");
  if ((bestBid as number) < (bestAsk as number)) return none("no-crossing");

  // V(p) at every limit price, ascending: S by a forward pointer, D by a backward one
  const prices = Array.from(
    new Set([...buys.map((s) => s.price), ...sells.map((s) => s.price)]),
  ).sort((a, b) => a - b);
  const supplyAt = new Float64Array(prices.length);
  const demandAt = new Float64Array(prices.length);
  let s = 0;
  let j = 0;
  for (let k = 0; k < prices.length; k++) {
    const p = prices[k] as number;
    while (j < sells.length && (sells[j] as Step).price <= p) s += (sells[j++] as Step).quantity;
    supplyAt[k] = s;
  }
  let d = 0;
  let i = 0;
  for (let k = prices.length - 1; k >= 0; k--) {
    const p = prices[k] as number;
    while (i < buys.length && (buys[i] as Step).price >= p) d += (buys[i++] as Step).quantity;
    demandAt[k] = d;
  }
  let best = 0;
  let low = -1;
  let high = -1;
  for (let k = 0; k < prices.length; k++) {
    const v = Math.min(demandAt[k] as number, supplyAt[k] as number);
    if (v > best) {
      best = v;
      low = k;
      high = k;
    } else if (v === best && best > 0) high = k;
  }
  if (best === 0) return none("no-crossing");
  const lowPrice = prices[low] as number;
  const highPrice = prices[high] as number;
  const price = lowPrice + Math.floor((highPrice - lowPrice) / 2);

  const bought = new Float64Array(bidders.length);
  const sold = new Float64Array(bidders.length);
  const eligibleBuys: Step[] = [];
  for (const st of buys) if (st.price >= price) eligibleBuys.push(st);
  const eligibleSells: Step[] = [];
  for (const st of sells) if (st.price <= price) eligibleSells.push(st);
  let demand = 0;
  for (const st of eligibleBuys) demand += st.quantity;
  let supply = 0;
  for (const st of eligibleSells) supply += st.quantity;
  const q = Math.min(demand, supply);
  allocate(eligibleBuys, q, bought);
  allocate(eligibleSells, q, sold);
  const rationed: Side | "none" = demand > q ? "buy" : supply > q ? "sell" : "none";

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
      value: tradeValue(price as Price, net),
    });
  }
  return {
    outcome: "cleared",
    price: price as Price,
    priceRange: { low: lowPrice as Price, high: highPrice as Price },
    quantity: q as Quantity,
    demand: demand as Quantity,
    supply: supply as Quantity,
    rationed,
    ...base,
    awards,
  };
}

/**
 * Fills `total` from steps in priority order (already sorted): whole price levels while they fit,
 * then the first level that does not fit shares the rest pro rata (largest remainder).
 */
function allocate(steps: readonly Step[], total: number, into: Float64Array): void {
  let left = total;
  let k = 0;
  while (k < steps.length && left > 0) {
    const price = (steps[k] as Step).price;
    let end = k;
    let levelQ = 0;
    while (end < steps.length && (steps[end] as Step).price === price)
      levelQ += (steps[end++] as Step).quantity;
    if (levelQ <= left) {
      for (let m = k; m < end; m++) {
        const st = steps[m] as Step;
        into[st.bidder] = (into[st.bidder] as number) + st.quantity;
      }
      left -= levelQ;
    } else {
      prorate(steps.slice(k, end), left, levelQ, into);
      left = 0;
    }
    k = end;
  }
}

function prorate(level: readonly Step[], amount: number, levelQ: number, into: Float64Array): void {
  const A = BigInt(amount);
  const T = BigInt(levelQ);
  const shares = level.map((st) => {
    const num = A * BigInt(st.quantity);
    return { st, share: num / T, rem: num % T };
  });
  let given = 0n;
  for (const x of shares) given += x.share;
  const extra = Number(A - given);
  const byRemainder = shares
    .map((x, n) => ({ x, n }))
    .sort((a, b) =>
      a.x.rem === b.x.rem ? a.x.st.order - b.x.st.order : a.x.rem > b.x.rem ? -1 : 1,
    );
  for (let n = 0; n < extra; n++) {
    const x = (byRemainder[n] as { x: { share: bigint } }).x;
    x.share += 1n;
  }
  for (const x of shares) into[x.st.bidder] = (into[x.st.bidder] as number) + Number(x.share);
}
