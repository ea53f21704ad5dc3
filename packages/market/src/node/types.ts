/**
 * The data of a market node and its members: delivery intervals, bids, quotes, awards and
 * transactions. An in-process member (an Agent or a child MarketNode) and a remote party (through
 * the EI binding) see the same objects; every number is a fixed-point Price, Quantity or Money.
 */
import type { CallAuctionOutcome, CurveStep, Side } from "../types.js";
import type { Money, Price, Quantity } from "../units.js";

/** The clearing mechanism of a market node: continuous double auction or uniform-price call auction. */
export type ClearingMechanism = "cda" | "call";

/** One delivery interval of a market node: the product traded (energy delivered over it). */
export interface DeliveryInterval {
  /** position from the node's epoch: start = epochMs + index × seconds × 1000 */
  readonly index: number;
  /** start, epoch milliseconds */
  readonly startMs: number;
  /** end (the next interval's start), epoch milliseconds */
  readonly endMs: number;
  /** length in seconds (the node's interval duration) */
  readonly seconds: number;
  /** when the gate closes: no tender or curve is taken for the interval from then on */
  readonly gateClosureMs: number;
}

/**
 * A member's bid for one interval: its net-demand curve as buy and sell steps (a buy step of q at
 * limit L buys q at any price ≤ L; a sell step offers q at any price ≥ L). In a call auction the
 * steps are the member's curve; in a continuous double auction each step is one limit order
 * (tender). An empty array bids nothing.
 */
export type Bid = readonly CurveStep[];

/** The published price of an interval (an EI quote): the clearing price, or the book top of a CDA. */
export interface Quote {
  readonly marketContext: string;
  readonly interval: DeliveryInterval;
  /**
   * call: the uniform clearing price; cda: the last trade's price; in a child node: the price it
   * settled its members at. Absent when nothing traded.
   */
  readonly price?: Price;
  /** best remaining buy and sell limits after clearing (the book top / the curves' best prices) */
  readonly bestBid?: Price;
  readonly bestAsk?: Price;
  /** energy traded in the interval at this node (each unit counted once) */
  readonly quantity: Quantity;
  /** why it traded or did not (call-auction outcomes; a CDA reports "cleared" when it traded) */
  readonly outcome: CallAuctionOutcome;
}

/**
 * One side of one trade, for one party (an EI transaction): in a call auction one per awarded
 * member and interval (its net award at the uniform price), in a CDA one per fill and party.
 */
export interface NodeTransaction {
  /** unique in the node: "<marketContext>#<interval index>#<seq>" */
  readonly id: string;
  readonly interval: DeliveryInterval;
  /** the member or remote party */
  readonly party: string;
  /** the tender (order) it filled, for a CDA fill or a remote tender; absent for a curve award */
  readonly tenderId?: string;
  readonly side: Side;
  readonly price: Price;
  /** energy, > 0 */
  readonly quantity: Quantity;
  /** price × quantity, exact; what the buyer pays and the seller receives */
  readonly value: Money;
}

/** What a member got in one interval: its transactions and their sums. */
export interface MemberAward {
  readonly interval: DeliveryInterval;
  /** energy bought minus energy sold (negative: the member delivers energy) */
  readonly net: Quantity;
  readonly bought: Quantity;
  readonly sold: Quantity;
  /** money paid minus money received (negative: the member is paid), exact */
  readonly cost: Money;
  /** the price the member's award was settled at (call: the uniform price) when one applies */
  readonly price?: Price;
  readonly transactions: readonly NodeTransaction[];
}

/**
 * A market participant living in the same process as its node. It uses only its own state, its
 * owner's preferences and public prices (quotes). The node calls, per interval and in this order:
 * `bid` at gate closure, then `award` with the outcome (also when nothing was awarded), then
 * `observe` with the interval's public quote; `deliver` once the interval has passed (the
 * simulation's physics step: the member delivers or consumes what it was awarded).
 */
export interface Agent {
  /** unique among the node's members; the bidder/owner name in the node's book or auction */
  readonly id: string;
  /** The bid for `interval`, or an empty array. Called once per interval at gate closure. */
  bid(interval: DeliveryInterval): Bid;
  /** The member's award for the interval (net energy, cost, transactions). */
  award(award: MemberAward): void;
  /** The interval's public quote, after clearing. */
  observe?(quote: Quote): void;
  /** The interval has passed: apply the award to the physical state (energy stored, temperature…). */
  deliver?(interval: DeliveryInterval): void;
}

/** A member of a node: an agent, or a child node that joins as one agent. */
export type Member = Agent;

/** Events a node publishes to subscribers (e.g. the EI binding pushing EiCreateTransaction and quotes). */
export type MarketEvent =
  | { readonly type: "transaction"; readonly transaction: NodeTransaction }
  | { readonly type: "quote"; readonly quote: Quote };
