/**
 * Benchmarks of the market core (`npm run bench -w @transactive/market`; `-- --no-write` only
 * prints, otherwise the market section of docs/benchmarks.md is rewritten):
 *
 * - CDA: 10^5 and 10^6 random limit orders (seeded) through one interval's OrderBook, orders/s,
 *   next to the textbook sorted-array book (bench/baseline-book.ts) on the same orders in the
 *   same run; both must make the same trades. Each order still resting 10,000 orders after its
 *   submission is cancelled (a good-till-time), so the book has a steady depth as a real one
 *   does, instead of growing with n (which makes the baseline quadratic).
 * - Call auction: one interval of 10,000 agent curves (3 steps each) cleared, ms per clearing.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { machineLine, median, writeMarkedSection } from "../../../scripts/bench/markers.js";
import {
  type BidCurve,
  type CurveStep,
  clearCallAuction,
  OrderBook,
  type OrderInput,
  type Price,
  type Quantity,
  type Side,
} from "../src/index.js";
import { SortedArrayBook } from "./baseline-book.js";

/** mulberry32: a small seeded PRNG, so every run sees the same orders */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TICK = 10_000; // 0.00001 currency/kWh
const LIFETIME = 10_000; // orders after which a still-resting order is cancelled
const MID = 120_000_000; // 0.12 currency/kWh

/** Random limit orders around a drifting mid price: 1,000 owners, 1 Wh to 10 kWh. */
function orders(n: number, seed: number): OrderInput[] {
  const r = rng(seed);
  const out: OrderInput[] = new Array(n);
  let mid = MID;
  for (let i = 0; i < n; i++) {
    if (i % 1000 === 0) mid += Math.round((r() - 0.5) * 4) * TICK;
    const side: Side = r() < 0.5 ? "buy" : "sell";
    const offset = Math.round((r() - (side === "buy" ? 0.6 : 0.4)) * 100) * TICK;
    out[i] = {
      id: `o${i}`,
      owner: `a${Math.floor(r() * 1000)}`,
      side,
      price: (mid + offset) as Price,
      quantity: (1000 * (1 + Math.floor(r() * 10_000))) as Quantity,
    };
  }
  return out;
}

interface CdaRow {
  n: number;
  ours: number;
  baseline: number;
  trades: number;
  resting: number;
  cancelled: number;
}

function cda(n: number, reps: number): CdaRow {
  const input = orders(n, 42);
  const ours: number[] = [];
  const base: number[] = [];
  let trades = 0;
  let resting = 0;
  let cancelled = 0;
  for (let rep = 0; rep < reps; rep++) {
    gc?.(); // each book starts on a clean heap: the other's garbage is not billed to it
    let book: OrderBook | undefined = new OrderBook();
    let cancels = 0;
    let t0 = process.hrtime.bigint();
    const b = book;
    for (let i = 0; i < n; i++) {
      b.submit(input[i] as OrderInput);
      if (i >= LIFETIME) {
        const old = (input[i - LIFETIME] as OrderInput).id;
        if (b.has(old)) {
          b.cancel(old);
          cancels++;
        }
      }
    }
    ours.push(n / (Number(process.hrtime.bigint() - t0) / 1e9));
    const traded = book.trades.reduce((s, f) => s + f.quantity, 0);
    trades = book.trades.length;
    resting = book.orders("buy").length + book.orders("sell").length;
    book = undefined; // its trade log (one Fill per trade) would weigh on the baseline's GC
    gc?.();
    const baseline = new SortedArrayBook();
    let baseCancels = 0;
    t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      const o = input[i] as OrderInput;
      baseline.submit(o.id, o.owner, o.side === "buy", o.price, o.quantity);
      if (i >= LIFETIME && baseline.cancel((input[i - LIFETIME] as OrderInput).id)) baseCancels++;
    }
    base.push(n / (Number(process.hrtime.bigint() - t0) / 1e9));
    if (cancels !== baseCancels)
      throw new Error(`the books disagree: ${cancels} vs ${baseCancels} cancels`);
    cancelled = cancels;
    if (trades !== baseline.trades || traded !== baseline.traded)
      throw new Error(`the books disagree: ${trades} vs ${baseline.trades} trades`);
  }
  return { n, ours: median(ours), baseline: median(base), trades, resting, cancelled };
}

/** 10,000 agents, each a 3-step curve: loads buy, generators sell, batteries both. */
function curves(n: number, seed: number): BidCurve[] {
  const r = rng(seed);
  const price = () => (MID + Math.round((r() - 0.5) * 2000) * TICK) as Price;
  const qty = () => (1000 * (1 + Math.floor(r() * 5000))) as Quantity;
  return Array.from({ length: n }, (_, i) => {
    const kind = i % 3;
    const steps: CurveStep[] = [];
    for (let s = 0; s < 3; s++) {
      const side: Side = kind === 0 ? "buy" : kind === 1 ? "sell" : s < 2 ? "buy" : "sell";
      steps.push({ side, price: price(), quantity: qty() });
    }
    return { bidder: `agent-${i}`, steps };
  });
}

function callAuction(n: number, reps: number): { n: number; ms: number; quantity: number } {
  const input = curves(n, 7);
  for (let i = 0; i < 5; i++) clearCallAuction(input); // warm-up
  const ms: number[] = [];
  let quantity = 0;
  for (let rep = 0; rep < reps; rep++) {
    const t0 = process.hrtime.bigint();
    const r = clearCallAuction(input);
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    quantity = r.quantity;
  }
  return { n, ms: median(ms), quantity };
}

const gc = (globalThis as { gc?: () => void }).gc;
const fmt = (x: number) => Math.round(x).toLocaleString("en-US");

cda(20_000, 2); // warm-up
const rows = [cda(100_000, 5), cda(1_000_000, 3)];
const auction = callAuction(10_000, 21);

const lines = [
  `${machineLine()}.`,
  "",
  `Continuous double auction: random limit orders (seeded; 1,000 owners, prices around a drifting mid, 1 Wh to 10 kWh) submitted one by one to one interval's \`OrderBook\`, single-threaded, each order still resting ${fmt(LIFETIME)} orders later cancelled (a good-till-time, so the book keeps a steady depth; the cancels are inside the timing); the baseline is the textbook sorted-array book (\`packages/market/bench/baseline-book.ts\`, same rules, checked to make the same trades) on the same orders in the same run, each run on a clean heap (a forced GC before it). Median of 5 runs (3 at 10^6).`,
  "",
  "| Orders | OrderBook (orders/s) | sorted-array baseline (orders/s) | ratio | trades | cancelled | resting at the end |",
  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...rows.map(
    (r) =>
      `| ${fmt(r.n)} | ${fmt(r.ours)} | ${fmt(r.baseline)} | ${(r.ours / r.baseline).toFixed(2)}x | ${fmt(r.trades)} | ${fmt(r.cancelled)} | ${fmt(r.resting)} |`,
  ),
  "",
  `Call auction: one interval of ${fmt(auction.n)} agent curves (3 steps each: loads buy, generators sell, batteries both) cleared by \`clearCallAuction\` (clearing price, pro-rata awards): **${auction.ms.toFixed(1)} ms** per clearing (median of 21; goal: under 50 ms).`,
];
const text = lines.join("\n");
console.log(text);
if (!process.argv.includes("--no-write")) {
  const doc = join(dirname(fileURLToPath(import.meta.url)), "../../../docs/benchmarks.md");
  writeMarkedSection(doc, "market", "Market core (@transactive/market)", text);
}
