/**
 * Reports of a scored run: a console summary (per standard, then every failure with its reason),
 * JUnit XML for CI systems, and a self-contained HTML page (per standard and clause, each case
 * with its checks and the expected-versus-actual text of a failed one).
 */
import { STANDARDS, type Standard } from "./cases.js";
import type { Score, Scored } from "./known-failures.js";

export interface Tally {
  total: number;
  passed: number;
  failed: number;
  known: number;
  fixed: number;
  required: number;
  requiredPassed: number;
  notImplemented: number;
}

const empty = (): Tally => ({
  total: 0,
  passed: 0,
  failed: 0,
  known: 0,
  fixed: 0,
  required: 0,
  requiredPassed: 0,
  notImplemented: 0,
});

export function tally(results: readonly Scored[]): Map<Standard | "all", Tally> {
  const out = new Map<Standard | "all", Tally>([
    ["all", empty()],
    ...STANDARDS.map((s) => [s, empty()] as const),
  ]);
  for (const r of results) {
    for (const t of [out.get("all"), out.get(r.case.standard)] as Tally[]) {
      t.total++;
      if (r.passed) t.passed++;
      else t.failed++;
      if (r.outcome === "known-failure") t.known++;
      if (r.outcome === "fixed") t.fixed++;
      if (r.case.level === "required") {
        t.required++;
        if (r.passed) t.requiredPassed++;
      }
      if (!r.passed && r.checks.some((c) => c.unsupported)) t.notImplemented++;
    }
  }
  return out;
}

const pct = (a: number, b: number) => (b === 0 ? "-" : `${((100 * a) / b).toFixed(1)}%`);

/** The console summary (no colours: it is also what CI logs keep). */
export function consoleSummary(score: Score, title: string): string {
  const lines: string[] = [`Conformance: ${title}`, ""];
  const t = tally(score.results);
  lines.push("standard      cases  passed  failed  required passed  not implemented");
  for (const [key, v] of t) {
    if (key !== "all" && v.total === 0) continue;
    lines.push(
      `${key.padEnd(12)} ${String(v.total).padStart(6)} ${String(v.passed).padStart(7)} ${String(v.failed).padStart(7)}  ${`${v.requiredPassed}/${v.required} (${pct(v.requiredPassed, v.required)})`.padStart(15)} ${String(v.notImplemented).padStart(16)}`,
    );
  }
  const failures = score.results.filter((r) => r.outcome !== "pass");
  if (failures.length > 0) lines.push("");
  for (const r of failures) {
    const label =
      r.outcome === "fixed"
        ? "FIXED (listed as a known failure but passes: remove it from the list)"
        : r.outcome === "known-failure"
          ? `known failure (${r.known})`
          : `FAIL [${r.case.level}]`;
    lines.push(`${label}: ${r.case.id} (${r.case.source})`);
    for (const c of r.checks.filter((x) => !x.ok))
      lines.push(`    ${c.rule}: ${c.message.split("\n")[0]}`);
  }
  for (const s of score.stale)
    lines.push(
      `STALE known failure (line ${s.line}): ${s.id} names no case: remove it from the list`,
    );
  if (score.results.length === 0)
    lines.push("NO CASE RAN: a conformance run needs cases (is the suite's case folder missing?)");
  lines.push("");
  const all = t.get("all") as Tally;
  lines.push(
    `${all.passed} passed, ${all.failed} failed (${all.known} known), ${all.requiredPassed}/${all.required} required cases pass: ${score.ok ? "CONFORMANT" : "NOT CONFORMANT"}`,
  );
  return `${lines.join("\n")}\n`;
}

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
// XML 1.0 cannot carry most control characters, even escaped
const xmlSafe = (s: string) =>
  esc(
    [...s]
      .map((ch) => {
        const code = ch.charCodeAt(0);
        return code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d ? "?" : ch;
      })
      .join(""),
  );

/** JUnit XML: one testsuite per standard, one testcase per case (classname = clause). */
export function junitReport(score: Score, seconds = 0): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const t = tally(score.results).get("all") as Tally;
  out.push(
    `<testsuites name="transactive conformance" tests="${t.total}" failures="${t.failed - t.known}" skipped="${t.known}" time="${seconds.toFixed(3)}">`,
  );
  for (const standard of STANDARDS) {
    const rs = score.results.filter((r) => r.case.standard === standard);
    if (rs.length === 0) continue;
    const fails = rs.filter((r) => r.outcome === "fail" || r.outcome === "fixed").length;
    const known = rs.filter((r) => r.outcome === "known-failure").length;
    out.push(
      `  <testsuite name="${standard}" tests="${rs.length}" failures="${fails}" skipped="${known}">`,
    );
    for (const r of rs) {
      out.push(`    <testcase classname="${xmlSafe(r.case.clause)}" name="${xmlSafe(r.case.id)}">`);
      const failed = r.checks.filter((c) => !c.ok);
      if (r.outcome === "known-failure")
        out.push(`      <skipped message="${xmlSafe(`known failure: ${r.known}`)}"/>`);
      else if (r.outcome === "fixed")
        out.push(
          `      <failure message="listed as a known failure but passes: remove it from known-failures.txt"/>`,
        );
      else if (r.outcome === "fail") {
        const body = failed
          .map(
            (c) =>
              `${c.rule}: ${c.message}${c.expected ? `\n--- expected\n${c.expected}` : ""}${c.actual ? `\n--- actual\n${c.actual}` : ""}`,
          )
          .join("\n\n");
        out.push(
          `      <failure message="${xmlSafe(
            failed
              .map((c) => `${c.rule}: ${c.message}`)
              .join("; ")
              .slice(0, 1000),
          )}" type="${r.case.level}">${xmlSafe(body)}</failure>`,
        );
      }
      out.push(
        `      <system-out>${xmlSafe(`${r.case.source}\n${r.checks.map((c) => `${c.ok ? "ok" : "FAIL"} ${c.rule}: ${c.message}`).join("\n")}`)}</system-out>`,
      );
      out.push("    </testcase>");
    }
    out.push("  </testsuite>");
  }
  for (const s of score.stale)
    out.push(
      `  <testsuite name="known-failures" tests="1" failures="1"><testcase name="${xmlSafe(s.id)}"><failure message="listed as a known failure but no case has this id"/></testcase></testsuite>`,
    );
  out.push("</testsuites>");
  return `${out.join("\n")}\n`;
}

/** A line diff of two texts (longest common subsequence; texts are clipped by the runner). */
export function lineDiff(expected: string, actual: string): string {
  const a = expected.split("\n");
  const b = actual.split("\n");
  if (a.length * b.length > 4_000_000) return `--- expected\n${expected}\n+++ actual\n${actual}`;
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () =>
    new Array<number>(b.length + 1).fill(0),
  );
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      (lcs[i] as number[])[j] =
        a[i] === b[j]
          ? ((lcs[i + 1] as number[])[j + 1] as number) + 1
          : Math.max((lcs[i + 1] as number[])[j] as number, (lcs[i] as number[])[j + 1] as number);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push(`  ${a[i++]}`);
      j++;
    } else if (
      j < b.length &&
      (i >= a.length ||
        ((lcs[i] as number[])[j + 1] as number) >= ((lcs[i + 1] as number[])[j] as number))
    )
      out.push(`+ ${b[j++]}`);
    else out.push(`- ${a[i++]}`);
  }
  return out.join("\n");
}

/** A self-contained HTML page (inline CSS, no scripts, no external resources). */
export function htmlReport(score: Score, title: string): string {
  const t = tally(score.results);
  const rows = [...t]
    .filter(([k, v]) => k === "all" || v.total > 0)
    .map(
      ([k, v]) =>
        `<tr><th>${esc(k)}</th><td>${v.total}</td><td>${v.passed}</td><td>${v.failed}</td><td>${v.requiredPassed}/${v.required} (${pct(v.requiredPassed, v.required)})</td><td>${v.known}</td><td>${v.notImplemented}</td></tr>`,
    )
    .join("\n");
  const sections: string[] = [];
  for (const standard of STANDARDS) {
    const rs = score.results.filter((r) => r.case.standard === standard);
    if (rs.length === 0) continue;
    const clauses = new Map<string, Scored[]>();
    for (const r of rs) clauses.set(r.case.clause, [...(clauses.get(r.case.clause) ?? []), r]);
    sections.push(`<h2>${esc(standard)}</h2>`);
    for (const [clause, list] of [...clauses].sort((x, y) => x[0].localeCompare(y[0]))) {
      const passed = list.filter((r) => r.passed).length;
      sections.push(
        `<details${passed === list.length ? "" : " open"}><summary><b>${esc(clause)}</b> — ${passed}/${list.length} pass</summary>`,
      );
      for (const r of list) {
        const checks = r.checks
          .map((c) => {
            const diff =
              !c.ok && c.expected !== undefined && c.actual !== undefined
                ? `<pre class="diff">${lineDiff(c.expected, c.actual)
                    .split("\n")
                    .map(
                      (l) =>
                        `<span class="${l.startsWith("+") ? "add" : l.startsWith("-") ? "del" : ""}">${esc(l)}</span>`,
                    )
                    .join("\n")}</pre>`
                : !c.ok && c.actual !== undefined
                  ? `<pre>${esc(c.actual)}</pre>`
                  : !c.ok && c.expected !== undefined
                    ? `<pre>expected: ${esc(c.expected)}</pre>`
                    : "";
            return `<li class="${c.ok ? "ok" : "no"}">${c.ok ? "✔" : "✘"} <b>${esc(c.rule)}</b>: ${esc(c.message)}${diff}</li>`;
          })
          .join("");
        sections.push(
          `<div class="case ${r.outcome}"><span class="badge">${r.outcome}</span> <code>${esc(r.case.id)}</code> <small>${esc(r.case.level)} · ${esc(r.case.kind)} · ${esc(r.case.profile)} · ${esc(r.case.source)}</small>${r.known ? `<div class="known">known failure: ${esc(r.known)}</div>` : ""}${r.case.description ? `<div>${esc(r.case.description)}</div>` : ""}<ul>${checks}</ul></div>`,
        );
      }
      sections.push("</details>");
    }
  }
  const stale = score.stale
    .map((s) => `<li>line ${s.line}: <code>${esc(s.id)}</code> names no case</li>`)
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:1200px}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}
.case{border-left:4px solid #2a2;padding:2px 8px;margin:6px 0}.case.fail,.case.fixed{border-color:#c22}.case.known-failure{border-color:#c90}
.badge{font-size:11px;text-transform:uppercase;color:#555}ul{margin:2px 0;padding-left:1.2em;list-style:none}
li.no{color:#a00}pre{background:#f6f6f6;color:#222;padding:6px;overflow:auto;max-height:400px}
.add{background:#dfd}.del{background:#fdd}summary{cursor:pointer;margin:4px 0}
</style></head><body>
<h1>${esc(title)}</h1>
<p><b>${score.ok ? "CONFORMANT" : "NOT CONFORMANT"}</b>: every required case must pass.</p>
<table><tr><th>standard</th><th>cases</th><th>passed</th><th>failed</th><th>required passed</th><th>known failures</th><th>not implemented</th></tr>
${rows}</table>
${stale ? `<h2>Stale known failures</h2><ul>${stale}</ul>` : ""}
${sections.join("\n")}
</body></html>
`;
}
