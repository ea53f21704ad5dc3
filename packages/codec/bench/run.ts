/**
 * `npm run bench`: decode, encode and JSON throughput of the codec against raw fast-xml-parser,
 * on the OASIS corpus and generated OpenADR 2.0b documents (288, 10x288 and 100k intervals), with
 * the per-message breakdown and the xmllint baseline on the corpus. Prints the tables and rewrites the
 * marked section of docs/benchmarks.md (unless --no-write).
 *
 * Environment: TRANSACTIVE_OASIS_DIR (default <repo>/../shared/oasis); BENCH_TIME_MS, the time
 * measured time per case (default 1200), after BENCH_WARMUP_MS of warm-up per case (default 250);
 * BENCH_XMLLINT_RUNS, rounds of the xmllint baseline (default 10).
 */
import { join } from "node:path";
import { registry } from "@transactive/ei";
import { type CaseId, casesFor } from "./cases.js";
import { type DocumentSet, generatedSet, loadCorpus, REPO_ROOT } from "./documents.js";
import { type Measurement, measureAll, ratio } from "./measure.js";
import {
  breakdown,
  type CaseResult,
  machine,
  type SetResult,
  section,
  writeSection,
} from "./report.js";
import { measureXmllint, type XmllintResult } from "./xmllint.js";

const budgetMs = Number(process.env.BENCH_TIME_MS ?? 1200);
const warmupMs = Number(process.env.BENCH_WARMUP_MS ?? 250);
const write = !process.argv.includes("--no-write");

/** The 100k-interval set (about 24 MB) times the encoder only: one build takes seconds. */
const LARGE_CASES: readonly CaseId[] = ["build", "encode"];

function runSet(set: DocumentSet, only?: readonly CaseId[]): SetResult {
  const cases = casesFor(registry, set).filter((c) => only === undefined || only.includes(c.id));
  const measured = measureAll(
    cases.map((c) => c.run),
    budgetMs,
    warmupMs,
  );
  const byId = new Map(cases.map((c, k) => [c.id, measured[k] as Measurement]));
  const results = cases.map((c, k): CaseResult => {
    const m = measured[k] as Measurement;
    const base = c.baseline === undefined ? undefined : byId.get(c.baseline);
    const result: CaseResult = {
      case: c,
      m,
      docsPerSec: m.opsPerSec * set.docs.length,
      mbPerSec: (m.opsPerSec * set.bytes) / 1e6,
      ...(base === undefined ? {} : { ratio: ratio(m, base) }),
    };
    const r = result.ratio === undefined ? "" : `  ${result.ratio.toFixed(2)}x`;
    console.log(
      `  ${c.label.padEnd(28)} ${m.msPerOp.toFixed(3).padStart(9)} ms/op ${m.cpuMsPerOp.toFixed(3).padStart(9)} CPU ms/op ${result.mbPerSec.toFixed(1).padStart(7)} MB/s${r}  (${m.rounds.length} rounds)`,
    );
    return result;
  });
  return { set: { ...set, docs: [] }, count: set.docs.length, results };
}

const t0 = performance.now();
console.log(`Machine: ${machine()}`);
const skipped: string[] = [];
/** Each set is prepared just before it is measured and dropped after: a forced GC before every
 * batch then walks a small heap, not the 24 MB document's model and trees. */
const sets: (() => DocumentSet | string)[] = [
  () => loadCorpus(registry),
  () => generatedSet(registry, 1, 288),
  () => generatedSet(registry, 10, 288),
  () => generatedSet(registry, 1, 100_000),
];

const results: SetResult[] = [];
let xmllint: XmllintResult | string | undefined;
const path = join(REPO_ROOT, "docs/benchmarks.md");
for (const make of sets) {
  const set = make();
  if (typeof set === "string") {
    skipped.push(`OASIS corpus ${set}`);
    console.log(`OASIS corpus ${set}`);
    continue;
  }
  console.log(`\n${set.title} (${set.docs.length} docs, ${set.bytes} bytes)`);
  for (const note of set.notes) console.log(`  note: ${note}`);
  const result = runSet(set, set.docs.length === 1 && set.bytes > 8e6 ? LARGE_CASES : undefined);
  results.push(result);
  if (set.files !== undefined) {
    xmllint = measureXmllint(set.files, Number(process.env.BENCH_XMLLINT_RUNS ?? 10));
    console.log(`\n${breakdown(result, xmllint)}`);
  }
  // written after every set, so a run stopped during the long 100k set keeps what it measured
  if (write) writeSection(path, section(results, skipped, xmllint));
}

console.log(`\n${section(results, skipped, xmllint)}`);
if (write) console.log(`\nwrote ${path}`);
console.log(`total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
