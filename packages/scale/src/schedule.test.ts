/**
 * Nested markets on the wall clock through a real nats-server: 5-second intervals (the child bids 4 s ahead: room for a busy machine), the child sends
 * its curve before each gate closure and settles after the parent clears; every interval is
 * cleared with the child's demand in it and the child is awarded each one.
 */
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { MarketNode, type MemberAward, toPrice, toQuantity } from "@transactive/market";
import { createMarketDispatcher } from "@transactive/market/ei";
import { afterAll, describe, expect, it } from "vitest";
import { HAVE_NATS, requireNats } from "../tests/nats.js";
import { serveEiOverNats } from "./ei-nats.js";
import { NatsChildren, NatsParentLink } from "./nesting.js";
import { nextOpenInterval, runChildSchedule, runParentSchedule } from "./schedule.js";
import { type NatsServer, startNatsServer } from "./server.js";

const conns: NatsConnection[] = [];
let server: NatsServer | undefined;
afterAll(async () => {
  for (const c of conns) await c.close();
  await server?.stop();
});

describe.skipIf(!HAVE_NATS && process.env.CI !== "true")("schedules on the wall clock", () => {
  it("the child bids before each gate, the parent clears at it, the child settles every interval", async () => {
    requireNats();
    server = await startNatsServer({ jetStream: false });
    const epochMs = Math.floor(Date.now() / 1000) * 1000;
    const market = (id: string) =>
      new MarketNode({
        id,
        marketContext: `urn:t:${id}`,
        currency: "USD",
        interval: "PT5S",
        epochMs,
        mechanism: "call",
      });
    const city = market("city");
    city.addMember({
      id: "supplier",
      bid: () => [{ side: "sell", price: toPrice("0.10"), quantity: toQuantity("5") }],
      award: () => {},
    });
    const up = await connect({ servers: server.url });
    const down = await connect({ servers: server.url });
    conns.push(up, down);
    const children = new NatsChildren(up, city);
    children.addChild("microgrid");
    await children.start();
    await serveEiOverNats(up, createMarketDispatcher(city), { market: "city" });
    const microgrid = market("microgrid");
    microgrid.addMember({
      id: "house",
      bid: () => [{ side: "buy", price: toPrice("0.30"), quantity: toQuantity("2") }],
      award: () => {},
    });
    const link = new NatsParentLink(down, microgrid, {
      parent: "city",
      marketContext: "urn:t:city",
    });
    await link.connect();

    const from = nextOpenInterval(city, Date.now() + 4500);
    const until = from + 2;
    const cleared: number[] = [];
    const settled: [number, MemberAward][] = [];
    await Promise.all([
      runParentSchedule(children, {
        from,
        until,
        onCleared: (i, r) => cleared.push(i, r.quote.quantity),
      }),
      runChildSchedule(link, {
        from,
        until,
        leadMs: 4000,
        onSettled: (i, a) => settled.push([i, a]),
      }),
    ]);
    const two = toQuantity("2");
    expect(cleared).toEqual([from, two, from + 1, two, from + 2, two]);
    expect(settled.map(([i, a]) => [i, a.net])).toEqual([
      [from, two],
      [from + 1, two],
      [from + 2, two],
    ]);
    expect(children.stale.size).toBe(0);
  }, 60_000);
});
