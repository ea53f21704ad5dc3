/**
 * Properties of the continuous double auction and the call auction over random order streams:
 * limits respected, price-time priority (fills equal those of a naive reference book), energy
 * conservation, exact budget balance, byte-identical deterministic replay.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clearCallAuction } from "./call-auction.js";
import { aggregateCurves, netDemandAt } from "./curve.js";
import { OrderBook } from "./order-book.js";
import type { BidCurve, Fill, Side } from "./types.js";
import { type Price, type Quantity, tradeValue } from "./units.js";

type Op =
  | { kind: "submit"; owner: number; side: Side; price: number; quantity: number }
  | { kind: "cancel"; pick: number }
  | { kind: "replace"; pick: number; price?: number; quantity?: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("submit" as const),
      owner: fc.integer({ min: 0, max: 4 }),
      side: fc.constantFrom<Side>("buy", "sell"),
      price: fc.integer({ min: 95, max: 105 }),
      quantity: fc.integer({ min: 1, max: 20 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("cancel" as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record(
      {
        kind: fc.constant("replace" as const),
        pick: fc.nat(),
        price: fc.integer({ min: 95, max: 105 }),
        quantity: fc.integer({ min: 1, max: 20 }),
      },
      { requiredKeys: ["kind", "pick"] },
    ),
  },
);

interface RefOrder {
  id: string;
  owner: string;
  buy: boolean;
  price: number;
  quantity: number;
  time: number;
}

/** A naive book: every resting order in one array, best found by a full scan. */
class ReferenceBook {
  orders: RefOrder[] = [];
  fills: Omit<Fill, "seq">[] = [];
  time = 0;
  submit(id: string, owner: string, buy: boolean, price: number, quantity: number): void {
    let left = quantity;
    const time = ++this.time;
    for (;;) {
      if (left === 0) break;
      let best: RefOrder | undefined;
      for (const o of this.orders) {
        if (o.buy === buy) continue;
        if (buy ? o.price > price : o.price < price) continue;
        if (
          best === undefined ||
          (buy ? o.price < best.price : o.price > best.price) ||
          (o.price === best.price && o.time < best.time)
        )
          best = o;
      }
      if (best === undefined) break;
      if (best.owner === owner) {
        this.orders.splice(this.orders.indexOf(best), 1); // cancel-resting
        continue;
      }
      const q = Math.min(left, best.quantity);
      this.fills.push({
        buyOrderId: buy ? id : best.id,
        sellOrderId: buy ? best.id : id,
        buyer: buy ? owner : best.owner,
        seller: buy ? best.owner : owner,
        price: best.price as Price,
        quantity: q as Quantity,
        aggressor: buy ? "buy" : "sell",
      });
      left -= q;
      best.quantity -= q;
      if (best.quantity === 0) this.orders.splice(this.orders.indexOf(best), 1);
    }
    if (left > 0) this.orders.push({ id, owner, buy, price, quantity: left, time });
  }
  cancel(id: string): void {
    this.orders = this.orders.filter((o) => o.id !== id);
  }
  replace(id: string, price: number | undefined, quantity: number | undefined): void {
    const o = this.orders.find((x) => x.id === id) as RefOrder;
    const p = price ?? o.price;
    const q = quantity ?? o.quantity;
    if (p === o.price && q <= o.quantity) {
      o.quantity = q;
      return;
    }
    this.cancel(id);
    this.submit(id, o.owner, o.buy, p, q);
  }
}

/** Runs a stream through a book (and the reference), returning everything observable as one string. */
function run(ops: readonly Op[], reference?: ReferenceBook) {
  const book = new OrderBook();
  const limits = new Map<string, number>();
  const out: unknown[] = [];
  // each fill with the two limits in force when it was made
  const checked: { fill: Fill; buyLimit: number; sellLimit: number }[] = [];
  let n = 0;
  for (const op of ops) {
    const resting = [...book.orders("buy"), ...book.orders("sell")].map((o) => o.id).sort();
    if (op.kind === "submit") {
      const id = `o${n++}`;
      limits.set(id, op.price);
      out.push(
        book.submit({
          id,
          owner: `p${op.owner}`,
          side: op.side,
          price: op.price as Price,
          quantity: op.quantity as Quantity,
        }),
      );
      reference?.submit(id, `p${op.owner}`, op.side === "buy", op.price, op.quantity);
    } else if (resting.length > 0) {
      const id = resting[op.pick % resting.length] as string;
      if (op.kind === "cancel") {
        out.push(book.cancel(id));
        reference?.cancel(id);
      } else {
        const change = {
          ...(op.price !== undefined ? { price: op.price as Price } : {}),
          ...(op.quantity !== undefined ? { quantity: op.quantity as Quantity } : {}),
        };
        if (change.price !== undefined) limits.set(id, change.price);
        out.push(book.replace(id, change));
        reference?.replace(id, op.price, op.quantity);
      }
    }
    for (const fill of book.trades.slice(checked.length))
      checked.push({
        fill,
        buyLimit: limits.get(fill.buyOrderId) as number,
        sellLimit: limits.get(fill.sellOrderId) as number,
      });
  }
  return { book, checked, out };
}

const params = { numRuns: 200 };

describe("OrderBook properties", () => {
  it("never fills outside either order's limit price", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
        const { book, checked } = run(ops);
        expect(checked.length).toBe(book.trades.length);
        for (const { fill, buyLimit, sellLimit } of checked) {
          expect(fill.price).toBeLessThanOrEqual(buyLimit);
          expect(fill.price).toBeGreaterThanOrEqual(sellLimit);
        }
      }),
      params,
    );
  });

  it("fills in price-time priority: the same fills as a naive reference book", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
        const reference = new ReferenceBook();
        const { book } = run(ops, reference);
        expect(book.trades.map(({ seq: _, ...f }) => f)).toEqual(reference.fills);
        const rest = (buy: boolean) =>
          reference.orders
            .filter((o) => o.buy === buy)
            .sort((a, b) => (buy ? b.price - a.price : a.price - b.price) || a.time - b.time)
            .map((o) => [o.id, o.price, o.quantity]);
        expect(book.orders("buy").map((o) => [o.id, o.price, o.quantity])).toEqual(rest(true));
        expect(book.orders("sell").map((o) => [o.id, o.price, o.quantity])).toEqual(rest(false));
      }),
      params,
    );
  });

  it("conserves energy (bought = sold) and balances money exactly", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
        const { book } = run(ops);
        const energy = new Map<string, number>();
        const money = new Map<string, bigint>();
        for (const f of book.trades) {
          energy.set(f.buyer, (energy.get(f.buyer) ?? 0) + f.quantity);
          energy.set(f.seller, (energy.get(f.seller) ?? 0) - f.quantity);
          const v = tradeValue(f.price, f.quantity);
          money.set(f.buyer, (money.get(f.buyer) ?? 0n) - v);
          money.set(f.seller, (money.get(f.seller) ?? 0n) + v);
        }
        expect([...energy.values()].reduce((a, b) => a + b, 0)).toBe(0);
        expect([...money.values()].reduce((a, b) => a + b, 0n)).toBe(0n);
      }),
      params,
    );
  });

  it("replays the same stream to byte-identical results", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
        const a = run(ops);
        const b = run(ops);
        const dump = (r: ReturnType<typeof run>) =>
          JSON.stringify([
            r.out,
            r.book.trades,
            r.book.orders("buy"),
            r.book.orders("sell"),
            r.book.top(),
          ]);
        expect(dump(b)).toBe(dump(a));
      }),
      params,
    );
  });
});

const curveArb: fc.Arbitrary<BidCurve[]> = fc
  .array(
    fc.array(
      fc.record({
        side: fc.constantFrom<Side>("buy", "sell"),
        price: fc.integer({ min: -20, max: 20 }).map((p) => p as Price),
        quantity: fc.integer({ min: 1, max: 50 }).map((q) => q as Quantity),
      }),
      { maxLength: 4 },
    ),
    { maxLength: 12 },
  )
  .map((curves) => curves.map((steps, i) => ({ bidder: `b${i}`, steps })));

describe("call auction properties", () => {
  it("respects limits, conserves energy, balances money, and trades the maximal quantity", () => {
    fc.assert(
      fc.property(curveArb, (curves) => {
        const r = clearCallAuction(curves);
        const bought = r.awards.reduce((s, a) => s + a.bought, 0);
        const sold = r.awards.reduce((s, a) => s + a.sold, 0);
        expect(bought).toBe(r.quantity);
        expect(sold).toBe(r.quantity);
        expect(r.awards.reduce((s, a) => s + a.value, 0n)).toBe(0n);
        const volumeAt = (p: number) => {
          let d = 0;
          let s = 0;
          for (const c of curves)
            for (const st of c.steps) {
              if (st.side === "buy" && st.price >= p) d += st.quantity;
              if (st.side === "sell" && st.price <= p) s += st.quantity;
            }
          return Math.min(d, s);
        };
        for (let p = -21; p <= 21; p++) expect(volumeAt(p)).toBeLessThanOrEqual(r.quantity);
        if (r.price === undefined) return;
        expect(volumeAt(r.price)).toBe(r.quantity);
        for (const a of r.awards) {
          const steps = curves.find((c) => c.bidder === a.bidder)?.steps ?? [];
          const canBuy = steps.filter((s) => s.side === "buy" && s.price >= (r.price as number));
          const canSell = steps.filter((s) => s.side === "sell" && s.price <= (r.price as number));
          expect(a.bought).toBeLessThanOrEqual(canBuy.reduce((s, x) => s + x.quantity, 0));
          expect(a.sold).toBeLessThanOrEqual(canSell.reduce((s, x) => s + x.quantity, 0));
        }
      }),
      params,
    );
  });

  it("aggregates curves to the pointwise sum of net demands", () => {
    fc.assert(
      fc.property(curveArb, fc.integer({ min: -25, max: 25 }), (curves, p) => {
        let net = 0;
        for (const c of curves)
          for (const st of c.steps) {
            if (st.side === "buy" && st.price >= p) net += st.quantity;
            if (st.side === "sell" && st.price <= p) net -= st.quantity;
          }
        expect(netDemandAt(aggregateCurves(curves), p as Price)).toBe(net);
      }),
      params,
    );
  });
});
