/** The README "Example", as a test: keep the two in step. */
import { describe, expect, it } from "vitest";
import {
  clearCallAuction,
  curveFromPoints,
  moneyToString,
  OrderBook,
  priceToString,
  quantityToString,
  toPrice,
  toQuantity,
  tradeValue,
} from "../src/index.js";

describe("README example", () => {
  it("continuous double auction", () => {
    const book = new OrderBook({ interval: "2026-09-01T14:00:00Z" });
    book.submit({
      id: "t1",
      owner: "pv-7",
      side: "sell",
      price: toPrice("0.0850"),
      quantity: toQuantity("0.4"),
    });
    book.submit({
      id: "t2",
      owner: "pv-9",
      side: "sell",
      price: toPrice("0.0825"),
      quantity: toQuantity("0.25"),
    });
    const { fills, remaining } = book.submit({
      id: "t3",
      owner: "ev-1",
      side: "buy",
      price: toPrice("0.09"),
      quantity: toQuantity("0.5"),
    });
    expect(
      fills.map((f) => `${quantityToString(f.quantity)} kWh at ${priceToString(f.price)}`),
    ).toEqual(["0.25 kWh at 0.0825", "0.25 kWh at 0.085"]);
    expect(quantityToString(remaining)).toBe("0");
    expect(moneyToString(tradeValue(toPrice("0.0825"), toQuantity("0.25")))).toBe("0.020625");
  });

  it("call auction", () => {
    const result = clearCallAuction([
      curveFromPoints("battery", [
        { price: toPrice("0"), quantity: toQuantity("2") },
        { price: toPrice("0.05"), quantity: toQuantity("0") },
        { price: toPrice("0.15"), quantity: toQuantity("-2") },
      ]),
      {
        bidder: "load",
        steps: [{ side: "buy", price: toPrice("0.20"), quantity: toQuantity("3") }],
      },
      {
        bidder: "grid",
        steps: [{ side: "sell", price: toPrice("0.12"), quantity: toQuantity("10") }],
      },
    ]);
    expect(priceToString(result.price as NonNullable<typeof result.price>)).toBe("0.16");
    expect(result.awards.map((a) => `${a.bidder} ${quantityToString(a.net)}`)).toEqual([
      "load 3",
      "grid -3",
    ]);
  });
});
