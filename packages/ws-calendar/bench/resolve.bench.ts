/**
 * Resolution time of a bound FINISHTOSTART Sequence of 1k, 10k and 100k 15-minute Intervals
 * (UTC and America/New_York), median of several runs; writes its section of docs/benchmarks.md.
 * Run: npm run bench -w @transactive/ws-calendar
 */
import { readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { resolve as resolvePath } from "node:path";
import { buildSequence, resolve } from "../src/index.js";

const SIZES = [1_000, 10_000, 100_000];
const START = "<!-- BENCH:ws-calendar:START -->";
const END = "<!-- BENCH:ws-calendar:END -->";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function time(count: number, zone: "UTC" | "America/New_York"): number {
  const cal = buildSequence({
    start: zone === "UTC" ? "2026-01-01T00:00:00Z" : { value: "2026-01-01T00:00:00", tzid: zone },
    count,
    duration: "PT15M",
  });
  const runs = count >= 100_000 ? 5 : 11;
  const ts: number[] = [];
  resolve(cal); // warm-up
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const out = resolve(cal);
    ts.push(performance.now() - t0);
    if (out.intervals.length !== count) throw new Error("wrong interval count");
  }
  return median(ts);
}

const rows: string[] = [];
for (const zone of ["UTC", "America/New_York"] as const) {
  const measured = SIZES.map((n) => time(n, zone));
  const base = measured[0] as number;
  for (const [k, n] of SIZES.entries()) {
    const ms = measured[k] as number;
    const perInterval = (ms * 1000) / n;
    rows.push(
      `| ${zone} | ${n.toLocaleString("en-US")} | ${ms.toFixed(1)} | ${perInterval.toFixed(2)} | ${(ms / base / (n / (SIZES[0] as number))).toFixed(2)} |`,
    );
  }
}
const section = [
  START,
  "",
  "### WS-Calendar: resolving a Sequence (`npm run bench -w @transactive/ws-calendar`)",
  "",
  `A Gluon binds a FINISHTOSTART Sequence of 15-minute Intervals; \`resolve\` computes every start and end and formats them (ISO 8601 with offset). Median of 11 runs (5 at 100k), Node ${process.version}, ${cpus().length} cores. The last column is time per interval relative to 1k: about 1 means linear.`,
  "",
  "| zone | intervals | ms | µs / interval | per-interval vs 1k |",
  "| ---- | --------: | -: | ------------: | -----------------: |",
  ...rows,
  "",
  END,
].join("\n");
const file = resolvePath(import.meta.dirname, "../../../docs/benchmarks.md");
const text = readFileSync(file, "utf8");
const a = text.indexOf(START);
const b = text.indexOf(END);
const next =
  a >= 0 && b > a
    ? text.slice(0, a) + section + text.slice(b + END.length)
    : `${text.trimEnd()}\n\n${section}\n`;
writeFileSync(file, next);
process.stdout.write(`${section}\n`);
