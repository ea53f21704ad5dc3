import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MarketNode } from "../node/market-node.js";
import type { DeliveryInterval, Quote } from "../node/types.js";
import { type Price, type Quantity, toPrice, toQuantity, tradeValue } from "../units.js";
import { Battery } from "./battery.js";
import { energyOf, interpolatePrice } from "./common.js";
import { EvCharger } from "./ev.js";
import { ThermalLoad } from "./hvac.js";
import { GridTie, InflexibleLoad, PvGenerator } from "./simple.js";

const p = (v: string) => toPrice(v);
const kwh = (v: string) => toQuantity(v);
const HOUR = 3_600_000;

/** A root call-auction node with hourly intervals from epoch 0. */
function market(mechanism: "call" | "cda" = "call") {
  return new MarketNode({
    id: "m",
    marketContext: "http://example.com/m",
    currency: "USD",
    interval: "PT1H",
    mechanism,
    minPrice: p("-1"),
    maxPrice: p("2"),
  });
}

/** A grid tie selling up to `limit` at `price(i)` and buying exports at a tenth of a cent. */
function grid(price: (i: number) => string, limit = "1000") {
  return new GridTie({
    id: "grid",
    tariff: (iv) => ({
      import: [{ quantity: kwh(limit), price: p(price(iv.index)) }],
      exportPrice: p("0.0005"),
      exportLimit: kwh("1000"),
    }),
  });
}

function run(node: MarketNode, from: number, to: number) {
  for (let i = from; i < to; i++) {
    node.clear(i);
    node.deliverInterval(i);
  }
}

describe("common conversions", () => {
  it("converts whole watts over an interval to mWh, rounded half up", () => {
    expect(energyOf(1000, 3600)).toBe(1_000_000); // 1 kWh
    expect(energyOf(1, 300)).toBe(83); // 83.33 mWh
    expect(energyOf(5, 300)).toBe(417); // 416.67 mWh
    expect(() => energyOf(1.5, 300)).toThrow(/whole number of watts/);
  });
  it("interpolates a limit price on the 1e-6 grid, never outside [low, high]", () => {
    expect(interpolatePrice(p("0.1"), p("0.5"), 0.5)).toBe(p("0.3"));
    expect(interpolatePrice(p("0.1"), p("0.5"), 2)).toBe(p("0.5"));
    expect(interpolatePrice(p("0.1"), p("0.5"), -1)).toBe(p("0.1"));
    expect(interpolatePrice(p("0.1"), p("0.2"), 1 / 3) % 1000).toBe(0);
  });
});

describe("InflexibleLoad", () => {
  it("buys its demand at its cap, and is not served above the cap", () => {
    const node = market();
    const load = new InflexibleLoad({ id: "load", demand: () => kwh("2"), cap: p("0.5") });
    node.addMember(load);
    node.addMember(grid((i) => (i === 0 ? "0.2" : "0.8")));
    run(node, 0, 2);
    expect(load.served).toBe(kwh("2"));
    expect(load.unserved).toBe(kwh("2"));
  });
});

describe("PvGenerator", () => {
  it("sells its forecast above its floor and is curtailed below it", () => {
    const node = market();
    const pv = new PvGenerator({ id: "pv", forecast: () => kwh("3"), floor: p("0.02") });
    const load = new InflexibleLoad({ id: "load", demand: () => kwh("1"), cap: p("1") });
    node.addMember(pv);
    node.addMember(load);
    node.addMember(grid(() => "0.15"));
    node.clear(0);
    // 1 kWh to the load; the grid buys exports at 0.001, below the floor: 2 kWh curtailed
    expect(pv.delivered).toBe(kwh("1"));
    expect(pv.curtailed).toBe(kwh("2"));
    expect(node.quote(0)?.price).toBeGreaterThanOrEqual(p("0.02"));
  });
});

describe("GridTie", () => {
  it("offers its import blocks cheapest first and buys exports at its export price", () => {
    const g = new GridTie({
      id: "g",
      tariff: () => ({
        import: [
          { quantity: kwh("10"), price: p("0.15") },
          { quantity: kwh("5"), price: p("0.30") },
        ],
        exportPrice: p("0.04"),
        exportLimit: kwh("7"),
      }),
    });
    const iv = market().interval(0);
    expect(g.bid(iv)).toEqual([
      { side: "sell", price: p("0.15"), quantity: kwh("10") },
      { side: "sell", price: p("0.30"), quantity: kwh("5") },
      { side: "buy", price: p("0.04"), quantity: kwh("7") },
    ]);
  });
  it("refuses a tariff that would trade with itself or is not ascending", () => {
    const iv = market().interval(0);
    const bad = (imp: string[], exp: string) =>
      new GridTie({
        id: "g",
        tariff: () => ({
          import: imp.map((x) => ({ quantity: kwh("1"), price: p(x) })),
          exportPrice: p(exp),
          exportLimit: kwh("1"),
        }),
      }).bid(iv);
    expect(() => bad(["0.1"], "0.1")).toThrow(/export price must be below/);
    expect(() => bad(["0.2", "0.1"], "0.01")).toThrow(/cheapest first/);
  });
  it("scarcity blocks raise the price when import demand grows", () => {
    const node = market();
    node.addMember(
      new GridTie({
        id: "g",
        tariff: () => ({
          import: [
            { quantity: kwh("10"), price: p("0.15") },
            { quantity: kwh("10"), price: p("0.40") },
          ],
          exportPrice: p("0.04"),
          exportLimit: kwh("0"),
        }),
      }),
    );
    node.addMember(new InflexibleLoad({ id: "l", demand: () => kwh("15"), cap: p("1") }));
    expect(node.clear(0).quote.price).toBeGreaterThanOrEqual(p("0.40"));
  });
});

function battery(extra: Partial<ConstructorParameters<typeof Battery>[0]> = {}) {
  return new Battery({
    id: "bat",
    capacity: kwh("10"),
    minEnergy: kwh("1"),
    energy: kwh("1"),
    maxChargeW: 5000,
    maxDischargeW: 5000,
    chargeEfficiency: "0.95",
    dischargeEfficiency: "0.9",
    expectedPrice: p("0.15"),
    ...extra,
  });
}

describe("Battery", () => {
  it("bids to buy below and sell above its expectation", () => {
    const b = battery({ energy: kwh("5") });
    const steps = b.bid(market().interval(0));
    expect(steps).toEqual([
      { side: "buy", price: p("0.135"), quantity: kwh("5") },
      // 4 kWh above the minimum, 3.6 kWh of it delivered at 90 %
      { side: "sell", price: p("0.165"), quantity: kwh("3.6") },
    ]);
  });

  it("charges when prices are low and discharges when they are high", () => {
    const node = market();
    const b = battery();
    const prices = ["0.05", "0.05", "0.15", "0.15", "0.40", "0.40"];
    node.addMember(b);
    node.addMember(new InflexibleLoad({ id: "l", demand: () => kwh("3"), cap: p("1") }));
    node.addMember(grid((i) => prices[i] as string));
    run(node, 0, 2);
    // 5 kWh the first hour (5 kW), then what fills the store: 9 kWh of room at 95 %
    expect(b.bought).toBe(Math.floor((kwh("9") * 1_000_000) / 950_000));
    expect(b.sold).toBe(0);
    run(node, 2, 6);
    expect(b.sold).toBeGreaterThan(0);
    expect(b.spent).toBeLessThan(0n); // it earned money
  });

  it("respects capacity, minimum energy and power limits", () => {
    const node = market();
    const b = battery({ energy: kwh("8") });
    node.addMember(b);
    node.addMember(new InflexibleLoad({ id: "l", demand: () => kwh("1"), cap: p("1") }));
    node.addMember(grid(() => "0.01"));
    run(node, 0, 3);
    // store: 8 + 0.95 × bought ≤ 10 kWh
    expect(b.storedSubUnits).toBeLessThanOrEqual(kwh("10") * 1_000_000);
    expect(b.bought).toBeLessThanOrEqual(Math.floor((kwh("2") * 1_000_000) / 950_000));
  });

  it("never sells below the price it bought at plus its losses (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 600 }), { minLength: 4, maxLength: 30 }),
        fc.integer({ min: 1, max: 400 }),
        (milli, expected) => {
          const node = market();
          const b = battery({
            expectedPrice: (expected * 1_000_000) as Price,
            minEnergy: kwh("0"),
          });
          node.addMember(b);
          node.addMember(new InflexibleLoad({ id: "l", demand: () => kwh("2"), cap: p("1.9") }));
          node.addMember(grid((i) => ((milli[i] as number) / 1000).toFixed(3)));
          for (let i = 0; i < milli.length; i++) {
            const breakEven = b.breakEven();
            const soldBefore = b.sold;
            node.clear(i);
            if (b.sold > soldBefore) {
              // cost of the stored energy per kWh delivered: purchase price / (η_c · η_d)
              expect(node.quote(i)?.price).toBeGreaterThanOrEqual(breakEven as number);
            }
            node.deliverInterval(i);
          }
          // energy out never exceeds energy in × round trip (+ the initial 1 kWh × η_d)
          expect(b.sold).toBeLessThanOrEqual(b.bought * 0.95 * 0.9 + kwh("1") * 0.9 + 1);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("its break-even is the purchase price divided by the round-trip efficiency", () => {
    const node = market();
    const b = battery({ energy: kwh("0"), minEnergy: kwh("0") });
    node.addMember(b);
    node.addMember(grid(() => "0.095"));
    node.clear(0);
    node.deliverInterval(0);
    expect(b.bought).toBe(kwh("5"));
    // 5 kWh at the uniform price c stored as 4.75 kWh: c / 0.95 per stored kWh, / 0.9 per kWh delivered
    const c = BigInt(node.quote(0)?.price as number);
    expect(BigInt(b.breakEven() as number)).toBe(
      (c * 10n ** 12n + 854_999_999_999n) / 855_000_000_000n,
    );
    // expecting low prices does not make it sell below that
    for (let i = 0; i < 300; i++) b.observe({ ...(node.quote(0) as Quote), price: p("0.01") });
    const sell = b.bid(node.interval(1)).find((s) => s.side === "sell");
    expect(sell?.price).toBeGreaterThanOrEqual(b.breakEven() as number);
  });
});

describe("EvCharger", () => {
  const session = { arrivalMs: 0, departureMs: 12 * HOUR, energy: kwh("20") };
  const ev = () =>
    new EvCharger({
      id: "ev",
      maxChargeW: 7000,
      sessions: [session],
      basePrice: p("0.10"),
      cap: p("1"),
    });

  it("is full by departure when supply allows, whatever the prices", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 900 }), { minLength: 12, maxLength: 12 }),
        (milli) => {
          const node = market();
          const car = ev();
          node.addMember(car);
          node.addMember(grid((i) => ((milli[i] as number) / 1000).toFixed(3)));
          run(node, 0, 12);
          expect(car.remaining).toBe(0);
          expect(car.delivered).toBe(kwh("20"));
        },
      ),
      { numRuns: 50 },
    );
  });

  it("defers to cheap intervals while it has time, urgency rising to the deadline", () => {
    const node = market();
    const car = ev();
    const prices = [
      "0.50",
      "0.50",
      "0.50",
      "0.05",
      "0.05",
      "0.05",
      "0.50",
      "0.50",
      "0.50",
      "0.50",
      "0.50",
      "0.50",
    ];
    node.addMember(car);
    node.addMember(grid((i) => prices[i] as string));
    const limits: number[] = [];
    const awards: number[] = [];
    for (let i = 0; i < 12; i++) {
      const steps = car.bid(node.interval(i));
      limits.push(Math.max(...steps.map((s) => s.price), 0));
      // bid() again inside clear(): the same state gives the same bid
      node.clear(i);
      awards.push(car.lastAward);
      node.deliverInterval(i);
    }
    expect(car.delivered).toBe(kwh("20"));
    // nothing bought at 0.50 in the first hours (it had time), all of it in the cheap ones
    expect(limits.slice(0, 3).every((l) => l < p("0.5"))).toBe(true);
    expect(awards.slice(0, 3)).toEqual([0, 0, 0]);
    expect(awards.slice(3, 6).reduce((x, y) => x + y, 0)).toBe(kwh("20"));
  });

  it("takes what it can when supply is short and reports the shortfall", () => {
    const node = market();
    const car = ev();
    node.addMember(car);
    node.addMember(grid(() => "0.05", "1"));
    run(node, 0, 13);
    expect(car.delivered).toBe(kwh("12"));
    expect(car.shortfall).toBe(kwh("8"));
  });
});

describe("ThermalLoad", () => {
  const hvac = (indoor: number) =>
    new ThermalLoad({
      id: "hvac",
      mode: "cooling",
      ratedW: 3000,
      resistance: 3,
      capacitance: 2,
      cop: 3,
      gainsW: 500,
      setpoint: 24,
      deadband: 2,
      indoor,
      outdoor: () => 32,
      comfortPrice: p("0.05"),
      cap: p("0.60"),
    });

  it("willingness to pay rises with discomfort", () => {
    const iv = market().interval(0);
    expect(hvac(22.9).bid(iv)).toEqual([]);
    const prices = [23.2, 23.6, 24, 24.4, 24.8].map(
      (t) => (hvac(t).bid(iv)[0] as { price: number }).price,
    );
    for (let k = 1; k < prices.length; k++)
      expect(prices[k]).toBeGreaterThan(prices[k - 1] as number);
    expect(hvac(25.5).bid(iv)[0]?.price).toBe(p("0.60"));
    expect(hvac(24).bid(iv)[0]?.quantity).toBe(energyOf(3000, 3600));
  });

  it("defers under high prices until discomfort outbids them, and cools when it wins", () => {
    const node = market();
    const h = hvac(23.5);
    node.addMember(h);
    node.addMember(grid(() => "0.40"));
    node.clear(0);
    node.deliverInterval(0);
    expect(h.lastAward).toBe(0); // 0.05 + 0.55 × 0.25 < 0.40: it waits, and warms
    expect(h.indoor).toBeGreaterThan(23.5);
    let i = 1;
    let x = 0;
    while (h.lastAward === 0 && i < 20) {
      x = h.discomfortNow();
      node.clear(i);
      node.deliverInterval(i++);
    }
    expect(h.lastAward).toBe(energyOf(3000, 3600));
    // it ran once its willingness (rising with discomfort) reached the price
    expect(x).toBeGreaterThanOrEqual((0.4 - 0.05) / 0.55 - 1e-6);
  });

  it("a partial award runs the unit for that share of the interval", () => {
    const a = hvac(25);
    const b = hvac(25);
    const iv: DeliveryInterval = market().interval(0);
    a.bid(iv);
    b.bid(iv);
    const q = energyOf(3000, 3600);
    const award = (bought: number) => ({
      interval: iv,
      net: bought as Quantity,
      bought: bought as Quantity,
      sold: 0 as Quantity,
      cost: tradeValue(p("0.1"), bought as Quantity),
      transactions: [],
    });
    a.award(award(q));
    b.award(award(q / 2));
    a.deliver(iv);
    b.deliver(iv);
    expect(a.indoor).toBeLessThan(b.indoor);
    expect(b.indoor).toBeLessThan(hvac(25).indoor + 5);
  });
});
