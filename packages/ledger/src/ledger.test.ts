import { describe, expect, it } from "vitest";
import { contractBody, DAY, flatPrices, scenario } from "../tests/helpers.js";
import { generateIdentity, Ledger, LedgerError, settleDay } from "./index.js";

async function refused(p: Promise<unknown> | (() => unknown), code: string, field?: string) {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(LedgerError);
    expect((e as LedgerError).code).toBe(code);
    if (field !== undefined) expect((e as LedgerError).field).toBe(field);
    return e as LedgerError;
  }
  throw new Error(`expected a ${code} refusal`);
}

describe("a day of trade", () => {
  it("records a contract, deliveries and a settlement whose net changes sum to zero", async () => {
    const { ledger, market, seller, buyer, contract } = await scenario();
    await ledger.append(contract);
    // seller delivered 0.4 kWh of the 0.5 sold; buyer took 0.6 kWh of the 0.5 bought
    await ledger.append(
      ledger.draft(seller, "delivery", {
        intervals: [{ start: "2026-09-01T14:00:00Z", duration: "PT15M", energy: "0.4" }],
      }),
    );
    await ledger.append(
      ledger.draft(buyer, "delivery", {
        intervals: [{ start: "2026-09-01T14:00:00Z", duration: "PT15M", energy: "-0.6" }],
      }),
    );
    const { result } = await settleDay(ledger, {
      market,
      period: DAY,
      currency: "USD",
      prices: flatPrices("0.2"),
    });
    // contract: buyer pays 0.5 x 0.1234 = 0.0617; imbalances at 0.2: seller -0.1 -> -0.02, buyer -0.1 -> -0.02
    expect(ledger.balance(seller.partyId, "USD")).toBe(61_700n - 20_000n);
    expect(ledger.balance(buyer.partyId, "USD")).toBe(-61_700n - 20_000n);
    expect(ledger.balance(market.partyId, "USD")).toBe(40_000n);
    expect([...result.net.values()].reduce((a, b) => a + b, 0n)).toBe(0n);
    // the seller can pay out of its credit, not more
    await ledger.append(
      ledger.draft(seller, "payment", { to: buyer.partyId, currency: "USD", amount: "41700" }),
    );
    await refused(
      ledger.append(
        ledger.draft(seller, "payment", { to: buyer.partyId, currency: "USD", amount: "1" }),
      ),
      "overdraw",
      "/record/body/amount",
    );
  });

  it("settles a contract once", async () => {
    const { ledger, market, seller, buyer, contract } = await scenario();
    await ledger.append(contract);
    for (const p of [seller, buyer])
      await ledger.append(
        ledger.draft(p, "delivery", {
          intervals: [
            {
              start: "2026-09-01T14:00:00Z",
              duration: "PT15M",
              energy: p === seller ? "0.5" : "-0.5",
            },
          ],
        }),
      );
    const first = await settleDay(ledger, {
      market,
      period: DAY,
      currency: "USD",
      prices: flatPrices("0.2"),
    });
    // replaying the same body again: contracts already settled
    await refused(
      ledger.append(
        ledger.draft(
          market,
          "settlement",
          (first.records[0] as (typeof first.records)[0]).record.body,
        ),
      ),
      "already-settled",
    );
  });
});

describe("refusals", () => {
  it("refuses a settlement whose figures differ from the records, naming the party", async () => {
    const { ledger, market, seller, buyer, contract } = await scenario();
    await ledger.append(contract);
    const d1 = ledger.draft(seller, "delivery", {
      intervals: [{ start: "2026-09-01T14:00:00Z", duration: "PT15M", energy: "0.5" }],
    });
    await ledger.append(d1);
    const d2 = ledger.draft(buyer, "delivery", {
      intervals: [{ start: "2026-09-01T14:00:00Z", duration: "PT15M", energy: "-0.5" }],
    });
    await ledger.append(d2);
    const body = {
      period: DAY,
      currency: "USD",
      prices: flatPrices("0.2"),
      contracts: [contract.hash],
      deliveries: [d1.hash, d2.hash].sort(),
      net: [
        { party: buyer.partyId, amount: "-61701" },
        { party: seller.partyId, amount: "61701" },
      ].sort((a, b) => (a.party < b.party ? -1 : 1)),
    };
    const e = await refused(
      ledger.append(ledger.draft(market, "settlement", body)),
      "settlement-mismatch",
      "/record/body/net",
    );
    expect(e.message).toContain("61700");
    // a settlement leaving out the buyer's meter reading
    const partial = { ...body, deliveries: [d1.hash], net: [] };
    await refused(
      ledger.append(ledger.draft(market, "settlement", partial)),
      "settlement-mismatch",
      "/record/body/deliveries",
    );
    // a settlement by someone else than the contract's market
    await refused(
      ledger.append(ledger.draft(seller, "settlement", body)),
      "settlement-mismatch",
      "/record/body/contracts/0",
    );
    expect(ledger.balance(seller.partyId, "USD")).toBe(0n);
  });

  it("refuses a contract missing a counterparty signature, or signed over other terms", async () => {
    const { ledger, market, seller, buyer } = await scenario();
    const body = contractBody(market, seller, buyer);
    const { [buyer.partyId]: _, ...onlySeller } = body.signatures;
    await refused(
      ledger.append(ledger.draft(seller, "contract", { ...body, signatures: onlySeller })),
      "missing-counterparty-signature",
      `/record/body/signatures/${buyer.partyId}`,
    );
    const other = contractBody(market, seller, buyer, { quantity: "3" });
    await refused(
      ledger.append(ledger.draft(seller, "contract", { ...other, signatures: body.signatures })),
      "missing-counterparty-signature",
    );
    expect(ledger.size).toBe(3);
  });

  it("refuses a contract whose EI parties are not the registered ones", async () => {
    const { ledger, market, seller, buyer } = await scenario();
    const body = contractBody(market, seller, buyer, { seller: "someone-else" });
    await refused(
      ledger.append(ledger.draft(seller, "contract", body)),
      "contract-parties",
      "/record/body/seller",
    );
    const bad = { ...body, ei: Buffer.from("<nope/>").toString("base64") };
    await refused(
      ledger.append(ledger.draft(seller, "contract", bad)),
      "missing-counterparty-signature",
    );
  });

  it("refuses bad signatures, hash links, gaps, reuse and unknown authors; stores nothing", async () => {
    const { ledger, seller, buyer, contract } = await scenario();
    const stranger = generateIdentity();
    await refused(
      ledger.append(
        ledger.draft(stranger, "delivery", {
          intervals: [{ start: "2026-09-01T14:00:00Z", duration: "PT15M", energy: "1" }],
        }),
      ),
      "unknown-author",
      "/record/author",
    );
    const forged = {
      ...contract,
      sig: ledger.draft(buyer, "payment", { to: seller.partyId, currency: "USD", amount: "1" }).sig,
    };
    await refused(ledger.append(forged), "bad-signature", "/sig");
    const gap = ledger.draft(seller, "contract", contract.record.body, { refs: [] });
    const skipped = { ...gap.record, seq: gap.record.seq + 1 };
    const { signRecordForTest } = await import("../tests/sign.js");
    await refused(ledger.append(signRecordForTest(seller, skipped)), "sequence-gap", "/record/seq");
    await refused(
      ledger.append(signRecordForTest(seller, { ...gap.record, prev: "0".repeat(64) })),
      "bad-hash-link",
      "/record/prev",
    );
    await ledger.append(contract);
    await refused(ledger.append(contract), "sequence-reuse", "/record/seq");
    expect(ledger.size).toBe(4);
  });

  it("refuses malformed and non-canonical bytes, naming the field", async () => {
    const { ledger, contract } = await scenario();
    const text = Buffer.from(contract.bytes).toString("utf8");
    await refused(
      ledger.append(Buffer.from(text.replace('{"record":', '{ "record":'))),
      "not-canonical",
    );
    await refused(
      ledger.append(Buffer.from(text.replace('"v":1', '"v":2'))),
      "malformed",
      "/record/v",
    );
    await refused(
      ledger.append(Buffer.from(text.replace('"kind":"contract"', '"kind":"loan"'))),
      "malformed",
      "/record/kind",
    );
    await refused(ledger.append(Buffer.from("not json")), "not-canonical");
  });

  it("rotates and revokes keys", async () => {
    const { ledger, seller, buyer } = await scenario();
    const next = { ...generateIdentity(), partyId: seller.partyId };
    await ledger.append(ledger.rotateKey(seller, next));
    const pay = { to: buyer.partyId, currency: "USD", amount: "1" } as const;
    // the old key no longer signs
    await refused(
      ledger.append(
        ledger.draft(seller, "delivery", {
          intervals: [{ start: "2026-09-01T14:00:00Z", duration: "PT15M", energy: "1" }],
        }),
      ),
      "bad-signature",
    );
    await ledger.append(
      ledger.draft(next, "delivery", {
        intervals: [{ start: "2026-09-01T14:00:00Z", duration: "PT15M", energy: "1" }],
      }),
    );
    await ledger.append(ledger.draft(next, "key", { action: "revoke", reason: "device retired" }));
    await refused(ledger.append(ledger.draft(next, "payment", pay)), "revoked", "/record/author");
  });

  it("refuses a second metered delivery of the same interval", async () => {
    const { ledger, seller } = await scenario();
    const iv = { start: "2026-09-01T14:00:00Z", duration: "PT15M", energy: "1" };
    await ledger.append(ledger.draft(seller, "delivery", { intervals: [iv] }));
    await refused(
      ledger.append(ledger.draft(seller, "delivery", { intervals: [{ ...iv, energy: "2" }] })),
      "duplicate-delivery",
      "/record/body/intervals/0/start",
    );
  });

  it("refuses a record over the size limit from append and appendMany; stores nothing", async () => {
    const { ledger, seller } = await scenario();
    const before = ledger.size;
    // ~8,000 readings of ~40 bytes each: a record well over 256 KiB, made in process (no decode)
    const intervals = Array.from({ length: 8000 }, (_, i) => ({
      start: new Date(Date.UTC(2026, 8, 1) + i * 900_000).toISOString().replace(".000Z", "Z"),
      duration: "PT15M",
      energy: "1.25",
    }));
    const big = ledger.draft(seller, "delivery", { intervals });
    expect(big.bytes.length).toBeGreaterThan(256 * 1024);
    const e = await refused(ledger.append(big), "malformed");
    expect(e.message).toMatch(/at most 262144 bytes/);
    const [outcome] = await ledger.appendMany([big]);
    expect(outcome?.ok).toBe(false);
    expect(ledger.size).toBe(before);
    // the author's chain is intact: its next record still appends
    await ledger.append(ledger.draft(seller, "delivery", { intervals: intervals.slice(0, 1) }));
    expect(ledger.size).toBe(before + 1);
  });
});

describe("spam bound", () => {
  it("refuses records without the proof of work; an honest device mines it", async () => {
    const ledger = Ledger.inMemory({ difficulty: 8, registrationExtra: 4 });
    const weak = Ledger.inMemory({ difficulty: 0, registrationExtra: 0 });
    const a = generateIdentity();
    // a record mined for difficulty 0 has, with probability 1 - 2^-12, too few zero bits
    let cheap = weak.register(a, "a");
    while (cheap.hash.startsWith("000")) cheap = weak.register(generateIdentity(), "a");
    await refused(ledger.append(cheap), "insufficient-work", "/record/nonce");
    const reg = ledger.register(a, "a");
    expect(reg.hash.slice(0, 3)).toBe("000"); // 12 bits
    await ledger.append(reg);
    const rec = ledger.draft(a, "delivery", {
      intervals: [{ start: "2026-09-01T14:00:00Z", duration: "PT15M", energy: "1" }],
    });
    expect(rec.hash.slice(0, 2)).toBe("00");
    await ledger.append(rec);
  });
});

describe("appendMany", () => {
  it("verifies a batch on the worker pool and reports each refusal in its slot", async () => {
    const author = Ledger.inMemory({ difficulty: 0, registrationExtra: 0 });
    const node = Ledger.inMemory({ difficulty: 0, registrationExtra: 0 });
    const a = generateIdentity();
    const recs = [author.register(a, "a")];
    await author.append(recs[0] as (typeof recs)[0]);
    for (let i = 1; i < 100; i++) {
      const start = new Date(Date.parse("2026-09-01T00:00:00Z") + i * 900_000)
        .toISOString()
        .replace(".000Z", "Z");
      const r = author.draft(a, "delivery", {
        intervals: [{ start, duration: "PT15M", energy: "1" }],
      });
      await author.append(r);
      recs.push(r as never);
    }
    // slot 50 carries another record's signature: refused, so the records after it have a gap
    const batch = recs.map((r, i) =>
      i === 50 ? { ...r, sig: (recs[49] as (typeof recs)[0]).sig } : r,
    );
    const out = await node.appendMany(batch);
    expect(out.slice(0, 50).every((o) => o.ok)).toBe(true);
    expect(out[50]).toMatchObject({ ok: false, error: { code: "bad-signature" } });
    expect(out[51]).toMatchObject({ ok: false, error: { code: "sequence-gap" } });
    expect(node.size).toBe(50);
    await node.close();
  });
});
