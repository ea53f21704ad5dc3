/**
 * The GridLAB-D-compatible pricing option: GridLAB-D's `auction::clear_market` rule for one
 * clearing of a uniform-price call auction on single price/quantity bids, reproduced exactly as
 * docs/market.md states it (special modes, bid replacement, price cap, bid_offset,
 * clearing_scalar, the six clearing types). GridLAB-D computes in doubles; this computes in
 * exact decimals (emix Decimal), so results are GridLAB-D's values without its rounding noise.
 */
import { Decimal, type DecimalInput } from "@transactive/emix";
import { marketError } from "./errors.js";

/** GridLAB-D's clearing types. */
export type ClearingType =
  | "NULL"
  | "MARGINAL_SELLER"
  | "MARGINAL_BUYER"
  | "MARGINAL_PRICE"
  | "EXACT"
  | "FAILURE";

/** GridLAB-D's special modes (single-sided auctions against a fixed price or quantity). */
export type GridlabdSpecialMode = "NONE" | "SELLERS_ONLY" | "BUYERS_ONLY";

/** The auction's parameters; every number is an exact decimal (a JSON number is read through its shortest form). */
export interface GridlabdAuction {
  /** price cap (default 9999): bid prices above it are cut to it, the clearing price is clamped to ±cap */
  readonly priceCap?: DecimalInput;
  readonly specialMode?: GridlabdSpecialMode;
  /** SELLERS_ONLY / BUYERS_ONLY: the fixed price (used when fixedQuantity is 0) */
  readonly fixedPrice?: DecimalInput;
  /** SELLERS_ONLY / BUYERS_ONLY: the fixed quantity (> 0 selects the quantity walk; < 0 is refused) */
  readonly fixedQuantity?: DecimalInput;
  /** default 0.0001 */
  readonly bidOffset?: DecimalInput;
  /** default 0.5 */
  readonly clearingScalar?: DecimalInput;
}

/** One submitted bid: quantity < 0 buys |quantity|, > 0 sells, 0 is ignored (GridLAB-D's sign convention). */
export interface GridlabdBid {
  readonly bidder: string;
  readonly price: DecimalInput;
  readonly quantity: DecimalInput;
}

/** The clearing, with GridLAB-D's market frame fields. */
export interface GridlabdResult {
  readonly price: Decimal;
  readonly quantity: Decimal;
  readonly clearingType: ClearingType;
  readonly marginalQuantity: Decimal;
  readonly buyerTotalQuantity: Decimal;
  readonly sellerTotalQuantity: Decimal;
  /** the lowest seller price (0 without sellers) */
  readonly sellerMinPrice: Decimal;
}

interface Bid {
  readonly bidder: string;
  readonly price: Decimal;
  /** positive */
  readonly quantity: Decimal;
}

const ZERO = Decimal.ZERO;

/**
 * Clears one GridLAB-D auction over `bids` in submission order: a later bid of the same bidder
 * replaces its earlier one in place (moving side when the sign changed). Bad input (a bad
 * decimal, a negative fixed quantity, an unknown mode) throws a MarketError naming `path`.
 */
export function clearGridlabd(
  bids: readonly GridlabdBid[],
  auction: GridlabdAuction = {},
  path = "",
): GridlabdResult {
  const num = (v: DecimalInput | undefined, dflt: string, at: string): Decimal => {
    try {
      return Decimal.of(v ?? dflt, at);
    } catch {
      throw marketError("bad-value", at, `${JSON.stringify(v)} is not a decimal number`, v);
    }
  };
  const cap = num(auction.priceCap, "9999", `${path}/price_cap`);
  const off = num(auction.bidOffset, "0.0001", `${path}/bid_offset`);
  const k = num(auction.clearingScalar, "0.5", `${path}/clearing_scalar`);
  const fixedPrice = num(auction.fixedPrice, "0", `${path}/fixed_price`);
  const fixedQuantity = num(auction.fixedQuantity, "0", `${path}/fixed_quantity`);
  const mode = auction.specialMode ?? "NONE";
  if (mode !== "NONE" && mode !== "SELLERS_ONLY" && mode !== "BUYERS_ONLY")
    throw marketError(
      "bad-value",
      `${path}/special_mode`,
      `special_mode must be NONE, SELLERS_ONLY or BUYERS_ONLY, got ${JSON.stringify(mode)}`,
      mode,
    );
  if (mode !== "NONE" && fixedQuantity.sign() < 0)
    throw marketError(
      "bad-value",
      `${path}/fixed_quantity`,
      "fixed_quantity is negative",
      fixedQuantity.toJSON(),
    );

  const { buyers, sellers } = intake(bids, cap, path);
  // stable sorts: buyers by price descending, sellers ascending
  const B = buyers.slice().sort((x, y) => y.price.cmp(x.price));
  const S = sellers.slice().sort((x, y) => x.price.cmp(y.price));
  const buyerTotal = total(B);
  const sellerTotal = total(S);
  const sellerMin = S.length > 0 ? (S[0] as Bid).price : ZERO;

  let P: Decimal;
  let Q: Decimal;
  let type: ClearingType;
  if (mode === "SELLERS_ONLY" || mode === "BUYERS_ONLY") {
    const side = mode === "SELLERS_ONLY" ? S : B;
    const marginal: ClearingType = mode === "SELLERS_ONLY" ? "MARGINAL_SELLER" : "MARGINAL_BUYER";
    ({ P, Q, type } = singleSided(
      side,
      mode === "SELLERS_ONLY",
      fixedPrice,
      fixedQuantity,
      off,
      marginal,
    ));
  } else if (B.length > 0 && S.length > 0) {
    ({ P, Q, type } = twoSided(B, S, cap, off, k));
  } else {
    Q = ZERO;
    type = "NULL";
    P =
      S.length > 0
        ? (S[0] as Bid).price.sub(off)
        : B.length > 0
          ? (B[0] as Bid).price.add(off)
          : ZERO;
  }

  let marginalQuantity = ZERO;
  if (type === "MARGINAL_BUYER") marginalQuantity = Q.sub(leadingSum(B, (p) => p.cmp(P) > 0));
  else if (type === "MARGINAL_SELLER") marginalQuantity = Q.sub(leadingSum(S, (p) => p.cmp(P) < 0));

  if (P.cmp(cap.neg()) < 0) P = cap.neg();
  else if (P.cmp(cap) > 0) P = cap;

  return {
    price: P,
    quantity: Q,
    clearingType: type,
    marginalQuantity,
    buyerTotalQuantity: buyerTotal,
    sellerTotalQuantity: sellerTotal,
    sellerMinPrice: sellerMin,
  };
}

/** Bid intake: sign → side, cap cut, zero ignored, a bidder's later bid replaces its earlier one. */
function intake(
  bids: readonly GridlabdBid[],
  cap: Decimal,
  path: string,
): { buyers: Bid[]; sellers: Bid[] } {
  const buyers: Bid[] = [];
  const sellers: Bid[] = [];
  const where = new Map<string, { list: Bid[]; index: number }>();
  bids.forEach((raw, n) => {
    const at = `${path}/bids[${n}]`;
    if (typeof raw.bidder !== "string" || raw.bidder === "")
      throw marketError(
        "bad-order",
        `${at}/bidder`,
        "a bid needs a non-empty bidder name",
        raw.bidder,
      );
    let price: Decimal;
    let q: Decimal;
    try {
      price = Decimal.of(raw.price, `${at}/price`);
    } catch {
      throw marketError(
        "bad-price",
        `${at}/price`,
        `${JSON.stringify(raw.price)} is not a decimal number`,
        raw.price,
      );
    }
    try {
      q = Decimal.of(raw.quantity, `${at}/quantity`);
    } catch {
      throw marketError(
        "bad-quantity",
        `${at}/quantity`,
        `${JSON.stringify(raw.quantity)} is not a decimal number`,
        raw.quantity,
      );
    }
    if (q.isZero()) return; // GridLAB-D ignores zero-quantity bids
    if (price.cmp(cap) > 0) price = cap;
    const list = q.sign() < 0 ? buyers : sellers;
    const bid: Bid = { bidder: raw.bidder, price, quantity: q.abs() };
    const prev = where.get(raw.bidder);
    if (prev !== undefined && prev.list === list) {
      list[prev.index] = bid;
      return;
    }
    if (prev !== undefined) {
      prev.list.splice(prev.index, 1);
      for (const w of where.values()) if (w.list === prev.list && w.index > prev.index) w.index--;
    }
    where.set(raw.bidder, { list, index: list.length });
    list.push(bid);
  });
  return { buyers, sellers };
}

function total(bids: readonly Bid[]): Decimal {
  let t = ZERO;
  for (const b of bids) t = t.add(b.quantity);
  return t;
}

/** Σq of the leading bids (in sorted order) whose price satisfies `pred`. */
function leadingSum(bids: readonly Bid[], pred: (p: Decimal) => boolean): Decimal {
  let t = ZERO;
  for (const b of bids) {
    if (!pred(b.price)) break;
    t = t.add(b.quantity);
  }
  return t;
}

interface Clearing {
  P: Decimal;
  Q: Decimal;
  type: ClearingType;
}

function singleSided(
  side: readonly Bid[],
  sellers: boolean,
  fixedPrice: Decimal,
  fixedQuantity: Decimal,
  off: Decimal,
  marginal: ClearingType,
): Clearing {
  if (fixedQuantity.sign() > 0) {
    let sum = ZERO;
    let price = ZERO;
    for (const b of side) {
      if (sum.cmp(fixedQuantity) >= 0) break;
      price = b.price;
      sum = sum.add(b.quantity);
    }
    const c = sum.cmp(fixedQuantity);
    if (c > 0) return { P: price, Q: fixedQuantity, type: marginal };
    if (c === 0) return { P: price, Q: sum, type: "EXACT" };
    const first = side[0];
    const P = first === undefined ? ZERO : sellers ? first.price.sub(off) : first.price.add(off);
    return { P, Q: ZERO, type: "FAILURE" };
  }
  let Q = ZERO;
  for (const b of side) {
    const c = b.price.cmp(fixedPrice);
    if (sellers ? c > 0 : c < 0) break;
    Q = Q.add(b.quantity);
  }
  return { P: fixedPrice, Q, type: Q.sign() > 0 ? "EXACT" : "NULL" };
}

function twoSided(
  B: readonly Bid[],
  S: readonly Bid[],
  cap: Decimal,
  off: Decimal,
  k: Decimal,
): Clearing {
  const nB = B.length;
  const nS = S.length;
  const negCap = cap.neg();
  let UB = ZERO;
  for (const b of B) if (b.price.eq(cap)) UB = UB.add(b.quantity);
  let US = ZERO;
  for (const s of S) if (s.price.eq(negCap)) US = US.add(s.quantity);

  let i = 0;
  let j = 0;
  let D = ZERO;
  let Sq = ZERO;
  let Q = ZERO;
  let a = cap;
  let b = negCap;
  let check = false;
  let type: ClearingType = "NULL";
  let P = ZERO;
  const buyAt = () => B[Math.min(i, nB - 1)] as Bid;
  const sellAt = () => S[Math.min(j, nS - 1)] as Bid;
  while (i < nB && j < nS && (B[i] as Bid).price.cmp((S[j] as Bid).price) >= 0) {
    const bi = B[i] as Bid;
    const sj = S[j] as Bid;
    const bq = D.add(bi.quantity);
    const sq = Sq.add(sj.quantity);
    const c = bq.cmp(sq);
    if (c > 0) {
      Q = sq;
      Sq = sq;
      a = bi.price;
      b = bi.price;
      j++;
      check = false;
      type = "MARGINAL_BUYER";
    } else if (c < 0) {
      Q = bq;
      D = bq;
      a = sj.price;
      b = sj.price;
      i++;
      check = false;
      type = "MARGINAL_SELLER";
    } else {
      Q = bq;
      D = bq;
      Sq = bq;
      a = bi.price;
      b = sj.price;
      i++;
      j++;
      check = true;
    }
  }
  if (a.eq(b)) P = a;
  if (check) {
    P = a;
    const buy = buyAt();
    const sell = sellAt();
    const buyerOut = i === nB;
    const sellerOut = j === nS;
    if (buyerOut || sellerOut) {
      if (buyerOut && sellerOut) type = a.eq(b) ? "EXACT" : "MARGINAL_PRICE";
      else if (buyerOut && b.eq(sell.price)) type = "MARGINAL_SELLER";
      else if (sellerOut && a.eq(buy.price)) type = "MARGINAL_BUYER";
      else type = a.eq(b) ? "EXACT" : "MARGINAL_PRICE";
    } else {
      const aIsBuy = a.eq(buy.price);
      const bIsSell = b.eq(sell.price);
      if (!aIsBuy && !bIsSell && a.eq(b)) type = "EXACT";
      else if (aIsBuy && !bIsSell) type = "MARGINAL_BUYER";
      else if (!aIsBuy && bIsSell) {
        type = "MARGINAL_SELLER";
        P = b;
      } else if (aIsBuy && bIsSell) {
        // type unchanged: as the walk last set it
      } else type = "MARGINAL_PRICE";
    }
    if (type === "MARGINAL_PRICE") {
      const avg = a.add(b).div(2);
      const hi = buyerOut ? a : buy.price;
      const lo = sellerOut ? b : sell.price;
      if (a.eq(cap) && !b.eq(negCap)) P = buy.price.cmp(b) > 0 ? buy.price.add(off) : b;
      else if (!a.eq(cap) && b.eq(negCap)) P = sell.price.cmp(a) < 0 ? sell.price.sub(off) : a;
      else if (a.eq(cap) && b.eq(negCap)) {
        if (buyerOut && sellerOut) P = ZERO;
        else if (buyerOut) P = buy.price.add(off);
        else if (j === nB)
          P = sell.price.sub(off); // sic: GridLAB-D compares j with the buyer count
        else P = hi.add(lo).div(2);
      } else if (!buyerOut && buy.price.eq(a)) P = a;
      else if (!sellerOut && sell.price.eq(b)) P = b;
      else if (!buyerOut && avg.cmp(buy.price) < 0) P = hi.add(off);
      else if (!sellerOut && avg.cmp(sell.price) > 0) P = lo.sub(off);
      else P = avg;
    }
  }
  const B0 = B[0] as Bid;
  const S0 = S[0] as Bid;
  if (Q.isZero()) {
    type = "NULL";
    if (S0.price.eq(cap)) P = B0.price.add(off);
    else if (B0.price.eq(negCap)) P = S0.price.sub(off);
    else P = S0.price.add(B0.price.sub(S0.price).mul(k));
  } else if (Q.cmp(UB) < 0) {
    type = "FAILURE";
    P = cap;
  } else if (Q.cmp(US) < 0) {
    type = "FAILURE";
    P = negCap;
  } else if (Q.eq(UB) && Q.eq(US)) {
    type = "MARGINAL_PRICE";
    P = ZERO;
  }
  return { P, Q, type };
}
