import { CodecError } from "@transactive/codec";
import { describe, expect, it } from "vitest";
import { clearCallAuction } from "./call-auction.js";
import {
  aggregateCurves,
  curveFromPoints,
  equilibriumPrice,
  netCurveSteps,
  netDemandAt,
} from "./curve.js";
import type { BidCurve, CurveStep, Side } from "./types.js";
import { type Price, priceFromUnits, quantityFromUnits } from "./units.js";

// prices and quantities in whole units keep the expectations readable
const P = (n: number) => priceFromUnits(n);
const Q = (n: number) => quantityFromUnits(n);
const step = (side: Side, price: number, quantity: number): CurveStep => ({
  side,
  price: P(price),
  quantity: Q(quantity),
});
const curve = (bidder: string, ...steps: CurveStep[]): BidCurve => ({ bidder, steps });

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof CodecError) return `${e.code} ${e.path}`;
    throw e;
  }
  return undefined;
}

describe("clearCallAuction", () => {
  it("clears at the midpoint of the maximal-volume price interval", () => {
    const r = clearCallAuction([
      curve("b1", step("buy", 50, 10)),
      curve("s1", step("sell", 10, 5)),
      curve("s2", step("sell", 40, 5)),
    ]);
    expect(r.outcome).toBe("cleared");
    expect(r.quantity).toBe(10);
    expect(r.priceRange).toEqual({ low: 40, high: 50 });
    expect(r.price).toBe(45);
    expect(r.rationed).toBe("none");
    expect(r.awards.map((a) => [a.bidder, a.net])).toEqual([
      ["b1", 10],
      ["s1", -5],
      ["s2", -5],
    ]);
  });

  it("rations the long side in price priority, the marginal level pro rata", () => {
    const r = clearCallAuction([
      curve("b1", step("buy", 60, 4)),
      curve("b2", step("buy", 50, 3)),
      curve("b3", step("buy", 50, 6)),
      curve("s1", step("sell", 50, 10)),
    ]);
    // D(50) = 13 > S(50) = 10: b1 in full, the level at 50 shares 6 as 3:6 → 2 and 4
    expect(r.price).toBe(50);
    expect(r.rationed).toBe("buy");
    expect(Object.fromEntries(r.awards.map((a) => [a.bidder, a.net]))).toEqual({
      b1: 4,
      b2: 2,
      b3: 4,
      s1: -10,
    });
  });

  it("gives leftover units of a pro-rata split by largest remainder, then input order", () => {
    const r = clearCallAuction([
      curve("b1", step("buy", 10, 1)),
      curve("b2", step("buy", 10, 1)),
      curve("b3", step("buy", 10, 1)),
      curve("s1", step("sell", 10, 2)),
    ]);
    // 2 units over three equal bids: floors 0, 0, 0; remainders equal, so input order decides
    expect(r.awards.map((a) => [a.bidder, a.net])).toEqual([
      ["b1", 1],
      ["b2", 1],
      ["s1", -2],
    ]);
  });

  it("reports no crossing, one side, and an empty auction without a price", () => {
    expect(
      clearCallAuction([curve("b", step("buy", 10, 1)), curve("s", step("sell", 11, 1))]),
    ).toMatchObject({
      outcome: "no-crossing",
      quantity: 0,
      bestBid: 10,
      bestAsk: 11,
    });
    expect(clearCallAuction([curve("b", step("buy", 10, 1))]).outcome).toBe("one-sided");
    expect(clearCallAuction([]).outcome).toBe("empty");
    expect(clearCallAuction([]).price).toBeUndefined();
  });

  it("clamps limits to the price cap and floor", () => {
    const r = clearCallAuction(
      [curve("must", step("buy", 1_000_000, 5)), curve("s", step("sell", -1_000_000, 2))],
      { minPrice: P(-100), maxPrice: P(100) },
    );
    expect(r.bestBid).toBe(100);
    expect(r.bestAsk).toBe(-100);
    expect(r.price).toBe(0);
    expect(r.quantity).toBe(2);
    expect(r.rationed).toBe("buy");
  });

  it("orders and prices exactly across the whole price range", () => {
    const r = clearCallAuction([
      curve("b1", step("buy", Number.MAX_SAFE_INTEGER, 5)),
      curve("b2", step("buy", 10, 3)),
      curve("s1", step("sell", Number.MIN_SAFE_INTEGER, 6)),
    ]);
    // V = 6 on [MIN, 10]: the midpoint, rounded down, computed without float rounding
    expect(r.price).toBe(-4503599627370491);
    expect(r.awards.map((a) => [a.bidder, a.net])).toEqual([
      ["b1", 5],
      ["b2", 1],
      ["s1", -6],
    ]);
  });

  it("handles a vertical overlap (both curves vertical at one price)", () => {
    const r = clearCallAuction([curve("b", step("buy", 30, 8)), curve("s", step("sell", 30, 5))]);
    expect(r.price).toBe(30);
    expect(r.quantity).toBe(5);
  });

  it("values awards exactly and balances the budget", () => {
    const r = clearCallAuction([
      curve("b", step("buy", 123_456_789, 333_333)),
      curve("s", step("sell", 100_000_001, 777_777)),
    ]);
    const total = r.awards.reduce((m, a) => m + a.value, 0n);
    expect(total).toBe(0n);
    expect(r.awards[0]?.value).toBe(BigInt(r.price as number) * 333_333n);
  });

  it("refuses bad curves with the path of the problem", () => {
    expect(codeOf(() => clearCallAuction([curve("", step("buy", 1, 1))]))).toBe(
      "bad-order /curves[0]/bidder",
    );
    expect(codeOf(() => clearCallAuction([curve("a"), curve("a")]))).toBe(
      "bad-order /curves[1]/bidder",
    );
    const float = { side: "buy", price: 1.5 as Price, quantity: Q(1) } as const;
    expect(codeOf(() => clearCallAuction([curve("a", float)]))).toBe(
      "bad-price /curves[0]/steps[0]/price",
    );
    expect(codeOf(() => clearCallAuction([curve("a", step("sell", 1, 0))]))).toBe(
      "bad-quantity /curves[0]/steps[0]/quantity",
    );
  });
});

describe("curves", () => {
  it("builds steps from monotone net-demand points and refuses a rising curve", () => {
    // a battery: buys 5 below 10, idle up to 20, sells 5 from 20
    const c = curveFromPoints("bat", [
      { price: P(0), quantity: Q(5) },
      { price: P(11), quantity: Q(0) },
      { price: P(20), quantity: Q(-5) },
    ]);
    expect(c.steps).toEqual([step("buy", 10, 5), step("sell", 20, 5)]);
    expect(
      codeOf(() =>
        curveFromPoints("x", [
          { price: P(0), quantity: Q(1) },
          { price: P(1), quantity: Q(2) },
        ]),
      ),
    ).toBe("bad-order /points[1]/quantity");
  });

  it("aggregates curves into one net-demand function and back into steps", () => {
    const curves = [
      curve("a", step("buy", 10, 4), step("buy", 20, 1)),
      curve("b", step("sell", 15, 3)),
      curve("c", step("sell", 5, 2)),
    ];
    const net = aggregateCurves(curves);
    const at = (p: number) => netDemandAt(net, P(p));
    expect([at(0), at(5), at(10), at(11), at(15), at(20), at(21)]).toEqual([
      5, 3, 3, -1, -4, -4, -5,
    ]);
    // the steps of the net curve have the same net demand everywhere
    const again = aggregateCurves([{ bidder: "agg", steps: netCurveSteps(net) }]);
    for (const p of [-1, 0, 4, 5, 9, 10, 11, 14, 15, 19, 20, 21, 100])
      expect(netDemandAt(again, P(p))).toBe(at(p));
  });

  it("finds the equilibrium price where the net demand crosses zero", () => {
    const net = aggregateCurves([curve("a", step("buy", 30, 5)), curve("b", step("sell", 10, 5))]);
    // net is 0 on [10, 30]: the midpoint
    expect(equilibriumPrice(net)).toBe(20);
    const jump = aggregateCurves([curve("a", step("buy", 30, 5)), curve("b", step("sell", 10, 8))]);
    // net 5 below 10, -3 from 10: the first price with excess supply
    expect(equilibriumPrice(jump)).toBe(10);
    // net 5 up to 30, then 0 for ever: the zero interval [31, ∞) is bounded by maxPrice
    const buyOnly = aggregateCurves([curve("a", step("buy", 30, 5))]);
    expect(equilibriumPrice(buyOnly, { maxPrice: P(99) })).toBe(65);
    expect(equilibriumPrice(buyOnly)).toBe(31);
    // demand at any price never crosses zero: the cap, or no price
    const mustBuy = aggregateCurves([curveFromPoints("m", [{ price: P(0), quantity: Q(5) }])]);
    expect(equilibriumPrice(mustBuy, { maxPrice: P(99) })).toBe(99);
    expect(equilibriumPrice(mustBuy)).toBeUndefined();
    expect(equilibriumPrice(aggregateCurves([]))).toBeUndefined();
  });
});
