/**
 * The 100,000-record version of the full-ledger verification that CI runs (the bench does a
 * million): a ledger built on disk through the public API (registrations, contracts, hourly meter
 * readings, the day's settlement, payments), then verified from disk by `verifyLedger`, every
 * signature and link; and a changed byte in the file is found and named by its offset.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  fillTransaction,
  generateIdentity,
  Ledger,
  type SignedRecord,
  settleDay,
  signedContract,
  verifyLedger,
} from "./index.js";
import { crc32 } from "./log.js";

const RECORDS = 100_000;
const AGENTS = 1000; // half sell to the market, half buy from it
const HOURS = 24;
const scratch = mkdtempSync(join(tmpdir(), "ledger-scale-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const hour = (h: number) => `2026-09-01T${String(h).padStart(2, "0")}:00:00Z`;
const price = (h: number) => `0.${String(100 + ((h * 37) % 200)).padStart(3, "0")}5`;

/** Frame offsets of ledger.log (u32 length | u32 CRC | u8 type | payload). */
function frameOffsets(path: string): number[] {
  const fd = openSync(path, "r");
  const head = Buffer.alloc(4);
  const out: number[] = [];
  try {
    for (let at = 0; readSync(fd, head, 0, 4, at) === 4; at += 8 + head.readUInt32LE(0))
      out.push(at);
  } finally {
    closeSync(fd);
  }
  return out;
}

describe(`full verification of a ${RECORDS.toLocaleString("en-US")}-record ledger`, () => {
  const dir = join(scratch, "ledger");
  const balances = new Map<string, bigint>();

  it("builds it on disk and verifies every signature, link and rule from disk", {
    timeout: 600_000,
  }, async () => {
    // the public option: a low proof of work keeps building it cheap; verification checks it all the same
    const built = performance.now();
    Ledger.init(dir, { difficulty: 2, registrationExtra: 0 });
    const ledger = await Ledger.open(dir);
    const bulk = async (records: SignedRecord[]) => {
      for (const o of await ledger.appendMany(records)) if (!o.ok) throw o.error;
    };
    const market = generateIdentity();
    const agents = Array.from({ length: AGENTS }, () => generateIdentity());
    try {
      await bulk([
        ledger.register(market, "market"),
        ...agents.map((a, i) => ledger.register(a, `agent-${i}`)),
      ]);
      // one contract per agent with the market: 24 hourly intervals, agent i sells when i is even
      await bulk(
        agents.map((a, i) => {
          const sells = i % 2 === 0;
          const [seller, buyer] = sells ? [a, market] : [market, a];
          const ei = fillTransaction({
            transactionID: `txn-${i}`,
            sellerEiPartyID: sells ? `agent-${i}` : "market",
            buyerEiPartyID: sells ? "market" : `agent-${i}`,
            start: hour(0),
            duration: "PT1H",
            intervals: Array.from({ length: HOURS }, (_, h) => ({
              quantity: `${1 + ((i + h) % 5)}.25`,
              price: price(h),
            })),
            currency: "USD",
            marketContext: "http://market.example.com/cts/hourly",
          }).toString("base64");
          const terms = {
            ei,
            seller: seller.partyId,
            buyer: buyer.partyId,
            market: market.partyId,
          };
          return ledger.draft(a, "contract", signedContract(terms, seller, buyer));
        }),
      );
      // each agent's meter reports every hour in its own record, a little off the contract
      for (let h = 0; h < HOURS; h++)
        await bulk(
          agents.map((a, i) => {
            const q = 1 + ((i + h) % 5) + 0.25 + (((i + h) % 3) - 1) / 100;
            return ledger.draft(a, "delivery", {
              intervals: [
                {
                  start: hour(h),
                  duration: "PT1H",
                  energy: `${i % 2 === 0 ? "" : "-"}${q.toFixed(2)}`,
                },
              ],
            });
          }),
        );
      const settled = await settleDay(ledger, {
        market,
        period: { start: hour(0), end: "2026-09-02T00:00:00Z" },
        currency: "USD",
        prices: Array.from({ length: HOURS }, (_, h) => ({
          start: hour(h),
          duration: "PT1H",
          price: price(h),
        })),
      });
      expect(settled.contracts).toBe(AGENTS);
      // the sellers pay the market a micro-unit at a time, one payment per seller per round,
      // until the ledger holds RECORDS records
      const sellers = agents.filter((_, i) => i % 2 === 0);
      while (ledger.size < RECORDS) {
        const round = sellers.slice(0, RECORDS - ledger.size);
        await bulk(
          round.map((s) =>
            ledger.draft(s, "payment", { to: market.partyId, currency: "USD", amount: "1" }),
          ),
        );
      }
      expect(ledger.size).toBe(RECORDS);
      for (const [party, byCurrency] of ledger.balances())
        balances.set(party, byCurrency.get("USD") ?? 0n);
    } finally {
      await ledger.close();
    }

    const t0 = performance.now();
    const report = await verifyLedger(dir);
    // LEDGER_SCALE_TIMES=1 prints the times for docs/benchmarks.md (no test asserts a time)
    if (process.env.LEDGER_SCALE_TIMES)
      console.log(
        `built in ${((t0 - built) / 1000).toFixed(1)} s, verified in ${((performance.now() - t0) / 1000).toFixed(1)} s (${report.bytes} bytes)`,
      );
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.records).toBe(RECORDS);
    expect(report.authors).toBe(AGENTS + 1);
    expect(report.tornTail).toBe(0);
    // the replayed balances are the ones the ledger derived while appending, and add up to zero
    let sum = 0n;
    for (const [party, amount] of balances) {
      expect(report.ledger.balance(party, "USD")).toBe(amount);
      sum += amount;
    }
    expect(sum).toBe(0n);
    expect(balances.size).toBe(AGENTS + 1);
  });

  it("names the record whose byte was changed (frame checksum fixed up, or not)", {
    timeout: 600_000,
  }, async () => {
    const log = join(dir, "ledger.log");
    const offsets = frameOffsets(log);
    expect(offsets.length).toBe(RECORDS);
    const at = offsets[Math.floor(RECORDS * 0.7)] as number;
    const fd = openSync(log, "r+");
    const head = Buffer.alloc(8);
    readSync(fd, head, 0, 8, at);
    const frame = Buffer.alloc(head.readUInt32LE(0));
    readSync(fd, frame, 0, frame.length, at + 8);
    const original = Buffer.from(frame);
    // a payment of 1 becomes a payment of 2: still canonical JSON, but no longer what was signed
    const i = frame.indexOf('"amount":"1"');
    expect(i).toBeGreaterThan(0);
    frame[i + 10] = "2".charCodeAt(0);
    try {
      // an attacker who also fixes the frame's CRC: the signature check names the record
      head.writeUInt32LE(crc32(frame), 4);
      writeSync(fd, head, 0, 8, at);
      writeSync(fd, frame, 0, frame.length, at + 8);
      const forged = await verifyLedger(dir);
      expect(forged.ok).toBe(false);
      // the changed bytes change the hash: its proof of work or else its signature fails
      const first = forged.problems[0];
      expect(first?.offset).toBe(at);
      expect(["insufficient-work", "bad-signature"]).toContain(first?.code);

      // a plain flipped byte: the frame checksum names it
      head.writeUInt32LE(crc32(original), 4);
      writeSync(fd, head, 0, 8, at);
      const damaged = await verifyLedger(dir);
      expect(damaged.ok).toBe(false);
      expect(damaged.problems[0]).toMatchObject({
        offset: at,
        code: "store-corrupt",
        field: `@${at}`,
      });
    } finally {
      writeSync(fd, original, 0, original.length, at + 8);
      closeSync(fd);
    }
  });
});
