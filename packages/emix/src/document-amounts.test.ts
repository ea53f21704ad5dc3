import { describe, expect, it } from "vitest";
import { temixProduct } from "./builders.js";
import { documentAmounts, documentProductAmounts } from "./document-amounts.js";
import { EmixError } from "./errors.js";

const product = (uid: string, currency: string, price: string) =>
  temixProduct({
    uid,
    start: "2026-09-01T14:00:00Z",
    side: "sell",
    currency,
    marketContext: "http://m.example.com",
    interval: "PT30M",
    intervals: [{ quantity: "3", price }],
  });
// a CTS eiCreateTender value with one product per tender
const doc = (...products: object[]) => ({
  element: "pyld:eiCreateTender",
  value: { eiTender: products.map((p, k) => ({ tenderID: `t${k}`, product: p })) },
});

describe("documentProductAmounts", () => {
  it("every product in document order, with its path and exact amount", () => {
    const r = documentProductAmounts(doc(product("a", "USD", "0.1"), product("b", "EUR", "0.25")));
    // 3 (kW) x 0.5 h x price
    expect(r.map((p) => [p.path, p.amount.currency, p.amount.amount.toString()])).toEqual([
      ["/eiCreateTender/eiTender[0]/product", "USD", "0.15"],
      ["/eiCreateTender/eiTender[1]/product", "EUR", "0.375"],
    ]);
    expect(documentAmounts(doc(product("a", "USD", "0.1")))).toMatchObject({ amount: "0.15" });
    expect(documentProductAmounts({ element: "xcal:vcalendar", value: {} })).toEqual([]);
  });
  it("a broken EMIX rule throws every issue with its path", () => {
    const bad = product("a", "USD", "0.1");
    let err: unknown;
    try {
      documentProductAmounts(doc(bad, { ...bad, currency: "US$" }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EmixError);
    expect((err as EmixError).issues[0]).toMatchObject({
      code: "bad-currency",
      path: "/eiCreateTender/eiTender[1]/product/currency",
    });
  });
});
