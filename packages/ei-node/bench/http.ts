/**
 * Requests per second for createTender (CTS EiTender) over the HTTP binding on loopback, XML and
 * JSON. The load generator (bench/load.mjs) runs in its own process: 10 keep-alive connections
 * for BENCH_HTTP_SECONDS each (default 5, at most 200000 requests), counting HTTP statuses and
 * the EI responseCode of every answer (an EI-level refusal is HTTP 200). The in-process
 * dispatcher rate is measured beside it. Each server first answers 50 warm-up requests (not counted). Only 127.0.0.1, a random port. Writes its section of
 * docs/benchmarks.md between the BENCH:ei-http markers (`--no-write` only prints).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeXml, toJson } from "@transactive/codec";
import { registry } from "@transactive/ei";
import { createReferenceDispatcher } from "@transactive/ei/reference";
import { startEiServer } from "@transactive/ei-node";
import { machineLine, writeMarkedSection } from "../../../scripts/bench/markers.js";

const REPO = join(import.meta.dirname, "../../..");
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 5);
const CONNECTIONS = 10;
const MAX_REQUESTS = 200_000;
const WARMUP_REQUESTS = 50;

const xml = readFileSync(join(REPO, "examples/cts-create-tender.xml"), "utf8");
const json = toJson(decodeXml(registry, xml));
const TENDER_ID = "tender-2026-09-01-14";
let n = 0;
/** every request creates a new tender, so the market does real work, never a duplicate refusal */
const fresh = (body: string) => body.replaceAll(TENDER_ID, `tender-bench-${n++}`);

type Histogram = Record<string, number>;

interface Row {
  readonly label: string;
  readonly rps: number;
  readonly p50?: number;
  readonly p99?: number;
  /** CPU ms of the server's process per request */
  readonly serverCpu?: number;
  readonly statuses: Histogram;
  readonly codes: Histogram;
  readonly errors: number;
}

interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly seconds: number;
  readonly p50: number;
  readonly p99: number;
  readonly statuses: Histogram;
  readonly codes: Histogram;
}

const tmp = mkdtempSync(join(tmpdir(), "ei-http-bench-"));

/** Runs bench/load.mjs in a child process against `url`; the server keeps serving meanwhile. */
function load(url: string, contentType: string, body: string): Promise<LoadResult> {
  const file = join(tmp, "body");
  writeFileSync(file, body);
  const args = [
    join(import.meta.dirname, "load.mjs"),
    url,
    contentType,
    file,
    String(CONNECTIONS),
    String(SECONDS),
    String(MAX_REQUESTS),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`load generator exited with ${code}`));
      else resolve(JSON.parse(out) as LoadResult);
    });
  });
}

async function overHttp(format: "xml" | "json"): Promise<Row> {
  const server = await startEiServer({
    dispatcher: createReferenceDispatcher({ profile: "cts" }),
    host: "127.0.0.1",
  });
  try {
    const url = `${server.url}/cts/EiTender`;
    const contentType = format === "xml" ? "application/xml" : "application/json";
    const body = format === "xml" ? xml : json;
    // warm-up, not counted: the first requests compile the codec's plans and the JIT's code
    for (let k = 0; k < WARMUP_REQUESTS; k++) {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": contentType },
        body: fresh(body),
      });
      await res.text();
    }
    const cpu0 = process.cpuUsage();
    const r = await load(url, contentType, body);
    const cpu = process.cpuUsage(cpu0);
    return {
      label: `HTTP ${format.toUpperCase()} (load generator in its own process, ${CONNECTIONS} keep-alive connections, ${SECONDS} s)`,
      rps: r.requests / r.seconds,
      p50: r.p50,
      p99: r.p99,
      serverCpu: (cpu.user + cpu.system) / 1000 / Math.max(1, r.requests),
      statuses: r.statuses,
      codes: r.codes,
      errors: r.errors,
    };
  } finally {
    await server.close();
  }
}

async function inProcess(format: "xml" | "json"): Promise<Row> {
  const dispatcher = createReferenceDispatcher({ profile: "cts" });
  const body = format === "xml" ? xml : json;
  const contentType = format === "xml" ? "application/xml" : "application/json";
  const end = performance.now() + SECONDS * 1000;
  const statuses: Histogram = {};
  const codes: Histogram = {};
  let count = 0;
  const start = performance.now();
  while (performance.now() < end) {
    const r = await dispatcher.dispatch({ body: fresh(body), contentType, service: "EiTender" });
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    const code = /responseCode\W{0,8}(\d{3})/.exec(r.body)?.[1] ?? "none";
    codes[code] = (codes[code] ?? 0) + 1;
    count++;
  }
  return {
    label: `in-process dispatcher ${format.toUpperCase()} (${SECONDS} s, sequential)`,
    rps: count / ((performance.now() - start) / 1000),
    statuses,
    codes,
    errors: 0,
  };
}

/** "200: 35811, 409: 2" */
const histogram = (h: Histogram): string =>
  Object.entries(h)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ");

const rows: Row[] = [];
try {
  for (const format of ["xml", "json"] as const) {
    rows.push(await overHttp(format));
    rows.push(await inProcess(format));
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
const body = [
  "_Generated by `npm run bench -w @transactive/ei-node`; do not edit between the markers._",
  "",
  `createTender (CTS 0.4, \`examples/cts-create-tender.xml\`, a new tenderID per request) against the in-memory reference market; machine: ${machineLine()}. The load generator (\`packages/ei-node/bench/load.mjs\`, node:http, keep-alive) runs in its own process on the same cores; it counts every HTTP status and the EI \`responseCode\` in every answer's body, since an EI-level refusal is an HTTP 200. Server CPU is the server process's user+sys time per request.`,
  "",
  "| Path | requests/s | p50 ms | p99 ms | server CPU ms/request | HTTP status | EI responseCode | transport errors |",
  "| --- | --: | --: | --: | --: | --- | --- | --: |",
  ...rows.map(
    (r) =>
      `| ${r.label} | ${r.rps.toFixed(0)} | ${r.p50?.toFixed(1) ?? ""} | ${r.p99?.toFixed(1) ?? ""} | ${r.serverCpu?.toFixed(3) ?? ""} | ${histogram(r.statuses)} | ${histogram(r.codes)} | ${r.errors} |`,
  ),
].join("\n");
process.stdout.write(`${body}\n`);
if (!process.argv.includes("--no-write"))
  writeMarkedSection(
    join(REPO, "docs/benchmarks.md"),
    "ei-http",
    "HTTP binding (@transactive/ei)",
    body,
  );
