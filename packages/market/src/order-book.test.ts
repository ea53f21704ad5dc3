import { CodecError } from "@transactive/codec";
import { describe, expect, it } from "vitest";
import { OrderBook } from "./order-book.js";
import type { OrderInput, Side } from "./types.js";
import { type Price, type Quantity, toPrice, toQuantity } from "./units.js";

const p = (v: string) => toPrice(v);
const q = (v: string) => toQuantity(v);
const order = (
  id: string,
  owner: string,
  side: Side,
  price: string,
  quantity: string,
): OrderInput => ({
  id,
  owner,
  side,
  price: p(price),
  quantity: q(quantity),
});

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof CodecError) return `${e.code} ${e.path}`;
    throw e;
  }
  return undefined;
}

describe("OrderBook", () => {
  it("rests orders that do not cross and quotes the top", () => {
    const book = new OrderBook();
    book.submit(order("b1", "alice", "buy", "0.10", "1"));
    book.submit(order("s1", "bob", "sell", "0.12", "2"));
    expect(book.top()).toEqual({
      bestBid: p("0.10"),
      bestBidQuantity: q("1"),
      bestAsk: p("0.12"),
      bestAskQuantity: q("2"),
    });
    expect(book.trades).toEqual([]);
  });

  it("trades at the resting order's price, partially, in price-time priority", () => {
    const book = new OrderBook();
    book.submit(order("s1", "a", "sell", "0.11", "1"));
    book.submit(order("s2", "b", "sell", "0.10", "1"));
    book.submit(order("s3", "c", "sell", "0.10", "1"));
    const r = book.submit(order("b1", "d", "buy", "0.115", "2.5"));
    expect(r.fills.map((f) => [f.sellOrderId, f.price, f.quantity])).toEqual([
      ["s2", p("0.10"), q("1")],
      ["s3", p("0.10"), q("1")],
      ["s1", p("0.11"), q("0.5")],
    ]);
    expect(r.remaining).toBe(0);
    expect(book.get("s1")?.quantity).toBe(q("0.5"));
    expect(r.fills.every((f) => f.aggressor === "buy" && f.buyer === "d")).toBe(true);
  });

  it("rests the unfilled part of an incoming order at its own limit", () => {
    const book = new OrderBook();
    book.submit(order("s1", "a", "sell", "0.10", "1"));
    const r = book.submit(order("b1", "b", "buy", "0.20", "3"));
    expect(r.remaining).toBe(q("2"));
    expect(book.top().bestBid).toBe(p("0.20"));
  });

  it("cancels, and refuses unknown ids and ids still resting without changing the book", () => {
    const book = new OrderBook();
    book.submit(order("b1", "a", "buy", "0.10", "1"));
    expect(book.cancel("b1").quantity).toBe(q("1"));
    expect(book.top().bestBid).toBeUndefined();
    expect(codeOf(() => book.cancel("b1"))).toBe("unknown-order /id");
    // an id that is gone may come back; one that is resting may not
    book.submit(order("b1", "a", "buy", "0.10", "1"));
    expect(codeOf(() => book.submit(order("b1", "a", "buy", "0.11", "1")))).toBe(
      "duplicate-order /id",
    );
    expect(book.orders("buy").map((o) => [o.id, o.price])).toEqual([["b1", p("0.10")]]);
  });

  it("keeps priority on a quantity decrease only", () => {
    const book = new OrderBook();
    book.submit(order("b1", "a", "buy", "0.10", "2"));
    book.submit(order("b2", "b", "buy", "0.10", "2"));
    expect(book.replace("b1", { quantity: q("1") }).keptPriority).toBe(true);
    expect(book.orders("buy").map((o) => o.id)).toEqual(["b1", "b2"]);
    expect(book.replace("b1", { quantity: q("3") }).keptPriority).toBe(false);
    expect(book.orders("buy").map((o) => o.id)).toEqual(["b2", "b1"]);
    const r = book.replace("b2", { price: p("0.12") });
    expect(r.keptPriority).toBe(false);
    expect(book.depth("buy")).toEqual([
      { price: p("0.12"), quantity: q("2"), orders: 1 },
      { price: p("0.10"), quantity: q("3"), orders: 1 },
    ]);
  });

  it("a replacement that crosses trades at once", () => {
    const book = new OrderBook();
    book.submit(order("s1", "a", "sell", "0.12", "1"));
    book.submit(order("b1", "b", "buy", "0.10", "1"));
    const r = book.replace("b1", { price: p("0.13") });
    expect(r.fills.map((f) => [f.price, f.quantity])).toEqual([[p("0.12"), q("1")]]);
    expect(book.get("b1")).toBeUndefined();
  });

  it("self-trade prevention cancels the resting order by default", () => {
    const book = new OrderBook();
    book.submit(order("s1", "a", "sell", "0.10", "1"));
    book.submit(order("s2", "b", "sell", "0.11", "1"));
    const r = book.submit(order("b1", "a", "buy", "0.11", "1"));
    expect(r.selfTradeCancelled).toEqual(["s1"]);
    expect(r.fills.map((f) => f.sellOrderId)).toEqual(["s2"]);
    expect(book.get("s1")).toBeUndefined();
  });

  it("self-trade prevention can cancel the incoming order instead", () => {
    const book = new OrderBook({ selfTrade: "cancel-incoming" });
    book.submit(order("s1", "b", "sell", "0.09", "1"));
    book.submit(order("s2", "a", "sell", "0.10", "1"));
    const r = book.submit(order("b1", "a", "buy", "0.11", "3"));
    expect(r.fills.map((f) => f.sellOrderId)).toEqual(["s1"]);
    expect(r.cancelledBySelfTrade).toBe(true);
    expect(r.remaining).toBe(0);
    expect(book.get("b1")).toBeUndefined();
    expect(book.get("s2")?.quantity).toBe(q("1"));
  });

  it("refuses bad orders with a typed error naming the field", () => {
    const book = new OrderBook({ tick: p("0.001"), minPrice: p("-1"), maxPrice: p("1") });
    const ok = order("x", "a", "buy", "0.1", "1");
    expect(codeOf(() => book.submit({ ...ok, id: "" }))).toBe("bad-order /id");
    expect(codeOf(() => book.submit({ ...ok, owner: "" }))).toBe("bad-order /owner");
    expect(codeOf(() => book.submit({ ...ok, side: "hold" as Side }))).toBe("bad-order /side");
    expect(codeOf(() => book.submit({ ...ok, price: 0.1 as Price }))).toBe("bad-price /price");
    expect(codeOf(() => book.submit({ ...ok, price: p("0.0005") }))).toBe("bad-price /price");
    expect(codeOf(() => book.submit({ ...ok, price: p("2") }))).toBe("bad-price /price");
    expect(codeOf(() => book.submit({ ...ok, quantity: 0 as Quantity }))).toBe(
      "bad-quantity /quantity",
    );
    expect(codeOf(() => book.submit({ ...ok, quantity: 1.5 as Quantity }))).toBe(
      "bad-quantity /quantity",
    );
    expect(book.orders("buy")).toEqual([]);
    expect(codeOf(() => book.submit(ok))).toBeUndefined();
  });
});
