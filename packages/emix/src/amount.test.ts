import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { amountToJson, optionAmounts, productAmount } from "./amount.js";
import { temixProduct } from "./builders.js";
import { Decimal, sum } from "./decimal.js";

const base = {
  uid: "p",
  start: "2026-09-01T00:00:00Z",
  side: "buy",
  currency: "USD",
  marketContext: "http://m.example.com",
} as const;
const kw = {
  key: "powerReal",
  scale: "k" as const,
  powerAttributes: { hertz: "60", voltage: "240", ac: true },
};

describe("productAmount", () => {
  it("price x quantity x duration per interval, summed exactly", () => {
    const p = temixProduct({
      ...base,
      interval: "PT15M",
      item: kw,
      intervals: [
        { quantity: "4", price: "0.10" },
        { quantity: "10.5", price: "0.0975" },
      ],
    });
    const a = productAmount(p as unknown as Record<string, unknown>);
    expect(a.intervals.map((r) => r.amount.toString())).toEqual(["0.1", "0.2559375"]);
    expect(a.amount.toString()).toBe("0.3559375");
    expect(a.energy.toString()).toBe("3.625");
    expect(a.intervals[1]?.start).toBe("2026-09-01T00:15:00Z");
  });

  it("keeps 5-minute energies exact and settles half cents", () => {
    const p = temixProduct({
      ...base,
      interval: "PT5M",
      intervals: [{ quantity: "1", price: "0.06" }],
    });
    const a = productAmount(p as unknown as Record<string, unknown>);
    expect(a.energy.toFraction()).toBe("1/12");
    expect(a.amount.toString()).toBe("0.005");
    expect(amountToJson(a, { places: 3 }).rounded).toEqual({
      places: 3,
      mode: "half-even",
      energy: "0.083",
      amount: "0.005",
    });
  });

  it("counts an energy item's quantity as energy", () => {
    const p = temixProduct({
      ...base,
      interval: "PT30M",
      item: { key: "energyReal", scale: "M" },
      intervals: [{ quantity: "2", price: "45.5" }],
    });
    expect(productAmount(p as unknown as Record<string, unknown>).amount.toString()).toBe("91");
  });

  it("uses the calendar for month-long intervals", () => {
    const p = temixProduct({
      ...base,
      interval: "P1M",
      intervals: [
        { quantity: "1", price: "1" },
        { quantity: "1", price: "1" },
      ],
    });
    const a = productAmount(p as unknown as Record<string, unknown>);
    expect(a.intervals.map((r) => r.seconds.toString())).toEqual([
      String(30 * 86400),
      String(31 * 86400),
    ]);
  });

  it("resolves relative prices and multipliers against a reference price", () => {
    const product = {
      ...(temixProduct({
        ...base,
        interval: "PT1H",
        intervals: [{ quantity: "2", price: "0" }],
      }) as unknown as Record<string, unknown>),
    };
    const ivs = (product.intervals as { streamInterval: Record<string, Record<string, unknown>>[] })
      .streamInterval;
    const tp = ivs[0]?.temixPower as Record<string, unknown>;
    delete tp.price;
    tp.priceRelative = { value: "-0.02" };
    expect(() => productAmount(product)).toThrow(
      expect.objectContaining({
        code: "missing",
        path: "/intervals/streamInterval[0]/temixPower/priceRelative",
      }),
    );
    expect(productAmount(product, { referencePrice: "0.12" }).amount.toString()).toBe("0.2");
    delete tp.priceRelative;
    tp.priceMultiplier = { multiplier: 1.5 };
    expect(productAmount(product, { referencePrice: "0.1" }).amount.toString()).toBe("0.3");
  });

  it("fails with a path on missing or bad input, and says what is not supported", () => {
    const p = temixProduct({
      ...base,
      interval: "PT1H",
      intervals: [{ quantity: "1", price: "1" }],
    }) as unknown as Record<string, unknown>;
    expect(() => productAmount({ ...p, currency: undefined })).toThrow(
      expect.objectContaining({ code: "missing", path: "/currency" }),
    );
    expect(productAmount({ ...p, currency: undefined }, { currency: "CAD" }).currency).toBe("CAD");
    expect(() => productAmount({ ...p, currency: "ZZZ" })).toThrow(
      expect.objectContaining({ code: "bad-currency" }),
    );
    expect(() => productAmount({ ...p, dtStart: undefined })).toThrow(
      expect.objectContaining({ path: "/dtStart" }),
    );
    const { temixPower, intervals, ...rest } = p;
    void temixPower;
    void intervals;
    expect(() => productAmount({ ...rest, fullRequirementsPower: { productType: "x" } })).toThrow(
      expect.objectContaining({ code: "not-supported" }),
    );
  });

  it("option premium and strike over the option's energy", () => {
    const product = temixProduct({
      ...base,
      interval: "PT1H",
      item: kw,
      intervals: [
        { quantity: "2", price: "0" },
        { quantity: "3", price: "0" },
      ],
    }) as unknown as Record<string, unknown>;
    const option = {
      ...product,
      optionHolderSide: "buy",
      optionPremium: { value: "0.01" },
      optionStrikePrice: { value: "0.2" },
      optionType: "call",
    };
    const o = optionAmounts(option);
    expect([o.energy.toString(), o.premium.toString(), o.strike.toString()]).toEqual([
      "5",
      "0.05",
      "1",
    ]);
    expect(() => optionAmounts({ ...option, optionPremium: undefined }, { path: "/o" })).toThrow(
      expect.objectContaining({ path: "/o/optionPremium" }),
    );
  });

  it("property: the total is the exact sum of interval amounts, each price x quantity x hours", () => {
    const dec = (max: bigint, places: number) =>
      fc
        .tuple(fc.bigInt({ min: 0n, max }), fc.integer({ min: 0, max: places }))
        .map(([n, s]) => Decimal.of(n).shift(-s).toString());
    const iv = fc.record({ quantity: dec(10n ** 6n, 3), price: dec(10n ** 5n, 4) });
    fc.assert(
      fc.property(
        fc.array(iv, { minLength: 1, maxLength: 40 }),
        fc.constantFrom("PT5M", "PT15M", "PT1H", "PT7M30S"),
        (intervals, interval) => {
          const a = productAmount(
            temixProduct({ ...base, interval, intervals }) as unknown as Record<string, unknown>,
          );
          expect(a.amount.eq(sum(a.intervals.map((r) => r.amount)))).toBe(true);
          a.intervals.forEach((r, i) => {
            const src = intervals[i] as { quantity: string; price: string };
            expect(
              r.amount.eq(Decimal.of(src.price).mul(src.quantity).mul(r.seconds).div(3600)),
            ).toBe(true);
          });
        },
      ),
      { numRuns: 60 },
    );
  });
});
