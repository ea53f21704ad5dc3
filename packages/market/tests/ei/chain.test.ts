/**
 * Nesting over EI at every boundary, three processes: a city market (process A) ← a district
 * market (process B, which serves its own parties over HTTP and joins A through RemoteParent) ←
 * a street market in this process (joins B through RemoteParent), with houses nested in process
 * below it. Each market only ever receives the aggregate of the one below; the money and energy
 * of every leaf add up to what the city booked.
 */

import { createTypedEiClient } from "@transactive/ei-node";
import {
  type Agent,
  type CurveStep,
  type DeliveryInterval,
  MarketNode,
  type MemberAward,
  toMoney,
  toPrice,
  toQuantity,
} from "@transactive/market";
import { RemoteParent } from "@transactive/market/ei";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FixtureProcess, startFixture } from "./fixtures/process.js";

const EPOCH = Date.parse("2026-09-01T00:00:00Z");
const CITY = "http://grid.example.com/cts/city-a";
const DISTRICT = "http://grid.example.com/cts/district-b";

class Leaf implements Agent {
  readonly awards: MemberAward[] = [];
  constructor(
    readonly id: string,
    private readonly steps: readonly CurveStep[],
  ) {}
  bid(_interval: DeliveryInterval): readonly CurveStep[] {
    return this.steps;
  }
  award(award: MemberAward): void {
    this.awards.push(award);
  }
}
const step = (side: "buy" | "sell", price: string, quantity: string): CurveStep => ({
  side,
  price: toPrice(price),
  quantity: toQuantity(quantity),
});

describe("nesting over EI across three processes", () => {
  let city: FixtureProcess;
  let district: FixtureProcess;
  let districtUrl: string;
  beforeAll(async () => {
    city = startFixture("parent-market", [
      JSON.stringify({
        id: "city-a",
        marketContext: CITY,
        mechanism: "call",
        interval: "PT15M",
        epochMs: EPOCH,
        agents: [
          {
            id: "grid-tie",
            steps: {
              "5": [
                { side: "sell", price: "0.14", quantity: "3" },
                { side: "buy", price: "0.03", quantity: "10" },
              ],
            },
          },
        ],
      }),
    ]);
    const cityUrl = (await city.next()).ready as string;
    district = startFixture("middle-market", [
      JSON.stringify({
        id: "district-b",
        marketContext: DISTRICT,
        epochMs: EPOCH,
        parentUrl: cityUrl,
        parentMarketContext: CITY,
        parentPartyID: "city-a",
      }),
    ]);
    districtUrl = (await district.next()).ready as string;
  }, 300_000);
  afterAll(async () => {
    district?.send({ cmd: "exit" });
    city?.send({ cmd: "exit" });
    await district?.stop();
    await city?.stop();
  });

  it("street → district → city: aggregates up, prices and awards down, books balance", async () => {
    const street = new MarketNode({
      id: "street-maple",
      marketContext: "http://grid.example.com/cts/street-maple",
      currency: "USD",
      interval: "PT15M",
      epochMs: EPOCH,
      mechanism: "call",
    });
    const leaves = [
      new Leaf("erin-heatpump-1", [step("buy", "0.35", "2"), step("buy", "0.1", "1.5")]),
      new Leaf("frank-pv-2", [step("sell", "0.04", "0.8")]),
      new Leaf("gina-ev-3", [step("buy", "0.16", "4.25")]),
      new Leaf("hank-battery-4", [step("buy", "0.05", "3"), step("sell", "0.2", "2")]),
    ];
    const houseE = new MarketNode({
      id: "house-erin",
      marketContext: "http://grid.example.com/cts/house-erin",
      currency: "USD",
      interval: "PT15M",
      epochMs: EPOCH,
      mechanism: "call",
    });
    houseE.addMember(leaves[0] as Leaf);
    houseE.addMember(leaves[1] as Leaf);
    street.addMember(houseE);
    street.addMember(leaves[2] as Leaf);
    street.addMember(leaves[3] as Leaf);

    const client = createTypedEiClient({ baseUrl: districtUrl, profile: "cts" });
    const link = new RemoteParent(street, client, {
      marketContext: DISTRICT,
      marketPartyID: "district-b",
    });
    await link.connect();
    const index = 5;
    await link.submit(index); // street → district
    district.send({ cmd: "submit", index }); // district (with the street's tenders) → city
    expect(await district.next()).toMatchObject({ submitted: index });
    city.send({ cmd: "clear", index });
    const cleared = (await city.next()) as {
      quote: { price: string };
      transactions: { party: string; side: string; quantity: string; value: string }[];
    };
    district.send({ cmd: "settle", index }); // city → district
    const districtAward = (await district.next()) as { net: string; cost: string; balance: string };
    const streetAward = await link.settle(index); // district → street
    await client.close();

    // the city's books balance, and the district's award is its transactions there
    const sum = (ts: typeof cleared.transactions, f: (t: (typeof ts)[number]) => bigint) =>
      ts.reduce((s, t) => s + (t.side === "buy" ? 1n : -1n) * f(t), 0n);
    expect(sum(cleared.transactions, (t) => BigInt(toQuantity(t.quantity)))).toBe(0n);
    expect(sum(cleared.transactions, (t) => toMoney(t.value))).toBe(0n);
    const atCity = cleared.transactions.filter((t) => t.party === "district-b");
    expect(atCity.length).toBeGreaterThan(0);
    expect(BigInt(toQuantity(districtAward.net))).toBe(
      sum(atCity, (t) => BigInt(toQuantity(t.quantity))),
    );
    expect(toMoney(districtAward.cost)).toBe(sum(atCity, (t) => toMoney(t.value)));
    expect(districtAward.balance).toBe("0");
    // the street is the district's only party: its award is the district's, to the unit
    expect(streetAward.net).toBe(toQuantity(districtAward.net));
    expect(streetAward.cost).toBe(toMoney(districtAward.cost));
    expect(streetAward.price).toBe(toPrice(cleared.quote.price));
    // and the leaves share it exactly
    const awards = leaves.map((l) => l.awards[0] as MemberAward);
    expect(awards.reduce((s, a) => s + a.net, 0)).toBe(streetAward.net);
    expect(awards.reduce((s, a) => s + a.cost, 0n)).toBe(streetAward.cost);
    expect(street.balance).toBe(0n);
    expect(houseE.balance).toBe(0n);

    // what each market received: the city only the district's aggregate, the district only the street's
    city.send({ cmd: "log" });
    const cityLog = ((await city.next()).log as { body: string }[]).map((m) => m.body);
    district.send({ cmd: "log" });
    const districtLog = ((await district.next()).log as { body: string }[]).map((m) => m.body);
    const names = ["erin", "frank", "gina", "hank", "house-", "heatpump", "battery"];
    for (const body of [...cityLog, ...districtLog])
      for (const name of names) expect(body).not.toContain(name);
    for (const body of cityLog) expect(body).not.toContain("street-maple");
    expect(cityLog.some((b) => b.includes("eiCreateTender") && b.includes("district-b"))).toBe(
      true,
    );
    expect(
      districtLog.some((b) => b.includes("eiCreateTender") && b.includes("street-maple")),
    ).toBe(true);
  }, 240_000);
});
