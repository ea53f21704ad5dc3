/**
 * The continuous double auction of one delivery interval: a limit order book with price-time
 * priority. An incoming order trades against the best resting orders of the other side while
 * prices cross (a buy at its limit or less, a sell at its limit or more), each fill at the
 * resting order's price, partially when quantities differ; what is left rests in the book.
 *
 * Structure: per side, a map from price to a FIFO level and a heap of level prices; a level
 * leaves the map (and the heap) only when it reaches the top empty, so a price has at most one
 * level and one heap entry. Cancelled orders are marked dead and skipped when met in their queue.
 * All quantities and prices are safe integers (units.ts): the hot path is integer arithmetic.
 */
import { marketError } from "./errors.js";
import { NumberHeap } from "./price-heap.js";
import type {
  BookLevel,
  BookTop,
  Fill,
  OrderBookOptions,
  OrderInput,
  ReplaceInput,
  ReplaceResult,
  RestingOrder,
  SelfTradePolicy,
  Side,
  SubmitResult,
} from "./types.js";
import type { Price, Quantity } from "./units.js";

class Order {
  constructor(
    readonly id: string,
    readonly owner: string,
    readonly buy: boolean,
    readonly price: number,
    public quantity: number,
    public priority: number,
    public level: Level,
  ) {}
  alive = true;
}

class Level {
  /** orders in time priority from `head`; dead ones are skipped */
  queue: Order[] = [];
  head = 0;
  /** open quantity of the live orders */
  quantity = 0;
  live = 0;
  constructor(readonly price: number) {}
}

class BookSide {
  readonly levels = new Map<number, Level>();
  /** min-heap of prices (bids: negated) */
  readonly heap = new NumberHeap();
  constructor(readonly buy: boolean) {}

  /** the best level with live orders, dropping empty ones met at the top */
  best(): Level | undefined {
    for (;;) {
      const key = this.heap.peek();
      if (key === undefined) return undefined;
      const price = this.buy ? -key : key;
      const level = this.levels.get(price) as Level;
      if (level.live > 0) return level;
      this.heap.pop();
      this.levels.delete(price);
    }
  }

  levelFor(price: number): Level {
    let level = this.levels.get(price);
    if (level === undefined) {
      level = new Level(price);
      this.levels.set(price, level);
      this.heap.push(this.buy ? -price : price);
    }
    return level;
  }

  /** live levels, best first */
  sortedLevels(): Level[] {
    const out = [...this.levels.values()].filter((l) => l.live > 0);
    return out.sort((a, b) => (this.buy ? b.price - a.price : a.price - b.price));
  }
}

function snapshot(o: Order): RestingOrder {
  return {
    id: o.id,
    owner: o.owner,
    side: o.buy ? "buy" : "sell",
    price: o.price as Price,
    quantity: o.quantity as Quantity,
    priority: o.priority,
  };
}

const NO_IDS: readonly string[] = Object.freeze([]);
const NO_FILLS: readonly Fill[] = Object.freeze([]);

/** One interval's limit order book (continuous double auction). Deterministic: no clock, no randomness. */
export class OrderBook {
  /** the label given in the options (e.g. the interval's start) */
  readonly interval: string | undefined;
  private readonly tick: number;
  private readonly minPrice: number;
  private readonly maxPrice: number;
  private readonly selfTrade: SelfTradePolicy;
  private readonly bids = new BookSide(true);
  private readonly asks = new BookSide(false);
  private readonly resting = new Map<string, Order>();
  private readonly log: Fill[] = [];
  private events = 0;

  constructor(options: OrderBookOptions = {}) {
    this.interval = options.interval;
    this.tick = options.tick ?? 1;
    this.minPrice = options.minPrice ?? Number.MIN_SAFE_INTEGER;
    this.maxPrice = options.maxPrice ?? Number.MAX_SAFE_INTEGER;
    this.selfTrade = options.selfTrade ?? "cancel-resting";
    if (!Number.isSafeInteger(this.tick) || this.tick <= 0)
      throw marketError(
        "bad-price",
        "/tick",
        "tick must be a positive number of price units",
        this.tick,
      );
    if (
      !Number.isSafeInteger(this.minPrice) ||
      !Number.isSafeInteger(this.maxPrice) ||
      this.minPrice > this.maxPrice
    )
      throw marketError(
        "bad-price",
        "/minPrice",
        "minPrice and maxPrice must be price units with minPrice ≤ maxPrice",
      );
    if (this.selfTrade !== "cancel-resting" && this.selfTrade !== "cancel-incoming")
      throw marketError(
        "bad-value",
        "/selfTrade",
        `unknown self-trade policy ${JSON.stringify(this.selfTrade)}`,
      );
  }

  /** Every fill so far, in execution order. */
  get trades(): readonly Fill[] {
    return this.log;
  }

  /**
   * Submits a limit order: it trades against the other side while prices cross, then its rest
   * rests. Refused (nothing changes) with "bad-order", "bad-price", "bad-quantity" or
   * "duplicate-order" (the id of an order still resting). The book does not remember the ids of
   * orders that are gone: keep ids unique per interval (EI tender IDs are) so fills map to one tender.
   */
  submit(order: OrderInput): SubmitResult {
    this.check(order, "");
    if (this.resting.has(order.id))
      throw marketError(
        "duplicate-order",
        "/id",
        `order id ${JSON.stringify(order.id)} is resting in this book`,
        order.id,
      );
    return this.execute(order.id, order.owner, order.side === "buy", order.price, order.quantity);
  }

  /** Cancels a resting order and returns it as it was; "unknown-order" when it is not resting. */
  cancel(id: string): RestingOrder {
    const o = this.resting.get(id);
    if (o === undefined)
      throw marketError("unknown-order", "/id", `no resting order ${JSON.stringify(id)}`, id);
    const before = snapshot(o);
    this.remove(o);
    return before;
  }

  /**
   * Changes a resting order. The order keeps its place in the queue only when the price is the
   * same and the quantity decreases (or nothing changes); any other change is a cancel and a new
   * submission with the same id at the back of its new price level, which may trade at once.
   */
  replace(id: string, change: ReplaceInput): ReplaceResult {
    const o = this.resting.get(id);
    if (o === undefined)
      throw marketError("unknown-order", "/id", `no resting order ${JSON.stringify(id)}`, id);
    const price = change.price ?? (o.price as Price);
    const quantity = change.quantity ?? (o.quantity as Quantity);
    this.check({ id, owner: o.owner, side: o.buy ? "buy" : "sell", price, quantity }, "");
    if (price === o.price && quantity <= o.quantity) {
      const delta = o.quantity - quantity;
      o.quantity = quantity;
      o.level.quantity -= delta;
      return {
        id,
        fills: NO_FILLS,
        remaining: quantity,
        selfTradeCancelled: NO_IDS,
        cancelledBySelfTrade: false,
        keptPriority: true,
      };
    }
    this.remove(o);
    return { ...this.execute(id, o.owner, o.buy, price, quantity), keptPriority: false };
  }

  /** Whether an order with this id is resting. */
  has(id: string): boolean {
    return this.resting.has(id);
  }

  /** The resting order with this id, if any. */
  get(id: string): RestingOrder | undefined {
    const o = this.resting.get(id);
    return o === undefined ? undefined : snapshot(o);
  }

  /** Best bid and ask with their open quantities (the book's quote). */
  top(): BookTop {
    const b = this.bids.best();
    const a = this.asks.best();
    return {
      ...(b ? { bestBid: b.price as Price } : {}),
      bestBidQuantity: (b?.quantity ?? 0) as Quantity,
      ...(a ? { bestAsk: a.price as Price } : {}),
      bestAskQuantity: (a?.quantity ?? 0) as Quantity,
    };
  }

  /** Price levels of one side, best first (all, or the first `levels`). */
  depth(side: Side, levels = Number.POSITIVE_INFINITY): BookLevel[] {
    return (side === "buy" ? this.bids : this.asks)
      .sortedLevels()
      .slice(0, levels)
      .map((l) => ({ price: l.price as Price, quantity: l.quantity as Quantity, orders: l.live }));
  }

  /** Resting orders of one side in priority order (price, then time). */
  orders(side: Side): RestingOrder[] {
    return (side === "buy" ? this.bids : this.asks).sortedLevels().flatMap((l) =>
      l.queue
        .slice(l.head)
        .filter((o) => o.alive)
        .map(snapshot),
    );
  }

  private check(order: OrderInput, path: string): void {
    if (typeof order !== "object" || order === null)
      throw marketError("bad-order", path, "an order must be an object");
    const { id, owner, side, price, quantity } = order;
    if (typeof id !== "string" || id === "")
      throw marketError("bad-order", `${path}/id`, "an order needs a non-empty string id", id);
    if (typeof owner !== "string" || owner === "")
      throw marketError(
        "bad-order",
        `${path}/owner`,
        "an order needs a non-empty string owner",
        owner,
      );
    if (side !== "buy" && side !== "sell")
      throw marketError(
        "bad-order",
        `${path}/side`,
        `side must be "buy" or "sell", got ${JSON.stringify(side)}`,
        side,
      );
    if (!Number.isSafeInteger(price))
      throw marketError(
        "bad-price",
        `${path}/price`,
        `price must be an integer count of price units, got ${price}`,
        price,
      );
    if (price < this.minPrice || price > this.maxPrice)
      throw marketError(
        "bad-price",
        `${path}/price`,
        `price ${price} is outside [${this.minPrice}, ${this.maxPrice}]`,
        price,
      );
    if (price % this.tick !== 0)
      throw marketError(
        "bad-price",
        `${path}/price`,
        `price ${price} is not a multiple of the tick ${this.tick}`,
        price,
      );
    if (!Number.isSafeInteger(quantity) || quantity <= 0)
      throw marketError(
        "bad-quantity",
        `${path}/quantity`,
        `quantity must be a positive integer count of quantity units, got ${quantity}`,
        quantity,
      );
  }

  private execute(
    id: string,
    owner: string,
    buy: boolean,
    price: number,
    quantity: number,
  ): SubmitResult {
    const priority = ++this.events;
    const other = buy ? this.asks : this.bids;
    let remaining = quantity;
    let fills: Fill[] | undefined;
    let cancelled: string[] | undefined;
    let stopped = false;
    while (remaining > 0) {
      const level = other.best();
      if (level === undefined || (buy ? level.price > price : level.price < price)) break;
      while (remaining > 0 && level.head < level.queue.length) {
        const resting = level.queue[level.head] as Order;
        if (!resting.alive) {
          level.head++;
          continue;
        }
        if (resting.owner === owner) {
          if (this.selfTrade === "cancel-incoming") {
            stopped = true;
            break;
          }
          (cancelled ??= []).push(resting.id);
          this.remove(resting);
          continue;
        }
        const q = Math.min(resting.quantity, remaining);
        const fill: Fill = {
          seq: this.log.length + 1,
          buyOrderId: buy ? id : resting.id,
          sellOrderId: buy ? resting.id : id,
          buyer: buy ? owner : resting.owner,
          seller: buy ? resting.owner : owner,
          price: level.price as Price,
          quantity: q as Quantity,
          aggressor: buy ? "buy" : "sell",
        };
        this.log.push(fill);
        (fills ??= []).push(fill);
        remaining -= q;
        resting.quantity -= q;
        level.quantity -= q;
        if (resting.quantity === 0) {
          resting.alive = false;
          level.live--;
          level.head++;
          this.resting.delete(resting.id);
        }
      }
      if (level.head > 32 && level.head * 2 > level.queue.length) {
        level.queue = level.queue.slice(level.head);
        level.head = 0;
      }
      if (stopped) break;
    }
    if (remaining > 0 && !stopped) {
      const level = (buy ? this.bids : this.asks).levelFor(price);
      const o = new Order(id, owner, buy, price, remaining, priority, level);
      level.queue.push(o);
      level.quantity += remaining;
      level.live++;
      this.resting.set(id, o);
    }
    return {
      id,
      fills: fills ?? NO_FILLS,
      remaining: (stopped ? 0 : remaining) as Quantity,
      selfTradeCancelled: cancelled ?? NO_IDS,
      cancelledBySelfTrade: stopped,
    };
  }

  private remove(o: Order): void {
    const level = o.level;
    o.alive = false;
    level.live--;
    level.quantity -= o.quantity;
    this.resting.delete(o.id);
    // an emptied level keeps its map and heap entry until it reaches the top; drop its dead orders now
    if (level.live === 0) {
      level.queue = [];
      level.head = 0;
    }
  }
}
