/**
 * The market's public data: orders and fills of the continuous double auction, bid curves and
 * results of the uniform-price call auction. Plain readonly objects; every number is a
 * fixed-point Price or Quantity (units.ts), never a float.
 */
import type { Money, Price, Quantity } from "./units.js";

/** Which way an order or a curve step trades energy. */
export type Side = "buy" | "sell";

/** A limit order submitted to an interval's book (in EI terms: a tender). */
export interface OrderInput {
  /** unique among the book's resting orders (e.g. the EI tenderID) */
  readonly id: string;
  /** the party that owns it (e.g. the EI party ID): self-trade prevention compares owners */
  readonly owner: string;
  readonly side: Side;
  /** limit price: a buy never pays more, a sell never receives less */
  readonly price: Price;
  /** energy for the interval, > 0 */
  readonly quantity: Quantity;
}

/** An order resting in the book. */
export interface RestingOrder {
  readonly id: string;
  readonly owner: string;
  readonly side: Side;
  readonly price: Price;
  /** open quantity (what is left after fills and quantity decreases) */
  readonly quantity: Quantity;
  /** time priority: the book's event sequence number when it got its place in the queue */
  readonly priority: number;
}

/** One trade (in EI terms: a transaction), at the resting order's price. */
export interface Fill {
  /** the book's trade number, from 1, in execution order */
  readonly seq: number;
  readonly buyOrderId: string;
  readonly sellOrderId: string;
  readonly buyer: string;
  readonly seller: string;
  /** the resting (maker) order's price */
  readonly price: Price;
  readonly quantity: Quantity;
  /** the side of the incoming (taker) order */
  readonly aggressor: Side;
}

/** What a submission did. */
export interface SubmitResult {
  readonly id: string;
  /** trades it made, in execution order */
  readonly fills: readonly Fill[];
  /** open quantity left resting in the book (0 when filled or cancelled) */
  readonly remaining: Quantity;
  /** resting orders of the same owner cancelled by self-trade prevention ("cancel-resting") */
  readonly selfTradeCancelled: readonly string[];
  /** true when self-trade prevention ("cancel-incoming") cancelled the rest of this order */
  readonly cancelledBySelfTrade: boolean;
}

/** A change of a resting order: a new limit price and/or a new open quantity. */
export interface ReplaceInput {
  readonly price?: Price;
  /** the new open quantity, > 0 */
  readonly quantity?: Quantity;
}

/** What a replacement did. */
export interface ReplaceResult extends SubmitResult {
  /** true when only the quantity decreased: the order kept its place in the queue */
  readonly keptPriority: boolean;
}

/** Self-trade prevention: what happens when an order would trade with one of its owner's. */
export type SelfTradePolicy = "cancel-resting" | "cancel-incoming";

/** Options of an OrderBook. */
export interface OrderBookOptions {
  /** a label for the delivery interval (e.g. its start time); copied into nothing, for the caller */
  readonly interval?: string;
  /** limit prices must be multiples of this (default 1 unit = 1e-9 currency per kWh) */
  readonly tick?: Price;
  /** inclusive price bounds; orders outside are refused with "bad-price" */
  readonly minPrice?: Price;
  readonly maxPrice?: Price;
  /** default "cancel-resting" */
  readonly selfTrade?: SelfTradePolicy;
}

/** One price level of a side of the book. */
export interface BookLevel {
  readonly price: Price;
  /** open quantity at this price */
  readonly quantity: Quantity;
  readonly orders: number;
}

/** The best prices (EI quote of the book top). */
export interface BookTop {
  readonly bestBid?: Price;
  readonly bestBidQuantity: Quantity;
  readonly bestAsk?: Price;
  readonly bestAskQuantity: Quantity;
}

/**
 * One step of a bid curve: a buy step of q at limit L demands q at every price ≤ L; a sell step
 * of q at limit L offers q at every price ≥ L. Any monotone (non-increasing) net-demand step
 * curve is a set of such steps.
 */
export interface CurveStep {
  readonly side: Side;
  readonly price: Price;
  readonly quantity: Quantity;
}

/** A bidder's curve for one interval in a call auction. */
export interface BidCurve {
  readonly bidder: string;
  readonly steps: readonly CurveStep[];
}

/** A point of a curve given as net demand: at `price` and above (until the next point), net demand is `quantity` (negative = selling). */
export interface CurvePoint {
  readonly price: Price;
  readonly quantity: Quantity;
}

/**
 * A net-demand step function over prices (aggregate of curves): net(p) = `below` for p under
 * the first break, else the `quantity` of the last break whose price ≤ p. Non-increasing.
 */
export interface NetCurve {
  /** net demand at every price below the first break (the total of all buy steps) */
  readonly below: Quantity;
  /** strictly ascending prices, strictly decreasing quantities */
  readonly breaks: readonly CurvePoint[];
}

/** Options of a call auction. */
export interface CallAuctionOptions {
  /** price floor: limit prices below it count as this price (default: none) */
  readonly minPrice?: Price;
  /** price cap: limit prices above it count as this price (default: none) */
  readonly maxPrice?: Price;
}

/** Why a call auction traded or did not. */
export type CallAuctionOutcome =
  /** curves crossed: a price and a positive quantity */
  | "cleared"
  /** both sides bid but the best buy limit is below the best sell limit */
  | "no-crossing"
  /** only buyers or only sellers */
  | "one-sided"
  /** no steps at all */
  | "empty";

/** A bidder's award at the uniform price. */
export interface Award {
  readonly bidder: string;
  readonly bought: Quantity;
  readonly sold: Quantity;
  /** bought - sold, at the clearing price: what the bidder pays (negative: receives) */
  readonly net: Quantity;
  readonly value: Money;
}

/** Result of clearing one interval's call auction. */
export interface CallAuctionResult {
  readonly outcome: CallAuctionOutcome;
  /** uniform clearing price; absent unless the outcome is "cleared" */
  readonly price?: Price;
  /** prices that all give the maximal traded quantity: [low, high], absent unless cleared */
  readonly priceRange?: { readonly low: Price; readonly high: Price };
  /** traded energy (= total bought = total sold) */
  readonly quantity: Quantity;
  /** demand and supply at the clearing price, before rationing */
  readonly demand: Quantity;
  readonly supply: Quantity;
  /** the rationed side: marginal units of its last admitted price level share pro rata */
  readonly rationed: Side | "none";
  /** best buy and sell limits (after the floor/cap), when there are some */
  readonly bestBid?: Price;
  readonly bestAsk?: Price;
  /** one per bidder with a non-zero award, in the order bidders first appear in the input */
  readonly awards: readonly Award[];
}
