/**
 * EI over NATS between two connections of a real nats-server: a child market joins its parent
 * through RemoteParent with every message on NATS and gets the award it gets in process; an agent
 * submits a tender (CTS JSON) by request/reply; a market no one serves is a typed transport error.
 */

import { connect, type NatsConnection } from "@nats-io/transport-node";
import { typedEiClient } from "@transactive/ei";
import { createTypedEiClient, startEiServer } from "@transactive/ei-node";
import {
  type Agent,
  type CurveStep,
  MarketNode,
  type MemberAward,
  toPrice,
  toQuantity,
} from "@transactive/market";
import { createMarketDispatcher, dispatcherClient, RemoteParent } from "@transactive/market/ei";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HAVE_NATS, requireNats } from "../tests/nats.js";
import { natsEiClient, serveEiOverNats } from "./ei-nats.js";
import { ScaleError } from "./errors.js";
import { type NatsServer, startNatsServer } from "./server.js";

const EPOCH = Date.parse("2026-09-01T00:00:00Z");
const step = (side: "buy" | "sell", price: string, quantity: string): CurveStep => ({
  side,
  price: toPrice(price),
  quantity: toQuantity(quantity),
});
function leaf(id: string, steps: CurveStep[]): Agent & { awards: MemberAward[] } {
  const awards: MemberAward[] = [];
  return { id, awards, bid: () => steps, award: (a) => awards.push(a) };
}
function node(id: string, mechanism: "call" | "cda") {
  return new MarketNode({
    id,
    marketContext: `http://m/${id}`,
    currency: "USD",
    interval: "PT15M",
    epochMs: EPOCH,
    mechanism,
  });
}

/** A parent (a seller member) and a child of two buyers, linked through `client(parent)`. */
async function nestedDay(
  clientOf: (d: ReturnType<typeof createMarketDispatcher>) => Parameters<typeof typedEiClient>[0],
  serve?: (d: ReturnType<typeof createMarketDispatcher>) => Promise<unknown>,
) {
  const parent = node("parent", "call");
  parent.addMember(leaf("wind", [step("sell", "0.10", "2"), step("sell", "0.20", "3")]));
  const d = createMarketDispatcher(parent, { clock: () => EPOCH - 3_600_000 });
  await serve?.(d);
  const child = node("child", "call");
  const a = leaf("a", [step("buy", "0.25", "3")]);
  const b = leaf("b", [step("buy", "0.15", "2"), step("sell", "0.30", "1")]);
  child.addMember(a);
  child.addMember(b);
  const link = new RemoteParent(child, typedEiClient(clientOf(d), { profile: "cts" }), {
    marketContext: "http://m/parent",
    marketPartyID: "parent",
  });
  await link.connect();
  const sent = await link.submit(0);
  const cleared = parent.clear(0);
  const award = await link.submit(1).then(() => link.settle(0));
  return { sent, price: cleared.quote.price, award, a: a.awards, b: b.awards };
}

describe.skipIf(!HAVE_NATS && process.env.CI !== "true")("EI over NATS", () => {
  let server: NatsServer;
  let parentSide: NatsConnection;
  let childSide: NatsConnection;
  beforeAll(async () => {
    requireNats();
    server = await startNatsServer({ jetStream: false });
    parentSide = await connect({ servers: server.url });
    childSide = await connect({ servers: server.url });
  });
  afterAll(async () => {
    await parentSide?.close();
    await childSide?.close();
    await server?.stop();
  });

  it("a child joins its parent through RemoteParent over NATS: the same curve, price and awards as in process", async () => {
    const inProcess = await nestedDay((d) => dispatcherClient(d));
    const overNats = await nestedDay(
      () => natsEiClient(childSide, { market: "parent" }),
      (d) => serveEiOverNats(parentSide, d, { market: "parent" }),
    );
    expect(overNats.sent.length).toBeGreaterThan(0);
    expect(overNats.price).toBeDefined();
    expect(overNats).toEqual(inProcess);
    expect(overNats.award.net).toBeGreaterThan(0);
  });

  it("an agent submits a tender by request/reply (CTS JSON) and it trades at a CDA market", async () => {
    const market = node("cda-market", "cda");
    const d = createMarketDispatcher(market, { clock: () => EPOCH - 3_600_000 });
    const served = await serveEiOverNats(parentSide, d, { market: "cda-market" });
    const agent = typedEiClient(
      natsEiClient(childSide, { market: "cda-market", format: "cts-json" }),
      {
        profile: "cts",
      },
    );
    const tender = (id: string, side: "buy" | "sell", price: string) => ({
      tenderID: id,
      product: {
        dtStart: { dateTime: "2026-09-01T00:00:00Z" },
        duration: "PT15M",
        temixPower: { price: { value: price }, quantity: 2 },
        uid: id,
        transactiveState: "tender" as const,
        marketContext: "http://m/cda-market",
        side,
      },
    });
    const sell = await agent.EiTender.createTender({
      requestID: "r1",
      partyID: "pv-7",
      counterPartyID: "cda-market",
      eiTender: [tender("t-sell", "sell", "0.08")],
    });
    expect(sell.value.eiResponse.responseCode).toBe("200");
    const buy = await agent.EiTender.createTender({
      requestID: "r2",
      partyID: "ev-3",
      counterPartyID: "cda-market",
      eiTender: [tender("t-buy", "buy", "0.12")],
    });
    expect(buy.value.eiResponse.responseCode).toBe("200");
    const txs = await agent.EiTransaction.requestTransaction({
      requestID: "r3",
      partyID: "ev-3",
      requestorPartyID: "ev-3",
    });
    expect(txs.value.eiTransaction?.map((t) => t.tenderID)).toEqual(["t-buy"]);
    // a refusal is an EI response over NATS too: the same tender ID again
    const again = await agent.EiTender.createTender({
      requestID: "r4",
      partyID: "ev-3",
      counterPartyID: "cda-market",
      eiTender: [tender("t-buy", "buy", "0.12")],
    });
    expect(again.value.eiResponse.responseCode).not.toBe("200");
    expect(served.answered).toBeGreaterThanOrEqual(3);
    await served.close();
  });

  it("one market dispatcher on HTTP and NATS at once: a tender over HTTP trades with one over NATS", async () => {
    const market = node("both-ways", "cda");
    const d = createMarketDispatcher(market, { clock: () => EPOCH - 3_600_000 });
    const http = await startEiServer({ dispatcher: d, port: 0 });
    const served = await serveEiOverNats(parentSide, d, { market: "both-ways" });
    const product = (id: string, side: "buy" | "sell", price: string) => ({
      tenderID: id,
      product: {
        dtStart: { dateTime: "2026-09-01T00:00:00Z" },
        duration: "PT15M",
        temixPower: { price: { value: price }, quantity: 1 },
        uid: id,
        transactiveState: "tender" as const,
        marketContext: "http://m/both-ways",
        side,
      },
    });
    const overHttp = createTypedEiClient({ baseUrl: http.url, profile: "cts" });
    const overNats = typedEiClient(natsEiClient(childSide, { market: "both-ways" }), {
      profile: "cts",
    });
    const a = await overHttp.EiTender.createTender({
      requestID: "h1",
      partyID: "battery-1",
      counterPartyID: "both-ways",
      eiTender: [product("h-sell", "sell", "0.09")],
    });
    const b = await overNats.EiTender.createTender({
      requestID: "n1",
      partyID: "heat-pump-2",
      counterPartyID: "both-ways",
      eiTender: [product("n-buy", "buy", "0.11")],
    });
    expect([a.value.eiResponse.responseCode, b.value.eiResponse.responseCode]).toEqual([
      "200",
      "200",
    ]);
    const seller = await overNats.EiTransaction.requestTransaction({
      requestID: "n2",
      partyID: "battery-1",
      requestorPartyID: "battery-1",
    });
    expect(seller.value.eiTransaction?.map((t) => t.tenderID)).toEqual(["h-sell"]);
    await served.close();
    await http.close();
  });

  it("a market no one serves: ScaleError transport naming the subject", async () => {
    const client = natsEiClient(childSide, { market: "nobody.here", timeoutMs: 500 });
    const e = await client.send("EiQuote", "<x/>").catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ScaleError);
    expect((e as ScaleError).code).toBe("transport");
    expect((e as ScaleError).path).toBe("transactive.market.nobody%2Ehere.ei.EiQuote");
  });
});
