/**
 * Writes a run's two files into a folder: report.html and summary.json. The summary is computed
 * and the report rendered before anything is written, so a failure leaves no half-written pair.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { renderReport } from "./report.js";
import type { SimulationResult } from "./result.js";
import { type LedgerSummary, type SimulationSummary, summarize } from "./summary.js";

/** What the summary adds besides the result. */
export interface WriteOptions {
  /** the ledger the run was written into (summary.json's `ledger`, a table in the report) */
  readonly ledger?: LedgerSummary;
}

/** Where the files went, and the summary written. */
export interface WrittenOutput {
  /** absolute path of report.html */
  readonly report: string;
  /** absolute path of summary.json */
  readonly summaryPath: string;
  readonly summary: SimulationSummary;
}

/** Writes report.html and summary.json into `dir` (created if missing). */
export async function writeSimulationOutput(
  result: SimulationResult,
  dir: string,
  options: WriteOptions = {},
): Promise<WrittenOutput> {
  const base = summarize(result);
  const summary: SimulationSummary =
    options.ledger === undefined ? base : { ...base, ledger: options.ledger };
  const html = renderReport(result, summary);
  const json = `${JSON.stringify(summary, null, 2)}\n`;
  const out = resolve(dir);
  await mkdir(out, { recursive: true });
  const report = join(out, "report.html");
  const summaryPath = join(out, "summary.json");
  await writeFile(summaryPath, json);
  await writeFile(report, html);
  return { report, summaryPath, summary };
}
