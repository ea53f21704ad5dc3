import { CodecError } from "@transactive/codec";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CurveStep } from "../types.js";
import { type Money, type Price, type Quantity, toPrice, toQuantity } from "../units.js";
import { allocateAtPrice } from "./allocate.js";
import { durationSeconds } from "./interval.js";
import { MarketNode } from "./market-node.js";
import type { Agent, Bid, DeliveryInterval, MarketEvent, MemberAward, Quote } from "./types.js";

const p = (v: string) => toPrice(v);
const kwh = (v: string) => toQuantity(v);

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof CodecError) return `${e.code} ${e.path}`;
    throw e;
  }
  return undefined;
}

/** An agent bidding fixed steps and recording what it got. */
class Fixed implements Agent {
  awards: MemberAward[] = [];
  quotes: Quote[] = [];
  delivered: number[] = [];
  constructor(
    readonly id: string,
    private readonly steps: Bid,
  ) {}
  bid(): Bid {
    return this.steps;
  }
  award(a: MemberAward): void {
    this.awards.push(a);
  }
  observe(q: Quote): void {
    this.quotes.push(q);
  }
  deliver(iv: DeliveryInterval): void {
    this.delivered.push(iv.index);
  }
}

const buy = (price: string, q: string): CurveStep => ({
  side: "buy",
  price: p(price),
  quantity: kwh(q),
});
const sell = (price: string, q: string): CurveStep => ({
  side: "sell",
  price: p(price),
  quantity: kwh(q),
});

function node(id: string, mechanism: "call" | "cda" = "call", extra = {}) {
  return new MarketNode({
    id,
    marketContext: `http://market.example/${id}`,
    currency: "USD",
    interval: "PT5M",
    epochMs: Date.UTC(2026, 6, 15, 6),
    gateClosureLead: "PT1M",
    mechanism,
    minPrice: p("-1"),
    maxPrice: p("5"),
    ...extra,
  });
}

describe("intervals", () => {
  it("reads ISO durations and numbers intervals from the epoch with the gate-closure lead", () => {
    expect(durationSeconds("PT5M")).toBe(300);
    expect(durationSeconds("PT15M")).toBe(900);
    expect(durationSeconds("PT1H")).toBe(3600);
    expect(codeOf(() => durationSeconds("P1D"))).toBe("bad-duration ");
    expect(codeOf(() => durationSeconds("PT"))).toBe("bad-duration ");
    const n = node("n");
    const iv = n.interval(2);
    expect(iv.startMs).toBe(Date.UTC(2026, 6, 15, 6, 10));
    expect(iv.endMs - iv.startMs).toBe(300_000);
    expect(iv.gateClosureMs).toBe(iv.startMs - 60_000);
    expect(n.intervalIndexAt(iv.startMs)).toBe(2);
    expect(codeOf(() => n.intervalIndexAt(iv.startMs + 1))).toBe("bad-option /interval");
  });

  it("refuses bad options with typed errors naming the field", () => {
    expect(codeOf(() => node("n", "call", { currency: "usd" }))).toBe("bad-currency /currency");
    expect(codeOf(() => node("n", "auction" as never))).toBe("bad-option /mechanism");
    expect(codeOf(() => node("n", "call", { interval: "5 minutes" }))).toBe(
      "bad-duration /interval",
    );
    expect(codeOf(() => node("n", "call", { gateClosureLead: "P1D" }))).toBe(
      "bad-duration /gateClosure/lead",
    );
    expect(codeOf(() => node("n", "call", { minPrice: p("2"), maxPrice: p("1") }))).toBe(
      "bad-price /minPrice",
    );
  });
});

describe("MarketNode, call auction", () => {
  it("clears members' curves at one price, awards every member and publishes the quote", () => {
    const n = node("n");
    const a = new Fixed("a", [buy("0.20", "2")]);
    const b = new Fixed("b", [sell("0.10", "3")]);
    const c = new Fixed("c", []);
    for (const m of [a, b, c]) n.addMember(m);
    const events: MarketEvent[] = [];
    n.subscribe((e) => events.push(e));
    const r = n.clear(0);
    expect(r.quote.price).toBe(p("0.15"));
    expect(r.quote.quantity).toBe(kwh("2"));
    expect(a.awards[0]).toMatchObject({ net: kwh("2"), bought: kwh("2"), price: p("0.15") });
    expect(b.awards[0]).toMatchObject({ net: -kwh("2"), sold: kwh("2") });
    expect(c.awards[0]).toMatchObject({ net: 0, cost: 0n });
    expect(a.awards[0]?.cost).toBe(-(b.awards[0]?.cost as Money));
    expect(c.quotes[0]).toEqual(r.quote);
    expect(events.filter((e) => e.type === "transaction")).toHaveLength(2);
    expect(events.at(-1)).toEqual({ type: "quote", quote: r.quote });
    expect(n.quote(0)).toEqual(r.quote);
    n.deliverInterval(0);
    expect(a.delivered).toEqual([0]);
    expect(codeOf(() => n.clear(0))).toBe("gate-closed /interval");
  });

  it("takes remote tenders until gate closure, by party, and refuses them after", () => {
    const n = node("n");
    n.addMember(new Fixed("pv", [sell("0.05", "4")]));
    const iv = n.interval(0);
    n.submitTender(0, {
      id: "t1",
      owner: "remote",
      side: "buy",
      price: p("0.10"),
      quantity: kwh("1"),
    });
    n.submitTender(0, {
      id: "t2",
      owner: "remote",
      side: "buy",
      price: p("0.08"),
      quantity: kwh("1"),
    });
    n.cancelTender(0, "t2");
    expect(codeOf(() => n.cancelTender(0, "t2"))).toBe("unknown-order /tenderID");
    expect(
      codeOf(() =>
        n.submitTender(0, {
          id: "t1",
          owner: "x",
          side: "buy",
          price: p("0.1"),
          quantity: 1 as Quantity,
        }),
      ),
    ).toBe("duplicate-order /tender/id");
    expect(
      codeOf(() =>
        n.submitTender(0, {
          id: "t3",
          owner: "pv",
          side: "buy",
          price: p("0.1"),
          quantity: 1 as Quantity,
        }),
      ),
    ).toBe("bad-order /tender/owner");
    expect(
      codeOf(() =>
        n.submitTender(
          0,
          { id: "t4", owner: "x", side: "buy", price: p("0.1"), quantity: 1 as Quantity },
          iv.gateClosureMs,
        ),
      ),
    ).toBe("gate-closed /interval");
    const r = n.clear(0);
    expect(r.transactions.filter((t) => t.party === "remote")).toHaveLength(1);
    expect(r.quote.quantity).toBe(kwh("1"));
    expect(
      codeOf(() =>
        n.submitTender(0, {
          id: "t5",
          owner: "x",
          side: "buy",
          price: p("0.1"),
          quantity: 1 as Quantity,
        }),
      ),
    ).toBe("gate-closed /interval");
  });

  it("refuses a bad member bid, naming the member and step", () => {
    const n = node("n");
    n.addMember(new Fixed("bad", [{ side: "buy", price: 0.5 as Price, quantity: 1 as Quantity }]));
    expect(codeOf(() => n.clear(0))).toBe("bad-price /members/bad/steps[0]/price");
    expect(codeOf(() => n.addMember(new Fixed("bad", [])))).toBe("bad-option /member/id");
  });
});

describe("MarketNode, continuous double auction", () => {
  it("remote tenders trade at once, at the resting price; members join at gate closure", () => {
    const n = node("n", "cda");
    const events: MarketEvent[] = [];
    n.subscribe((e) => events.push(e));
    n.submitTender(0, {
      id: "s1",
      owner: "alice",
      side: "sell",
      price: p("0.10"),
      quantity: kwh("2"),
    });
    const r1 = n.submitTender(0, {
      id: "b1",
      owner: "bob",
      side: "buy",
      price: p("0.12"),
      quantity: kwh("1"),
    });
    expect(r1.fills).toHaveLength(1);
    expect(r1.fills[0]?.price).toBe(p("0.10"));
    expect(
      events
        .filter((e) => e.type === "transaction")
        .map((e) => e.type === "transaction" && e.transaction.tenderId),
    ).toEqual(["b1", "s1"]);
    const load = new Fixed("load", [buy("0.30", "3")]);
    n.addMember(load);
    const r = n.clear(0);
    // the load takes alice's last 1 kWh at 0.10; its other 2 kWh rest unfilled
    expect(load.awards[0]).toMatchObject({
      bought: kwh("1"),
      cost: BigInt(p("0.10")) * BigInt(kwh("1")),
    });
    expect(r.quote.price).toBe(p("0.10"));
    expect(r.quote.bestBid).toBe(p("0.30"));
    expect(r.transactions).toHaveLength(4);
  });

  it("refuses a tender without an id or owner, naming the field", () => {
    const n = node("n", "cda");
    const t = { side: "buy", price: p("0.1"), quantity: 1 as Quantity } as const;
    expect(codeOf(() => n.submitTender(0, { ...t, id: "", owner: "x" }))).toBe(
      "bad-order /tender/id",
    );
    expect(codeOf(() => n.submitTender(0, { ...t, id: "a", owner: "" }))).toBe(
      "bad-order /tender/owner",
    );
    expect(n.quote(0)).toBeUndefined();
  });

  it("cancel takes a resting remote tender out of the book", () => {
    const n = node("n", "cda");
    n.submitTender(0, {
      id: "s1",
      owner: "alice",
      side: "sell",
      price: p("0.10"),
      quantity: kwh("2"),
    });
    n.cancelTender(0, "s1");
    const load = new Fixed("load", [buy("0.30", "3")]);
    n.addMember(load);
    expect(n.clear(0).quote.outcome).toBe("one-sided");
    expect(load.awards[0]?.bought).toBe(0);
  });
});

describe("allocateAtPrice (a child shares its award)", () => {
  const bids: Bid[] = [
    [buy("0.30", "2")],
    [buy("0.20", "2")],
    [buy("0.20", "6")],
    [sell("0.10", "1")],
  ];
  it("gives every member its own curve's demand when the award is the full net demand", () => {
    const a = allocateAtPrice(bids, p("0.15"), kwh("9"));
    expect([...a.bought]).toEqual([kwh("2"), kwh("2"), kwh("6"), 0]);
    expect([...a.sold]).toEqual([0, 0, 0, kwh("1")]);
  });
  it("fills the rationed side in price priority and the marginal level pro rata", () => {
    const a = allocateAtPrice(bids, p("0.15"), kwh("5"));
    // 6 kWh bought: 2 at 0.30 in full, then 4 shared 1:3 at the 0.20 level
    expect([...a.bought]).toEqual([kwh("2"), kwh("1"), kwh("3"), 0]);
    expect([...a.sold]).toEqual([0, 0, 0, kwh("1")]);
  });
  it("refuses an award larger than the eligible bids", () => {
    expect(codeOf(() => allocateAtPrice(bids, p("0.15"), kwh("11")))).toBe("overflow /award");
  });
});

/** homes → streets → neighbourhoods → city → region: 5 levels of nodes, devices below. */
function tree(
  mechanism: "call" | "cda",
  fanout: readonly number[],
  devices: (path: string) => Fixed[],
): { root: MarketNode; nodes: MarketNode[]; leaves: Fixed[] } {
  const nodes: MarketNode[] = [];
  const leaves: Fixed[] = [];
  const build = (id: string, depth: number): MarketNode => {
    const n = node(id, depth === 0 ? mechanism : "call");
    nodes.push(n);
    if (depth === fanout.length) {
      for (const d of devices(id)) {
        n.addMember(d);
        leaves.push(d);
      }
    } else
      for (let k = 0; k < (fanout[depth] as number); k++)
        n.addMember(build(`${id}.${k}`, depth + 1));
    return n;
  };
  return { root: build("region", 0), nodes, leaves };
}

describe("fractal nesting", () => {
  it("a parent sees only aggregate curves: no member identity, no member order", () => {
    const { root, nodes, leaves } = tree("call", [2, 2, 2], (id) => [
      new Fixed(`${id}/secret-load`, [buy("0.25", "1.5"), buy("0.12", "1")]),
      new Fixed(`${id}/secret-pv`, [sell("0.02", "2")]),
      new Fixed(`${id}/secret-battery`, [buy("0.08", "1"), sell("0.2", "1")]),
    ]);
    root.addMember(new Fixed("grid", [sell("0.15", "100"), buy("0.04", "100")]));
    expect(nodes).toHaveLength(1 + 2 + 4 + 8); // four levels of nodes, devices a fifth
    // everything the root (and every parent) receives from its child nodes
    const seen: unknown[] = [];
    for (const n of nodes) {
      const original = n.bid.bind(n);
      n.bid = (iv) => {
        const steps = original(iv);
        seen.push({ from: n.id, steps });
        return steps;
      };
    }
    const events: MarketEvent[] = [];
    root.subscribe((e) => events.push(e));
    root.clear(0);
    const text = JSON.stringify([seen, events]);
    expect(text).not.toMatch(/secret/);
    for (const s of seen as { steps: CurveStep[] }[])
      for (const st of s.steps)
        expect(Object.keys(st).sort()).toEqual(["price", "quantity", "side"]);
    // and every leaf was awarded
    for (const l of leaves) expect(l.awards).toHaveLength(1);
  });

  for (const mechanism of ["call", "cda"] as const)
    it(`conserves energy and balances money across levels (${mechanism}, property)`, () => {
      const step = fc.record({
        side: fc.constantFrom("buy", "sell") as fc.Arbitrary<"buy" | "sell">,
        price: fc.integer({ min: 0, max: 40 }).map((c) => (c * 10_000_000) as Price),
        quantity: fc.integer({ min: 1, max: 5_000_000 }).map((q) => q as Quantity),
      });
      fc.assert(
        fc.property(
          fc.array(fc.array(step, { maxLength: 3 }), { minLength: 16, maxLength: 16 }),
          (bids) => {
            let k = 0;
            const { root, nodes, leaves } = tree(mechanism, [2, 2, 2], (id) => [
              new Fixed(`${id}/a`, bids[k++] as Bid),
              new Fixed(`${id}/b`, bids[k++] as Bid),
            ]);
            root.clear(0);
            let bought = 0;
            let sold = 0;
            let money = 0n;
            for (const l of leaves) {
              const a = l.awards[0] as MemberAward;
              bought += a.bought;
              sold += a.sold;
              money += a.cost;
              // within its bid: never more than offered, never outside a limit
              const steps = l.bid();
              const maxBuy = steps
                .filter((s) => s.side === "buy")
                .reduce((x, s) => x + s.quantity, 0);
              const maxSell = steps
                .filter((s) => s.side === "sell")
                .reduce((x, s) => x + s.quantity, 0);
              expect(a.bought).toBeLessThanOrEqual(maxBuy);
              expect(a.sold).toBeLessThanOrEqual(maxSell);
              for (const t of a.transactions) {
                const ok = steps.some(
                  (s) =>
                    s.side === t.side &&
                    (t.side === "buy" ? s.price >= t.price : s.price <= t.price),
                );
                expect(ok).toBe(true);
              }
            }
            expect(bought).toBe(sold);
            // budget balance: what the devices paid net is exactly what the nodes kept (the
            // root's members pay each other: 0), so money paid = money received across levels
            let kept = 0n;
            for (const n of nodes) kept += n.balance;
            expect(money).toBe(kept);
            if (mechanism === "call") expect(kept).toBe(0n);
          },
        ),
        { numRuns: 80 },
      );
    });

  it("a child clears its members against the parent's price", () => {
    const root = node("root");
    const child = node("home");
    root.addMember(child);
    root.addMember(new Fixed("grid", [sell("0.15", "10"), buy("0.04", "10")]));
    const heater = new Fixed("heater", [buy("0.30", "2")]);
    const pv = new Fixed("pv", [sell("0.00", "1")]);
    child.addMember(heater);
    child.addMember(pv);
    const r = root.clear(0);
    expect(heater.awards[0]).toMatchObject({ bought: kwh("2"), price: r.quote.price });
    expect(pv.awards[0]).toMatchObject({ sold: kwh("1"), price: r.quote.price });
    expect(heater.quotes[0]?.marketContext).toBe("http://market.example/home");
    expect(heater.quotes[0]?.price).toBe(r.quote.price);
    expect(codeOf(() => child.clear(1))).toBe("bad-option /clear");
    const other = node("other", "call", { interval: "PT15M" });
    expect(codeOf(() => root.addMember(other))).toBe("not-supported /member");
    expect(codeOf(() => child.addMember(root))).toBe("bad-option /member");
  });
});
