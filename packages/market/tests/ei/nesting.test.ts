/**
 * Fractal nesting over EI: the parent market (a call auction, "city") runs in its own process and
 * serves CTS 0.4 over HTTP; this process runs a neighbourhood node that joins it as one party
 * through RemoteParent, with streets and houses nested in process below it (4 levels of market
 * nodes, leaf agents under the houses). The test reads every message the parent received: only
 * the neighbourhood's aggregate curve, its own party ID and the look-ups it needs; no member name,
 * no member order. Conservation and budget balance hold across the boundary, to the last unit.
 */
import { decodeXml } from "@transactive/codec";
import { registry } from "@transactive/ei";
import { createTypedEiClient } from "@transactive/ei-node";
import {
  type Agent,
  aggregateCurves,
  type CurveStep,
  type DeliveryInterval,
  MarketNode,
  type MemberAward,
  netDemandAt,
  type Price,
  toMoney,
  toPrice,
  toQuantity,
} from "@transactive/market";
import { RemoteParent, readProduct } from "@transactive/market/ei";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FixtureProcess, startFixture } from "./fixtures/process.js";

const PARENT_MC = "http://grid.example.com/cts/city";
const EPOCH = Date.parse("2026-09-01T00:00:00Z");
const INTERVALS = [0, 1, 2, 3];

type Steps = Record<number, readonly [side: "buy" | "sell", price: string, quantity: string][]>;

/** A leaf agent with a fixed curve per interval, which keeps every award it gets. */
class CurveAgent implements Agent {
  readonly awards: MemberAward[] = [];
  constructor(
    readonly id: string,
    private readonly steps: Steps,
  ) {}
  curve(index: number): CurveStep[] {
    return (this.steps[index] ?? []).map(([side, price, quantity]) => ({
      side,
      price: toPrice(price),
      quantity: toQuantity(quantity),
    }));
  }
  bid(interval: DeliveryInterval): CurveStep[] {
    return this.curve(interval.index);
  }
  award(award: MemberAward): void {
    this.awards.push(award);
  }
}

const node = (id: string) =>
  new MarketNode({
    id,
    marketContext: `http://grid.example.com/cts/${id}`,
    currency: "USD",
    interval: "PT15M",
    epochMs: EPOCH,
    mechanism: "call",
  });

// the neighbourhood's members, 4 node levels deep: neighbourhood > street > house > agents
const CURVES: Record<string, Steps> = {
  "alice-load-17": {
    0: [
      ["buy", "0.30", "2.5"],
      ["buy", "0.08", "1"],
    ],
    1: [["buy", "0.25", "0.5"]],
    2: [["buy", "0.40", "3"]],
    3: [["buy", "0.12", "1.25"]],
  },
  "alice-battery-17": {
    0: [["buy", "0.05", "2"]],
    1: [["sell", "0.09", "3"]],
    2: [["sell", "0.11", "1.5"]],
    3: [
      ["buy", "0.0625", "2"],
      ["sell", "0.15", "2"],
    ],
  },
  "bob-pv-23": {
    0: [["sell", "0.02", "1.2"]],
    1: [["sell", "0.01", "4.4"]],
    2: [["sell", "0.03", "0.75"]],
    3: [["sell", "0.025", "3"]],
  },
  "carol-ev-5": {
    0: [["buy", "0.18", "7"]],
    1: [["buy", "0.06", "7"]],
    2: [],
    3: [["buy", "0.125", "0.5"]],
  },
  "dave-hvac-9": {
    0: [
      ["buy", "0.22", "1.5"],
      ["buy", "0.14", "1"],
    ],
    1: [["buy", "0.1", "0.333333"]],
    2: [["buy", "0.2", "2"]],
    3: [["buy", "0.09", "1"]],
  },
};

/** The neighbourhood and its tree of streets, houses and leaf agents (fresh each call). */
function neighbourhoodTree() {
  const leaves = Object.entries(CURVES).map(([id, steps]) => new CurveAgent(id, steps));
  const [alice, battery, bob, carol, dave] = leaves as [
    CurveAgent,
    CurveAgent,
    CurveAgent,
    CurveAgent,
    CurveAgent,
  ];
  const neighbourhood = node("neighbourhood-n");
  const oak = node("street-oak");
  const elm = node("street-elm");
  const houseA = node("house-alice");
  const houseB = node("house-bob");
  const houseE = node("house-carol");
  houseA.addMember(alice);
  houseA.addMember(battery);
  houseB.addMember(bob);
  houseE.addMember(carol);
  oak.addMember(houseA);
  oak.addMember(houseB);
  elm.addMember(houseE);
  elm.addMember(dave);
  neighbourhood.addMember(oak);
  neighbourhood.addMember(elm);
  return {
    neighbourhood,
    nodes: [neighbourhood, oak, elm, houseA, houseB, houseE],
    leaves,
    alice,
    battery,
    bob,
    carol,
    dave,
  };
}

const MEMBER_NAMES = [
  "street-oak",
  "street-elm",
  "house-alice",
  "house-bob",
  "house-carol",
  "alice",
  "battery",
  "bob",
  "carol",
  "dave",
  "hvac",
  "-ev-",
  "-pv-",
];

const parentConfig = {
  id: "city",
  marketContext: PARENT_MC,
  mechanism: "call",
  interval: "PT15M",
  epochMs: EPOCH,
  agents: [
    {
      id: "grid-import",
      steps: {
        "0": [
          { side: "sell", price: "0.12", quantity: "5" },
          { side: "sell", price: "0.2", quantity: "20" },
        ],
        "1": [{ side: "sell", price: "0.12", quantity: "5" }],
        "2": [{ side: "sell", price: "0.1", quantity: "2" }],
        "3": [{ side: "sell", price: "0.1", quantity: "1" }],
      },
    },
    {
      id: "factory",
      steps: {
        "0": [{ side: "buy", price: "0.15", quantity: "3" }],
        "1": [{ side: "buy", price: "0.07", quantity: "4" }],
        "2": [{ side: "buy", price: "0.5", quantity: "1" }],
        "3": [{ side: "buy", price: "0.11", quantity: "2" }],
      },
    },
  ],
};

describe("fractal nesting over EI (parent in another process)", () => {
  let parent: FixtureProcess;
  let url: string;
  beforeAll(async () => {
    parent = startFixture("parent-market", [JSON.stringify(parentConfig)]);
    url = (await parent.next()).ready as string;
  }, 300_000);
  afterAll(async () => {
    parent?.send({ cmd: "exit" });
    await parent?.stop();
  });

  it("4 levels: only the aggregate crosses, prices come back, conservation and budget balance hold", async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const { neighbourhood, nodes, leaves, alice, battery, bob, carol, dave } = neighbourhoodTree();
    const client = createTypedEiClient({ baseUrl: url, profile: "cts" });
    const link = new RemoteParent(neighbourhood, client, {
      marketContext: PARENT_MC,
      marketPartyID: "city",
    });
    const ctx = await link.connect();
    expect(ctx).toMatchObject({ mechanism: "call", interval: "PT15M", currency: "USD" });

    const sentSteps = new Map<number, readonly CurveStep[]>();
    for (const index of INTERVALS) {
      const steps = await link.submit(index);
      sentSteps.set(index, steps);
      // what went up is the members' summed curve: the same net demand at every price
      const leafCurve = aggregateCurves(
        leaves.map((l) => ({ bidder: l.id, steps: l.curve(index) })).filter((c) => c.steps.length),
      );
      const upCurve = aggregateCurves([{ bidder: "n", steps }]);
      for (const st of [...steps, ...leaves.flatMap((l) => l.curve(index))])
        for (const d of [-1, 0, 1]) {
          const p = (st.price + d) as Price;
          expect(netDemandAt(upCurve, p)).toBe(netDemandAt(leafCurve, p));
        }

      parent.send({ cmd: "clear", index });
      const cleared = (await parent.next()) as {
        quote: { price: string | null };
        transactions: {
          party: string;
          side: string;
          price: string;
          quantity: string;
          value: string;
        }[];
      };
      const award = await link.settle(index);

      // the parent's books balance: energy bought = sold, money paid = received
      let energy = 0;
      let money = 0n;
      for (const t of cleared.transactions) {
        energy += (t.side === "buy" ? 1 : -1) * toQuantity(t.quantity);
        money += (t.side === "buy" ? 1n : -1n) * toMoney(t.value);
      }
      expect(energy).toBe(0);
      expect(money).toBe(0n);
      // the neighbourhood's award is exactly its transactions at the parent
      const mine = cleared.transactions.filter((t) => t.party === "neighbourhood-n");
      const net = mine.reduce(
        (s, t) => s + (t.side === "buy" ? 1 : -1) * toQuantity(t.quantity),
        0,
      );
      const cost = mine.reduce((s, t) => s + (t.side === "buy" ? 1n : -1n) * toMoney(t.value), 0n);
      expect(award.net).toBe(net);
      expect(award.cost).toBe(cost);
      // across the boundary: the leaves' awards sum to it, at the parent's one price
      const leafAwards = leaves.map((l) => l.awards.find((a) => a.interval.index === index));
      expect(leafAwards.every((a) => a !== undefined)).toBe(true);
      expect(leafAwards.reduce((s, a) => s + (a?.net ?? 0), 0)).toBe(award.net);
      expect(leafAwards.reduce((s, a) => s + (a?.cost ?? 0n), 0n)).toBe(award.cost);
      if (cleared.quote.price !== null) {
        const price = toPrice(cleared.quote.price);
        expect(award.price).toBe(price);
        for (const a of leafAwards) if (a && a.net !== 0) expect(a.price).toBe(price);
        // the neighbourhood publishes the parent's price to its members
        expect(neighbourhood.quote(index)?.price).toBe(price);
      }
    }
    // intermediate nodes keep nothing under a call-auction parent
    for (const n of nodes) expect(n.balance).toBe(0n);
    // the intervals exercised: the neighbourhood bought in one and sold in another
    const nets = INTERVALS.map((i) => leaves.reduce((s, l) => s + (l.awards[i]?.net ?? 0), 0));
    expect(nets.some((n) => n > 0)).toBe(true);
    expect(nets.some((n) => n < 0)).toBe(true);
    // every leaf's award is within its own curve at the price: no fill beyond a limit
    for (const leaf of leaves)
      for (const a of leaf.awards) {
        const steps = leaf.curve(a.interval.index);
        const price = a.price as number;
        const canBuy = steps
          .filter((st) => st.side === "buy" && st.price >= price)
          .reduce((x, st) => x + st.quantity, 0);
        const canSell = steps
          .filter((st) => st.side === "sell" && st.price <= price)
          .reduce((x, st) => x + st.quantity, 0);
        expect(a.bought).toBeLessThanOrEqual(canBuy);
        expect(a.sold).toBeLessThanOrEqual(canSell);
      }
    // interval 0: the parent rations the neighbourhood at 0.15 (the factory's limit): inside it
    // the highest buys are filled first and carol's level (0.18) is the marginal one
    expect(carol.awards[0]?.price).toBe(toPrice("0.15"));
    expect(alice.awards[0]?.bought).toBe(toQuantity("2.5"));
    expect(dave.awards[0]?.bought).toBe(toQuantity("1.5"));
    expect(carol.awards[0]?.bought).toBeGreaterThan(0);
    expect(carol.awards[0]?.bought).toBeLessThan(toQuantity("7"));
    expect(bob.awards[1]?.sold).toBeGreaterThan(0);
    for (const leaf of [alice, battery, dave]) expect(leaf.awards.length).toBe(INTERVALS.length);

    // every message the parent received
    parent.send({ cmd: "log" });
    const { log } = (await parent.next()) as { log: { service: string; body: string }[] };
    expect(log.length).toBe(1 + INTERVALS.length * 3 - emptyIntervals());
    const services = new Set(log.map((m) => m.service));
    expect([...services].sort()).toEqual([
      "EiMarketContext",
      "EiQuote",
      "EiTender",
      "EiTransaction",
    ]);
    for (const m of log) {
      for (const name of MEMBER_NAMES) expect(m.body, `${name} in ${m.body}`).not.toContain(name);
      const doc = decodeXml(registry, m.body);
      const value = doc.value as Record<string, unknown>;
      for (const key of ["partyID", "requestorPartyID"])
        if (value[key] !== undefined) expect(value[key]).toBe("neighbourhood-n");
      if (doc.element === "pyld:eiCreateTender") {
        const tenders = value.eiTender as { tenderID: string; product: unknown }[];
        const terms = {
          marketContext: PARENT_MC,
          currency: "USD",
          interval: "PT15M",
          seconds: 900,
          epochMs: EPOCH,
        };
        const read = tenders.map((t, k) => readProduct(t.product, `/t[${k}]`, terms, "tender"));
        const index = read[0]?.index as number;
        expect(read.every((r) => r.index === index)).toBe(true);
        // exactly the aggregate steps, nothing else
        expect(read.map((r) => ({ side: r.side, price: r.price, quantity: r.quantity }))).toEqual(
          sentSteps.get(index),
        );
        expect(tenders.map((t) => t.tenderID)).toEqual(
          tenders.map((_, k) => `neighbourhood-n:${index}:${k}`),
        );
      } else
        expect(doc.element).toMatch(
          /^pyld:(eiRequestEiMarketContext|eiRequestQuote|eiRequestTransaction)$/,
        );
    }
    await client.close();

    // the same tree joined in process gives every leaf the same award, to the last unit
    const twin = neighbourhoodTree();
    const city = node("city");
    for (const a of parentConfig.agents)
      city.addMember(
        new CurveAgent(
          a.id,
          Object.fromEntries(
            Object.entries(a.steps).map(([i, st]) => [
              i,
              st.map((x) => [x.side, x.price, x.quantity] as ["buy" | "sell", string, string]),
            ]),
          ),
        ),
      );
    city.addMember(twin.neighbourhood);
    for (const index of INTERVALS) city.clear(index);
    const summary = (ls: CurveAgent[]) =>
      ls.map((l) =>
        l.awards.map((a) => [a.interval.index, a.net, a.bought, a.sold, a.cost, a.price]),
      );
    expect(summary(twin.leaves)).toEqual(summary(leaves));

    function emptyIntervals(): number {
      return INTERVALS.filter((i) => (sentSteps.get(i) ?? []).length === 0).length;
    }
  }, 240_000);
});
