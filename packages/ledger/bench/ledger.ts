/**
 * Ledger benchmarks (`npm run bench -w @transactive/ledger`, `-- --no-write` only prints):
 *
 * 1. baseline: node:crypto's raw Ed25519 verify rate on one thread, and on one worker per core;
 * 2. signed records appended durably and verified per second (appendMany batches: signatures on
 *    the worker pool, rules, one write + fdatasync per batch; and append() awaited one by one);
 * 3. full verification of a ledger of BENCH_LEDGER_RECORDS records (default 100,000): time and
 *    peak memory;
 * 4. settlement of a simulated day of BENCH_LEDGER_AGENTS agents (default 10,000): half sell,
 *    half buy, one contract per pair with 24 hourly intervals, one metered delivery record per
 *    agent with its 24 readings; settled in parts (settleDay), each a record under the limit.
 *
 * Results go to docs/benchmarks.md between the BENCH:ledger markers.
 */
import { generateKeyPairSync, sign, verify } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { machineLine, writeMarkedSection } from "../../../scripts/bench/markers.js";
import {
  fillTransaction,
  generateIdentity,
  type Identity,
  Ledger,
  type LedgerRecord,
  MAX_RECORD_BYTES,
  type RecordKind,
  SETTLEMENT_PART_BYTES,
  type SignedRecord,
  settleDay,
  settlementParts,
  signedContract,
  verifyLedger,
} from "../src/index.js";
import { FRAME_RECORD } from "../src/ledger.js";
import { FrameLog } from "../src/log.js";
import { mine, signRecord } from "../src/record.js";
import { VerifyPool } from "../src/verify-pool.js";

const write = !process.argv.includes("--no-write");
const RECORDS = Number(process.env.BENCH_LEDGER_RECORDS ?? 100_000);
const AGENTS = Number(process.env.BENCH_LEDGER_AGENTS ?? 10_000);
const APPEND = Number(process.env.BENCH_LEDGER_APPEND ?? 20_000);
const DIFFICULTY = 8;
const tmp = mkdtempSync(join(tmpdir(), "ledger-bench-"));

/** Signs records without a ledger: each party's seq and head tracked here. */
class Chains {
  private readonly heads = new Map<string, { seq: number; head: string }>();
  constructor(private readonly difficulty: number) {}
  next<K extends RecordKind>(
    id: Identity,
    kind: K,
    body: LedgerRecord<K>["body"],
  ): SignedRecord<K> {
    const h = this.heads.get(id.partyId);
    const rec = mine<K>(
      {
        v: 1,
        kind,
        author: id.partyId,
        seq: h === undefined ? 0 : h.seq + 1,
        prev: h === undefined ? null : h.head,
        refs: [],
        body,
      },
      this.difficulty,
    );
    const sr = signRecord(id, rec);
    this.heads.set(id.partyId, { seq: rec.seq, head: sr.hash });
    return sr;
  }
}
const quarter = (i: number) =>
  new Date(Date.parse("2026-01-01T00:00:00Z") + i * 900_000).toISOString().replace(".000Z", "Z");

function rate(n: number, ms: number): number {
  return (n / ms) * 1000;
}

// 1. baseline
const { publicKey, privateKey } = generateKeyPairSync("ed25519");
const msg = Buffer.alloc(61, 7);
const sig = sign(null, msg, privateKey);
let n = 0;
let t = performance.now();
while (performance.now() - t < 3000) {
  for (let i = 0; i < 100; i++) verify(null, msg, publicKey, sig);
  n += 100;
}
const rawRate = rate(n, performance.now() - t);
const pool = new VerifyPool();
const x = publicKey.export({ format: "jwk" }).x as string;
const items = Array.from({ length: 20_000 }, () => ({ key: x, message: msg, signature: sig }));
await pool.verify(items.slice(0, 2000));
t = performance.now();
await pool.verify(items);
const poolRate = rate(items.length, performance.now() - t);
await pool.close();

// 2. append durably + verified
const parties = Array.from({ length: 200 }, () => generateIdentity());
const chains = new Chains(DIFFICULTY);
const regs = parties.map((p, i) =>
  chains.next(p, "register", { publicKey: p.publicKey, eiPartyID: `agent-${i}` }),
);
const recs: SignedRecord[] = [];
for (let i = 0; i < APPEND; i++) {
  const p = parties[i % parties.length] as Identity;
  recs.push(
    chains.next(p, "delivery", {
      intervals: [
        {
          start: quarter(Math.floor(i / parties.length)),
          duration: "PT15M",
          energy: `${i % 97}.25`,
        },
      ],
    }),
  );
}
const appendDir = join(tmp, "append");
Ledger.init(appendDir, { difficulty: DIFFICULTY, registrationExtra: 0 });
const ledger = await Ledger.open(appendDir);
for (const r of await ledger.appendMany(regs)) if (!r.ok) throw r.error;
const batch = 1000;
t = performance.now();
for (let i = 0; i < recs.length / 2; i += batch) {
  const out = await ledger.appendMany(recs.slice(i, i + batch));
  for (const o of out) if (!o.ok) throw o.error;
}
const manyRate = rate(recs.length / 2, performance.now() - t);
const oneByOne = recs.slice(recs.length / 2, recs.length / 2 + 2000);
t = performance.now();
for (const r of oneByOne) await ledger.append(r);
const oneRate = rate(oneByOne.length, performance.now() - t);
const piped = recs.slice(recs.length / 2 + 2000);
t = performance.now();
await Promise.all(piped.map((r) => ledger.append(r)));
const pipedRate = rate(piped.length, performance.now() - t);
await ledger.close();

// 3. full verification of a large ledger (frames written directly: the records are valid by construction)
const bigDir = join(tmp, "big");
Ledger.init(bigDir, { difficulty: 4, registrationExtra: 0 });
{
  const c = new Chains(4);
  const ps = Array.from({ length: 1000 }, () => generateIdentity());
  const { log: frames } = await FrameLog.open(join(bigDir, "ledger.log"), () => {});
  let last: Promise<void> = Promise.resolve();
  ps.forEach((p, i) => {
    last = frames.append(
      FRAME_RECORD,
      c.next(p, "register", { publicKey: p.publicKey, eiPartyID: `a-${i}` }).bytes,
    ).durable;
  });
  for (let i = ps.length; i < RECORDS; i++) {
    const p = ps[i % ps.length] as Identity;
    last = frames.append(
      FRAME_RECORD,
      c.next(p, "delivery", {
        intervals: [
          { start: quarter(Math.floor(i / ps.length)), duration: "PT15M", energy: `${i % 89}.5` },
        ],
      }).bytes,
    ).durable;
    if (i % 10_000 === 0) await last;
  }
  await last;
  await frames.close();
}
let peak = process.memoryUsage().rss;
const before = peak;
t = performance.now();
const report = await verifyLedger(bigDir, {
  onProgress: () => {
    peak = Math.max(peak, process.memoryUsage().rss);
  },
});
const verifySeconds = (performance.now() - t) / 1000;
if (!report.ok || report.records !== RECORDS)
  throw new Error(`verification failed: ${JSON.stringify(report.problems.slice(0, 3))}`);

// 4. settlement of a simulated day
const dayLedger = Ledger.inMemory({ difficulty: 0, registrationExtra: 0 });
const market = generateIdentity();
await dayLedger.append(dayLedger.register(market, "market"));
const agents = Array.from({ length: AGENTS }, () => generateIdentity());
t = performance.now();
for (const [i, a] of agents.entries()) await dayLedger.append(dayLedger.register(a, `agent-${i}`));
const hours = 24;
const prices = Array.from(
  { length: hours },
  (_, h) => `0.${String(1000 + ((h * 37) % 200)).slice(1)}5`,
);
for (let i = 0; i < AGENTS; i += 2) {
  const seller = agents[i] as Identity;
  const buyer = agents[i + 1] as Identity;
  const ei = fillTransaction({
    transactionID: `txn-${i}`,
    sellerEiPartyID: `agent-${i}`,
    buyerEiPartyID: `agent-${i + 1}`,
    start: "2026-09-01T00:00:00Z",
    duration: "PT1H",
    intervals: Array.from({ length: hours }, (_, h) => ({
      quantity: `${1 + ((i + h) % 7)}.5`,
      price: prices[h] as string,
    })),
    currency: "USD",
    marketContext: "http://market.example.com/cts/hourly",
  }).toString("base64");
  await dayLedger.append(
    dayLedger.draft(
      seller,
      "contract",
      signedContract(
        { ei, seller: seller.partyId, buyer: buyer.partyId, market: market.partyId },
        seller,
        buyer,
      ),
    ),
  );
}
for (const [i, a] of agents.entries()) {
  const sells = i % 2 === 0;
  await dayLedger.append(
    dayLedger.draft(a, "delivery", {
      intervals: Array.from({ length: hours }, (_, h) => {
        const q = 1 + ((i - (sells ? 0 : 1) + h) % 7) + 0.5 + (((i * 7 + h) % 5) - 2) / 100;
        return {
          start: `2026-09-01T${String(h).padStart(2, "0")}:00:00Z`,
          duration: "PT1H",
          energy: `${sells ? "" : "-"}${q.toFixed(2)}`,
        };
      }),
    }),
  );
}
const setupSeconds = (performance.now() - t) / 1000;
const input = {
  market,
  period: { start: "2026-09-01T00:00:00Z", end: "2026-09-02T00:00:00Z" },
  currency: "USD",
  prices: prices.map((p, h) => ({
    start: `2026-09-01T${String(h).padStart(2, "0")}:00:00Z`,
    duration: "PT1H",
    price: p,
  })),
};
t = performance.now();
const plan = settlementParts(dayLedger, input);
const computeSeconds = (performance.now() - t) / 1000;
t = performance.now();
// the day in parts: each a settlement record of a group of parties (here a seller and its buyer)
const settled = await settleDay(dayLedger, input);
const appendSeconds = (performance.now() - t) / 1000;
if (settled.parts !== plan.parts.length) throw new Error("the plan and the settlement differ");
const largest = Math.max(...settled.records.map((r) => r.bytes.length));
let sum = 0n;
for (const v of settled.result.net.values()) sum += v;
if (sum !== 0n) throw new Error("settlement does not sum to zero");
let balances = 0n;
for (const byCurrency of dayLedger.balances().values()) balances += byCurrency.get("USD") ?? 0n;
if (balances !== 0n) throw new Error("balances do not sum to zero");

rmSync(tmp, { recursive: true, force: true });

const fmt = (v: number) => Math.round(v).toLocaleString("en-US");
const ratio = (v: number) => `${(v / rawRate).toFixed(2)}x`;
const body = [
  "_Generated by `npm run bench -w @transactive/ledger`; do not edit between the markers._",
  "",
  `${machineLine()}. Records are metered deliveries (about 450 bytes), proof of work ${DIFFICULTY} bits; the ledger is a directory on the machine's disk (fdatasync per group commit). Ratios are to node:crypto's raw Ed25519 verify on one thread, measured in the same run.`,
  "",
  "| what | records/s | ratio to raw verify |",
  "| --- | --: | --: |",
  `| baseline: node:crypto \`verify\` (Ed25519), one thread | ${fmt(rawRate)} | 1.00x |`,
  `| node:crypto \`verify\` on the ledger's worker pool (one worker per core) | ${fmt(poolRate)} | ${ratio(poolRate)} |`,
  `| \`appendMany\`, batches of ${batch}: decoded, verified (worker pool), every rule, durable | ${fmt(manyRate)} | ${ratio(manyRate)} |`,
  `| \`append\` pipelined (${fmt(piped.length)} calls, then awaited): group commit | ${fmt(pipedRate)} | ${ratio(pipedRate)} |`,
  `| \`append\` awaited one by one (one fdatasync per record) | ${fmt(oneRate)} | ${ratio(oneRate)} |`,
  "",
  `Full verification (\`verifyLedger\`, as \`transactive ledger verify\`) of ${fmt(RECORDS)} records by 1,000 parties (${(report.bytes / 2 ** 20).toFixed(0)} MiB): **${verifySeconds.toFixed(1)} s** (${fmt(RECORDS / verifySeconds)} records/s), peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB (${((peak - before) / 2 ** 20).toFixed(0)} MiB above the process before it).`,
  "",
  `Settlement of a simulated day: ${fmt(AGENTS)} agents, ${fmt(AGENTS / 2)} contracts (EI transactions of 24 hourly intervals, each between two agents), ${fmt(AGENTS)} delivery records of 24 readings; ${fmt(settled.result.lines.length)} settlement lines (${fmt(settled.result.imbalances)} imbalances), netted to ${fmt(settled.result.net.size)} balance changes that sum to 0. Planning it (groups of parties, each group settled, packed into parts of at most ${fmt(SETTLEMENT_PART_BYTES)} bytes): **${computeSeconds.toFixed(2)} s**; signing and appending the **${settled.parts} parts** (the largest record ${fmt(largest)} bytes of the ${fmt(MAX_RECORD_BYTES)} allowed; the node recomputes and compares every figure of each): **${appendSeconds.toFixed(2)} s**. Setting up the day (registrations, contracts decoded and checked, deliveries): ${setupSeconds.toFixed(0)} s.`,
].join("\n");
console.log(body);
if (write)
  writeMarkedSection(
    new URL("../../../docs/benchmarks.md", import.meta.url).pathname,
    "ledger",
    "Ledger (@transactive/ledger)",
    body,
  );
