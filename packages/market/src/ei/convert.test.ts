import { CodecError } from "@transactive/codec";
import { describe, expect, it } from "vitest";
import { toPrice, toQuantity } from "../units.js";
import { type MarketTerms, productOf, quantityNumber, readProduct } from "./convert.js";

const terms: MarketTerms = {
  marketContext: "http://m",
  currency: "USD",
  interval: "PT5M",
  seconds: 300,
  epochMs: Date.parse("2026-09-01T00:00:00Z"),
};

const product = (temix: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  dtStart: { dateTime: "2026-09-01T00:10:00Z" },
  duration: "PT5M",
  temixPower: temix,
  uid: "u",
  transactiveState: "tender",
  marketContext: "http://m",
  side: "buy",
  ...extra,
});

function issueOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof CodecError) return `${e.code} ${e.path}`;
    throw e;
  }
  return "no error";
}

describe("EMIX product <-> fixed point", () => {
  it("reads kWh (no item = kWh), Wh, MWh and kW over the interval exactly", () => {
    expect(
      readProduct(product({ price: { value: "0.125" }, quantity: 2 }), "/p", terms, "tender"),
    ).toEqual({
      index: 2,
      side: "buy",
      price: toPrice("0.125"),
      quantity: toQuantity("2"),
    });
    const mwh = { itemDescription: "RealEnergy", itemUnits: "Wh", siScaleCode: "M" };
    expect(
      readProduct(
        product({ price: { value: "50.5" }, energyReal: mwh, quantity: 0.002 }),
        "/p",
        terms,
        "tender",
      ),
    ).toMatchObject({ price: toPrice("0.0505"), quantity: toQuantity("2") });
    const kw = { itemDescription: "RealPower", itemUnits: "W", siScaleCode: "k" };
    // 6 kW for 5 minutes = 0.5 kWh; a price per kW·h is per kWh
    expect(
      readProduct(
        product({ price: { value: "0.2" }, powerReal: kw, quantity: 6 }),
        "/p",
        terms,
        "tender",
      ),
    ).toMatchObject({ price: toPrice("0.2"), quantity: toQuantity("0.5") });
  });

  it("refuses what is not exact or not this market's, naming the path", () => {
    const read = (p: unknown) => () => readProduct(p, "/p", terms, "tender");
    expect(issueOf(read(product({ price: { value: "0.1234567891" }, quantity: 1 })))).toBe(
      "bad-price /p/temixPower/price/value",
    );
    const mwh = { itemDescription: "RealEnergy", itemUnits: "Wh", siScaleCode: "M" };
    expect(
      issueOf(read(product({ price: { value: "0.0000001" }, energyReal: mwh, quantity: 1 }))),
    ).toBe("bad-price /p/temixPower/price/value");
    const kw = { itemDescription: "RealPower", itemUnits: "W", siScaleCode: "none" };
    // 1 W for 5 minutes = 0.0833… Wh: not a whole number of mWh
    expect(issueOf(read(product({ price: { value: "0.1" }, powerReal: kw, quantity: 1 })))).toBe(
      "bad-quantity /p/temixPower/quantity",
    );
    expect(issueOf(read(product({ price: { value: "0.1" }, quantity: 0 })))).toBe(
      "bad-quantity /p/temixPower/quantity",
    );
    expect(issueOf(read(product({ price: { value: "0.1" }, quantity: "NaN" })))).toBe(
      "bad-quantity /p/temixPower/quantity",
    );
    expect(issueOf(read(product({ priceRelative: { value: "0.1" }, quantity: 1 })))).toBe(
      "not-supported /p/temixPower/priceRelative",
    );
    expect(issueOf(read(product({ quantity: 1 })))).toBe("missing /p/temixPower/price");
    expect(
      issueOf(read(product({ price: { value: "0.1" }, quantity: 1 }, { currency: "EUR" }))),
    ).toBe("currency-mismatch /p/currency");
    expect(
      issueOf(
        read(
          product(
            { price: { value: "0.1" }, quantity: 1 },
            { dtStart: { dateTime: "2026-09-01T00:10:00" } },
          ),
        ),
      ),
    ).toBe("bad-date-time /p/dtStart/dateTime");
    expect(
      issueOf(
        read(
          product(
            { price: { value: "0.1" }, quantity: 1 },
            { dtStart: { dateTime: "2026-09-01T00:11:00Z" } },
          ),
        ),
      ),
    ).toBe("interval-outside-schedule /p/dtStart/dateTime");
    expect(
      issueOf(
        read(
          product({ price: { value: "0.1" }, quantity: 1 }, { transactiveState: "transaction" }),
        ),
      ),
    ).toBe("bad-value /p/transactiveState");
    expect(
      issueOf(read(product({ price: { value: "0.1" }, quantity: 1 }, { intervals: {} }))),
    ).toBe("not-supported /p/intervals");
    expect(issueOf(read(undefined))).toBe("missing /p");
  });

  it("writes products that read back to the same numbers", () => {
    const interval = {
      index: 7,
      startMs: terms.epochMs + 7 * 300_000,
      endMs: 0,
      seconds: 300,
      gateClosureMs: 0,
    };
    for (const [p, q] of [
      ["0.000000001", "0.000001"],
      ["-0.05", "123456.789012"],
      ["12345.123456789", "0.5"],
    ] as const) {
      const written = productOf(terms, interval, "sell", toPrice(p), toQuantity(q), "u", "tender");
      expect(readProduct(written, "/p", terms, "tender")).toEqual({
        index: 7,
        side: "sell",
        price: toPrice(p),
        quantity: toQuantity(q),
      });
    }
    expect(quantityNumber(toQuantity("0.000001"))).toBe(0.000001);
  });
});
