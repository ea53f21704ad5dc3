import { CodecError } from "@transactive/codec";
import { describe, expect, it } from "vitest";
import { clearGridlabd, type GridlabdBid, type GridlabdResult } from "./gridlabd.js";

const view = (r: GridlabdResult) => ({
  price: r.price.toJSON(),
  quantity: r.quantity.toJSON(),
  type: r.clearingType,
  marginal: r.marginalQuantity.toJSON(),
  buyers: r.buyerTotalQuantity.toJSON(),
  sellers: r.sellerTotalQuantity.toJSON(),
  sellerMin: r.sellerMinPrice.toJSON(),
});
const bid = (bidder: string, price: number | string, quantity: number | string): GridlabdBid => ({
  bidder,
  price,
  quantity,
});

describe("clearGridlabd: bid intake", () => {
  it("a later bid of the same bidder replaces the earlier one", () => {
    const r = clearGridlabd([bid("b1", 40, -10), bid("s1", 30, 5), bid("b1", 50, -4)]);
    expect(view(r)).toEqual({
      price: "30",
      quantity: "4",
      type: "MARGINAL_SELLER",
      marginal: "4",
      buyers: "4",
      sellers: "5",
      sellerMin: "30",
    });
  });

  it("a bid whose sign changed moves the bidder to the other side", () => {
    const r = clearGridlabd([bid("b1", 40, -10), bid("s1", 30, 5), bid("b1", 20, 3)]);
    expect(view(r)).toMatchObject({
      price: "19.9999",
      quantity: "0",
      type: "NULL",
      buyers: "0",
      sellers: "8",
      sellerMin: "20",
    });
  });

  it("ignores a zero quantity (it replaces nothing)", () => {
    const r = clearGridlabd([bid("b1", 40, -10), bid("b1", 99, 0), bid("s1", 30, 20)]);
    expect(view(r)).toMatchObject({
      price: "30",
      quantity: "10",
      type: "MARGINAL_SELLER",
      buyers: "10",
    });
  });

  it("cuts prices above the cap, and fails when demand at the cap is not served", () => {
    expect(view(clearGridlabd([bid("b", 20000, -5), bid("s", 10, 10)]))).toMatchObject({
      price: "10",
      quantity: "5",
      type: "MARGINAL_SELLER",
    });
    expect(view(clearGridlabd([bid("b", 20000, -20), bid("s", 10, 10)]))).toMatchObject({
      price: "9999",
      quantity: "10",
      type: "FAILURE",
    });
    expect(
      view(clearGridlabd([bid("b", 120, -20), bid("s", 10, 10)], { priceCap: 100 })),
    ).toMatchObject({
      price: "100",
      type: "FAILURE",
    });
  });

  it("computes exactly: no binary rounding of 0.1 + 0.2", () => {
    const r = clearGridlabd([
      bid("b", "0.3", "-0.1"),
      bid("b2", "0.3", "-0.2"),
      bid("s", "0.1", "0.3"),
    ]);
    // both sides exhausted together at different prices: the midpoint of the last matched pair
    expect(view(r)).toMatchObject({
      quantity: "0.3",
      buyers: "0.3",
      type: "MARGINAL_PRICE",
      price: "0.2",
    });
  });
});

describe("clearGridlabd: special modes", () => {
  it("BUYERS_ONLY with a fixed quantity walks the buyers", () => {
    const r = clearGridlabd([bid("a", 30, -5), bid("b", 20, -10)], {
      specialMode: "BUYERS_ONLY",
      fixedQuantity: 10,
    });
    expect(view(r)).toMatchObject({
      price: "20",
      quantity: "10",
      type: "MARGINAL_BUYER",
      marginal: "5",
    });
  });

  it("a fixed quantity that the side cannot meet fails one offset off the first bid, or at 0", () => {
    const sellers = clearGridlabd([bid("a", 5, 10), bid("b", 15, 10)], {
      specialMode: "SELLERS_ONLY",
      fixedQuantity: 25,
    });
    expect(view(sellers)).toMatchObject({ price: "4.9999", quantity: "0", type: "FAILURE" });
    const nobody = clearGridlabd([], { specialMode: "BUYERS_ONLY", fixedQuantity: 1 });
    expect(view(nobody)).toMatchObject({ price: "0", quantity: "0", type: "FAILURE" });
  });

  it("a fixed price takes every bid at or better than it", () => {
    const r = clearGridlabd([bid("a", 5, 10), bid("b", 15, 10)], {
      specialMode: "SELLERS_ONLY",
      fixedPrice: 10,
    });
    expect(view(r)).toMatchObject({ price: "10", quantity: "10", type: "EXACT" });
    const none = clearGridlabd([bid("a", 5, 10)], { specialMode: "SELLERS_ONLY", fixedPrice: 1 });
    expect(view(none)).toMatchObject({ price: "1", quantity: "0", type: "NULL" });
  });

  it("no bids at all: NULL at 0", () => {
    expect(view(clearGridlabd([]))).toMatchObject({
      price: "0",
      quantity: "0",
      type: "NULL",
      sellerMin: "0",
    });
  });
});

describe("clearGridlabd: refusals", () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      if (e instanceof CodecError) return `${e.code} ${e.path}`;
      throw e;
    }
    return undefined;
  };
  it("names the bad field", () => {
    expect(code(() => clearGridlabd([bid("a", "x", 1)]))).toBe("bad-price /bids[0]/price");
    expect(code(() => clearGridlabd([bid("a", 1, "NaN")]))).toBe("bad-quantity /bids[0]/quantity");
    expect(code(() => clearGridlabd([bid("", 1, 1)]))).toBe("bad-order /bids[0]/bidder");
    expect(code(() => clearGridlabd([], { specialMode: "SELLERS_ONLY", fixedQuantity: -1 }))).toBe(
      "bad-value /fixed_quantity",
    );
  });
});
