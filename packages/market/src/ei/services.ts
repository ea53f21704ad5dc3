/**
 * The CTS 0.4 market services of a MarketNode: EiTender (createTender → submitTender,
 * cancelTender → cancelTender, requestTender lists open tenders), EiTransaction (a party pulls
 * its transactions with requestTransaction; `onCreateTransaction` hands each new one over as the
 * EiCreateTransaction the market sends that party, for a transport that pushes), EiQuote (one
 * quote per cleared interval: clearing price or last trade, book top; requestQuote) and
 * EiMarketContext (the node's terms). Refusals are EI responses naming the message path; a
 * createTender is all or nothing: when one tender is refused, none is stored.
 */
import {
  batchResponse,
  createDispatcher,
  type Dispatcher,
  type EiCreateTransactionType,
  EiFault,
  type EiMarketContextService,
  type EiQuoteService,
  type EiQuoteType,
  type EiTenderService,
  type EiTenderType,
  type EiTransactionService,
  type EiTransactionType,
  eiResponse,
  faultResponse,
} from "@transactive/ei";
import type { ProductType } from "@transactive/emix";
import type { MarketNode } from "../node/market-node.js";
import type { NodeTransaction, Quote } from "../node/types.js";
import type { OrderInput, Side, SubmitResult } from "../types.js";
import type { Quantity } from "../units.js";
import { type MarketTerms, productOf, readProduct, termsOf } from "./convert.js";
import { bindingError, faultOf } from "./errors.js";
import { describeMarketContext } from "./market-context.js";

/** How the binding serves a node. */
export interface MarketServicesOptions {
  /** the market's party ID: the counterPartyID of tenders, the publisherPartyID of quotes (default: the node's id) */
  readonly marketPartyID?: string;
  /** current time in epoch ms, for gate closure (default Date.now) */
  readonly clock?: () => number;
  /**
   * Called with the EiCreateTransaction the market sends a remote party for each of its new
   * transactions (push model); parties also pull them with requestTransaction.
   */
  readonly onCreateTransaction?: (message: EiCreateTransactionType) => void;
}

/** A tender a remote party submitted, as the binding keeps it. */
export interface TenderRecord {
  readonly tender: EiTenderType;
  readonly partyID: string;
  readonly index: number;
  readonly side: Side;
  /** energy not yet filled (quantity units) */
  remaining: number;
  /**
   * open until cancelled, fully filled ("transacted", continuous trading) or its interval is
   * cleared ("closed": a call auction awards per party, see its transactions)
   */
  state: "open" | "cancelled" | "transacted" | "closed";
}

/** The CTS services of a node, ready for a dispatcher's `implementations`. */
export interface MarketServices {
  readonly node: MarketNode;
  readonly marketPartyID: string;
  readonly EiTender: EiTenderService;
  readonly EiTransaction: EiTransactionService;
  readonly EiQuote: EiQuoteService;
  readonly EiMarketContext: EiMarketContextService;
  /** the tenders remote parties submitted, by tender ID */
  readonly tenders: ReadonlyMap<string, Readonly<TenderRecord>>;
  /** the quote of a cleared interval as EI publishes it */
  quoteOf(index: number): EiQuoteType | undefined;
  /** stops following the node's events */
  close(): void;
}

/** One item's outcome in a batch answer (EI's batch pattern). */
interface ItemOutcome {
  readonly id: string;
  readonly fault?: EiFault;
}

interface TransactionRecord {
  readonly party: string;
  readonly index: number;
  readonly transaction: EiTransactionType;
}

/** The CTS 0.4 market services over a MarketNode (see the module comment). */
export function createMarketServices(
  node: MarketNode,
  options: MarketServicesOptions = {},
): MarketServices {
  const marketPartyID = options.marketPartyID ?? node.id;
  const clock = options.clock ?? Date.now;
  const terms: MarketTerms = termsOf(node);
  const tenders = new Map<string, TenderRecord>();
  const transactions = new Map<string, TransactionRecord>();
  const quotes = new Map<number, EiQuoteType>();
  let pushSeq = 0;

  const unsubscribe = node.subscribe((event) => {
    if (event.type === "transaction") onTransaction(event.transaction);
    else onQuote(event.quote);
  });

  function onTransaction(tx: NodeTransaction): void {
    // members are in process: their trades never travel over EI
    if (node.memberIds().includes(tx.party)) return;
    const record = tx.tenderId === undefined ? undefined : tenders.get(tx.tenderId);
    const own = record !== undefined && record.partyID === tx.party;
    if (own) {
      record.remaining -= tx.quantity;
      if (record.remaining <= 0) record.state = "transacted";
    }
    const transaction: EiTransactionType = {
      transactionID: tx.id,
      ...(own ? { tenderID: record.tender.tenderID } : {}),
      product: productOf(terms, tx.interval, tx.side, tx.price, tx.quantity, tx.id, "transaction"),
    };
    transactions.set(tx.id, { party: tx.party, index: tx.interval.index, transaction });
    options.onCreateTransaction?.({
      requestID: `${marketPartyID}-transaction-${++pushSeq}`,
      partyID: marketPartyID,
      counterPartyID: tx.party,
      eiTransaction: [transaction],
    });
  }

  function onQuote(quote: Quote): void {
    const index = quote.interval.index;
    for (const r of tenders.values())
      if (r.index === index && r.state === "open") r.state = "closed";
    quotes.set(index, quoteToEi(terms, quote));
  }

  const EiTender: EiTenderService = {
    createTender(req, ctx) {
      const base = { partyID: req.partyID, counterPartyID: req.counterPartyID };
      const refuse = (fault: EiFault) => ({
        eiResponse: faultResponse(ctx.profile, ctx.requestID, fault),
        ...base,
      });
      if (req.counterPartyID !== marketPartyID)
        return refuse(
          new EiFault(
            "invalidId",
            `tenders go to the market's party ${marketPartyID}, not ${req.counterPartyID}`,
            "/eiCreateTender/counterPartyID",
          ),
        );
      if (node.memberIds().includes(req.partyID))
        return refuse(
          new EiFault(
            "notAllowed",
            `${req.partyID} is a member of ${node.id}: members bid in process`,
            "/eiCreateTender/partyID",
          ),
        );
      // all or nothing: every tender is checked before any is stored
      const now = clock();
      const items = req.eiTender ?? [];
      const seen = new Set<string>();
      const checked: { id: string; index: number; order: OrderInput; fault?: EiFault }[] = [];
      items.forEach((tender, i) => {
        const path = `/eiCreateTender/eiTender[${i}]`;
        try {
          const id = tender.tenderID;
          if (tenders.has(id) || seen.has(id))
            throw bindingError(
              "duplicate-order",
              `${path}/tenderID`,
              `a tender with ID ${JSON.stringify(id)} was submitted before`,
              id,
            );
          seen.add(id);
          const p = readProduct(tender.product, `${path}/product`, terms, "tender");
          checkOpen(p.index, now, path);
          checkLimits(p.price, `${path}/product/temixPower/price/value`);
          checked.push({
            id,
            index: p.index,
            order: { id, owner: req.partyID, side: p.side, price: p.price, quantity: p.quantity },
          });
        } catch (e) {
          checked.push({
            id: tender.tenderID,
            index: -1,
            order: undefined as never,
            fault: faultOf(e, path),
          });
        }
      });
      const failed = checked.some((c) => c.fault !== undefined);
      if (failed) {
        const outcomes: ItemOutcome[] = checked.map((c) => ({
          id: c.id,
          fault:
            c.fault ??
            new EiFault(
              "notAllowed",
              "not stored: another tender of this request was refused (a request is all or nothing)",
            ),
        }));
        return {
          eiResponse: {
            ...batchResponse(ctx.profile, ctx.requestID, outcomes),
            createdDateTime: ctx.now(),
          },
          ...base,
        };
      }
      const created: string[] = [];
      const selfTrade: string[] = [];
      for (const [k, c] of checked.entries()) {
        const tender = items[k] as EiTenderType;
        const record: TenderRecord = {
          tender,
          partyID: req.partyID,
          index: c.index,
          side: c.order.side,
          remaining: c.order.quantity,
          state: "open",
        };
        // recorded first, so fills reported during the submit find it
        tenders.set(c.id, record);
        let result: SubmitResult;
        try {
          result = node.submitTender(c.index, c.order, now);
        } catch (e) {
          tenders.delete(c.id);
          return refuse(faultOf(e, `/eiCreateTender/eiTender[${k}]`));
        }
        created.push(c.id);
        // continuous trading: self-trade prevention may cancel the party's own resting tenders,
        // or the rest of this one
        for (const id of result.selfTradeCancelled) {
          const own = tenders.get(id.startsWith("r:") ? id.slice(2) : id);
          if (own !== undefined && own.state === "open") {
            own.state = "cancelled";
            selfTrade.push(own.tender.tenderID);
          }
        }
        if (result.cancelledBySelfTrade && record.state === "open") {
          record.state = "cancelled";
          selfTrade.push(c.id);
        }
      }
      return {
        eiResponse: {
          ...eiResponse(
            ctx.profile,
            ctx.requestID,
            "ok",
            selfTrade.length
              ? `OK; self-trade prevention cancelled (the rest of) tenders ${selfTrade.join(", ")}`
              : undefined,
          ),
          createdDateTime: ctx.now(),
        },
        ...base,
        ...(created.length ? { tenderID: created } : {}),
      };
    },

    cancelTender(req, ctx) {
      // EI's batch pattern: each tender named gets its own outcome
      const now = clock();
      const outcomes: ItemOutcome[] = (req.tenderID ?? []).map((id, i) => {
        const path = `/eiCancelTender/tenderID[${i}]`;
        const r = tenders.get(id);
        if (r === undefined) return { id, fault: new EiFault("invalidId", "no such tender", path) };
        if (r.partyID !== req.partyID)
          return {
            id,
            fault: new EiFault("notAllowed", `the tender belongs to party ${r.partyID}`, path),
          };
        if (r.state !== "open")
          return {
            id,
            fault: new EiFault(
              "notAllowed",
              `the tender is ${r.state}; it cannot be cancelled`,
              path,
            ),
          };
        try {
          node.cancelTender(r.index, id, now);
        } catch (e) {
          return { id, fault: faultOf(e, path) };
        }
        r.state = "cancelled";
        return { id };
      });
      return {
        eiResponse: {
          ...batchResponse(ctx.profile, ctx.requestID, outcomes),
          createdDateTime: ctx.now(),
        },
        partyID: req.partyID,
        ...(req.counterPartyID !== undefined ? { counterPartyID: req.counterPartyID } : {}),
      };
    },

    requestTender(req, ctx) {
      const refused = refuseFilters(req, "/eiRequestTender", ctx);
      if (refused) return refused;
      const ids = req.tenderID ?? [];
      const unknown = ids.filter((id) => !tenders.has(id));
      if (unknown.length)
        return {
          eiResponse: eiResponse(
            ctx.profile,
            ctx.requestID,
            "invalidId",
            `/eiRequestTender/tenderID: no such tender: ${unknown.join(", ")}`,
          ),
        };
      const contexts = req.marketContext ?? [];
      const parties = req.counterPartyID ?? [];
      const found = [...tenders.values()].filter(
        (r) =>
          r.state === "open" &&
          (ids.length === 0 || ids.includes(r.tender.tenderID)) &&
          (contexts.length === 0 || contexts.includes(terms.marketContext)) &&
          (parties.length === 0 || parties.includes(r.partyID)),
      );
      return {
        eiResponse: { ...eiResponse(ctx.profile, ctx.requestID, "ok"), createdDateTime: ctx.now() },
        ...(found.length ? { eiTender: found.map((r) => r.tender) } : {}),
      };
    },
  };

  const EiTransaction: EiTransactionService = {
    createTransaction(req, ctx) {
      return {
        partyID: req.partyID,
        counterPartyID: req.counterPartyID,
        eiResponse: faultResponse(
          ctx.profile,
          ctx.requestID,
          new EiFault(
            "notSupported",
            "this market makes transactions by clearing tenders; a party cannot create one",
            "/eiCreateTransaction",
          ),
        ),
      };
    },

    requestTransaction(req, ctx) {
      const refused = refuseFilters(req, "/eiRequestTransaction", ctx);
      if (refused) return refused;
      const ids = req.transactionID ?? [];
      const unknown = ids.filter((id) => transactions.get(id)?.party !== req.partyID);
      if (unknown.length)
        return {
          eiResponse: eiResponse(
            ctx.profile,
            ctx.requestID,
            "invalidId",
            `/eiRequestTransaction/transactionID: no transaction of ${req.partyID}: ${unknown.join(", ")}`,
          ),
        };
      const contexts = req.marketContext ?? [];
      const others = req.counterPartyID ?? [];
      const found = [...transactions.values()].filter(
        (r) =>
          r.party === req.partyID &&
          (ids.length === 0 || ids.includes(r.transaction.transactionID)) &&
          (contexts.length === 0 || contexts.includes(terms.marketContext)) &&
          (others.length === 0 || others.includes(marketPartyID)),
      );
      return {
        eiResponse: { ...eiResponse(ctx.profile, ctx.requestID, "ok"), createdDateTime: ctx.now() },
        ...(found.length ? { eiTransaction: found.map((r) => r.transaction) } : {}),
      };
    },
  };

  const notPublished = (what: string, path: string) =>
    new EiFault(
      "notSupported",
      `this market publishes its own quotes (one per cleared interval); a party cannot ${what} one`,
      path,
    );

  const EiQuote: EiQuoteService = {
    createQuote(req, ctx) {
      return {
        eiResponse: faultResponse(
          ctx.profile,
          ctx.requestID,
          notPublished("create", "/eiCreateQuote"),
        ),
        publisherPartyID: req.publisherPartyID,
        subscriberPartyID: req.subscriberPartyID,
      };
    },
    cancelQuote(req, ctx) {
      return {
        eiResponse: faultResponse(
          ctx.profile,
          ctx.requestID,
          notPublished("cancel", "/eiCancelQuote"),
        ),
        publisherPartyID: req.publisherPartyID,
        ...(req.subscriberPartyID !== undefined
          ? { subscriberPartyID: req.subscriberPartyID }
          : {}),
      };
    },
    requestQuote(req, ctx) {
      const refused = refuseFilters(req, "/eiRequestQuote", ctx);
      if (refused) return refused;
      if (req.publisherPartyID !== marketPartyID)
        return {
          eiResponse: eiResponse(
            ctx.profile,
            ctx.requestID,
            "invalidId",
            `/eiRequestQuote/publisherPartyID: this market publishes as ${marketPartyID}, not ${req.publisherPartyID}`,
          ),
        };
      const all = [...quotes.values()];
      const ids = req.quoteID ?? [];
      const unknown = ids.filter((id) => !all.some((q) => q.quoteID === id));
      if (unknown.length)
        return {
          eiResponse: eiResponse(
            ctx.profile,
            ctx.requestID,
            "invalidId",
            `/eiRequestQuote/quoteID: no such quote (the interval is not cleared yet or is not one of this market's): ${unknown.join(", ")}`,
          ),
        };
      const contexts = req.marketContext ?? [];
      const found = all.filter(
        (q) =>
          (ids.length === 0 || ids.includes(q.quoteID)) &&
          (contexts.length === 0 || contexts.includes(terms.marketContext)),
      );
      return {
        eiResponse: { ...eiResponse(ctx.profile, ctx.requestID, "ok"), createdDateTime: ctx.now() },
        ...(found.length ? { eiQuote: found } : {}),
      };
    },
  };

  const EiMarketContext: EiMarketContextService = {
    requestMarketContext(req, ctx) {
      const unknown = (req.marketContext ?? []).filter((m) => m !== terms.marketContext);
      return {
        eiResponse: unknown.length
          ? eiResponse(
              ctx.profile,
              ctx.requestID,
              "invalidId",
              `/eiRequestEiMarketContext/marketContext: unknown market context: ${unknown.join(", ")} (this market: ${terms.marketContext})`,
            )
          : {
              ...eiResponse(ctx.profile, ctx.requestID, "ok", describeMarketContext(node)),
              createdDateTime: ctx.now(),
            },
      };
    },
  };

  /** Gate closure: refused at or after the interval's gate closure, or once it is cleared. */
  function checkOpen(index: number, now: number, path: string): void {
    const interval = node.interval(index);
    if (node.quote(index) !== undefined || now >= interval.gateClosureMs)
      throw bindingError(
        "gate-closed",
        `${path}/product/dtStart/dateTime`,
        `the gate of the interval starting ${new Date(interval.startMs).toISOString()} closed at ${new Date(interval.gateClosureMs).toISOString()}`,
        index,
      );
  }

  /** A root CDA book refuses limits outside the node's price bounds: said before anything is stored. */
  function checkLimits(price: number, path: string): void {
    if (node.mechanism !== "cda" || node.parent !== undefined) return;
    if (
      (node.minPrice !== undefined && price < node.minPrice) ||
      (node.maxPrice !== undefined && price > node.maxPrice)
    )
      throw bindingError(
        "bad-price",
        path,
        "the price is outside the market's price bounds",
        price,
      );
  }

  return {
    node,
    marketPartyID,
    EiTender,
    EiTransaction,
    EiQuote,
    EiMarketContext,
    tenders,
    quoteOf: (index) => quotes.get(index),
    close: unsubscribe,
  };
}

/** Requests that filter by a stream of intervals: not supported (refused, not ignored). */
function refuseFilters(
  req: { readonly intervals?: unknown },
  path: string,
  ctx: { readonly profile: string; readonly requestID: string },
): { eiResponse: ReturnType<typeof eiResponse> } | undefined {
  if (req.intervals === undefined) return undefined;
  return {
    eiResponse: faultResponse(
      ctx.profile,
      ctx.requestID,
      new EiFault(
        "notSupported",
        "filtering by a stream of intervals is not supported; filter by quoteID / transactionID / marketContext",
        `${path}/intervals`,
      ),
    ),
  };
}

/** The quote ID of an interval: "<marketContext>#<index>". */
export function quoteIdOf(marketContext: string, index: number): string {
  return `${marketContext}#${index}`;
}

/**
 * A node's quote as an EI quote: one product per published price — "<quoteID>/price" (the clearing
 * price or last trade, side sell, quantity = energy traded), "<quoteID>/bestBid" (side buy) and
 * "<quoteID>/bestAsk" (side sell); no price product when nothing traded.
 */
export function quoteToEi(terms: MarketTerms, quote: Quote): EiQuoteType {
  const quoteID = quoteIdOf(terms.marketContext, quote.interval.index);
  const products: ProductType[] = [];
  const traded = quote.quantity as Quantity;
  if (quote.price !== undefined)
    products.push(
      productOf(
        terms,
        quote.interval,
        "sell",
        quote.price,
        traded,
        `${quoteID}/price`,
        "publication",
      ),
    );
  if (quote.bestBid !== undefined)
    products.push(
      productOf(
        terms,
        quote.interval,
        "buy",
        quote.bestBid,
        undefined,
        `${quoteID}/bestBid`,
        "publication",
      ),
    );
  if (quote.bestAsk !== undefined)
    products.push(
      productOf(
        terms,
        quote.interval,
        "sell",
        quote.bestAsk,
        undefined,
        `${quoteID}/bestAsk`,
        "publication",
      ),
    );
  return {
    quoteID,
    ...(products.length ? { product: products } : {}),
  };
}

/** Options of createMarketDispatcher: the services' and the dispatcher's. */
export interface MarketDispatcherOptions extends MarketServicesOptions {
  /** largest request body accepted, in bytes (default 1 MiB) */
  readonly maxBytes?: number;
  /** validate each response against the schemas before sending it (default true) */
  readonly validateResponses?: boolean;
}

/**
 * A CTS 0.4 dispatcher (profile "cts", role "market") over a node's services: serve it in process
 * (`dispatch`) or over HTTP with `startEiServer` of @transactive/ei-node.
 */
export function createMarketDispatcher(
  node: MarketNode,
  options: MarketDispatcherOptions = {},
): Dispatcher & { readonly market: MarketServices } {
  const market = createMarketServices(node, options);
  const clock = options.clock;
  const dispatcher = createDispatcher({
    profile: "cts",
    role: "market",
    implementations: {
      EiTender: market.EiTender,
      EiTransaction: market.EiTransaction,
      EiQuote: market.EiQuote,
      EiMarketContext: market.EiMarketContext,
    },
    ...(clock !== undefined ? { clock: () => new Date(clock()) } : {}),
    ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
    ...(options.validateResponses !== undefined
      ? { validateResponses: options.validateResponses }
      : {}),
  });
  return { ...dispatcher, market };
}
