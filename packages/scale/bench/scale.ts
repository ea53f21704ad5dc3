/**
 * Scale-out benchmarks (`npm run bench -w @transactive/scale`, `-- --no-write` only prints), each
 * through a real nats-server (Debian's 2.9) on 127.0.0.1 with its baseline measured in the same run:
 *
 * 1. nesting between processes: K child markets in another process send their aggregate curve and
 *    settle their award (price + transactions) every interval, the parent clears; curves settled
 *    per second (XML and JSON bodies), against raw NATS request/reply between the same processes
 *    with bodies of the same size and the same concurrency;
 * 2. ledger replication: node A appends BENCH_SCALE_RECORDS signed records (appendMany batches,
 *    durable, then published), node B consumes, verifies and stores them durably; records per
 *    second until B holds them all, against raw JetStream publish + ack of the same bytes;
 * 3. a simulated day of BENCH_AGENTS agents (default 10,000) over 3 levels: one process
 *    (marketEngine) vs the root plus 4 worker processes (natsSimulationEngine); wall time.
 *
 * Results go to docs/benchmarks.md between the BENCH:scale markers.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { encodeXml, toJson } from "@transactive/codec";
import { registry } from "@transactive/ei";
import { generateIdentity, Ledger, type SignedRecord } from "@transactive/ledger";
import { MarketNode, toPrice, toQuantity } from "@transactive/market";
import { createMarketDispatcher, productOf, termsOf } from "@transactive/market/ei";
import { createScenario, marketEngine, runSimulation } from "@transactive/sim";
import { machineLine, writeMarkedSection } from "../../../scripts/bench/markers.js";
import {
  LedgerReplica,
  NatsChildren,
  natsSimulationEngine,
  serveEiOverNats,
  startNatsServer,
} from "../src/index.js";

const write = !process.argv.includes("--no-write");
const K = Number(process.env.BENCH_SCALE_CHILDREN ?? 8);
const T = Number(process.env.BENCH_SCALE_INTERVALS ?? 200);
const RECORDS = Number(process.env.BENCH_SCALE_RECORDS ?? 10_000);
const AGENTS = Number(process.env.BENCH_AGENTS ?? 10_000);
const tmp = mkdtempSync(join(tmpdir(), "scale-bench-"));
const WORKER = join(import.meta.dirname, "nesting-worker.ts");

function runWorker(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--conditions=@transactive/source", "--import", "tsx", WORKER, ...args],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c));
    child.once("exit", (code) =>
      code === 0 ? resolve(Number(out.trim())) : reject(new Error(`worker exited ${code}`)),
    );
  });
}

const fmt = (x: number, d = 0) =>
  x.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });

const server = await startNatsServer({ storeDir: join(tmp, "js") });
const rows: string[] = [];
try {
  // ---- 1. nesting between processes, and raw request/reply of the same sizes ----
  const nesting: Record<string, number> = {};
  const sizes: Record<string, number> = {};
  for (const format of ["xml", "json"] as const) {
    const nc = await connect({ servers: server.url });
    const parent = new MarketNode({
      id: "bench-parent",
      marketContext: "urn:bench:parent",
      currency: "USD",
      interval: "PT15M",
      mechanism: "call",
    });
    parent.addMember({
      id: "supplier",
      bid: () => [{ side: "sell", price: toPrice("0.10"), quantity: toQuantity("50") }],
      award: () => {},
    });
    const children = new NatsChildren(nc, parent, { format });
    for (let c = 0; c < K; c++) children.addChild(`child-${c}`);
    await children.start();
    const served = await serveEiOverNats(nc, createMarketDispatcher(parent), {
      market: "bench-parent",
    });
    const worker = runWorker([server.url, "children", String(K), String(T), format, "0"]);
    for (let i = 0; i < T; i++) {
      const missing = await children.collect(i, 60_000);
      if (missing.length > 0) throw new Error(`no curve from ${missing.join(", ")}`);
      parent.clear(i);
    }
    const ms = await worker;
    nesting[format] = (K * T) / (ms / 1000);
    // the size of one curve message (two steps) in this format, for the raw baseline
    const terms = termsOf(parent);
    const iv = parent.interval(0);
    const doc = {
      profile: "cts",
      element: "pyld:eiCreateTender",
      value: {
        requestID: "child-0-req-1",
        partyID: "child-0",
        counterPartyID: "bench-parent",
        eiTender: [0, 1].map((k) => ({
          tenderID: `child-0:0:${k}`,
          product: productOf(
            terms,
            iv,
            k ? "sell" : "buy",
            toPrice("0.3"),
            toQuantity("2"),
            `child-0:0:${k}`,
            "tender",
          ),
        })),
      },
    };
    sizes[format] = Buffer.byteLength(format === "xml" ? encodeXml(registry, doc) : toJson(doc));
    await served.close();
    await children.close();
    await nc.close();
  }
  const raw: Record<string, number> = {};
  {
    const nc = await connect({ servers: server.url });
    for (const format of ["xml", "json"] as const) {
      const reply = new Uint8Array(sizes[format] as number).fill(62);
      const sub = nc.subscribe("bench.raw", {
        callback: (_e, m) => {
          m.respond(reply);
        },
      });
      await nc.flush();
      // two round trips per curve settled (tender, transactions): count request/replies
      const ms = await runWorker([
        server.url,
        "raw",
        String(K),
        String(2 * T),
        format,
        String(sizes[format]),
      ]);
      raw[format] = (2 * K * T) / (ms / 1000);
      sub.unsubscribe();
    }
    await nc.close();
  }
  rows.push(
    "| measure | XML bodies | JSON bodies |",
    "| :------ | ---------: | ----------: |",
    `| nesting: curves sent and settled per second (each: EiCreateTender → EiCreatedTender, EiCreateQuote published, EiRequestTransaction → EiReplyTransaction; parent clears) | ${fmt(nesting.xml as number)} | ${fmt(nesting.json as number)} |`,
    `| raw NATS request/reply per second, same processes, ${K} concurrent, body of one curve message (${sizes.xml} / ${sizes.json} bytes) | ${fmt(raw.xml as number)} | ${fmt(raw.json as number)} |`,
    `| raw round trips per curve's 2 (ratio: nesting / (raw ÷ 2)) | ${fmt((nesting.xml as number) / ((raw.xml as number) / 2), 2)} | ${fmt((nesting.json as number) / ((raw.json as number) / 2), 2)} |`,
  );
  console.log(rows.join("\n"));

  // ---- 2. ledger replication, and raw JetStream publish + ack ----
  const scratch = Ledger.inMemory();
  const authors = Array.from({ length: Math.max(1, Math.round(RECORDS / 100)) }, () =>
    generateIdentity(),
  );
  const records: SignedRecord[] = [];
  for (const id of authors) {
    const r = scratch.register(id, `meter-${records.length}`);
    await scratch.append(r);
    records.push(r);
  }
  for (let s = 1; records.length < RECORDS; s++)
    for (const id of authors) {
      if (records.length >= RECORDS) break;
      const start = new Date(Date.parse("2026-09-01T00:00:00Z") + s * 900_000)
        .toISOString()
        .replace(".000Z", "Z");
      const r = scratch.draft(id, "delivery", {
        intervals: [{ start, duration: "PT15M", energy: "0.25" }],
      });
      await scratch.append(r);
      records.push(r);
    }
  const dirA = join(tmp, "a");
  const dirB = join(tmp, "b");
  Ledger.init(dirA);
  Ledger.init(dirB);
  const ncA = await connect({ servers: server.url });
  const ncB = await connect({ servers: server.url });
  const a = await LedgerReplica.start(ncA, await Ledger.open(dirA), {
    node: "a",
    stream: "BENCH_LEDGER",
  });
  const b = await LedgerReplica.start(ncB, await Ledger.open(dirB), {
    node: "b",
    stream: "BENCH_LEDGER",
  });
  const t0 = performance.now();
  for (let i = 0; i < records.length; i += 1000) await a.appendMany(records.slice(i, i + 1000));
  await a.flush();
  const tPublished = performance.now();
  while (b.ledger.size < records.length) await new Promise((r) => setTimeout(r, 20));
  const t1 = performance.now();
  if (b.stats.refused.length > 0) throw new Error(`refused: ${JSON.stringify(b.stats.refused[0])}`);
  const replicated = records.length / ((t1 - t0) / 1000);
  const appended = records.length / ((tPublished - t0) / 1000);
  await a.close();
  await b.close();
  await a.ledger.close();
  await b.ledger.close();
  // raw: the same bytes published to a stream, pipelined 256 at a time, every ack awaited
  const jsm = await jetstreamManager(ncA);
  await jsm.streams.add({ name: "BENCH_RAW", subjects: ["bench.raw.>"] });
  const js = jetstream(ncA);
  const r0 = performance.now();
  for (let i = 0; i < records.length; i += 256)
    await Promise.all(records.slice(i, i + 256).map((r) => js.publish("bench.raw.x", r.bytes)));
  const rawPublish = records.length / ((performance.now() - r0) / 1000);
  await ncA.close();
  await ncB.close();
  const ledgerRows = [
    "| measure | records per second |",
    "| :------ | -----------------: |",
    `| replicated: appended on A (verified, durable) and published, consumed by B, verified and stored durably, until B holds all ${fmt(records.length)} | ${fmt(replicated)} |`,
    `| of which A's local appendMany + publish alone | ${fmt(appended)} |`,
    `| raw JetStream publish + ack of the same ${fmt(records.length)} records (256 in flight) | ${fmt(rawPublish)} |`,
  ];
  console.log(ledgerRows.join("\n"));

  // ---- 3. a simulated day: 1 process vs root + 4 worker processes ----
  const input = { agents: AGENTS, seed: "1" };
  const scenario = createScenario(input);
  const s0 = performance.now();
  const one = await runSimulation(scenario, { market: marketEngine, mechanism: "call", levels: 3 });
  const s1 = performance.now();
  let received = { curves: 0, steps: 0 };
  const factory = natsSimulationEngine({
    url: server.url,
    scenario: input,
    processes: 4,
    format: "json",
  });
  const split = await runSimulation(scenario, {
    market: async (sc, o) => {
      const engine = await factory(sc, o);
      const close = engine.close?.bind(engine);
      return Object.assign(engine, {
        close: async () => {
          received = (engine as unknown as { received: typeof received }).received;
          await close?.();
        },
      });
    },
    mechanism: "call",
    levels: 3,
  });
  const s2 = performance.now();
  const same = JSON.stringify(one.intervals) === JSON.stringify(split.intervals);
  const dayRows = [
    "| run | processes | day, wall (s) | same intervals as 1 process |",
    "| :-- | --------: | ------------: | :-------------------------- |",
    `| ${fmt(AGENTS)} agents, 3 levels, call, 288 PT5M intervals, one process (marketEngine) | 1 | ${fmt((s1 - s0) / 1000, 1)} | - |`,
    `| the same split: root + 4 workers over NATS (natsSimulationEngine, JSON bodies) | 5 | ${fmt((s2 - s1) / 1000, 1)} | ${same ? "yes" : "NO"} |`,
    "",
    `The split day sent ${fmt(received.curves)} curves with ${fmt(received.steps)} steps between processes (${fmt(received.steps / Math.max(1, received.curves), 1)} EiTenders per curve on average).`,
  ];
  console.log(dayRows.join("\n"));

  if (write)
    writeMarkedSection(
      join(import.meta.dirname, "../../../docs/benchmarks.md"),
      "scale",
      "Scale-out on NATS (@transactive/scale)",
      [
        `Generated by \`npm run bench -w @transactive/scale\` (packages/scale/bench/scale.ts) on ${machineLine()}, nats-server 2.9.10 (Debian) on 127.0.0.1, @nats-io/transport-node 3.4.0.`,
        "",
        `**Nesting between processes.** ${K} child markets in one process, the parent in another, ${T} intervals; every body an EI message through the codec (encode, decode, validate).`,
        "",
        ...rows,
        "",
        "**Ledger replication through JetStream.** Two ledger nodes with durable stores (fdatasync group commit), one stream; ledger difficulty 8.",
        "",
        ...ledgerRows,
        "",
        "**A simulated day split over processes.** The worker processes each rebuild the scenario; all processes share the machine's cores.",
        "",
        ...dayRows,
      ].join("\n"),
    );
} finally {
  await server.stop();
  rmSync(tmp, { recursive: true, force: true });
}
