/** A period settled in parts: groups of parties, each part a record under the size budget. */
import { Decimal } from "@transactive/emix";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  canonicalize,
  fillTransaction,
  generateIdentity,
  type Identity,
  Ledger,
  LedgerError,
  MAX_RECORD_BYTES,
  SETTLEMENT_PART_BYTES,
  type SettleDayInput,
  type SignedRecord,
  settle,
  settleDay,
  settlementParts,
  signedContract,
} from "./index.js";

const T0 = Date.parse("2026-09-01T00:00:00Z");
const Q = 900_000;
const at = (slot: number) => new Date(T0 + slot * Q).toISOString().replace(".000Z", "Z");
const PERIOD = { start: at(0), end: at(4) };
const PRICES = ["0.21", "0.1875", "0.3", "0.005"].map((price, i) => ({
  start: at(i),
  duration: "PT15M",
  price,
}));

/** The clearing prices as `settle` reads them. */
const PRICES_MS = PRICES.map((p, i) => ({
  start: T0 + i * Q,
  end: T0 + (i + 1) * Q,
  price: Decimal.of(p.price),
}));

interface Party {
  readonly id: Identity;
  readonly ei: string;
}

async function refused(p: Promise<unknown>, code: string, field?: string): Promise<LedgerError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(LedgerError);
    expect((e as LedgerError).code).toBe(code);
    if (field !== undefined) expect((e as LedgerError).field).toBe(field);
    return e as LedgerError;
  }
  throw new Error(`expected a ${code} refusal`);
}

/** The body of a contract: `kw` over each of `slots` (quarter hours) at `price`. */
function contract(
  market: Party,
  seller: Party,
  buyer: Party,
  txn: string,
  slot: number,
  kws: readonly string[],
  price = "0.125",
) {
  const ei = fillTransaction({
    transactionID: txn,
    sellerEiPartyID: seller.ei,
    buyerEiPartyID: buyer.ei,
    start: at(slot),
    duration: "PT15M",
    intervals: kws.map((quantity) => ({ quantity, price })),
    currency: "USD",
    marketContext: "http://market.example.com/cts/15min",
  }).toString("base64");
  return signedContract(
    { ei, seller: seller.id.partyId, buyer: buyer.id.partyId, market: market.id.partyId },
    seller.id,
    buyer.id,
  );
}

async function bulk(ledger: Ledger, records: readonly SignedRecord[]): Promise<void> {
  for (const o of await ledger.appendMany(records)) if (!o.ok) throw o.error;
}

/** A ledger with a market and `n` registered agents. */
async function setup(n: number): Promise<{ ledger: Ledger; market: Party; agents: Party[] }> {
  const ledger = Ledger.inMemory({ difficulty: 0, registrationExtra: 0 });
  const market = { id: generateIdentity(), ei: "market" };
  const agents = Array.from({ length: n }, (_, i) => ({ id: generateIdentity(), ei: `a-${i}` }));
  await bulk(
    ledger,
    [market, ...agents].map((p) => ledger.register(p.id, p.ei)),
  );
  return { ledger, market, agents };
}

const input = (market: Party, maxPartBytes?: number): SettleDayInput => ({
  market: market.id,
  period: PERIOD,
  currency: "USD",
  prices: PRICES,
  ...(maxPartBytes === undefined ? {} : { maxPartBytes }),
});

const sum = (m: ReadonlyMap<string, bigint>) => [...m.values()].reduce((a, b) => a + b, 0n);

// a small day: contracts between two agents or an agent and the market, over 1-2 quarter hours;
// every agent with a contract is metered in every quarter hour, some others too
const smallDay = fc.record({
  agents: fc.integer({ min: 2, max: 7 }),
  contracts: fc.array(
    fc.record({
      a: fc.nat(),
      b: fc.nat(),
      withMarket: fc.boolean(),
      slot: fc.integer({ min: 0, max: 2 }),
      kws: fc.array(fc.integer({ min: 1, max: 40_000 }), { minLength: 1, maxLength: 2 }),
      price: fc.integer({ min: 1, max: 500_000 }),
    }),
    { minLength: 1, maxLength: 9 },
  ),
  readings: fc.array(fc.integer({ min: -30_000, max: 30_000 }), { minLength: 28, maxLength: 28 }),
  meteredAnyway: fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
});

describe("settlement in parts", () => {
  it("property: the parts' balance changes sum to exactly zero and equal one record's, party by party", {
    timeout: 300_000,
  }, async () => {
    let multiPart = 0;
    await fc.assert(
      fc.asyncProperty(smallDay, async (day) => {
        const { ledger, market, agents } = await setup(day.agents);
        const contracted = new Set<number>();
        for (const [k, c] of day.contracts.entries()) {
          const a = c.a % agents.length;
          let b = c.b % agents.length;
          if (b === a) b = (a + 1) % agents.length;
          const agent = agents[a] as Party;
          const [seller, buyer] = c.withMarket
            ? k % 2 === 0
              ? [agent, market]
              : [market, agent]
            : [agent, agents[b] as Party];
          contracted.add(a);
          if (!c.withMarket) contracted.add(b);
          const body = contract(
            market,
            seller,
            buyer,
            `t-${k}`,
            c.slot,
            c.kws.map((q) => (q / 1000).toString()),
            (c.price / 1_000_000).toString(),
          );
          await ledger.append(ledger.draft(agent.id, "contract", body));
        }
        const meters = agents.flatMap((p, i) =>
          contracted.has(i) || day.meteredAnyway[i]
            ? [
                ledger.draft(p.id, "delivery", {
                  intervals: [0, 1, 2, 3].map((s) => ({
                    start: at(s),
                    duration: "PT15M",
                    energy: ((day.readings[i * 4 + s] as number) / 1000).toString(),
                  })),
                }),
              ]
            : [],
        );
        await bulk(ledger, meters);
        // the same records in a twin ledger, settled in one record
        const twin = Ledger.inMemory({ difficulty: 0, registrationExtra: 0 });
        await bulk(twin, [...ledger.records()]);
        const whole = await settleDay(twin, input(market));
        expect(whole.records).toHaveLength(1);
        // the smallest budget every group fits in: as many parts as it takes
        let budget = 400;
        let plan: ReturnType<typeof settlementParts> | undefined;
        while (plan === undefined)
          try {
            plan = settlementParts(ledger, input(market, budget));
          } catch (e) {
            if (!(e instanceof LedgerError) || e.code !== "settlement-too-large") throw e;
            budget += 100;
          }
        const parts = await settleDay(ledger, input(market, budget));
        expect(parts.parts).toBe(plan.parts.length);
        if (parts.parts > 1) multiPart++;
        const total = new Map<string, bigint>();
        for (const r of parts.records) {
          const net = r.record.body.net;
          expect(net.reduce((s, n) => s + BigInt(n.amount), 0n)).toBe(0n);
          for (const n of net) total.set(n.party, (total.get(n.party) ?? 0n) + BigInt(n.amount));
        }
        expect(sum(total)).toBe(0n);
        for (const [party, amount] of whole.result.net) expect(total.get(party) ?? 0n).toBe(amount);
        for (const [party, amount] of total) expect(whole.result.net.get(party) ?? 0n).toBe(amount);
        expect(parts.result.net).toEqual(whole.result.net);
        // the ledgers' balances say the same; every contract is settled, once
        for (const p of [market, ...agents])
          expect(ledger.balance(p.id.partyId, "USD")).toBe(twin.balance(p.id.partyId, "USD"));
        expect([...ledger.state.contracts.values()].every((c) => c.settled)).toBe(true);
        expect(parts.contracts).toBe(day.contracts.length);
        // an agent metered without a contract is left open: no market may settle its readings
        expect(parts.left.deliveries.length).toBe(meters.length - contracted.size);
      }),
      { numRuns: 25 },
    );
    expect(multiPart).toBeGreaterThanOrEqual(3);
  });

  it("settles a day of 3,000 parties x 4 intervals in several parts, each under the limit", {
    timeout: 600_000,
  }, async () => {
    const { ledger, market, agents } = await setup(3000);
    // each agent trades the 4 quarter hours with the market; every tenth pair also trades with
    // each other (those two must share a part)
    const kw = (i: number, s: number) => `${1 + ((i + s) % 9)}.2`;
    await bulk(
      ledger,
      agents.map((p, i) =>
        ledger.draft(
          p.id,
          "contract",
          i % 2 === 0
            ? contract(
                market,
                p,
                market,
                `m-${i}`,
                0,
                [0, 1, 2, 3].map((s) => kw(i, s)),
              )
            : contract(
                market,
                market,
                p,
                `m-${i}`,
                0,
                [0, 1, 2, 3].map((s) => kw(i, s)),
              ),
        ),
      ),
    );
    const pairs = agents.flatMap((_, i) => (i % 20 === 0 ? [i] : []));
    await bulk(
      ledger,
      pairs.map((i) =>
        ledger.draft(
          (agents[i] as Party).id,
          "contract",
          contract(market, agents[i] as Party, agents[i + 1] as Party, `p-${i}`, 1, ["0.4"]),
        ),
      ),
    );
    await bulk(
      ledger,
      agents.map((p, i) =>
        ledger.draft(p.id, "delivery", {
          intervals: [0, 1, 2, 3].map((s) => ({
            start: at(s),
            duration: "PT15M",
            energy: `${i % 2 === 0 ? "" : "-"}${(Number(kw(i, s)) / 4 + ((i % 3) - 1) / 100).toFixed(3)}`,
          })),
        }),
      ),
    );
    const settled = await settleDay(ledger, input(market));
    expect(settled.parts).toBeGreaterThan(1);
    expect(settled.records).toHaveLength(settled.parts);
    expect(settled.contracts).toBe(agents.length + pairs.length);
    expect(settled.deliveries).toBe(agents.length);
    expect(settled.left).toEqual({ contracts: [], deliveries: [] });
    expect(settled.result.settledIntervals).toHaveLength(agents.length * 4);
    const partOf = new Map<string, number>();
    for (const [k, r] of settled.records.entries()) {
      expect(r.bytes.length).toBeLessThanOrEqual(MAX_RECORD_BYTES);
      expect(canonicalize(r.record.body).length).toBeLessThanOrEqual(SETTLEMENT_PART_BYTES);
      const net = r.record.body.net;
      expect(net.reduce((s, n) => s + BigInt(n.amount), 0n)).toBe(0n);
      // the market is the counterparty in every part
      expect(net.some((n) => n.party === market.id.partyId)).toBe(true);
      for (const n of net) if (n.party !== market.id.partyId) partOf.set(n.party, k);
    }
    expect(partOf.size).toBe(agents.length);
    for (const i of pairs)
      expect(partOf.get((agents[i] as Party).id.partyId)).toBe(
        partOf.get((agents[i + 1] as Party).id.partyId),
      );
    let total = 0n;
    for (const p of [market, ...agents]) total += ledger.balance(p.id.partyId, "USD");
    expect(total).toBe(0n);
    expect(sum(settled.result.net)).toBe(0n);
    expect([...ledger.state.contracts.values()].every((c) => c.settled)).toBe(true);
  });
});

describe("refusals of a part", () => {
  /** Three agents trading with the market, metered; planned one agent per part. */
  async function threeParts() {
    const { ledger, market, agents } = await setup(3);
    for (const [i, p] of agents.entries())
      await ledger.append(
        ledger.draft(p.id, "contract", contract(market, p, market, `t-${i}`, 1, ["2"])),
      );
    await bulk(
      ledger,
      agents.map((p, i) =>
        ledger.draft(p.id, "delivery", {
          intervals: [{ start: at(1), duration: "PT15M", energy: `0.${4 + i}` }],
        }),
      ),
    );
    let plan: ReturnType<typeof settlementParts> | undefined;
    for (let budget = 300; plan === undefined && budget < 3000; budget += 25)
      try {
        plan = settlementParts(ledger, input(market, budget));
      } catch (e) {
        if (!(e instanceof LedgerError) || e.code !== "settlement-too-large") throw e;
      }
    expect(plan?.parts).toHaveLength(3);
    const parts = (plan as NonNullable<typeof plan>).parts;
    const who = (k: number) => agents.find((p) => p.id.partyId === parts[k]?.parties[0]) as Party;
    return { ledger, market, agents, parts, who };
  }

  it("refuses overlapping parts: a contract or a party's interval settled twice", async () => {
    const { ledger, market, parts } = await threeParts();
    const [p0, p1, p2] = parts.map((p) => p.body) as [
      (typeof parts)[0]["body"],
      (typeof parts)[0]["body"],
      (typeof parts)[0]["body"],
    ];
    await ledger.append(ledger.draft(market.id, "settlement", p0));
    // a part that takes the first part's contract again
    await refused(
      ledger.append(
        ledger.draft(market.id, "settlement", {
          ...p1,
          contracts: [...p0.contracts, ...p1.contracts].sort(),
          deliveries: [...p0.deliveries, ...p1.deliveries].sort(),
        }),
      ),
      "already-settled",
    );
    // the first part's reading again, without its contract: its party's interval is closed
    await refused(
      ledger.append(
        ledger.draft(market.id, "settlement", {
          ...p1,
          deliveries: [...p0.deliveries, ...p1.deliveries].sort(),
        }),
      ),
      "already-settled",
      "/record/body/deliveries",
    );
    // the second part follows the first: the market, in both, has none of its intervals closed
    await ledger.append(ledger.draft(market.id, "settlement", p1));
    // the same part twice
    await refused(
      ledger.append(ledger.draft(market.id, "settlement", p1)),
      "already-settled",
      "/record/body/contracts/0",
    );
    await ledger.append(ledger.draft(market.id, "settlement", p2));
    expect([...ledger.state.contracts.values()].every((c) => c.settled)).toBe(true);
    let total = 0n;
    for (const byCurrency of ledger.balances().values()) total += byCurrency.get("USD") ?? 0n;
    expect(total).toBe(0n);
  });

  it("refuses a part by someone other than the market, and a tampered figure", async () => {
    const { ledger, market, parts, who } = await threeParts();
    const body = parts[0]?.body as (typeof parts)[0]["body"];
    const outsider = who(1).id;
    await refused(
      ledger.append(ledger.draft(outsider, "settlement", body)),
      "settlement-mismatch",
      "/record/body/contracts/0",
    );
    // an outsider closing another party's readings without any contract with it
    const e1 = await refused(
      ledger.append(ledger.draft(outsider, "settlement", { ...body, contracts: [], net: [] })),
      "settlement-mismatch",
      "/record/body/deliveries",
    );
    expect(e1.message).toContain(who(0).id.partyId);
    // one micro-unit moved from the market to the agent: it still sums to zero, but is not
    // what the records give
    const tampered = body.net.map((n) => ({
      party: n.party,
      amount: String(BigInt(n.amount) + (n.party === market.id.partyId ? -1n : 1n)),
    }));
    await refused(
      ledger.append(ledger.draft(market.id, "settlement", { ...body, net: tampered })),
      "settlement-mismatch",
      "/record/body/net",
    );
    for (const byCurrency of ledger.balances().values()) expect(byCurrency.get("USD")).toBe(0n);
    // the part as planned is accepted
    await ledger.append(ledger.draft(market.id, "settlement", body));
    expect(ledger.balance(who(0).id.partyId, "USD")).toBe(
      parts[0]?.result.net.get(who(0).id.partyId),
    );
  });

  it("refuses a contract left out of the part that closed its party's interval", async () => {
    const { ledger, market, agents } = await setup(1);
    const a = agents[0] as Party;
    const c1 = ledger.draft(a.id, "contract", contract(market, a, market, "t-1", 1, ["2"]));
    await ledger.append(c1);
    const c2 = ledger.draft(a.id, "contract", contract(market, a, market, "t-2", 1, ["1"]));
    await ledger.append(c2);
    const d = ledger.draft(a.id, "delivery", {
      intervals: [{ start: at(1), duration: "PT15M", energy: "0.75" }],
    });
    await ledger.append(d);
    // a part naming c1 and the reading but not c2: a node judges it by what it names
    const r = settle({
      period: { start: T0, end: T0 + 4 * Q },
      currency: "USD",
      market: market.id.partyId,
      prices: PRICES_MS,
      contracts: [ledger.state.contracts.get(c1.hash) as never],
      deliveries: ledger.state.deliveries.get(d.hash) ?? [],
    });
    const part = {
      period: PERIOD,
      currency: "USD",
      prices: PRICES,
      contracts: [c1.hash],
      deliveries: [d.hash],
      net: [...r.net].map(([party, amount]) => ({ party, amount: String(amount) })),
    };
    await ledger.append(ledger.draft(market.id, "settlement", part));
    // c2 can no longer change the closed interval
    const e = await refused(
      ledger.append(
        ledger.draft(market.id, "settlement", {
          ...part,
          contracts: [c2.hash],
          deliveries: [],
          net: [],
        }),
      ),
      "already-settled",
      "/record/body/contracts/0",
    );
    expect(e.message).toContain(a.id.partyId);
    // the market's plan leaves it open rather than failing
    const plan = settlementParts(ledger, input(market));
    expect(plan.left.contracts).toEqual([c2.hash]);
    expect(plan.parts).toHaveLength(1);
    expect(plan.parts[0]?.body.contracts).toEqual([]);
  });

  it("names a group too large for one part, and refuses a budget beyond the record limit", async () => {
    const { ledger, market, agents } = await setup(4);
    const [a, b, c, d] = agents as [Party, Party, Party, Party];
    // a-b and b-c trade directly: one group of three; d trades with the market only
    await ledger.append(ledger.draft(a.id, "contract", contract(market, a, b, "t-1", 0, ["1"])));
    await ledger.append(ledger.draft(b.id, "contract", contract(market, b, c, "t-2", 0, ["1"])));
    await ledger.append(
      ledger.draft(d.id, "contract", contract(market, d, market, "t-3", 0, ["1"])),
    );
    await bulk(
      ledger,
      agents.map((p) =>
        ledger.draft(p.id, "delivery", {
          intervals: [{ start: at(0), duration: "PT15M", energy: "0" }],
        }),
      ),
    );
    expect(settlementParts(ledger, input(market)).parts).toHaveLength(1);
    const first = [a, b, c].map((p) => p.id.partyId).sort()[0];
    let last: LedgerError | undefined;
    let fits = 0;
    for (let budget = 300; budget < 3000 && fits === 0; budget += 50)
      try {
        fits = settlementParts(ledger, input(market, budget)).parts.length;
      } catch (e) {
        if (!(e instanceof LedgerError)) throw e;
        last = e;
      }
    // the largest budget that fails fails on the group of three, named by its first party
    expect(last?.code).toBe("settlement-too-large");
    expect(last?.field).toBe(`/groups/${first}`);
    expect(last?.message).toContain("3 parties");
    // the first budget it fits in leaves no room for d: two parts
    expect(fits).toBe(2);
    expect(() => settlementParts(ledger, input(market, MAX_RECORD_BYTES))).toThrow(
      expect.objectContaining({ code: "malformed", field: "/maxPartBytes" }),
    );
  });
});
