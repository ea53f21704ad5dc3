import { Decimal } from "@transactive/emix";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { LedgerError } from "./errors.js";
import { type ContractTerms, type Delivered, settle } from "./settlement.js";

const T0 = Date.parse("2026-09-01T00:00:00Z");
const Q = 900_000;
const PARTIES = ["tpa", "tpb", "tpc", "tpd", "tpe"];
const MARKET = "tpm";
const prices = (ps: string[]) =>
  ps.map((p, i) => ({ start: T0 + i * Q, end: T0 + (i + 1) * Q, price: Decimal.of(p) }));

// exact decimals with up to 6 places: sub-cent prices and fractional kWh
const dec = (max: number) =>
  fc
    .integer({ min: -max * 1_000_000, max: max * 1_000_000 })
    .map((n) => Decimal.of(BigInt(n)).shift(-6));
const positiveDec = (max: number) =>
  fc.integer({ min: 1, max: max * 1_000_000 }).map((n) => Decimal.of(BigInt(n)).shift(-6));

const day = fc
  .record({
    prices: fc.array(positiveDec(1), { minLength: 4, maxLength: 4 }),
    contracts: fc.array(
      fc.record({
        seller: fc.constantFrom(...PARTIES),
        buyer: fc.constantFrom(...PARTIES),
        slot: fc.integer({ min: 0, max: 3 }),
        energy: positiveDec(50),
        price: positiveDec(1),
      }),
      { maxLength: 12 },
    ),
    delivered: fc.array(dec(60), { minLength: PARTIES.length * 4, maxLength: PARTIES.length * 4 }),
    metered: fc.array(fc.boolean(), {
      minLength: PARTIES.length * 4,
      maxLength: PARTIES.length * 4,
    }),
  })
  .map(({ prices: ps, contracts, delivered, metered }) => {
    const terms: ContractTerms[] = contracts
      .filter((c) => c.seller !== c.buyer)
      .map((c, i) => ({
        id: `c${i}`,
        seller: c.seller,
        buyer: c.buyer,
        market: MARKET,
        currency: "USD",
        intervals: [
          { start: T0 + c.slot * Q, end: T0 + (c.slot + 1) * Q, energy: c.energy, price: c.price },
        ],
      }));
    const withPosition = new Set(
      terms.flatMap((c) =>
        c.intervals.flatMap((iv) => [`${c.seller}|${iv.start}`, `${c.buyer}|${iv.start}`]),
      ),
    );
    const deliveries: Delivered[] = [];
    PARTIES.forEach((party, p) => {
      for (let s = 0; s < 4; s++) {
        const start = T0 + s * Q;
        // every party with a position is metered; others sometimes
        if (withPosition.has(`${party}|${start}`) || metered[p * 4 + s])
          deliveries.push({
            party,
            start,
            end: start + Q,
            energy: delivered[p * 4 + s] as Decimal,
          });
      }
    });
    return { prices: prices(ps.map((d) => d.toString())), contracts: terms, deliveries };
  });

describe("settle", () => {
  it("pays contracts at their price and imbalances at the clearing price (worked example)", () => {
    const r = settle({
      period: { start: T0, end: T0 + 4 * Q },
      currency: "USD",
      market: MARKET,
      prices: prices(["0.2", "0.2", "0.2", "0.2"]),
      contracts: [
        {
          id: "c1",
          seller: "tpa",
          buyer: "tpb",
          market: MARKET,
          currency: "USD",
          intervals: [
            { start: T0, end: T0 + Q, energy: Decimal.of("0.5"), price: Decimal.of("0.1234") },
          ],
        },
      ],
      deliveries: [
        { party: "tpa", start: T0, end: T0 + Q, energy: Decimal.of("0.4") },
        { party: "tpb", start: T0, end: T0 + Q, energy: Decimal.of("-0.6") },
      ],
    });
    expect(Object.fromEntries(r.net)).toEqual({ tpa: 41_700n, tpb: -81_700n, tpm: 40_000n });
    expect(r.imbalances).toBe(2);
  });

  it("rounds each line half to even at micro-units: a trade of a fraction of a cent keeps its value", () => {
    const r = settle({
      period: { start: T0, end: T0 + Q },
      currency: "USD",
      market: MARKET,
      prices: prices(["0.1"]),
      contracts: [
        // 0.0125 kWh at 0.3 USD/kWh = 0.00375 USD
        {
          id: "c1",
          seller: "tpa",
          buyer: "tpb",
          market: MARKET,
          currency: "USD",
          intervals: [
            { start: T0, end: T0 + Q, energy: Decimal.of("0.0125"), price: Decimal.of("0.3") },
          ],
        },
        // 0.0000025 USD: exactly half a micro-unit, rounds to even (2)
        {
          id: "c2",
          seller: "tpa",
          buyer: "tpb",
          market: MARKET,
          currency: "USD",
          intervals: [
            { start: T0, end: T0 + Q, energy: Decimal.of("0.000025"), price: Decimal.of("0.1") },
          ],
        },
      ],
      deliveries: [
        { party: "tpa", start: T0, end: T0 + Q, energy: Decimal.of("0.012525") },
        { party: "tpb", start: T0, end: T0 + Q, energy: Decimal.of("-0.012525") },
      ],
    });
    expect(r.lines.map((l) => l.amount)).toEqual([3750n, 2n]);
    expect(r.net.get("tpa")).toBe(3752n);
  });

  it("refuses a contract interval without a clearing price, and a party without a meter reading", () => {
    const base = {
      period: { start: T0, end: T0 + 4 * Q },
      currency: "USD",
      market: MARKET,
      contracts: [
        {
          id: "c1",
          seller: "tpa",
          buyer: "tpb",
          market: MARKET,
          currency: "USD",
          intervals: [
            { start: T0 + Q, end: T0 + 2 * Q, energy: Decimal.of("1"), price: Decimal.of("0.1") },
          ],
        },
      ],
    };
    const e1 = (() => {
      try {
        settle({ ...base, prices: prices(["0.2"]), deliveries: [] });
      } catch (e) {
        return e as LedgerError;
      }
    })();
    expect(e1).toMatchObject({ code: "settlement-mismatch", field: "/contracts/0/intervals/0" });
    expect(() =>
      settle({
        ...base,
        prices: prices(["0.2", "0.2"]),
        deliveries: [{ party: "tpa", start: T0 + Q, end: T0 + 2 * Q, energy: Decimal.of("1") }],
      }),
    ).toThrow(/no metered delivery of tpb/);
  });

  it("property: the balance changes of any day sum to exactly zero, and match the lines", () => {
    fc.assert(
      fc.property(day, (input) => {
        const r = settle({
          period: { start: T0, end: T0 + 4 * Q },
          currency: "USD",
          market: MARKET,
          ...input,
        });
        let sum = 0n;
        for (const v of r.net.values()) sum += v;
        expect(sum).toBe(0n);
        // each party's net is what its lines say
        for (const party of [...PARTIES, MARKET]) {
          let mine = 0n;
          for (const l of r.lines) {
            if (l.from === party) mine -= l.amount;
            if (l.to === party) mine += l.amount;
          }
          expect(r.net.get(party) ?? 0n).toBe(mine);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("property: with deliveries exactly as contracted, only the contracts are paid", () => {
    fc.assert(
      fc.property(day, (input) => {
        const exact = new Map<string, Decimal>();
        for (const c of input.contracts)
          for (const iv of c.intervals) {
            exact.set(
              `${c.seller}|${iv.start}`,
              (exact.get(`${c.seller}|${iv.start}`) ?? Decimal.ZERO).add(iv.energy),
            );
            exact.set(
              `${c.buyer}|${iv.start}`,
              (exact.get(`${c.buyer}|${iv.start}`) ?? Decimal.ZERO).sub(iv.energy),
            );
          }
        const deliveries = [...exact].map(([k, energy]) => {
          const [party, start] = k.split("|") as [string, string];
          return { party, start: Number(start), end: Number(start) + Q, energy };
        });
        const r = settle({
          period: { start: T0, end: T0 + 4 * Q },
          currency: "USD",
          market: MARKET,
          ...input,
          deliveries,
        });
        expect(r.lines.filter((l) => l.kind === "imbalance")).toEqual([]);
        expect(r.net.get(MARKET) ?? 0n).toBe(0n);
      }),
      { numRuns: 200 },
    );
  });
});
