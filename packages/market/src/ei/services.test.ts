/**
 * The CTS market services of a MarketNode through the ei dispatcher, in process: every message is
 * encoded, validated against the CTS 0.4 schemas, dispatched and its answer decoded, as over HTTP.
 */
import { validate } from "@transactive/codec";
import {
  type EiCreateTransactionType,
  type EiTenderType,
  registry,
  typedEiClient,
} from "@transactive/ei";
import { describe, expect, it } from "vitest";
import { MarketNode } from "../node/market-node.js";
import type { Agent, DeliveryInterval } from "../node/types.js";
import { toPrice, toQuantity } from "../units.js";
import { dispatcherClient } from "./dispatcher-client.js";
import { parseMarketContext } from "./market-context.js";
import { createMarketDispatcher } from "./services.js";

const MC = "http://market.example.com/cts/15min";
const EPOCH = Date.parse("2026-09-01T00:00:00Z");
const T0 = "2026-09-01T00:00:00Z";
const T1 = "2026-09-01T00:15:00Z";

function product(
  dtStart: string,
  side: "buy" | "sell",
  price: string,
  quantity: number,
  extra: Record<string, unknown> = {},
  temix: Record<string, unknown> = {},
) {
  return {
    dtStart: { dateTime: dtStart },
    duration: "PT15M",
    temixPower: {
      price: { value: price },
      energyReal: { itemDescription: "RealEnergy", itemUnits: "Wh", siScaleCode: "k" },
      quantity,
      ...temix,
    },
    uid: `u-${Math.random()}`,
    transactiveState: "tender",
    currency: "USD",
    marketContext: MC,
    side,
    ...extra,
  };
}

const tender = (id: string, p: ReturnType<typeof product>) =>
  ({ tenderID: id, product: p }) as unknown as EiTenderType;

function setup(
  mechanism: "cda" | "call",
  now = EPOCH - 3_600_000,
  onCreateTransaction?: (m: EiCreateTransactionType) => void,
) {
  const node = new MarketNode({
    id: "market",
    marketContext: MC,
    currency: "USD",
    interval: "PT15M",
    epochMs: EPOCH,
    gateClosureLead: "PT5M",
    mechanism,
  });
  let clock = now;
  const d = createMarketDispatcher(node, {
    clock: () => clock,
    ...(onCreateTransaction ? { onCreateTransaction } : {}),
  });
  const client = typedEiClient(dispatcherClient(d), { profile: "cts" });
  const create = (party: string, tenders: EiTenderType[]) =>
    client.EiTender.createTender({
      requestID: `r-${party}`,
      partyID: party,
      counterPartyID: "market",
      eiTender: tenders,
    });
  return { node, d, client, create, setClock: (ms: number) => (clock = ms) };
}

describe("EI binding: EiTender / EiTransaction / EiQuote / EiMarketContext in process", () => {
  it("trades CDA tenders, reports transactions and quotes, cancels, lists open tenders", async () => {
    const { node, client, create, d } = setup("cda");
    const s = await create("seller", [tender("s1", product(T0, "sell", "0.0500", 2))]);
    expect(s.value.eiResponse.responseCode).toBe("200");
    expect(s.value.tenderID).toEqual(["s1"]);
    const b = await create("buyer", [
      tender("b1", product(T0, "buy", "0.060000001", 1.5)),
      tender("b2", product(T0, "buy", "0.01", 1)),
    ]);
    expect(b.value.eiResponse.responseCode).toBe("200");

    const open = await client.EiTender.requestTender({
      requestID: "q1",
      partyID: "buyer",
      requestorPartyID: "buyer",
    });
    expect(open.value.eiTender?.map((t) => t.tenderID).sort()).toEqual(["b2", "s1"]);

    const c = await client.EiTender.cancelTender({
      requestID: "c1",
      partyID: "buyer",
      tenderID: ["b2", "s1", "nope"],
    });
    // b2 cancelled; s1 belongs to another party; nope unknown
    expect(c.value.eiResponse.responseCode).toBe("409");
    expect(c.value.eiResponse.responseDescription).toMatch(/2 of 3 failed \(1 accepted\)/);
    expect(d.market.tenders.get("b2")?.state).toBe("cancelled");
    expect(d.market.tenders.get("s1")?.state).toBe("open");

    const tx = await client.EiTransaction.requestTransaction({
      requestID: "t1",
      partyID: "buyer",
      requestorPartyID: "buyer",
    });
    expect(tx.value.eiTransaction).toHaveLength(1);
    const t = tx.value.eiTransaction?.[0] as unknown as {
      tenderID: string;
      product: { side: string; temixPower: { price: { value: string }; quantity: number } };
    };
    expect(t.tenderID).toBe("b1");
    expect(t.product.side).toBe("buy");
    expect(t.product.temixPower.price.value).toBe("0.05"); // the resting order's price
    expect(t.product.temixPower.quantity).toBe(1.5);
    const sx = await client.EiTransaction.requestTransaction({
      requestID: "t2",
      partyID: "seller",
      requestorPartyID: "seller",
    });
    expect(sx.value.eiTransaction?.[0]?.product?.side).toBe("sell");

    node.clear(0);
    const q = await client.EiQuote.requestQuote({
      requestID: "qq",
      requestorPartyID: "buyer",
      publisherPartyID: "market",
      quoteID: [`${MC}#0`],
    });
    const products = q.value.eiQuote?.[0]?.product ?? [];
    const byUid = Object.fromEntries(
      products.map((p) => [
        String(p.uid).slice(String(p.uid).lastIndexOf("/") + 1),
        (p as unknown as { temixPower: { price: { value: string } } }).temixPower.price.value,
      ]),
    );
    expect(byUid).toEqual({ price: "0.05", bestAsk: "0.05" });
    // after clearing: nothing open for interval 0, tenders refused at the closed gate
    const late = await create("buyer", [tender("b3", product(T0, "buy", "0.06", 1))]);
    expect(late.value.eiResponse.responseCode).toBe("409");
    expect(late.value.eiResponse.responseDescription).toMatch(/gate-closed/);
  });

  it("reports self-trade prevention: a party's crossing tender cancels its own resting one", async () => {
    const { create, d } = setup("cda");
    await create("p", [tender("p-buy", product(T0, "buy", "0.1", 1))]);
    const r = await create("p", [tender("p-sell", product(T0, "sell", "0.09", 1))]);
    expect(r.value.eiResponse.responseCode).toBe("200");
    expect(r.value.eiResponse.responseDescription).toMatch(/self-trade prevention.*p-buy/);
    expect(d.market.tenders.get("p-buy")?.state).toBe("cancelled");
    expect(d.market.tenders.get("p-sell")?.state).toBe("open");
  });

  it("hands each remote party's new transaction over as a schema-valid EiCreateTransaction (push)", async () => {
    const pushed: EiCreateTransactionType[] = [];
    const { create } = setup("cda", EPOCH - 3_600_000, (m) => pushed.push(m));
    await create("s", [tender("s", product(T0, "sell", "0.07", 1))]);
    await create("b", [tender("b", product(T0, "buy", "0.08", 0.25))]);
    expect(pushed.map((m) => [m.partyID, m.counterPartyID, m.eiTransaction[0]?.tenderID])).toEqual([
      ["market", "b", "b"],
      ["market", "s", "s"],
    ]);
    for (const value of pushed)
      expect(
        validate(registry, { profile: "cts", element: "pyld:eiCreateTransaction", value }),
      ).toEqual([]);
  });

  it("answers the market context with the node's terms", async () => {
    const { client } = setup("call");
    const r = await client.EiMarketContext.requestMarketContext({
      requestID: "m1",
      marketContext: [MC],
    });
    expect(r.value.eiResponse.responseCode).toBe("200");
    const terms = parseMarketContext(r.value.eiResponse.responseDescription ?? "");
    expect(terms).toMatchObject({
      marketContext: MC,
      currency: "USD",
      interval: "PT15M",
      epoch: T0,
      gateClosureLead: "PT300S",
      mechanism: "call",
      priceDecimals: 9,
      quantityDecimals: 6,
    });
    const bad = await client.EiMarketContext.requestMarketContext({
      requestID: "m2",
      marketContext: ["http://elsewhere"],
    });
    expect(bad.value.eiResponse.responseCode).toBe("404");
  });

  it("refuses bad tenders with typed errors naming the message path, and stores nothing", async () => {
    const { create, d, node, setClock } = setup("call");
    const cases: [string, ReturnType<typeof product>, RegExp][] = [
      [
        "too many places",
        product(T1, "buy", "0.0000000001", 1),
        /\[bad-price\].*eiTender\[1\]\/product\/temixPower\/price\/value|eiTender\[1\]\/product\/temixPower\/price\/value: \[bad-price\]/,
      ],
      ["wrong currency", product(T1, "buy", "0.1", 1, { currency: "EUR" }), /currency-mismatch/],
      [
        "wrong units",
        product(
          T1,
          "buy",
          "0.1",
          1,
          {},
          {
            energyReal: { itemDescription: "RealEnergy", itemUnits: "VAh", siScaleCode: "k" },
          },
        ),
        /item-units|invalidData|itemUnits/,
      ],
      [
        "a scale the market does not take",
        product(
          T1,
          "buy",
          "0.1",
          1,
          {},
          {
            energyReal: { itemDescription: "RealEnergy", itemUnits: "Wh", siScaleCode: "G" },
          },
        ),
        /\[item-units\].*G|siScaleCode: \[item-units\]/,
      ],
      [
        "not a delivery interval",
        product("2026-09-01T00:07:00Z", "buy", "0.1", 1),
        /interval-outside-schedule.*dtStart|dtStart.*interval-outside-schedule/,
      ],
      [
        "wrong duration",
        product(T1, "buy", "0.1", 1, { duration: "PT1H" }),
        /interval-outside-schedule/,
      ],
      [
        "other market",
        product(T1, "buy", "0.1", 1, { marketContext: "http://x" }),
        /marketContext/,
      ],
      ["too small an energy", product(T1, "buy", "0.1", 0.0000001), /bad-quantity/],
      ["all or nothing", product(T1, "buy", "0.1", 1, { integralOnly: true }), /not-supported/],
    ];
    for (const [what, bad, re] of cases) {
      const r = await create("p", [
        tender(`ok-${what}`, product(T1, "buy", "0.1", 1)),
        tender(`bad-${what}`, bad),
      ]);
      expect(r.value.eiResponse.responseCode, what).not.toBe("200");
      expect(r.value.eiResponse.responseDescription, what).toMatch(re);
      expect(r.value.tenderID, what).toBeUndefined();
    }
    expect(d.market.tenders.size).toBe(0);
    // gate closure: 5 minutes before the interval starts
    setClock(Date.parse(T1) - 5 * 60_000);
    const late = await create("p", [tender("late", product(T1, "buy", "0.1", 1))]);
    expect(late.value.eiResponse.responseDescription).toMatch(/gate-closed/);
    expect(d.market.tenders.size).toBe(0);
    expect(node.clear(1).transactions).toEqual([]);
  });

  it("converts units exactly: Wh energy, kW power over the interval", async () => {
    const { create, d, node } = setup("call");
    const r = await create("p", [
      tender(
        "wh",
        product(
          T0,
          "buy",
          "0.0002",
          1500,
          {},
          {
            energyReal: { itemDescription: "RealEnergy", itemUnits: "Wh", siScaleCode: "none" },
          },
        ),
      ),
      tender(
        "kw",
        product(
          T0,
          "sell",
          "0.1",
          4,
          {},
          {
            energyReal: undefined,
            powerReal: {
              itemDescription: "RealPower",
              itemUnits: "W",
              siScaleCode: "k",
              powerAttributes: { hertz: "50", voltage: "230", ac: true },
            },
          },
        ),
      ),
    ]);
    expect(r.value.eiResponse.responseCode, r.value.eiResponse.responseDescription).toBe("200");
    const res = node.clear(0);
    // 1500 Wh = 1.5 kWh at 0.2/kWh; 4 kW over 15 min = 1 kWh at 0.1/kWh
    const buy = res.transactions.find((t) => t.side === "buy");
    expect(buy?.quantity).toBe(toQuantity("1"));
    expect(res.transactions.find((t) => t.side === "sell")?.quantity).toBe(toQuantity("1"));
    const price = res.quote.price as number;
    expect(price >= toPrice("0.1") && price <= toPrice("0.2")).toBe(true);
    expect(d.market.tenders.get("wh")?.state).toBe("closed");
  });

  it("keeps members' trades off EI and refuses a member's name as a remote party", async () => {
    const { node, create, client } = setup("call");
    const member: Agent = {
      id: "alice",
      bid: (_i: DeliveryInterval) => [
        { side: "buy", price: toPrice("0.2"), quantity: toQuantity("1") },
      ],
      award: () => {},
    };
    node.addMember(member);
    const r = await create("alice", [tender("a1", product(T0, "sell", "0.1", 1))]);
    expect(r.value.eiResponse.responseCode).toBe("409");
    const ok = await create("bob", [tender("b1", product(T0, "sell", "0.1", 1))]);
    expect(ok.value.eiResponse.responseCode).toBe("200");
    node.clear(0);
    const alice = await client.EiTransaction.requestTransaction({
      requestID: "x",
      partyID: "alice",
      requestorPartyID: "alice",
    });
    expect(alice.value.eiTransaction).toBeUndefined();
    const bob = await client.EiTransaction.requestTransaction({
      requestID: "y",
      partyID: "bob",
      requestorPartyID: "bob",
    });
    expect(bob.value.eiTransaction).toHaveLength(1);
  });
});
