/**
 * The market over HTTP with the CTS 0.4 profile: an ei-node server on 127.0.0.1 (port 0) hosts a
 * CDA market; a trading party in a separate Node process submits tenders, cancels, pulls its
 * transactions and the interval's quote with the typed client, over a real socket.
 */

import { typedEiClient } from "@transactive/ei";
import { type RunningEiServer, startEiServer } from "@transactive/ei-node";
import { MarketNode, toPrice, toQuantity } from "@transactive/market";
import { createMarketDispatcher, dispatcherClient } from "@transactive/market/ei";
import { afterAll, describe, expect, it } from "vitest";
import { type FixtureProcess, startFixture } from "./fixtures/process.js";

const MC = "http://market.example.com/cts/15min";
const EPOCH = Date.parse("2026-09-01T00:00:00Z");

describe("EI binding over HTTP (CTS 0.4)", () => {
  let server: RunningEiServer | undefined;
  let agent: FixtureProcess | undefined;
  afterAll(async () => {
    await agent?.stop();
    await server?.close();
  });

  it("a party in another process trades through the typed client", async () => {
    const node = new MarketNode({
      id: "market",
      marketContext: MC,
      currency: "USD",
      interval: "PT15M",
      epochMs: EPOCH,
      gateClosureLead: "PT5M",
      mechanism: "cda",
    });
    const dispatcher = createMarketDispatcher(node, { clock: () => EPOCH - 3_600_000 });
    // a resting offer from a party in this process, through the same services
    const local = typedEiClient(dispatcherClient(dispatcher), { profile: "cts" });
    const offer = await local.EiTender.createTender({
      requestID: "s-1",
      partyID: "seller-3",
      counterPartyID: "market",
      eiTender: [
        {
          tenderID: "s-1",
          product: {
            dtStart: { dateTime: "2026-09-01T00:00:00Z" },
            duration: "PT15M",
            temixPower: { price: { value: "0.0525" }, quantity: 2 },
            uid: "s-1",
            transactiveState: "tender",
            currency: "USD",
            marketContext: MC,
            side: "sell",
          },
        },
      ],
    });
    expect(offer.value.eiResponse.responseCode).toBe("200");
    server = await startEiServer({ dispatcher, port: 0, host: "127.0.0.1" });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    agent = startFixture("agent", [server.url, MC, "2026-09-01T00:00:00Z"]);
    const first = (await agent.next()) as Record<string, unknown>;
    expect(first.context).toMatchObject({ responseCode: "200" });
    expect(
      String((first.context as { responseDescription: string }).responseDescription),
    ).toContain("mechanism=cda");
    expect(first.created).toMatchObject({
      eiResponse: { responseCode: "200" },
      tenderID: ["a-buy-1", "a-buy-2"],
    });
    // too many decimal places: refused with the path, nothing stored
    const refused = first.refused as {
      eiResponse: { responseCode: string; responseDescription: string };
    };
    expect(refused.eiResponse.responseCode).toBe("400");
    expect(refused.eiResponse.responseDescription).toContain(
      "/eiCreateTender/eiTender[0]/product/temixPower/price/value",
    );
    expect(refused.eiResponse.responseDescription).toContain("[bad-price]");
    expect(dispatcher.market.tenders.has("a-bad")).toBe(false);
    // a-buy-1 (1.5 at ≤ 0.0615) took 1.5 of the resting 2 at 0.0525; a-buy-2 rests, s-1 has 0.5 left
    expect((first.open as string[]).sort()).toEqual(["a-buy-2", "s-1"]);
    expect(first.cancelled).toMatchObject({ responseCode: "200" });
    expect(dispatcher.market.tenders.get("a-buy-2")?.state).toBe("cancelled");
    const txs = first.transactions as {
      tenderID: string;
      product: { side: string; temixPower: { price: { value: string }; quantity: number } };
    }[];
    expect(txs).toHaveLength(1);
    expect(txs[0]).toMatchObject({
      tenderID: "a-buy-1",
      product: { side: "buy", temixPower: { price: { value: "0.0525" }, quantity: 1.5 } },
    });

    const result = node.clear(0);
    expect(result.quote.price).toBe(toPrice("0.0525"));
    expect(result.quote.quantity).toBe(toQuantity("1.5"));
    agent.send({ cmd: "cleared", quoteID: `${MC}#0` });
    const second = (await agent.next()) as {
      quote: { eiQuote: { quoteID: string; product: unknown[] }[] };
    };
    const quote = second.quote.eiQuote[0];
    expect(quote?.quoteID).toBe(`${MC}#0`);
    expect(quote?.product).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          uid: `${MC}#0/price`,
          side: "sell",
          transactiveState: "publication",
          temixPower: expect.objectContaining({ price: { value: "0.0525" }, quantity: 1.5 }),
        }),
        expect.objectContaining({
          uid: `${MC}#0/bestAsk`,
          temixPower: expect.objectContaining({ price: { value: "0.0525" } }),
        }),
      ]),
    );
  }, 240_000);
});
