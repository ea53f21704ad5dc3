/**
 * A market node: one micro-market with an EI market context, a currency, a delivery interval
 * length, a gate-closure rule and a clearing mechanism. Its members are in-process agents and
 * child nodes; remote parties (through the EI binding) submit tenders and curves by name.
 *
 * A node without a parent is a root: `clear(index)` closes the interval's gate, asks every member
 * for its bid, clears (call auction on the curves, or the interval's CDA book with the members'
 * steps as limit orders), hands every member its award and publishes the quote.
 *
 * A node added to another node (`parent.addMember(child)`) joins it as one agent (fractal
 * nesting): when the parent asks for its bid it collects its members' bids and returns only their
 * aggregate net curve (no member names, no member orders); when the parent awards it, it shares
 * the award among its members at one price (allocate.ts), and passes a quote down.
 */
import { clearCallAuction } from "../call-auction.js";
import { aggregateCurves, equilibriumPrice, netCurveSteps } from "../curve.js";
import { marketError } from "../errors.js";
import { OrderBook } from "../order-book.js";
import type {
  CallAuctionOutcome,
  CurveStep,
  Fill,
  OrderInput,
  Side,
  SubmitResult,
} from "../types.js";
import { type Money, type Price, type Quantity, tradeValue } from "../units.js";
import { allocateAtPrice } from "./allocate.js";
import { IntervalClock } from "./interval.js";
import type {
  Agent,
  Bid,
  ClearingMechanism,
  DeliveryInterval,
  MarketEvent,
  MemberAward,
  NodeTransaction,
  Quote,
} from "./types.js";

/** How a market node is set up. */
export interface MarketNodeOptions {
  /** the node's name: its bidder name when it joins a parent */
  readonly id: string;
  /** the EI MarketContext (a URI) of the node's market */
  readonly marketContext: string;
  /** ISO 4217 alpha code of prices and money ("USD") */
  readonly currency: string;
  /** delivery interval length, an ISO 8601 duration ("PT5M", "PT15M", "PT1H") */
  readonly interval: string;
  /** start of interval 0, epoch milliseconds (default 0) */
  readonly epochMs?: number;
  /** the gate closes this long before an interval starts, ISO 8601 duration (default "PT0S") */
  readonly gateClosureLead?: string;
  /** how a root node clears its intervals */
  readonly mechanism: ClearingMechanism;
  /** price floor and cap: limits outside count as these (call) or are refused (CDA tenders) */
  readonly minPrice?: Price;
  readonly maxPrice?: Price;
  /** CDA: members' orders arrive at gate closure in an order shuffled from this seed and the interval (default 1) */
  readonly seed?: number;
}

/** What clearing one interval at a root node did. */
export interface IntervalResult {
  readonly quote: Quote;
  /** every transaction of the interval at this node (members and remote parties) */
  readonly transactions: readonly NodeTransaction[];
}

/** One bidder of an interval: a member (with its agent) or a remote party (agent undefined). */
interface Bidder {
  readonly name: string;
  readonly agent: Agent | undefined;
  readonly steps: Bid;
  /** for remote steps: the tender id of each step */
  readonly tenderIds: readonly string[] | undefined;
}

interface RemoteTender {
  readonly party: string;
  readonly step: CurveStep;
}

interface IntervalState {
  readonly interval: DeliveryInterval;
  /** remote tenders by id (call, or any node with a parent) */
  readonly remote: Map<string, RemoteTender>;
  /** the CDA book of a root node, opened by the first tender */
  book: OrderBook | undefined;
  /** transactions emitted before gate closure (CDA fills between remote parties) */
  readonly early: NodeTransaction[];
  /** a child's bidders between its bid and its award */
  bidders: Bidder[] | undefined;
  /** a child's own aggregate steps, as submitted to the parent */
  submitted: Bid | undefined;
  seq: number;
  cleared: boolean;
  /** a child's settlement price for its members */
  price: Price | undefined;
  volume: number;
}

const MEMBER = "m:";
const REMOTE = "r:";

/** A micro-market: see the module comment; docs/market.md "Nesting" states every rule. */
export class MarketNode implements Agent {
  readonly id: string;
  readonly marketContext: string;
  readonly currency: string;
  readonly mechanism: ClearingMechanism;
  readonly minPrice: Price | undefined;
  readonly maxPrice: Price | undefined;
  /** the ISO 8601 duration of an interval, as given */
  readonly intervalDuration: string;
  private readonly clock: IntervalClock;
  private readonly seed: number;
  private readonly members = new Map<string, Agent>();
  private readonly states = new Map<number, IntervalState>();
  private readonly quotes = new Map<number, Quote>();
  private readonly listeners = new Set<(e: MarketEvent) => void>();
  private parentNode: MarketNode | undefined;
  private surplus = 0n;

  constructor(options: MarketNodeOptions) {
    if (typeof options !== "object" || options === null)
      throw marketError("bad-option", "", "market node options must be an object");
    const { id, marketContext, currency, mechanism } = options;
    if (typeof id !== "string" || id === "")
      throw marketError("bad-option", "/id", "a market node needs a non-empty id", id);
    if (typeof marketContext !== "string" || marketContext === "")
      throw marketError(
        "bad-option",
        "/marketContext",
        "a market node needs a market context (a URI)",
        marketContext,
      );
    if (typeof currency !== "string" || !/^[A-Z]{3}$/.test(currency))
      throw marketError(
        "bad-currency",
        "/currency",
        `${JSON.stringify(currency)} is not an ISO 4217 alpha code`,
        currency,
      );
    if (mechanism !== "call" && mechanism !== "cda")
      throw marketError(
        "bad-option",
        "/mechanism",
        `mechanism must be "call" or "cda", got ${JSON.stringify(mechanism)}`,
        mechanism,
      );
    const { minPrice, maxPrice } = options;
    if (minPrice !== undefined && !Number.isSafeInteger(minPrice))
      throw marketError("bad-price", "/minPrice", "minPrice must be price units", minPrice);
    if (maxPrice !== undefined && !Number.isSafeInteger(maxPrice))
      throw marketError("bad-price", "/maxPrice", "maxPrice must be price units", maxPrice);
    if (minPrice !== undefined && maxPrice !== undefined && minPrice > maxPrice)
      throw marketError("bad-price", "/minPrice", "minPrice must not exceed maxPrice", minPrice);
    const seed = options.seed ?? 1;
    if (!Number.isSafeInteger(seed))
      throw marketError("bad-option", "/seed", "the seed must be a whole number", seed);
    this.id = id;
    this.marketContext = marketContext;
    this.currency = currency;
    this.mechanism = mechanism;
    this.minPrice = minPrice;
    this.maxPrice = maxPrice;
    this.seed = seed;
    this.intervalDuration = options.interval;
    this.clock = new IntervalClock(
      options.interval,
      options.epochMs ?? 0,
      options.gateClosureLead ?? "PT0S",
    );
  }

  /** The node this one has joined, if any. */
  get parent(): MarketNode | undefined {
    return this.parentNode;
  }

  /**
   * Money the node kept over all intervals (1e-15 currency): what its members paid minus what it
   * paid its parent. Always 0 under a call-auction parent; under a CDA parent, the difference
   * between the parent's fill prices and the one price the node settles its members at.
   */
  get balance(): Money {
    return this.surplus as Money;
  }

  /** Interval number `index`: start, end, gate closure. */
  interval(index: number): DeliveryInterval {
    return this.clock.interval(index);
  }

  /** The index of the interval starting at `startMs` ("bad-option" when none starts there). */
  intervalIndexAt(startMs: number): number {
    return this.clock.indexAt(startMs);
  }

  /**
   * Adds a member: an agent or a child node (which then joins this node as one agent). Refused
   * ("bad-option") for a duplicate id, a child with another interval length or epoch, a node that
   * already has a parent, or a cycle.
   */
  addMember(member: Agent | MarketNode): void {
    if (typeof member !== "object" || member === null || typeof member.bid !== "function")
      throw marketError("bad-option", "/member", "a member must be an Agent or a MarketNode");
    if (typeof member.id !== "string" || member.id === "")
      throw marketError("bad-option", "/member/id", "a member needs a non-empty id", member.id);
    if (this.members.has(member.id))
      throw marketError(
        "bad-option",
        "/member/id",
        `${JSON.stringify(member.id)} is already a member of ${this.id}`,
        member.id,
      );
    if (member instanceof MarketNode) {
      if (member.parentNode !== undefined)
        throw marketError(
          "bad-option",
          "/member",
          `${member.id} has already joined ${member.parentNode.id}`,
        );
      for (let n: MarketNode | undefined = this; n; n = n.parentNode)
        if (n === member)
          throw marketError("bad-option", "/member", `adding ${member.id} would make a cycle`);
      if (
        member.clock.seconds !== this.clock.seconds ||
        member.clock.epochMs !== this.clock.epochMs
      )
        throw marketError(
          "not-supported",
          "/member",
          `${member.id} has other delivery intervals (${member.intervalDuration}) than ${this.id} (${this.intervalDuration}); nesting needs the same intervals`,
        );
      member.parentNode = this;
    }
    this.members.set(member.id, member);
  }

  /** Removes a member by id (from the next interval asked for bids on). */
  removeMember(id: string): void {
    const m = this.members.get(id);
    if (m === undefined)
      throw marketError("bad-option", "/member/id", `${JSON.stringify(id)} is not a member`, id);
    if (m instanceof MarketNode) m.parentNode = undefined;
    this.members.delete(id);
  }

  /** The member ids, in the order they were added. */
  memberIds(): string[] {
    return [...this.members.keys()];
  }

  /** Subscribes to the node's transactions and quotes; returns the unsubscribe function. */
  subscribe(listener: (event: MarketEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The published quote of an interval, once it is cleared. */
  quote(index: number): Quote | undefined {
    return this.quotes.get(index);
  }

  /**
   * A remote party's tender (an EI tender: one limit order) for interval `index`. At a root CDA
   * node it trades at once against the interval's book (continuous trading until gate closure)
   * and the result tells its fills; otherwise it is kept as a step of the party's curve until gate
   * closure. Refused with "gate-closed" once the interval is cleared or when `nowMs` is at or past
   * its gate closure; "duplicate-order" for a tender id used before; "bad-order" when the party
   * is a member's name.
   */
  submitTender(index: number, tender: OrderInput, nowMs?: number): SubmitResult {
    const state = this.openState(index, nowMs);
    if (typeof tender !== "object" || tender === null)
      throw marketError("bad-order", "/tender", "a tender must be an object");
    if (typeof tender.owner === "string" && this.members.has(tender.owner))
      throw marketError(
        "bad-order",
        "/tender/owner",
        `${JSON.stringify(tender.owner)} is a member of ${this.id}: members bid in process`,
        tender.owner,
      );
    if (typeof tender.id !== "string" || tender.id === "")
      throw marketError("bad-order", "/tender/id", "a tender needs a non-empty id", tender.id);
    if (typeof tender.owner !== "string" || tender.owner === "")
      throw marketError("bad-order", "/tender/owner", "a tender needs an owner", tender.owner);
    if (this.isContinuous()) {
      state.book ??= this.newBook(index);
      const result = state.book.submit({ ...tender, id: REMOTE + tender.id });
      for (const f of result.fills) this.emitFill(state, f);
      return { ...result, id: tender.id };
    }
    checkStep(tender, "/tender");
    if (state.remote.has(tender.id))
      throw marketError(
        "duplicate-order",
        "/tender/id",
        `tender ${JSON.stringify(tender.id)} is already in interval ${index}`,
        tender.id,
      );
    state.remote.set(tender.id, {
      party: tender.owner,
      step: { side: tender.side, price: tender.price, quantity: tender.quantity },
    });
    return {
      id: tender.id,
      fills: [],
      remaining: tender.quantity,
      selfTradeCancelled: [],
      cancelledBySelfTrade: false,
    };
  }

  /** Cancels a remote tender before gate closure ("unknown-order" when it is not open). */
  cancelTender(index: number, tenderId: string, nowMs?: number): void {
    const state = this.openState(index, nowMs);
    if (this.isContinuous()) {
      if (state.book?.get(REMOTE + tenderId) === undefined)
        throw marketError(
          "unknown-order",
          "/tenderID",
          `no open tender ${JSON.stringify(tenderId)}`,
          tenderId,
        );
      state.book.cancel(REMOTE + tenderId);
      return;
    }
    if (!state.remote.delete(tenderId))
      throw marketError(
        "unknown-order",
        "/tenderID",
        `no open tender ${JSON.stringify(tenderId)}`,
        tenderId,
      );
  }

  /**
   * Closes interval `index` at a root node: asks every member for its bid, clears, awards every
   * member, publishes the quote; a child node is cleared by its root ("bad-option"). "gate-closed"
   * when the interval was cleared before.
   */
  clear(index: number): IntervalResult {
    if (this.parentNode !== undefined)
      throw marketError(
        "bad-option",
        "/clear",
        `${this.id} has joined ${this.parentNode.id}: its intervals are cleared from the root`,
      );
    const state = this.openState(index, undefined);
    const interval = state.interval;
    const bidders = this.collect(state);
    const transactions: NodeTransaction[] = [...state.early];
    const awards = new Map<string, Tally>();
    let quote: Quote;
    if (this.mechanism === "call") {
      const r = clearCallAuction(
        bidders.filter((b) => b.steps.length > 0).map((b) => ({ bidder: b.name, steps: b.steps })),
        {
          ...(this.minPrice !== undefined ? { minPrice: this.minPrice } : {}),
          ...(this.maxPrice !== undefined ? { maxPrice: this.maxPrice } : {}),
        },
      );
      for (const a of r.awards) {
        const t = tally(awards, a.bidder);
        const price = r.price as Price;
        if (a.bought > 0) t.add(this.transaction(state, a.bidder, "buy", price, a.bought));
        if (a.sold > 0) t.add(this.transaction(state, a.bidder, "sell", price, a.sold));
      }
      quote = {
        marketContext: this.marketContext,
        interval,
        ...(r.price !== undefined ? { price: r.price } : {}),
        ...(r.bestBid !== undefined ? { bestBid: r.bestBid } : {}),
        ...(r.bestAsk !== undefined ? { bestAsk: r.bestAsk } : {}),
        quantity: r.quantity,
        outcome: r.outcome,
      };
      for (const b of bidders) {
        const t = awards.get(b.name);
        if (r.price !== undefined) (t ?? tally(awards, b.name)).price = r.price;
      }
    } else {
      const book = (state.book ??= this.newBook(index));
      const before = book.trades.length;
      const orders: { bidder: Bidder; k: number }[] = [];
      for (const b of bidders)
        if (b.agent !== undefined)
          for (let k = 0; k < b.steps.length; k++) orders.push({ bidder: b, k });
      shuffle(orders, this.seed, index);
      for (const { bidder, k } of orders) {
        const st = bidder.steps[k] as CurveStep;
        const price = this.clampForBook(st.price);
        book.submit({
          id: `${MEMBER}${bidder.name}:${k}`,
          owner: bidder.name,
          side: st.side,
          price,
          quantity: st.quantity,
        });
      }
      const fills = book.trades.slice(before);
      for (const f of fills) {
        const [buy, sell] = this.fillTransactions(state, f);
        tally(awards, f.buyer).add(buy);
        tally(awards, f.seller).add(sell);
      }
      const top = book.top();
      let volume = 0;
      for (const f of book.trades) volume += f.quantity;
      const last = book.trades.at(-1);
      quote = {
        marketContext: this.marketContext,
        interval,
        ...(last !== undefined ? { price: last.price } : {}),
        ...(top.bestBid !== undefined ? { bestBid: top.bestBid } : {}),
        ...(top.bestAsk !== undefined ? { bestAsk: top.bestAsk } : {}),
        quantity: volume as Quantity,
        outcome: cdaOutcome(book.trades.length, top.bestBid, top.bestAsk),
      };
    }
    for (const t of awards.values()) for (const x of t.transactions) transactions.push(x);
    state.cleared = true;
    this.emitAll(awards);
    for (const m of this.members.values()) m.award(awardOf(interval, awards.get(m.id)));
    this.publish(index, quote);
    this.states.delete(index);
    return { quote, transactions };
  }

  /** Delivers interval `index` through every member (the simulation's physics step). */
  deliverInterval(index: number): void {
    this.deliver(this.clock.interval(index));
  }

  // ---- the node as an agent of its parent ----

  /**
   * The node's bid to its parent: its members' (and remote parties') aggregate net curve as buy
   * and sell steps; nothing that names a member.
   */
  bid(interval: DeliveryInterval): Bid {
    const state = this.openState(interval.index, undefined);
    const bidders = this.collect(state);
    state.bidders = bidders;
    const curves = [];
    for (const b of bidders)
      if (b.steps.length > 0) curves.push({ bidder: b.name, steps: b.steps });
    const steps = curves.length === 0 ? [] : netCurveSteps(aggregateCurves(curves));
    state.submitted = steps;
    return steps;
  }

  /**
   * The parent's award for this node: shared among the members at one price (allocate.ts); each
   * member is awarded (and a remote party gets its transactions).
   */
  award(award: MemberAward): void {
    const index = award.interval.index;
    const state = this.states.get(index);
    const bidders = state?.bidders;
    if (state === undefined || bidders === undefined)
      throw marketError(
        "bad-option",
        "/award",
        `${this.id} was awarded interval ${index} without bidding`,
      );
    const net = award.net;
    const price = this.referencePrice(state, award, bidders);
    const awards = new Map<string, Tally>();
    if (price !== undefined) {
      const alloc = allocateAtPrice(
        bidders.map((b) => b.steps),
        price,
        net,
        this.minPrice,
        this.maxPrice,
      );
      let memberCost = 0n;
      let volume = 0;
      bidders.forEach((b, m) => {
        const bought = alloc.bought[m] as number;
        const sold = alloc.sold[m] as number;
        if (bought === 0 && sold === 0) return;
        const t = tally(awards, b.name);
        t.price = price;
        if (bought > 0) t.add(this.transaction(state, b.name, "buy", price, bought as Quantity));
        if (sold > 0) t.add(this.transaction(state, b.name, "sell", price, sold as Quantity));
        memberCost += t.cost;
        volume += bought;
      });
      this.surplus += memberCost - award.cost;
      state.volume = volume;
    } else if (net !== 0 || award.cost !== 0n)
      throw marketError(
        "bad-option",
        "/award",
        `${this.id} was awarded ${net} units with no price to share them at`,
      );
    state.price = price;
    state.cleared = true;
    this.emitAll(awards);
    for (const b of bidders)
      if (b.agent !== undefined) b.agent.award(awardOf(award.interval, awards.get(b.name), price));
  }

  /** The parent's quote: this node publishes its own (its settlement price) to its members. */
  observe(parentQuote: Quote): void {
    const index = parentQuote.interval.index;
    const state = this.states.get(index);
    const price = state?.price ?? parentQuote.price;
    const quote: Quote = {
      marketContext: this.marketContext,
      interval: parentQuote.interval,
      ...(price !== undefined ? { price } : {}),
      ...(parentQuote.bestBid !== undefined ? { bestBid: parentQuote.bestBid } : {}),
      ...(parentQuote.bestAsk !== undefined ? { bestAsk: parentQuote.bestAsk } : {}),
      quantity: (state?.volume ?? 0) as Quantity,
      outcome: (state?.volume ?? 0) > 0 ? "cleared" : parentQuote.outcome,
    };
    this.publish(index, quote);
    this.states.delete(index);
  }

  /** The interval has passed: every member delivers. */
  deliver(interval: DeliveryInterval): void {
    for (const m of this.members.values()) m.deliver?.(interval);
  }

  // ---- internals ----

  private isContinuous(): boolean {
    return this.mechanism === "cda" && this.parentNode === undefined;
  }

  private newBook(index: number): OrderBook {
    return new OrderBook({
      interval: String(index),
      ...(this.minPrice !== undefined ? { minPrice: this.minPrice } : {}),
      ...(this.maxPrice !== undefined ? { maxPrice: this.maxPrice } : {}),
    });
  }

  private clampForBook(price: Price): Price {
    if (this.minPrice !== undefined && price < this.minPrice) return this.minPrice;
    if (this.maxPrice !== undefined && price > this.maxPrice) return this.maxPrice;
    return price;
  }

  private openState(index: number, nowMs: number | undefined): IntervalState {
    let state = this.states.get(index);
    if (state === undefined) {
      if (this.quotes.has(index))
        throw marketError(
          "gate-closed",
          "/interval",
          `interval ${index} of ${this.id} is cleared`,
          index,
        );
      state = {
        interval: this.clock.interval(index),
        remote: new Map(),
        book: undefined,
        early: [],
        bidders: undefined,
        submitted: undefined,
        seq: 0,
        cleared: false,
        price: undefined,
        volume: 0,
      };
      this.states.set(index, state);
    }
    if (state.cleared)
      throw marketError(
        "gate-closed",
        "/interval",
        `interval ${index} of ${this.id} is cleared`,
        index,
      );
    if (nowMs !== undefined && nowMs >= state.interval.gateClosureMs)
      throw marketError(
        "gate-closed",
        "/interval",
        `the gate of interval ${index} of ${this.id} closed at ${new Date(state.interval.gateClosureMs).toISOString()}`,
        index,
      );
    return state;
  }

  /** Every member's bid (checked) and every remote party's curve, for one interval. */
  private collect(state: IntervalState): Bidder[] {
    const bidders: Bidder[] = [];
    for (const [id, agent] of this.members) {
      const steps = agent.bid(state.interval);
      if (!Array.isArray(steps))
        throw marketError("bad-order", `/members/${id}`, `${id}'s bid is not an array of steps`);
      for (let k = 0; k < steps.length; k++)
        checkStep(steps[k] as CurveStep, `/members/${id}/steps[${k}]`);
      bidders.push({ name: id, agent, steps, tenderIds: undefined });
    }
    if (state.remote.size > 0) {
      const byParty = new Map<string, { steps: CurveStep[]; ids: string[] }>();
      for (const [id, t] of state.remote) {
        let e = byParty.get(t.party);
        if (e === undefined) byParty.set(t.party, (e = { steps: [], ids: [] }));
        e.steps.push(t.step);
        e.ids.push(id);
      }
      for (const [party, e] of byParty)
        bidders.push({ name: party, agent: undefined, steps: e.steps, tenderIds: e.ids });
    }
    return bidders;
  }

  /**
   * The one price a child settles its members at: the parent's price for the node (call), or
   * under a CDA parent the limit of the node's marginal filled step (its lowest filled buy when
   * it bought net, its highest filled sell when it sold net); with no net award, the parent's
   * price, else the node's own equilibrium price (its members trade with each other).
   */
  private referencePrice(
    state: IntervalState,
    award: MemberAward,
    bidders: readonly Bidder[],
  ): Price | undefined {
    if (award.price !== undefined) return award.price;
    const submitted = state.submitted ?? [];
    let marginal: number | undefined;
    for (const tx of award.transactions) {
      const k =
        tx.tenderId === undefined
          ? -1
          : Number(tx.tenderId.slice(tx.tenderId.lastIndexOf(":") + 1));
      const st = submitted[k];
      if (st === undefined) continue;
      if (award.net > 0 && st.side === "buy")
        marginal = marginal === undefined ? st.price : Math.min(marginal, st.price);
      if (award.net < 0 && st.side === "sell")
        marginal = marginal === undefined ? st.price : Math.max(marginal, st.price);
    }
    if (marginal !== undefined) return this.clampForBook(marginal as Price);
    const curves = [];
    for (const b of bidders)
      if (b.steps.length > 0) curves.push({ bidder: b.name, steps: b.steps });
    if (curves.length === 0) return undefined;
    return equilibriumPrice(aggregateCurves(curves), {
      ...(this.minPrice !== undefined ? { minPrice: this.minPrice } : {}),
      ...(this.maxPrice !== undefined ? { maxPrice: this.maxPrice } : {}),
    });
  }

  private transaction(
    state: IntervalState,
    party: string,
    side: Side,
    price: Price,
    quantity: Quantity,
    tenderId?: string,
  ): NodeTransaction {
    return {
      id: `${this.marketContext}#${state.interval.index}#${++state.seq}`,
      interval: state.interval,
      party,
      ...(tenderId !== undefined ? { tenderId } : {}),
      side,
      price,
      quantity,
      value: tradeValue(price, quantity),
    };
  }

  private fillTransactions(state: IntervalState, f: Fill): [NodeTransaction, NodeTransaction] {
    const strip = (id: string) => id.slice(2);
    return [
      this.transaction(state, f.buyer, "buy", f.price, f.quantity, strip(f.buyOrderId)),
      this.transaction(state, f.seller, "sell", f.price, f.quantity, strip(f.sellOrderId)),
    ];
  }

  /** A fill between remote parties during continuous trading: emitted at once. */
  private emitFill(state: IntervalState, f: Fill): void {
    for (const tx of this.fillTransactions(state, f)) {
      state.early.push(tx);
      this.emit({ type: "transaction", transaction: tx });
    }
  }

  private emitAll(awards: Map<string, Tally>): void {
    if (this.listeners.size === 0) return;
    for (const t of awards.values())
      for (const transaction of t.transactions) this.emit({ type: "transaction", transaction });
  }

  private publish(index: number, quote: Quote): void {
    this.quotes.set(index, quote);
    this.emit({ type: "quote", quote });
    for (const m of this.members.values()) m.observe?.(quote);
  }

  private emit(event: MarketEvent): void {
    for (const l of this.listeners) l(event);
  }
}

/** Running sums of one party's transactions in an interval. */
class Tally {
  bought = 0;
  sold = 0;
  cost = 0n;
  price: Price | undefined;
  readonly transactions: NodeTransaction[] = [];
  add(tx: NodeTransaction): void {
    this.transactions.push(tx);
    if (tx.side === "buy") {
      this.bought += tx.quantity;
      this.cost += tx.value;
    } else {
      this.sold += tx.quantity;
      this.cost -= tx.value;
    }
  }
}

function tally(map: Map<string, Tally>, party: string): Tally {
  let t = map.get(party);
  if (t === undefined) map.set(party, (t = new Tally()));
  return t;
}

const NO_TRANSACTIONS: readonly NodeTransaction[] = [];

function awardOf(interval: DeliveryInterval, t: Tally | undefined, price?: Price): MemberAward {
  const p = t?.price ?? price;
  return {
    interval,
    net: ((t?.bought ?? 0) - (t?.sold ?? 0)) as Quantity,
    bought: (t?.bought ?? 0) as Quantity,
    sold: (t?.sold ?? 0) as Quantity,
    cost: (t?.cost ?? 0n) as Money,
    ...(p !== undefined ? { price: p } : {}),
    transactions: t?.transactions ?? NO_TRANSACTIONS,
  };
}

function cdaOutcome(
  trades: number,
  bid: Price | undefined,
  ask: Price | undefined,
): CallAuctionOutcome {
  if (trades > 0) return "cleared";
  if (bid === undefined && ask === undefined) return "empty";
  if (bid === undefined || ask === undefined) return "one-sided";
  return "no-crossing";
}

function checkStep(step: CurveStep, path: string): void {
  if (typeof step !== "object" || step === null)
    throw marketError("bad-order", path, "a step must be an object");
  if (step.side !== "buy" && step.side !== "sell")
    throw marketError("bad-order", `${path}/side`, `side must be "buy" or "sell"`, step.side);
  if (!Number.isSafeInteger(step.price))
    throw marketError(
      "bad-price",
      `${path}/price`,
      "price must be an integer count of price units",
      step.price,
    );
  if (!Number.isSafeInteger(step.quantity) || step.quantity <= 0)
    throw marketError(
      "bad-quantity",
      `${path}/quantity`,
      "quantity must be a positive integer count of quantity units",
      step.quantity,
    );
}

/** Fisher–Yates with a small xorshift32 seeded from the node's seed and the interval. */
function shuffle<T>(items: T[], seed: number, index: number): void {
  let s = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(index | 0, 0x85ebca6b) ^ 0x2545f491) | 0;
  if (s === 0) s = 1;
  for (let i = items.length - 1; i > 0; i--) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const j = (s >>> 0) % (i + 1);
    const t = items[i] as T;
    items[i] = items[j] as T;
    items[j] = t;
  }
}
