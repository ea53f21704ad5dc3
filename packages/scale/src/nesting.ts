/**
 * Fractal nesting over NATS: a child market in another process (another machine, behind its own
 * leaf-node server) joins its parent as one member. Only the child's aggregate curve goes up and
 * only the parent's price and the child's own transactions come down, as EI messages (XML or
 * JSON, the CTS binding of @transactive/market/ei), on per-interval subjects of the parent market M:
 *
 *   <prefix>.market.M.interval.<i>.tender       request/reply  EiCreateTender → EiCreatedTender
 *       the child's net curve for interval i, one tender per step, tender ID "<child>:<i>:<k>"
 *       (an empty curve: one tender "<child>:<i>:none" of quantity 0)
 *   <prefix>.market.M.interval.<i>.quote        publish        EiCreateQuote (subscriberPartyID "all")
 *       the parent's quote once it has cleared interval i
 *   <prefix>.market.M.interval.<i>.transaction  request/reply  EiRequestTransaction → EiReplyTransaction
 *       the child's transactions of interval i (its award), kept by the parent for late children
 *
 * The parent side (`NatsChildren`) adds one member per remote child to the parent MarketNode: at
 * gate closure that member bids the curve received for the interval, so the parent clears exactly
 * as with the child in process (same member order, same mechanism). A child whose curve has not
 * arrived when the parent clears is bid with its last known curve (policy "last-known", the
 * default) or left out ("omit"); its award is kept either way and the child settles it when it
 * returns. The child side (`NatsParentLink`) is RemoteParent's protocol on these subjects.
 */

import type { Msg, NatsConnection, Subscription } from "@nats-io/transport-node";
import { headers } from "@nats-io/transport-node";
import { type CodecDocument, encodeXml, toJson } from "@transactive/codec";
import {
  type EiCreateQuoteType,
  type EiCreateTenderType,
  type EiReplyTransactionType,
  type EiRequestTransactionType,
  type EiTransactionType,
  eiResponse,
  registry,
  typedEiClient,
} from "@transactive/ei";
import {
  type Agent,
  type Bid,
  type ClearingMechanism,
  type CurveStep,
  type DeliveryInterval,
  durationSeconds,
  type MarketNode,
  type MemberAward,
  type Money,
  type NodeTransaction,
  type Price,
  type Quantity,
  type Quote,
  tradeValue,
} from "@transactive/market";
import {
  type MarketTerms,
  parseMarketContext,
  productOf,
  quoteIdOf,
  quoteToEi,
  readProduct,
  tenderIdOf,
  termsOf,
} from "@transactive/market/ei";
import { decode, natsEiClient } from "./ei-nats.js";
import { ScaleError } from "./errors.js";
import { DEFAULT_PREFIX, intervalSubject } from "./subjects.js";

/** Options both sides share. */
export interface NestingOptions {
  /** first subject token (default "transactive") */
  readonly prefix?: string;
  /** encoding of the messages this side sends (default "xml") */
  readonly format?: "xml" | "json";
}

function encode(doc: CodecDocument, format: "xml" | "json"): { body: string; type: string } {
  return format === "xml"
    ? { body: encodeXml(registry, doc), type: "application/xml" }
    : { body: toJson(doc), type: "application/json" };
}

function contentHeaders(type: string) {
  const h = headers();
  h.set("Content-Type", type);
  return h;
}

function read(msg: Msg, element: string): unknown {
  const type = msg.headers?.get("Content-Type") || "application/xml";
  const text = msg.string();
  const { document, issues } = decode(type, text);
  if (document === undefined)
    throw new ScaleError(
      "bad-message",
      msg.subject,
      `not an EI document: ${issues[0]?.message ?? text.slice(0, 200)}`,
    );
  if (document.element !== element)
    throw new ScaleError(
      "bad-message",
      msg.subject,
      `expected ${element} on ${msg.subject}, got ${document.element}`,
    );
  return document.value;
}

function intervalOfSubject(subject: string): number {
  const parts = subject.split(".");
  return Number(parts[parts.length - 2]);
}

/** How the parent side treats a child whose curve has not arrived at clearing. */
export type MissingChildPolicy = "last-known" | "omit";

/** Options of the parent side. */
export interface NatsChildrenOptions extends NestingOptions {
  /** a child without a curve for the interval at clearing (default "last-known") */
  readonly missing?: MissingChildPolicy;
  /** how many cleared intervals' awards to keep for children that fetch late (default 1000) */
  readonly keepIntervals?: number;
}

/** The member standing for one remote child in the parent. */
class RemoteChildMember implements Agent {
  constructor(
    readonly id: string,
    private readonly owner: NatsChildren,
  ) {}
  bid(interval: DeliveryInterval): Bid {
    return this.owner.curveFor(this.id, interval.index);
  }
  award(award: MemberAward): void {
    this.owner.keepAward(this.id, award);
  }
}

/** The parent side of nesting over NATS (see the module comment). */
export class NatsChildren {
  private readonly prefix: string;
  private readonly format: "xml" | "json";
  private readonly terms: MarketTerms;
  private readonly children: string[] = [];
  private readonly curves = new Map<number, Map<string, Bid>>();
  private readonly lastKnown = new Map<string, Bid>();
  private readonly awards = new Map<number, Map<string, MemberAward>>();
  private readonly waiters = new Map<number, () => void>();
  private readonly subs: Subscription[] = [];
  private unsubscribe: (() => void) | undefined;
  /** children bid with their last known curve (or left out), per interval */
  readonly stale = new Map<number, string[]>();
  /** curves received so far, and their steps (one EiTender each) */
  readonly received = { curves: 0, steps: 0 };

  constructor(
    readonly nc: NatsConnection,
    readonly parent: MarketNode,
    private readonly options: NatsChildrenOptions = {},
  ) {
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.format = options.format ?? "xml";
    this.terms = termsOf(parent);
  }

  /** Adds the remote child `id` as the parent's next member (member order is clearing order). */
  addChild(id: string): void {
    this.parent.addMember(new RemoteChildMember(id, this));
    this.children.push(id);
  }

  /** The remote children, in member order. */
  get childIds(): readonly string[] {
    return this.children;
  }

  /** Starts answering tenders and transaction requests, and publishing the parent's quotes. */
  async start(): Promise<void> {
    const m = this.parent.id;
    const any = (what: "tender" | "transaction") =>
      intervalSubject(m, 0, what, this.prefix).replace(".interval.0.", ".interval.*.");
    this.subs.push(
      this.nc.subscribe(any("tender"), { callback: (_e, msg) => this.onTender(msg) }),
      this.nc.subscribe(any("transaction"), {
        callback: (_e, msg) => this.onTransactionRequest(msg),
      }),
    );
    this.unsubscribe = this.parent.subscribe((e) => {
      if (e.type === "quote") this.publishQuote(e.quote);
    });
    await this.nc.flush();
  }

  /**
   * Resolves when every child's curve for interval `index` is in, or after `timeoutMs` (then the
   * missing policy applies at clearing); returns the children still missing.
   */
  async collect(index: number, timeoutMs = 30_000): Promise<string[]> {
    const missing = () => this.children.filter((c) => !this.curves.get(index)?.has(c));
    if (missing().length === 0) return [];
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.waiters.delete(index);
        resolve();
      }, timeoutMs);
      this.waiters.set(index, () => {
        if (missing().length > 0) return;
        clearTimeout(t);
        this.waiters.delete(index);
        resolve();
      });
    });
    return missing();
  }

  /** @internal the member's bid: the received curve, else the policy's. */
  curveFor(child: string, index: number): Bid {
    const got = this.curves.get(index)?.get(child);
    if (got !== undefined) return got;
    let stale = this.stale.get(index);
    if (stale === undefined) this.stale.set(index, (stale = []));
    stale.push(child);
    return (this.options.missing ?? "last-known") === "last-known"
      ? (this.lastKnown.get(child) ?? [])
      : [];
  }

  /** @internal the member's award, kept until fetched (and for late children). */
  keepAward(child: string, award: MemberAward): void {
    const index = award.interval.index;
    let m = this.awards.get(index);
    if (m === undefined) this.awards.set(index, (m = new Map()));
    m.set(child, award);
    this.curves.delete(index - 1);
    const keep = this.options.keepIntervals ?? 1000;
    this.awards.delete(index - keep);
  }

  /** Stops answering and publishing. */
  async close(): Promise<void> {
    this.unsubscribe?.();
    for (const s of this.subs) await s.drain().catch(() => {});
  }

  private reply(msg: Msg, doc: CodecDocument): void {
    const { body, type } = encode(doc, this.format);
    msg.respond(body, { headers: contentHeaders(type) });
  }

  private refuse(
    msg: Msg,
    requestID: string,
    partyID: string,
    why: string,
    code: "invalidData" | "notAllowed" | "invalidId",
  ): void {
    this.reply(msg, {
      profile: "cts",
      element: "pyld:eiCreatedTender",
      value: { eiResponse: eiResponse("cts", requestID, code, why), partyID },
    });
  }

  private onTender(msg: Msg): void {
    if (msg.reply === undefined) return;
    const index = intervalOfSubject(msg.subject);
    let req: EiCreateTenderType;
    try {
      req = read(msg, "pyld:eiCreateTender") as EiCreateTenderType;
    } catch (e) {
      this.refuse(msg, "", "", (e as Error).message, "invalidData");
      return;
    }
    const party = req.partyID;
    if (!this.children.includes(party)) {
      this.refuse(
        msg,
        req.requestID,
        party,
        `${party} is not a child of ${this.parent.id}`,
        "invalidId",
      );
      return;
    }
    if (this.parent.quote(index) !== undefined || this.awards.get(index)?.has(party)) {
      this.refuse(
        msg,
        req.requestID,
        party,
        `interval ${index} of ${this.parent.id} is cleared`,
        "notAllowed",
      );
      return;
    }
    const steps: CurveStep[] = [];
    try {
      req.eiTender.forEach((t, k) => {
        const p = readProduct(
          t.product,
          `/eiCreateTender/eiTender[${k}]/product`,
          this.terms,
          "tender",
          {
            zeroQuantity: true,
          },
        );
        if (p.index !== index)
          throw new ScaleError(
            "bad-message",
            `/eiCreateTender/eiTender[${k}]`,
            `a tender for interval ${p.index} on interval ${index}'s subject`,
          );
        if (p.quantity > 0) steps.push({ side: p.side, price: p.price, quantity: p.quantity });
      });
    } catch (e) {
      this.refuse(msg, req.requestID, party, (e as Error).message, "invalidData");
      return;
    }
    let m = this.curves.get(index);
    if (m === undefined) this.curves.set(index, (m = new Map()));
    m.set(party, steps);
    this.lastKnown.set(party, steps);
    this.received.curves++;
    this.received.steps += req.eiTender.length;
    this.reply(msg, {
      profile: "cts",
      element: "pyld:eiCreatedTender",
      value: {
        eiResponse: eiResponse("cts", req.requestID, "ok"),
        partyID: party,
        counterPartyID: this.parent.id,
        tenderID: req.eiTender.map((t) => t.tenderID),
      },
    });
    this.waiters.get(index)?.();
  }

  private onTransactionRequest(msg: Msg): void {
    if (msg.reply === undefined) return;
    const index = intervalOfSubject(msg.subject);
    const answer = (value: EiReplyTransactionType) =>
      this.reply(msg, { profile: "cts", element: "pyld:eiReplyTransaction", value });
    let req: EiRequestTransactionType;
    try {
      req = read(msg, "pyld:eiRequestTransaction") as EiRequestTransactionType;
    } catch (e) {
      answer({ eiResponse: eiResponse("cts", "", "invalidData", (e as Error).message) });
      return;
    }
    const award = this.awards.get(index)?.get(req.partyID);
    if (award === undefined) {
      answer({
        eiResponse: eiResponse(
          "cts",
          req.requestID,
          "notAllowed",
          `no award of interval ${index} for ${req.partyID} (not cleared yet, or not kept)`,
        ),
      });
      return;
    }
    const eiTransaction: EiTransactionType[] = award.transactions.map((tx) => {
      // in-process member orders are "<child>:<k>": the child's tender ID is "<child>:<i>:<k>"
      const k =
        tx.tenderId === undefined ? undefined : tx.tenderId.slice(tx.tenderId.lastIndexOf(":") + 1);
      return {
        transactionID: tx.id,
        ...(k !== undefined ? { tenderID: `${req.partyID}:${index}:${k}` } : {}),
        product: productOf(
          this.terms,
          tx.interval,
          tx.side,
          tx.price,
          tx.quantity,
          tx.id,
          "transaction",
        ),
      };
    });
    answer({ eiResponse: eiResponse("cts", req.requestID, "ok"), eiTransaction });
  }

  private publishQuote(quote: Quote): void {
    const index = quote.interval.index;
    const value: EiCreateQuoteType = {
      requestID: `${this.parent.id}-quote-${index}`,
      publisherPartyID: this.parent.id,
      subscriberPartyID: "all",
      eiQuote: [quoteToEi(this.terms, quote)],
    };
    const { body, type } = encode(
      { profile: "cts", element: "pyld:eiCreateQuote", value },
      this.format,
    );
    this.nc.publish(intervalSubject(this.parent.id, index, "quote", this.prefix), body, {
      headers: contentHeaders(type),
    });
  }
}

/** Where the child's parent is. */
export interface NatsParentLinkOptions extends NestingOptions {
  /** the parent market's ID (its subject token and party ID) */
  readonly parent: string;
  /** the parent's market context (URI) */
  readonly marketContext: string;
  /** milliseconds to wait for the parent at connect and for a quote (default 30 000) */
  readonly timeoutMs?: number;
  /**
   * milliseconds to wait for one answer (default 5 000): a request lost while a connection
   * comes back fails fast with ScaleError "transport", and the caller asks again
   */
  readonly requestTimeoutMs?: number;
}

/** The child side of nesting over NATS (see the module comment). */
export class NatsParentLink {
  private readonly prefix: string;
  private readonly format: "xml" | "json";
  private terms: MarketTerms | undefined;
  private mechanism: ClearingMechanism | undefined;
  private readonly quotes = new Map<number, Quote>();
  private readonly quoteWaiters = new Map<number, () => void>();
  /** intervals the child has bid for (a curve sent, or bid locally to settle a missed interval) */
  private readonly bid = new Set<number>();
  private client: ReturnType<typeof typedEiClient<"cts">> | undefined;
  private sub: Subscription | undefined;
  private seq = 0;

  constructor(
    readonly nc: NatsConnection,
    readonly child: MarketNode,
    private readonly options: NatsParentLinkOptions,
  ) {
    if (child.parent !== undefined)
      throw new ScaleError(
        "bad-option",
        "/child",
        `${child.id} has joined ${child.parent.id} in process`,
      );
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.format = options.format ?? "xml";
  }

  /**
   * Asks the parent for its terms (EiRequestEiMarketContext on its EI subject: the parent serves
   * its market dispatcher with `serveEiOverNats`), checks intervals and currency, and starts
   * listening for the parent's quotes.
   */
  async connect(): Promise<void> {
    const client = typedEiClient(
      natsEiClient(this.nc, {
        market: this.options.parent,
        prefix: this.prefix,
        format: this.format,
        timeoutMs: this.options.requestTimeoutMs ?? 5_000,
      }),
      { profile: "cts" },
    );
    this.client = client;
    // the parent may not be up yet (or its interest not yet across a leaf node): ask again
    const until = Date.now() + (this.options.timeoutMs ?? 30_000);
    let reply: Awaited<ReturnType<typeof client.EiMarketContext.requestMarketContext>>;
    for (;;) {
      try {
        reply = await client.EiMarketContext.requestMarketContext({
          requestID: this.nextId(),
          marketContext: [this.options.marketContext],
          partyID: this.child.id,
        });
        break;
      } catch (e) {
        if (!(e instanceof ScaleError) || e.code !== "transport" || Date.now() > until) throw e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const ctx = parseMarketContext(
      reply.value.eiResponse.responseDescription ?? "",
      "/eiReplyEiMarketContext/eiResponse/responseDescription",
    );
    const zero = this.child.interval(0);
    const seconds = durationSeconds(ctx.interval, "/eiReplyEiMarketContext/interval");
    if (
      ctx.currency !== this.child.currency ||
      seconds !== zero.seconds ||
      Date.parse(ctx.epoch) !== zero.startMs
    )
      throw new ScaleError(
        "bad-option",
        "/parent",
        `the parent's terms (${ctx.currency}, ${ctx.interval} from ${ctx.epoch}) are not ${this.child.id}'s; nesting needs the same currency and intervals`,
      );
    this.terms = {
      marketContext: ctx.marketContext,
      currency: ctx.currency,
      interval: ctx.interval,
      seconds,
      epochMs: zero.startMs,
    };
    this.mechanism = ctx.mechanism;
    const any = intervalSubject(this.options.parent, 0, "quote", this.prefix).replace(
      ".interval.0.",
      ".interval.*.",
    );
    this.sub = this.nc.subscribe(any, { callback: (_e, msg) => this.onQuote(msg) });
    await this.nc.flush();
  }

  /** Sends the child's aggregate curve for interval `index` (its members' bids, no names); returns it. */
  async submit(index: number): Promise<Bid> {
    const terms = this.connected();
    const interval = this.child.interval(index);
    const steps = this.child.bid(interval);
    this.bid.add(index);
    const tenders =
      steps.length > 0
        ? steps.map((st, k) => ({
            id: tenderIdOf(this.child.id, index, k),
            side: st.side,
            price: st.price as Price,
            quantity: st.quantity as Quantity,
          }))
        : [
            {
              id: `${this.child.id}:${index}:none`,
              side: "buy" as const,
              price: 0 as Price,
              quantity: 0 as Quantity,
            },
          ];
    const value: EiCreateTenderType = {
      requestID: this.nextId(),
      partyID: this.child.id,
      counterPartyID: this.options.parent,
      eiTender: tenders.map((t) => ({
        tenderID: t.id,
        product: productOf(terms, interval, t.side, t.price, t.quantity, t.id, "tender"),
      })),
    };
    const res = await this.request(
      index,
      "tender",
      { profile: "cts", element: "pyld:eiCreateTender", value },
      "pyld:eiCreatedTender",
    );
    ok(
      (res as { eiResponse: { responseCode: string; responseDescription?: string } }).eiResponse,
      "tender",
    );
    return steps;
  }

  /**
   * After the parent has cleared interval `index`: waits for its quote (published, or asked for
   * with EiRequestQuote when missed), fetches the child's transactions, awards the child (which
   * shares the award among its members at one price) and publishes the child's own quote.
   * Returns the award. An interval the child did not submit (it was down, or its tender came
   * after the parent cleared: "refused") is settled the same way: the child's members bid
   * locally, then share what the parent awarded (the parent bid the child's last known curve,
   * or nothing, by its policy).
   */
  async settle(index: number): Promise<MemberAward> {
    const terms = this.connected();
    const interval = this.child.interval(index);
    const quote = await this.quoteOf(index);
    if (!this.bid.has(index)) {
      this.child.bid(interval);
      this.bid.add(index);
    }
    const value: EiRequestTransactionType = {
      requestID: this.nextId(),
      partyID: this.child.id,
      requestorPartyID: this.child.id,
      marketContext: [terms.marketContext],
    };
    const res = (await this.request(
      index,
      "transaction",
      { profile: "cts", element: "pyld:eiRequestTransaction", value },
      "pyld:eiReplyTransaction",
    )) as EiReplyTransactionType;
    ok(res.eiResponse, "transaction");
    let bought = 0;
    let sold = 0;
    let cost = 0n;
    const transactions: NodeTransaction[] = (res.eiTransaction ?? []).map((t, k) => {
      const p = readProduct(
        t.product,
        `/eiReplyTransaction/eiTransaction[${k}]/product`,
        terms,
        "transaction",
      );
      if (p.side === "buy") {
        bought += p.quantity;
        cost += tradeValue(p.price, p.quantity);
      } else {
        sold += p.quantity;
        cost -= tradeValue(p.price, p.quantity);
      }
      return {
        id: t.transactionID,
        interval,
        party: this.child.id,
        ...(t.tenderID !== undefined ? { tenderId: t.tenderID } : {}),
        side: p.side,
        price: p.price,
        quantity: p.quantity,
        value: tradeValue(p.price, p.quantity),
      };
    });
    // a call auction settles every member at its one price; a CDA's fills are priced each
    const price = this.mechanism === "call" ? quote.price : undefined;
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
    this.child.observe(quote);
    this.quotes.delete(index);
    this.bid.delete(index);
    return award;
  }

  /** Stops listening for quotes. */
  async close(): Promise<void> {
    await this.sub?.drain().catch(() => {});
  }

  private async quoteOf(index: number): Promise<Quote> {
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    const until = Date.now() + timeoutMs;
    for (let round = 0; ; round++) {
      const have = this.quotes.get(index);
      if (have !== undefined) return have;
      // missed the publication (down, reconnecting)? ask for it; then wait for it a while
      if (round > 0) {
        const asked = await this.requestQuote(index).catch(() => undefined);
        if (asked !== undefined) return asked;
      }
      if (Date.now() > until)
        throw new ScaleError(
          "transport",
          intervalSubject(this.options.parent, index, "quote", this.prefix),
          `no quote for interval ${index} within ${timeoutMs} ms`,
        );
      await new Promise<void>((resolve) => {
        const t = setTimeout(
          () => {
            this.quoteWaiters.delete(index);
            resolve();
          },
          Math.min(1000, timeoutMs),
        );
        this.quoteWaiters.set(index, () => {
          clearTimeout(t);
          this.quoteWaiters.delete(index);
          resolve();
        });
      });
    }
  }

  /** The parent's quote of interval `index` by EiRequestQuote, or undefined when not cleared yet. */
  private async requestQuote(index: number): Promise<Quote | undefined> {
    const terms = this.connected();
    const client = this.client as NonNullable<typeof this.client>;
    const quoteID = quoteIdOf(terms.marketContext, index);
    const reply = await client.EiQuote.requestQuote({
      requestID: this.nextId(),
      requestorPartyID: this.child.id,
      publisherPartyID: this.options.parent,
      quoteID: [quoteID],
    });
    const q = (reply.value.eiQuote ?? []).find((x) => x.quoteID === quoteID);
    if (q === undefined) return undefined;
    return quoteFromEi(terms, this.child.interval(index), q.product ?? []);
  }

  private onQuote(msg: Msg): void {
    const terms = this.terms;
    if (terms === undefined) return;
    const index = intervalOfSubject(msg.subject);
    try {
      const req = read(msg, "pyld:eiCreateQuote") as EiCreateQuoteType;
      const q = req.eiQuote[0];
      if (q === undefined) return;
      this.quotes.set(index, quoteFromEi(terms, this.child.interval(index), q.product ?? []));
      this.quoteWaiters.get(index)?.();
    } catch {
      // not a quote of ours: ignored (a missing quote times out in settle)
    }
  }

  private async request(
    index: number,
    what: "tender" | "transaction",
    doc: CodecDocument,
    element: string,
  ): Promise<unknown> {
    const subject = intervalSubject(this.options.parent, index, what, this.prefix);
    const { body, type } = encode(doc, this.format);
    let res: Msg;
    try {
      res = await this.nc.request(subject, body, {
        timeout: this.options.requestTimeoutMs ?? 5_000,
        headers: contentHeaders(type),
      });
    } catch (e) {
      throw new ScaleError(
        "transport",
        subject,
        `no answer on ${subject}: ${(e as Error).message}`,
      );
    }
    return read(res, element);
  }

  private connected(): MarketTerms {
    if (this.terms === undefined)
      throw new ScaleError("bad-option", "/connect", "call connect() first");
    return this.terms;
  }

  private nextId(): string {
    return `${this.child.id}-req-${++this.seq}`;
  }
}

function ok(
  r: { responseCode: string; responseDescription?: string } | undefined,
  what: string,
): void {
  if (r === undefined || !/^2\d\d$/.test(String(r.responseCode)))
    throw new ScaleError(
      "refused",
      `/${what}/eiResponse`,
      `the parent refused (${r?.responseCode}): ${r?.responseDescription ?? ""}`,
    );
}

/** A Quote from the products of an EiQuote (the inverse of quoteToEi). */
export function quoteFromEi(
  terms: MarketTerms,
  interval: DeliveryInterval,
  products: readonly unknown[],
): Quote {
  let price: Price | undefined;
  let bestBid: Price | undefined;
  let bestAsk: Price | undefined;
  let quantity = 0 as Quantity;
  products.forEach((product, i) => {
    const path = `/eiQuote/product[${i}]`;
    const p = readProduct(product, path, terms, "publication", { zeroQuantity: true });
    if (p.index !== interval.index)
      throw new ScaleError("bad-message", `${path}/dtStart`, "the quote is for another interval");
    const uid = String((product as { uid?: unknown }).uid);
    if (uid.endsWith("/price")) {
      price = p.price;
      quantity = p.quantity;
    } else if (uid.endsWith("/bestBid")) bestBid = p.price;
    else if (uid.endsWith("/bestAsk")) bestAsk = p.price;
  });
  return {
    marketContext: terms.marketContext,
    interval,
    ...(price !== undefined ? { price } : {}),
    ...(bestBid !== undefined ? { bestBid } : {}),
    ...(bestAsk !== undefined ? { bestAsk } : {}),
    quantity,
    outcome:
      price !== undefined
        ? "cleared"
        : bestBid === undefined && bestAsk === undefined
          ? "empty"
          : bestBid === undefined || bestAsk === undefined
            ? "one-sided"
            : "no-crossing",
  };
}
