/**
 * RemoteParent in process (through the dispatcher, every message encoded and validated): under a
 * continuous double auction parent, and its refusals.
 */
import { CodecError } from "@transactive/codec";
import { typedEiClient } from "@transactive/ei";
import { describe, expect, it } from "vitest";
import { MarketNode } from "../node/market-node.js";
import type { Agent, MemberAward } from "../node/types.js";
import type { CurveStep } from "../types.js";
import { toMoney, toPrice, toQuantity } from "../units.js";
import { dispatcherClient } from "./dispatcher-client.js";
import { RemoteParent } from "./remote-parent.js";
import { createMarketDispatcher } from "./services.js";

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

function node(id: string, mechanism: "call" | "cda", interval = "PT15M") {
  return new MarketNode({
    id,
    marketContext: `http://m/${id}`,
    currency: "USD",
    interval,
    epochMs: EPOCH,
    mechanism,
  });
}

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    if (e instanceof CodecError) return `${e.code} ${e.path}`;
    throw e;
  }
  return "no error";
}

describe("RemoteParent", () => {
  it("under a CDA parent: the child's step tenders trade, members settle at its marginal step", async () => {
    const parent = node("parent", "cda");
    const d = createMarketDispatcher(parent, { clock: () => EPOCH - 3_600_000 });
    const client = typedEiClient(dispatcherClient(d), { profile: "cts" });
    // a seller resting two offers at the parent
    const offer = (id: string, price: string, quantity: number) => ({
      tenderID: id,
      product: {
        dtStart: { dateTime: "2026-09-01T00:00:00Z" },
        duration: "PT15M",
        temixPower: { price: { value: price }, quantity },
        uid: id,
        transactiveState: "tender" as const,
        marketContext: "http://m/parent",
        side: "sell" as const,
      },
    });
    const r = await client.EiTender.createTender({
      requestID: "o",
      partyID: "wind-farm",
      counterPartyID: "parent",
      eiTender: [offer("w1", "0.10", 2), offer("w2", "0.12", 3)],
    });
    expect(r.value.eiResponse.responseCode).toBe("200");

    const child = node("child", "call");
    const a = leaf("a", [step("buy", "0.15", "3")]);
    const b = leaf("b", [step("buy", "0.13", "1"), step("sell", "0.30", "1")]);
    child.addMember(a);
    child.addMember(b);
    const link = new RemoteParent(child, client, {
      marketContext: "http://m/parent",
      marketPartyID: "parent",
    });
    expect((await link.connect()).mechanism).toBe("cda");
    const steps = await link.submit(0);
    expect(steps.length).toBeGreaterThan(0);
    parent.clear(0);
    const award = await link.settle(0);
    // bought 2 at 0.10 and 2 at 0.12 (the child's buys of 3 at ≥ 0.15 and 1 at ≥ 0.13)
    expect(award.bought).toBe(toQuantity("4"));
    expect(award.cost).toBe(toMoney("0.44"));
    expect(award.price).toBeUndefined();
    expect(award.transactions.map((t) => t.tenderId)).toEqual([
      "child:0:0",
      "child:0:1",
      "child:0:1",
    ]);
    // members settle at the child's marginal filled step: both buy steps filled, lowest limit 0.13
    const [aw, bw] = [a.awards[0] as MemberAward, b.awards[0] as MemberAward];
    expect(aw.price).toBe(toPrice("0.13"));
    expect(aw.bought + bw.bought).toBe(award.bought);
    // the node keeps the difference between the parent's fill prices and its one price
    expect(aw.cost + bw.cost).toBe(award.cost + child.balance);
    expect(child.balance).toBe(toMoney("0.52") - toMoney("0.44"));
  });

  it("refuses what it cannot do, with typed errors", async () => {
    expect(
      await codeOf(
        () =>
          new RemoteParent(node("x", "cda"), {} as never, {
            marketContext: "m",
            marketPartyID: "p",
          }),
      ),
    ).toBe("bad-option /child/mechanism");
    const parent = node("parent", "call", "PT5M");
    let now = EPOCH - 3_600_000;
    const d = createMarketDispatcher(parent, { clock: () => now });
    const client = typedEiClient(dispatcherClient(d), { profile: "cts" });
    const other = new RemoteParent(node("c15", "call"), client, {
      marketContext: "http://m/parent",
      marketPartyID: "parent",
    });
    expect(await codeOf(other.connect())).toBe("not-supported /eiReplyEiMarketContext/interval");
    const wrong = new RemoteParent(node("c5", "call", "PT5M"), client, {
      marketContext: "http://elsewhere",
      marketPartyID: "parent",
    });
    expect(await codeOf(wrong.connect())).toBe("bad-value /eiReplyEiMarketContext/eiResponse");

    const child = node("c", "call", "PT5M");
    child.addMember(leaf("l", [step("buy", "0.2", "1")]));
    const link = new RemoteParent(child, client, {
      marketContext: "http://m/parent",
      marketPartyID: "parent",
    });
    expect(await codeOf(link.submit(0))).toBe("bad-option /connect");
    await link.connect();
    expect(await codeOf(link.settle(0))).toBe("bad-option /interval");
    now = EPOCH; // the gate of interval 0 is closed at the parent
    expect(await codeOf(link.submit(0))).toBe("bad-value /eiCreatedTender/eiResponse");
    expect(d.market.tenders.size).toBe(0);
    // the parent has not cleared interval 1 yet: no quote to settle against
    now = EPOCH - 3_600_000;
    await link.submit(1);
    expect(await codeOf(link.settle(1))).toBe("bad-value /eiReplyQuote/eiResponse");
  });
});
