/** Console and docs/benchmarks.md output. The tables sit between markers so re-runs replace them. */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { arch, cpus, loadavg, platform, release, totalmem } from "node:os";
import type { Case, CaseId } from "./cases.js";
import type { DocumentSet } from "./documents.js";
import type { Measurement } from "./measure.js";
import type { XmllintResult } from "./xmllint.js";

export const START_MARKER = "<!-- BENCH:START -->";
export const END_MARKER = "<!-- BENCH:END -->";
/** Goals from the issue: decode + validate at least half as fast as raw fast-xml-parser... */
export const GOAL = 0.5;
/** ...encode at least as fast as XMLBuilder at every size... */
export const ENCODE_GOAL = 1;
/** ...and decode + validate at least half the rate of libxml2's native parse (xmllint). */
export const XMLLINT_GOAL = 0.5;

export interface CaseResult {
  readonly case: Case;
  readonly m: Measurement;
  readonly docsPerSec: number;
  readonly mbPerSec: number;
  /** throughput ours / baseline, when the case has a baseline */
  readonly ratio?: number;
}

export interface SetResult {
  /** the set without its documents (dropped once measured, so later sets run on a small heap) */
  readonly set: DocumentSet;
  /** how many documents the set had */
  readonly count: number;
  readonly results: readonly CaseResult[];
}

export function machine(): string {
  const cpu = cpus();
  const gib = (totalmem() / 2 ** 30).toFixed(1);
  const date = new Date().toISOString().slice(0, 10);
  const load = loadavg()
    .map((x) => x.toFixed(1))
    .join(" ");
  return `${cpu[0]?.model.trim() ?? "unknown CPU"}, ${cpu.length} cores, ${gib} GiB RAM, ${platform()} ${release()} ${arch()}, Node ${process.version}, ${date}, load average ${load}`;
}

const fixed = (x: number): string =>
  x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3);
const size = (bytes: number): string =>
  bytes >= 1e6 ? `${(bytes / 1e6).toFixed(2)} MB` : `${(bytes / 1e3).toFixed(1)} kB`;

export function ratioOf(r: SetResult, id: CaseId): number | undefined {
  return r.results.find((c) => c.case.id === id)?.ratio;
}

function setTable(r: SetResult): string[] {
  const { set } = r;
  const lines = [
    `### ${set.title}`,
    "",
    `${r.count} document${r.count > 1 ? "s" : ""}, ${size(set.bytes)} in total; one operation processes all of them once.`,
    "",
    "| Operation | ms/op (wall) | CPU ms/op | docs/s | MB/s | ours/baseline (CPU) |",
    "| --- | --: | --: | --: | --: | --: |",
  ];
  for (const c of r.results) {
    const ratio =
      c.ratio === undefined ? "" : `${c.ratio.toFixed(2)}x ${c.case.baseline ?? ""}`.trim();
    lines.push(
      `| ${c.case.label} | ${fixed(c.m.msPerOp)} | ${fixed(c.m.cpuMsPerOp)} | ${fixed(c.docsPerSec)} | ${fixed(c.mbPerSec)} | ${ratio} |`,
    );
  }
  for (const note of set.notes) lines.push("", `Note: ${note}`);
  return lines;
}

const verdict = (x: number | undefined, goal = GOAL): string =>
  x === undefined ? "n/a" : `${x.toFixed(2)}x ${x >= goal ? "met" : "**missed**"}`;

const cpuUsPerMessage = (r: SetResult, id: CaseId): number | undefined => {
  const c = r.results.find((x) => x.case.id === id);
  return c === undefined ? undefined : (c.m.cpuMsPerOp * 1000) / r.count;
};

/** decode + validate rate over xmllint's parse rate, both in CPU time per message. */
export function xmllintRatio(
  r: SetResult,
  x: XmllintResult | string | undefined,
): number | undefined {
  // only the corpus is parsed by xmllint
  const ours = r.set.files === undefined ? undefined : cpuUsPerMessage(r, "decode-validate");
  return typeof x === "object" && ours !== undefined ? x.usPerMessage / ours : undefined;
}

/** Per-message CPU cost of decodeXml with validate, step by step, and the xmllint baseline. */
export function breakdown(r: SetResult, x: XmllintResult | string | undefined): string {
  const us = (id: CaseId) => cpuUsPerMessage(r, id) ?? Number.NaN;
  const read = us("read");
  const tree = us("decode-tree");
  const valid = us("validate");
  const total = us("decode-validate");
  const share = (v: number) => `${((100 * v) / total).toFixed(0)}%`;
  const lines = [
    `#### Per message: ${r.set.id}, CPU µs per message (median over rounds)`,
    "",
    "| Step | µs/message | share of total |",
    "| --- | --: | --: |",
    `| read: \`readXml\` (our reader: text -> tree) | ${fixed(read)} | ${share(read)} |`,
    `| decode: \`decodeTree\` (tree -> model, content model enforced) | ${fixed(tree)} | ${share(tree)} |`,
    `| validate: \`validate(…, { profile: false })\` (JSON Schema facets) | ${fixed(valid)} | ${share(valid)} |`,
    `| sum of the steps | ${fixed(read + tree + valid)} | ${share(read + tree + valid)} |`,
    `| total: \`decodeXml(…, { validate: true })\`, measured | ${fixed(total)} | 100% |`,
  ];
  if (typeof x === "object") {
    const ratio = xmllintRatio(r, x) as number;
    lines.push(
      `| baseline: libxml2 \`xmllint --noout --repeat\` parse (no validation) | ${fixed(x.usPerMessage)} | ${share(x.usPerMessage)} |`,
      "",
      `decode + validate rate / xmllint parse rate: **${ratio.toFixed(2)}x** (goal >= ${XMLLINT_GOAL}x). ${x.version}; ${x.runs} rounds; one \`--noout\` run over the ${r.count} files took ${fixed(x.singleMs)} ms CPU, one \`--repeat\` run ${fixed(x.repeatMs)} ms.`,
    );
  } else {
    lines.push("", `Note: xmllint baseline ${x ?? "not run"}.`);
  }
  return lines.join("\n");
}

/** The generated section: machine, one table per set, goals. */
export function section(
  results: readonly SetResult[],
  skipped: readonly string[],
  xmllint?: XmllintResult | string,
): string {
  const lines = [
    START_MARKER,
    "",
    "_Generated by `npm run bench`; do not edit between the markers._",
    "",
    `Machine: ${machine()}.`,
    "",
  ];
  for (const s of skipped) lines.push(`Note: ${s}`, "");
  for (const r of results) {
    lines.push(...setTable(r), "");
    if (r.set.files !== undefined) lines.push(breakdown(r, xmllint), "");
  }
  lines.push(
    "### Goals",
    "",
    `Throughput ratio ours/baseline: decode + validate >= ${GOAL}x XMLParser.parse and >= ${XMLLINT_GOAL}x xmllint (CPU per message), encode >= ${ENCODE_GOAL}x XMLBuilder.build.`,
    "",
    "| Document set | decodeXml + validate vs XMLParser.parse | decodeXml + validate vs xmllint | encodeXml vs XMLBuilder.build |",
    "| --- | --- | --- | --- |",
  );
  for (const r of results) {
    lines.push(
      `| ${r.set.id} | ${verdict(ratioOf(r, "decode-validate"))} | ${verdict(xmllintRatio(r, xmllint), XMLLINT_GOAL)} | ${verdict(ratioOf(r, "encode"), ENCODE_GOAL)} |`,
    );
  }
  lines.push("", END_MARKER);
  return lines.join("\n");
}

const PREAMBLE = `# Benchmarks

Throughput of the codec against raw fast-xml-parser, on the same documents in one run;
\`npm run bench\` rewrites the part between the markers below.

`;

/** Replaces the marked section of `path`, or creates the file with a preamble. */
export function writeSection(path: string, generated: string): void {
  const old = existsSync(path) ? readFileSync(path, "utf8") : "";
  const a = old.indexOf(START_MARKER);
  const b = old.indexOf(END_MARKER);
  const next =
    a !== -1 && b > a
      ? old.slice(0, a) + generated + old.slice(b + END_MARKER.length)
      : `${old === "" ? PREAMBLE : `${old.trimEnd()}\n\n`}${generated}\n`;
  writeFileSync(path, next);
}
