import { describe, expect, it } from "vitest";
import { temixProduct } from "./builders.js";
import { checkEmix, checkOption, checkProduct, findEmixObjects } from "./rules.js";

const kw = {
  key: "powerReal",
  scale: "k" as const,
  powerAttributes: { hertz: "60", voltage: "240", ac: true },
};
const product = (): Record<string, unknown> =>
  temixProduct({
    uid: "p",
    start: "2026-09-01T00:00:00Z",
    interval: "PT1H",
    side: "sell",
    currency: "USD",
    marketContext: "http://m",
    item: kw,
    intervals: [
      { quantity: "1", price: "0.1" },
      { quantity: "2", price: "0.2" },
    ],
  }) as unknown as Record<string, unknown>;
const intervals = (p: Record<string, unknown>) =>
  (p.intervals as { streamInterval: Record<string, unknown>[] }).streamInterval;

describe("EMIX semantic rules", () => {
  it("accepts a well-formed product", () => {
    expect(checkProduct(product(), "/product")).toEqual([]);
  });

  it("intervals inside the containing schedule", () => {
    const p = product();
    expect(
      checkProduct(p, "", { within: { start: "2026-09-01T00:00:00Z", duration: "PT2H" } }),
    ).toEqual([]);
    expect(
      checkProduct(p, "", {
        within: { start: "2026-09-01T00:00:00Z", end: "2026-09-01T01:30:00Z" },
      }),
    ).toEqual([
      expect.objectContaining({
        code: "interval-outside-schedule",
        path: "/intervals/streamInterval[1]",
      }),
    ]);
    expect(checkProduct(p, "", { within: { start: "2026-09-01T00:30:00Z" } })[0]).toMatchObject({
      path: "/intervals/streamInterval[0]",
    });
  });

  it("positive durations, present starts, unique uids", () => {
    expect(checkProduct({ ...product(), duration: "PT0S" })).toEqual([
      expect.objectContaining({ code: "bad-duration", path: "/duration" }),
    ]);
    expect(checkProduct({ ...product(), duration: "-PT1H" })[0]?.code).toBe("bad-duration");
    expect(checkProduct({ ...product(), duration: "1 hour" })[0]?.code).toBe("bad-duration");
    expect(checkProduct({ ...product(), dtStart: undefined })[0]).toMatchObject({
      code: "missing",
      path: "/dtStart",
    });
    expect(
      checkProduct({ ...product(), dtStart: undefined }, "", {
        inherited: { dtStart: { dateTime: "2026-01-01T00:00:00Z" } },
      }),
    ).toEqual([]);
    const p = product();
    (intervals(p)[1] as Record<string, unknown>).uid = "0";
    expect(checkProduct(p)).toEqual([
      expect.objectContaining({ code: "duplicate-uid", path: "/intervals/streamInterval[1]/uid" }),
    ]);
  });

  it("item units consistent with the item and across intervals", () => {
    const p = product();
    (
      (p.temixPower as Record<string, Record<string, unknown>>).powerReal as Record<string, unknown>
    ).itemUnits = "kW";
    expect(checkProduct(p)).toEqual([
      expect.objectContaining({ code: "item-units", path: "/temixPower/powerReal/itemUnits" }),
    ]);
    const q = product();
    (intervals(q)[1]?.temixPower as Record<string, unknown>).energyReal = {
      itemDescription: "RealEnergy",
      itemUnits: "Wh",
      siScaleCode: "k",
    };
    delete (q.temixPower as Record<string, unknown>).powerReal;
    (intervals(q)[0]?.temixPower as Record<string, unknown>).powerReal = {
      itemDescription: "RealPower",
      itemUnits: "W",
      siScaleCode: "k",
      powerAttributes: {},
    };
    expect(checkProduct(q)).toEqual([
      expect.objectContaining({
        code: "incompatible-items",
        path: "/intervals/streamInterval[1]/temixPower/energyReal",
      }),
    ]);
  });

  it("quantities and prices are finite decimals; currency codes are checked", () => {
    const p = product();
    (intervals(p)[0]?.temixPower as Record<string, unknown>).quantity = "INF";
    (intervals(p)[1]?.temixPower as Record<string, unknown>).price = { value: "1,5" };
    expect(checkProduct({ ...p, currency: "usd" }).map((i) => [i.code, i.path])).toEqual([
      ["bad-currency", "/currency"],
      ["bad-decimal", "/intervals/streamInterval[0]/temixPower/quantity"],
      ["bad-decimal", "/intervals/streamInterval[1]/temixPower/price/value"],
    ]);
  });

  it("options well-formed", () => {
    const option = {
      ...product(),
      optionHolderSide: "buy",
      optionPremium: { value: "0.01" },
      optionStrikePrice: { value: "0.2" },
      optionType: "call",
    };
    expect(checkOption(option, "/emixOption")).toEqual([]);
    const bad = {
      ...option,
      optionPremium: { value: "-0.01" },
      optionType: " ",
      optionHolderSide: "hold",
      expirationDate: "2026-09-02T00:00:00Z",
    };
    expect(checkOption(bad, "/o").map((i) => [i.code, i.path])).toEqual([
      ["bad-option", "/o/optionPremium/value"],
      ["bad-option", "/o/optionType"],
      ["bad-option", "/o/optionHolderSide"],
      ["bad-option", "/o/expirationDate"],
    ]);
    expect(checkOption({ ...option, optionStrikePrice: undefined }, "/o")[0]).toMatchObject({
      code: "missing",
      path: "/o/optionStrikePrice",
    });
  });

  it("finds every product and option of a document, with codec-style paths", () => {
    const doc = {
      element: "pyld:eiCreateTender",
      value: {
        requestID: "r",
        eiTender: [
          { tenderID: "a", product: product() },
          { tenderID: "b", emixOption: { ...product(), optionType: "" } },
        ],
      },
    };
    expect(findEmixObjects(doc.value, "/eiCreateTender").map((o) => o.path)).toEqual([
      "/eiCreateTender/eiTender[0]/product",
      "/eiCreateTender/eiTender[1]/emixOption",
    ]);
    expect(checkEmix(doc).map((i) => i.path)).toContain(
      "/eiCreateTender/eiTender[1]/emixOption/optionType",
    );
  });
});
