/**
 * RemoteParent: a MarketNode joins a parent market that runs elsewhere (another process, another
 * machine) as one party, over CTS 0.4 messages only — the fractal nesting of docs/market.md
 * "Nesting", with EI as the wire:
 *
 * 1. `connect()`: EiRequestEiMarketContext; the parent's interval length, epoch and currency must
 *    be the child's.
 * 2. `submit(index)`: the child's aggregate net curve for the interval (`child.bid`: its members'
 *    curves summed, no member names) goes up as one EiCreateTender of one tender per curve step
 *    (tender ID "<partyID>:<index>:<step>", a buy step of q at L = a buy tender of q at limit L).
 *    Nothing else leaves the child.
 * 3. The parent clears at gate closure.
 * 4. `settle(index)`: EiRequestQuote (the interval's quote) and EiRequestTransaction (the child's
 *    transactions, pulled), turned into the child's award; the child shares it among its members
 *    at one price (`child.award`, allocate.ts) and publishes its own quote (`child.observe`).
 */
import type {
  EiCreatedTenderType,
  EiCreateTenderType,
  EiReplyEiMarketContextType,
  EiReplyQuoteType,
  EiReplyTransactionType,
  EiRequestEiMarketContextType,
  EiRequestQuoteType,
  EiRequestTransactionType,
  EiResponseType,
  EiTenderType,
} from "@transactive/ei";
import { durationSeconds } from "../node/interval.js";
import type { MarketNode } from "../node/market-node.js";
import type {
  Bid,
  ClearingMechanism,
  DeliveryInterval,
  MemberAward,
  NodeTransaction,
  Quote,
} from "../node/types.js";
import type { CallAuctionOutcome } from "../types.js";
import { type Money, type Price, type Quantity, tradeValue } from "../units.js";
import { type MarketTerms, productOf, readProduct } from "./convert.js";
import { bindingError } from "./errors.js";
import { type MarketContextTerms, parseMarketContext } from "./market-context.js";
import { quoteIdOf } from "./services.js";

type Answer<T> = Promise<{ readonly value: T }>;

/**
 * The operations RemoteParent sends: a typed CTS client (`createTypedEiClient({ baseUrl,
 * profile: "cts" })` of @transactive/ei-node over HTTP, or `typedEiClient(dispatcherClient(d),
 * { profile: "cts" })` in process) has them.
 */
export interface CtsMarketClient {
  readonly EiMarketContext: {
    /** EiRequestEiMarketContext: the parent's terms */
    requestMarketContext(request: EiRequestEiMarketContextType): Answer<EiReplyEiMarketContextType>;
  };
  readonly EiTender: {
    /** EiCreateTender: the child's curve steps */
    createTender(request: EiCreateTenderType): Answer<EiCreatedTenderType>;
  };
  readonly EiTransaction: {
    /** EiRequestTransaction: the child's transactions */
    requestTransaction(request: EiRequestTransactionType): Answer<EiReplyTransactionType>;
  };
  readonly EiQuote: {
    /** EiRequestQuote: the interval's quote */
    requestQuote(request: EiRequestQuoteType): Answer<EiReplyQuoteType>;
  };
}

/** Where the parent is, and who the child is there. */
export interface RemoteParentOptions {
  /** the parent market's context (URI) */
  readonly marketContext: string;
  /** the parent market's party ID: counterPartyID of tenders, publisherPartyID of quotes */
  readonly marketPartyID: string;
  /** the child's party ID at the parent (default: the child node's id) */
  readonly partyID?: string;
}

/** The tender ID of step `step` of a child's curve for interval `index`. */
export function tenderIdOf(partyID: string, index: number, step: number): string {
  return `${partyID}:${index}:${step}`;
}

/** A child node's link to a parent market over EI (see the module comment). */
export class RemoteParent {
  readonly partyID: string;
  private readonly options: RemoteParentOptions;
  private terms: MarketTerms | undefined;
  private parentMechanism: ClearingMechanism | undefined;
  private seq = 0;
  /** the tender IDs submitted per interval, until settled */
  private readonly pending = new Map<number, readonly string[]>();

  constructor(
    readonly child: MarketNode,
    readonly client: CtsMarketClient,
    options: RemoteParentOptions,
  ) {
    if (child.parent !== undefined)
      throw bindingError(
        "bad-option",
        "/child",
        `${child.id} has joined ${child.parent.id} in process; a node has one parent`,
      );
    if (child.mechanism !== "call")
      throw bindingError(
        "bad-option",
        "/child/mechanism",
        `${child.id} must be created with mechanism "call" to join a remote parent: a nested node keeps its members' bids until gate closure and settles at the parent's price (its own mechanism is unused)`,
      );
    this.options = options;
    this.partyID = options.partyID ?? child.id;
  }

  /** Asks the parent for its market context and checks it matches the child's intervals and currency. */
  async connect(): Promise<MarketContextTerms> {
    const reply = await this.client.EiMarketContext.requestMarketContext({
      requestID: this.nextId(),
      marketContext: [this.options.marketContext],
      partyID: this.partyID,
    });
    const response = ok(reply.value.eiResponse, "/eiReplyEiMarketContext/eiResponse");
    const ctx = parseMarketContext(
      response.responseDescription ?? "",
      "/eiReplyEiMarketContext/eiResponse/responseDescription",
    );
    const child = this.child;
    const zero = child.interval(0);
    const seconds = durationSeconds(ctx.interval, "/eiReplyEiMarketContext/interval");
    if (ctx.currency !== child.currency)
      throw bindingError(
        "currency-mismatch",
        "/eiReplyEiMarketContext/currency",
        `the parent trades in ${ctx.currency}, ${child.id} in ${child.currency}`,
      );
    if (seconds !== zero.seconds || Date.parse(ctx.epoch) !== zero.startMs)
      throw bindingError(
        "not-supported",
        "/eiReplyEiMarketContext/interval",
        `the parent's intervals (${ctx.interval} from ${ctx.epoch}) are not ${child.id}'s (${child.intervalDuration} from ${new Date(zero.startMs).toISOString()}); nesting needs the same intervals`,
      );
    this.terms = {
      marketContext: ctx.marketContext,
      currency: ctx.currency,
      interval: ctx.interval,
      seconds,
      epochMs: zero.startMs,
    };
    this.parentMechanism = ctx.mechanism;
    return ctx;
  }

  /**
   * Sends the child's aggregate curve for interval `index` to the parent (one EiCreateTender, one
   * tender per step) and returns the steps sent. EiBindingError when the parent refuses it.
   */
  async submit(index: number): Promise<Bid> {
    const terms = this.connected();
    if (this.pending.has(index))
      throw bindingError(
        "duplicate-order",
        "/interval",
        `interval ${index} was submitted before`,
        index,
      );
    const interval = this.child.interval(index);
    const steps = this.child.bid(interval);
    const ids = steps.map((_, k) => tenderIdOf(this.partyID, index, k));
    this.pending.set(index, ids);
    if (steps.length === 0) return steps;
    const eiTender: EiTenderType[] = steps.map((st, k) => ({
      tenderID: ids[k] as string,
      product: productOf(
        terms,
        interval,
        st.side,
        st.price as Price,
        st.quantity as Quantity,
        ids[k] as string,
        "tender",
      ),
    }));
    const reply = await this.client.EiTender.createTender({
      requestID: this.nextId(),
      partyID: this.partyID,
      counterPartyID: this.options.marketPartyID,
      eiTender,
    });
    ok(reply.value.eiResponse, "/eiCreatedTender/eiResponse");
    return steps;
  }

  /**
   * After the parent has cleared interval `index`: pulls its quote and the child's transactions,
   * awards the child (which shares the award among its members) and passes the quote down.
   * Returns the child's award.
   */
  async settle(index: number): Promise<MemberAward> {
    const terms = this.connected();
    const ids = this.pending.get(index);
    if (ids === undefined)
      throw bindingError("bad-option", "/interval", `interval ${index} was not submitted`, index);
    const interval = this.child.interval(index);
    const quote = await this.fetchQuote(terms, interval);
    const transactions = await this.fetchTransactions(terms, interval, ids);
    let bought = 0;
    let sold = 0;
    let cost = 0n;
    for (const tx of transactions) {
      if (tx.side === "buy") {
        bought += tx.quantity;
        cost += tx.value;
      } else {
        sold += tx.quantity;
        cost -= tx.value;
      }
    }
    // a call auction settles everyone at its one price; a CDA parent's fills are priced each
    const price = this.parentMechanism === "call" ? quote.price : undefined;
    if (price !== undefined)
      for (const tx of transactions)
        if (tx.price !== price)
          throw bindingError(
            "bad-value",
            "/eiReplyTransaction/eiTransaction",
            `transaction ${tx.id} is at ${tx.price} price units, the parent's uniform price is ${price}`,
          );
    const award: MemberAward = {
      interval,
      net: (bought - sold) as Quantity,
      bought: bought as Quantity,
      sold: sold as Quantity,
      cost: cost as Money,
      ...(price !== undefined ? { price } : {}),
      transactions,
    };
    this.child.award(award);
    this.pending.delete(index);
    this.child.observe(quote);
    return award;
  }

  private async fetchQuote(terms: MarketTerms, interval: DeliveryInterval): Promise<Quote> {
    const quoteID = quoteIdOf(terms.marketContext, interval.index);
    const reply = await this.client.EiQuote.requestQuote({
      requestID: this.nextId(),
      requestorPartyID: this.partyID,
      publisherPartyID: this.options.marketPartyID,
      quoteID: [quoteID],
    });
    ok(reply.value.eiResponse, "/eiReplyQuote/eiResponse");
    const q = (reply.value.eiQuote ?? []).find((x) => x.quoteID === quoteID);
    if (q === undefined)
      throw bindingError("missing", "/eiReplyQuote/eiQuote", `the parent sent no quote ${quoteID}`);
    let price: Price | undefined;
    let bestBid: Price | undefined;
    let bestAsk: Price | undefined;
    let quantity = 0 as Quantity;
    (q.product ?? []).forEach((product, i) => {
      const path = `/eiReplyQuote/eiQuote/product[${i}]`;
      const p = readProduct(product, path, terms, "publication", { zeroQuantity: true });
      if (p.index !== interval.index)
        throw bindingError("bad-value", `${path}/dtStart`, "the quote is for another interval");
      const uid = String((product as { uid?: unknown }).uid);
      if (uid.endsWith("/price")) {
        price = p.price;
        quantity = p.quantity;
      } else if (uid.endsWith("/bestBid")) bestBid = p.price;
      else if (uid.endsWith("/bestAsk")) bestAsk = p.price;
    });
    const outcome: CallAuctionOutcome =
      price !== undefined
        ? "cleared"
        : bestBid === undefined && bestAsk === undefined
          ? "empty"
          : bestBid === undefined || bestAsk === undefined
            ? "one-sided"
            : "no-crossing";
    return {
      marketContext: terms.marketContext,
      interval,
      ...(price !== undefined ? { price } : {}),
      ...(bestBid !== undefined ? { bestBid } : {}),
      ...(bestAsk !== undefined ? { bestAsk } : {}),
      quantity,
      outcome,
    };
  }

  private async fetchTransactions(
    terms: MarketTerms,
    interval: DeliveryInterval,
    ids: readonly string[],
  ): Promise<NodeTransaction[]> {
    const reply = await this.client.EiTransaction.requestTransaction({
      requestID: this.nextId(),
      partyID: this.partyID,
      requestorPartyID: this.partyID,
      marketContext: [terms.marketContext],
    });
    ok(reply.value.eiResponse, "/eiReplyTransaction/eiResponse");
    const out: NodeTransaction[] = [];
    (reply.value.eiTransaction ?? []).forEach((t, i) => {
      const path = `/eiReplyTransaction/eiTransaction[${i}]`;
      const p = readProduct(t.product, `${path}/product`, terms, "transaction");
      if (p.index !== interval.index) return; // another interval's
      if (t.tenderID !== undefined && !ids.includes(t.tenderID))
        throw bindingError(
          "unknown-order",
          `${path}/tenderID`,
          `the parent reports a fill of tender ${t.tenderID}, which ${this.partyID} did not submit for interval ${interval.index}`,
        );
      out.push({
        id: t.transactionID,
        interval,
        party: this.partyID,
        ...(t.tenderID !== undefined ? { tenderId: t.tenderID } : {}),
        side: p.side,
        price: p.price,
        quantity: p.quantity,
        value: tradeValue(p.price, p.quantity),
      });
    });
    return out;
  }

  private connected(): MarketTerms {
    if (this.terms === undefined)
      throw bindingError("bad-option", "/connect", "call connect() before submitting or settling");
    return this.terms;
  }

  private nextId(): string {
    return `${this.partyID}-req-${++this.seq}`;
  }
}

/** The response when it is OK (2xx), else an EiBindingError with the parent's description. */
function ok(response: EiResponseType | undefined, path: string): EiResponseType {
  if (response === undefined)
    throw bindingError("missing", path, "the parent's answer has no eiResponse");
  if (!/^2\d\d$/.test(String(response.responseCode)))
    throw bindingError(
      "bad-value",
      path,
      `the parent refused (${response.responseCode}): ${response.responseDescription ?? ""}`,
      response.responseCode,
    );
  return response;
}
