// The HTTP bench's load generator, run in its own process (bench/http.ts spawns it), so the
// server's process does only the server's work. Plain JavaScript: nothing to compile at start.
//
//   node bench/load.mjs <url> <content-type> <body file> <connections> <seconds> <max requests>
//
// Keeps <connections> keep-alive requests in flight until <seconds> or <max requests>, each with
// a fresh tenderID, and prints one JSON line: requests, seconds, latency percentiles, the
// histogram of HTTP statuses and of the EI responseCode found in each answer's body.
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";

const [url, contentType, bodyFile, connections, seconds, maxRequests] = process.argv.slice(2);
const template = readFileSync(String(bodyFile), "utf8");
const TENDER_ID = "tender-2026-09-01-14";
const target = new URL(String(url));
const agent = new Agent({ keepAlive: true, maxSockets: Number(connections) });
const statuses = {};
const codes = {};
const latencies = [];
let sent = 0;
let errors = 0;
const end = performance.now() + Number(seconds) * 1000;
const max = Number(maxRequests);

/** The first EI responseCode of an answer (XML element or JSON member), or "none". */
function responseCode(body) {
  const m = /responseCode\W{0,8}(\d{3})/.exec(body);
  return m === null ? "none" : m[1];
}

function one() {
  const body = template.replaceAll(TENDER_ID, `tender-load-${process.pid}-${sent++}`);
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: "POST",
        headers: { "content-type": contentType, "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          latencies.push(performance.now() - t0);
          statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
          const code = responseCode(Buffer.concat(chunks).toString("utf8"));
          codes[code] = (codes[code] ?? 0) + 1;
          resolve();
        });
        res.on("error", () => {
          errors++;
          resolve();
        });
      },
    );
    req.on("error", () => {
      errors++;
      resolve();
    });
    req.end(body);
  });
}

async function worker() {
  while (performance.now() < end && sent < max) await one();
}

const start = performance.now();
await Promise.all(Array.from({ length: Number(connections) }, worker));
const elapsed = (performance.now() - start) / 1000;
agent.destroy();
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
const cpu = process.cpuUsage();
process.stdout.write(
  `${JSON.stringify({
    requests: latencies.length,
    errors,
    seconds: elapsed,
    p50: pct(0.5),
    p99: pct(0.99),
    statuses,
    codes,
    cpuMs: (cpu.user + cpu.system) / 1000,
  })}\n`,
);
