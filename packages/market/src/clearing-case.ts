/**
 * Clearing cases in the ../shared/market-oracles format (README there): one GridLAB-D auction or
 * one PowerMatcher bid set, read from parsed JSON with every problem reported at its JSON path,
 * cleared by the matching rule, and written back with the field names of the case's `expected`.
 */
import type { Decimal, DecimalInput } from "@transactive/emix";
import { marketError } from "./errors.js";
import {
  type ClearingType,
  clearGridlabd,
  type GridlabdAuction,
  type GridlabdBid,
  type GridlabdSpecialMode,
} from "./gridlabd.js";
import {
  aggregatePowerMatcherBids,
  type MarketBasis,
  powerMatcherEquilibrium,
} from "./powermatcher.js";

/** A GridLAB-D call-auction case: the bids in submission order (buyers' quantities negated). */
export interface GridlabdCase {
  readonly family: "gridlabd";
  readonly id?: string;
  readonly auction: GridlabdAuction;
  readonly bids: readonly GridlabdBid[];
}

/** A PowerMatcher bid-curve case. */
export interface PowerMatcherCase {
  readonly family: "powermatcher";
  readonly id?: string;
  readonly basis: MarketBasis;
  readonly bids: readonly (readonly DecimalInput[])[];
}

/** One clearing problem of either family. */
export type ClearingCase = GridlabdCase | PowerMatcherCase;

/** A GridLAB-D case's result, with the field names of the case format's `expected`. */
export interface GridlabdCaseResult {
  readonly price: Decimal;
  readonly quantity: Decimal;
  readonly clearing_type: ClearingType;
  readonly marginal_quantity: Decimal;
  readonly buyer_total_quantity: Decimal;
  readonly seller_total_quantity: Decimal;
  readonly seller_min_price: Decimal;
}

/** A PowerMatcher case's result: the rejected bid indices, the exact aggregate and the unrounded equilibrium price. */
export interface PowerMatcherCaseResult {
  readonly rejected_bids: readonly number[];
  readonly aggregate: readonly Decimal[];
  readonly price: Decimal;
}

/** The result of either family. */
export type ClearingCaseResult = GridlabdCaseResult | PowerMatcherCaseResult;

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function need(o: Json, key: string, path: string): unknown {
  if (!(key in o) || o[key] === undefined)
    throw marketError("missing", `${path}/${key}`, `"${key}" is required`);
  return o[key];
}

function number(v: unknown, path: string): number {
  if (typeof v !== "number" || !Number.isFinite(v))
    throw marketError("bad-value", path, `expected a number, got ${JSON.stringify(v)}`, v);
  return v;
}

function optionalNumber(o: Json, key: string, path: string): number | undefined {
  return o[key] === undefined || o[key] === null ? undefined : number(o[key], `${path}/${key}`);
}

/**
 * Reads a parsed case. The family comes from `rule` ("gridlabd-auction") or `kind`
 * ("call-auction"; "bid-curve-…" or "bid-validation" for PowerMatcher). Throws a MarketError
 * naming the JSON path of the first problem ("/buyers[2]/price").
 */
export function readClearingCase(json: unknown): ClearingCase {
  if (!isObject(json)) throw marketError("bad-value", "", "a clearing case must be a JSON object");
  const rule = json.rule;
  const kind = json.kind;
  const id = typeof json.id === "string" ? { id: json.id } : {};
  if (rule === "gridlabd-auction" || (rule === undefined && kind === "call-auction"))
    return { family: "gridlabd", ...id, ...readGridlabd(json) };
  if (
    rule === undefined &&
    typeof kind === "string" &&
    (kind.startsWith("bid-curve") || kind === "bid-validation")
  )
    return { family: "powermatcher", ...id, ...readPowerMatcher(json) };
  if (rule !== undefined)
    throw marketError(
      "not-supported",
      "/rule",
      `unknown clearing rule ${JSON.stringify(rule)}: expected "gridlabd-auction"`,
      rule,
    );
  throw marketError(
    kind === undefined ? "missing" : "not-supported",
    "/kind",
    `cannot tell the case family from kind ${JSON.stringify(kind)}: expected "call-auction", "bid-curve-…" or "bid-validation"`,
    kind,
  );
}

function readGridlabd(json: Json): { auction: GridlabdAuction; bids: GridlabdBid[] } {
  const a = need(json, "auction", "");
  if (!isObject(a)) throw marketError("bad-value", "/auction", "auction must be an object");
  const mode = a.special_mode ?? "NONE";
  if (mode !== "NONE" && mode !== "SELLERS_ONLY" && mode !== "BUYERS_ONLY")
    throw marketError(
      "bad-value",
      "/auction/special_mode",
      `special_mode must be NONE, SELLERS_ONLY or BUYERS_ONLY, got ${JSON.stringify(mode)}`,
      mode,
    );
  const auction: { -readonly [K in keyof GridlabdAuction]: GridlabdAuction[K] } = {
    specialMode: mode as GridlabdSpecialMode,
  };
  const cap = optionalNumber(a, "price_cap", "/auction");
  if (cap !== undefined) auction.priceCap = cap;
  const fixedPrice = optionalNumber(a, "fixed_price", "/auction");
  if (fixedPrice !== undefined) auction.fixedPrice = fixedPrice;
  const fixedQuantity = optionalNumber(a, "fixed_quantity", "/auction");
  if (fixedQuantity !== undefined) {
    if (fixedQuantity < 0 && mode !== "NONE")
      throw marketError(
        "bad-value",
        "/auction/fixed_quantity",
        "fixed_quantity is negative",
        fixedQuantity,
      );
    auction.fixedQuantity = fixedQuantity;
  }
  const off = optionalNumber(a, "bid_offset", "/auction");
  if (off !== undefined) auction.bidOffset = off;
  const k = optionalNumber(a, "clearing_scalar", "/auction");
  if (k !== undefined) auction.clearingScalar = k;
  const bids: GridlabdBid[] = [];
  for (const [side, sign] of [
    ["buyers", -1],
    ["sellers", 1],
  ] as const) {
    const list = json[side] ?? [];
    if (!Array.isArray(list))
      throw marketError("bad-value", `/${side}`, `${side} must be an array`);
    list.forEach((bid: unknown, i) => {
      const at = `/${side}[${i}]`;
      if (!isObject(bid)) throw marketError("bad-value", at, "a bid must be an object");
      const price = number(need(bid, "price", at), `${at}/price`);
      const quantity = number(need(bid, "quantity", at), `${at}/quantity`);
      const bidder = need(bid, "bidder", at);
      if (typeof bidder !== "string" || bidder === "")
        throw marketError("bad-value", `${at}/bidder`, "bidder must be a non-empty string", bidder);
      // GridLAB-D's stub bidders submit −quantity for a BUYER and +quantity for a SELLER
      bids.push({ bidder, price, quantity: sign < 0 ? -quantity : quantity });
    });
  }
  return { auction, bids };
}

function readPowerMatcher(json: Json): { basis: MarketBasis; bids: number[][] } {
  const b = need(json, "market_basis", "");
  if (!isObject(b))
    throw marketError("bad-value", "/market_basis", "market_basis must be an object");
  const basis: MarketBasis = {
    priceSteps: number(need(b, "price_steps", "/market_basis"), "/market_basis/price_steps"),
    minPrice: number(need(b, "min_price", "/market_basis"), "/market_basis/min_price"),
    maxPrice: number(need(b, "max_price", "/market_basis"), "/market_basis/max_price"),
  };
  const list = need(json, "bids", "");
  if (!Array.isArray(list)) throw marketError("bad-value", "/bids", "bids must be an array");
  const bids = list.map((bid: unknown, i) => {
    if (!Array.isArray(bid))
      throw marketError("bad-value", `/bids[${i}]`, "a bid must be an array of demands");
    return bid.map((v: unknown, j) => number(v, `/bids[${i}][${j}]`));
  });
  return { basis, bids };
}

/** Clears a case by its family's rule. */
export function clearCase(c: ClearingCase): ClearingCaseResult {
  if (c.family === "gridlabd") {
    const r = clearGridlabd(c.bids, c.auction);
    return {
      price: r.price,
      quantity: r.quantity,
      clearing_type: r.clearingType,
      marginal_quantity: r.marginalQuantity,
      buyer_total_quantity: r.buyerTotalQuantity,
      seller_total_quantity: r.sellerTotalQuantity,
      seller_min_price: r.sellerMinPrice,
    };
  }
  const { rejected, aggregate } = aggregatePowerMatcherBids(c.basis, c.bids);
  return {
    rejected_bids: rejected.map((r) => r.index),
    aggregate,
    price: powerMatcherEquilibrium(c.basis, aggregate),
  };
}

/** Places written for a value with no finite decimal form (a PowerMatcher price can be one). */
const NON_TERMINATING_PLACES = 18;

/**
 * The result as one line of JSON. Decimals are written as JSON number literals with their exact
 * digits ("20.0001", "-3"); a value with no finite decimal form is rounded half-even to 18 places.
 */
export function clearingCaseToJson(result: ClearingCaseResult): string {
  const write = (v: unknown): string => {
    if (typeof v === "object" && v !== null && "num" in v && "den" in v) {
      const d = v as Decimal;
      return d.isTerminating()
        ? d.toString()
        : d.toFixed(NON_TERMINATING_PLACES, "half-even").replace(/\.?0+$/, "");
    }
    if (Array.isArray(v)) return `[${v.map(write).join(",")}]`;
    return JSON.stringify(v);
  };
  const fields = Object.entries(result).map(([k, v]) => `${JSON.stringify(k)}:${write(v)}`);
  return `{${fields.join(",")}}`;
}
