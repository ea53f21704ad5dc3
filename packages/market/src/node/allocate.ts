/**
 * How a child node shares the award its parent gave it among its members, at one price.
 *
 * At the reference price p (the parent's uniform price, see docs/market.md "Nesting"), a member's
 * buy step is eligible when its limit ≥ p and a sell step when its limit ≤ p (limits clamped to
 * the node's price bounds first, as the call auction does). With B and S the eligible buy and
 * sell totals and N the net energy the parent awarded (bought − sold by the node):
 *
 *   sold Sq = min(S, B − N), bought Bq = Sq + N,
 *
 * that is, the members trade with each other as much as their curves allow and the parent covers
 * exactly N. When the award is the node's full net demand at p (N = B − S), every eligible step
 * is filled: each member gets its own curve's net demand at p. When it is less (the parent rationed
 * the node), the long side is filled in price priority (the highest buys, the lowest sells first),
 * whole price levels first, and the last admitted level shares what is left pro rata to quantity
 * (floors, then one unit each by largest remainder, ties in input order): the call auction's own
 * rule, applied inside the node.
 */
import { marketError } from "../errors.js";
import type { CurveStep } from "../types.js";

interface Entry {
  readonly member: number;
  readonly order: number;
  readonly price: number;
  readonly quantity: number;
}

/** Bought and sold energy per member (parallel to `bids`), in quantity units. */
export interface Allocation {
  readonly bought: Float64Array;
  readonly sold: Float64Array;
}

/**
 * Shares a net award `net` (bought − sold, quantity units) among members bidding `bids` at price
 * `price`. "overflow" when the award is more than the members' eligible steps can take.
 */
export function allocateAtPrice(
  bids: readonly (readonly CurveStep[])[],
  price: number,
  net: number,
  minPrice = Number.MIN_SAFE_INTEGER,
  maxPrice = Number.MAX_SAFE_INTEGER,
): Allocation {
  const buys: Entry[] = [];
  const sells: Entry[] = [];
  let B = 0;
  let S = 0;
  let order = 0;
  for (let m = 0; m < bids.length; m++) {
    const steps = bids[m] as readonly CurveStep[];
    for (let k = 0; k < steps.length; k++) {
      const st = steps[k] as CurveStep;
      const limit = st.price < minPrice ? minPrice : st.price > maxPrice ? maxPrice : st.price;
      if (st.side === "buy") {
        if (limit >= price) {
          buys.push({ member: m, order: order++, price: limit, quantity: st.quantity });
          B += st.quantity;
        }
      } else if (limit <= price) {
        sells.push({ member: m, order: order++, price: limit, quantity: st.quantity });
        S += st.quantity;
      }
    }
  }
  // members trade with each other as far as both sides allow; the parent covers exactly `net`
  const sq = Math.min(S, B - net);
  const bq = sq + net;
  if (sq < 0 || bq < 0 || bq > B || sq > S)
    throw marketError(
      "overflow",
      "/award",
      `an award of ${net} units at price ${price} does not fit the members' bids (buy ${B}, sell ${S} eligible)`,
      net,
    );
  const bought = new Float64Array(bids.length);
  const sold = new Float64Array(bids.length);
  buys.sort((x, y) => y.price - x.price || x.order - y.order);
  sells.sort((x, y) => x.price - y.price || x.order - y.order);
  fill(buys, bq, bought);
  fill(sells, sq, sold);
  return { bought, sold };
}

/** Fills `total` from entries in priority order: whole price levels, then the marginal level pro rata. */
function fill(entries: readonly Entry[], total: number, into: Float64Array): void {
  let left = total;
  let k = 0;
  while (k < entries.length && left > 0) {
    const price = (entries[k] as Entry).price;
    let end = k;
    let levelQ = 0;
    while (end < entries.length && (entries[end] as Entry).price === price)
      levelQ += (entries[end++] as Entry).quantity;
    if (levelQ <= left) {
      for (let m = k; m < end; m++) {
        const e = entries[m] as Entry;
        into[e.member] = (into[e.member] as number) + e.quantity;
      }
      left -= levelQ;
    } else {
      prorate(entries.slice(k, end), left, levelQ, into);
      left = 0;
    }
    k = end;
  }
}

function prorate(
  level: readonly Entry[],
  amount: number,
  levelQ: number,
  into: Float64Array,
): void {
  const A = BigInt(amount);
  const T = BigInt(levelQ);
  const shares = level.map((e) => {
    const num = A * BigInt(e.quantity);
    return { e, share: num / T, rem: num % T };
  });
  let given = 0n;
  for (const x of shares) given += x.share;
  const extra = Number(A - given);
  const byRemainder = [...shares].sort((a, b) =>
    a.rem === b.rem ? a.e.order - b.e.order : a.rem > b.rem ? -1 : 1,
  );
  for (let n = 0; n < extra; n++) (byRemainder[n] as { share: bigint }).share += 1n;
  for (const x of shares) into[x.e.member] = (into[x.e.member] as number) + Number(x.share);
}
