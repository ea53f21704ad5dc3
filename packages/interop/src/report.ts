/**
 * Reports of interop runs: a console summary, JUnit XML for CI systems (one testsuite per
 * scenario, one testcase per check), and a self-contained HTML page: no script, no request, a CSP
 * that allows only its own style; failures first, then each run's checks and its transcript with
 * every message pretty-printed and escaped, and the verdicts about it beside it.
 */
import { createHash } from "node:crypto";
import { describeEntry } from "./checks.js";
import { prettyXml } from "./pretty.js";
import type { CheckResult, InteropRun, TranscriptEntry } from "./types.js";

const HTML: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text or an attribute value, safe inside HTML. */
const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => HTML[c] as string);

// characters XML 1.0 cannot carry at all: shown as \uXXXX instead
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the ones to replace
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const xmlSafe = (text: string): string =>
  text.replace(NOT_XML, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
/** Text or an attribute value, safe inside XML. */
const escapeXml = (text: string): string => escapeHtml(xmlSafe(text));

const failedChecks = (run: InteropRun): CheckResult[] => run.checks.filter((c) => !c.ok);
const players = (run: InteropRun): string =>
  Object.entries(run.players)
    .map(([role, p]) => `${role}=${p}`)
    .join(", ");

/** Failed runs first, the order of the rest kept. */
const failuresFirst = (runs: readonly InteropRun[]): InteropRun[] => [
  ...runs.filter((r) => !r.passed),
  ...runs.filter((r) => r.passed),
];

/** The console summary: a line per scenario, then every failed check with its message. */
export function consoleSummary(runs: readonly InteropRun[]): string {
  const lines: string[] = [];
  for (const run of runs) {
    const failed = failedChecks(run);
    lines.push(
      `${run.passed ? "PASS" : "FAIL"}  ${run.scenario}  ${run.checks.length - failed.length}/${run.checks.length} checks passed, ${run.transcript.length} messages, ${(run.durationMs / 1000).toFixed(1)} s  (${players(run)})`,
    );
    for (const c of failed)
      lines.push(
        `      ${c.rule}${c.step ? ` [${c.step}]` : ""}${c.entries?.length ? ` #${c.entries.join(",#")}` : ""}: ${c.message}`,
      );
  }
  const passed = runs.filter((r) => r.passed).length;
  lines.push(
    "",
    `${passed} of ${runs.length} scenario${runs.length === 1 ? "" : "s"} passed; ${runs.reduce(
      (n, r) => n + failedChecks(r).length,
      0,
    )} check${runs.reduce((n, r) => n + failedChecks(r).length, 0) === 1 ? "" : "s"} failed`,
  );
  return `${lines.join("\n")}\n`;
}

/** JUnit XML: a testsuite per run, a testcase per check, a failure element per failed check. */
export function junitReport(runs: readonly InteropRun[]): string {
  const tests = runs.reduce((n, r) => n + r.checks.length, 0);
  const failures = runs.reduce((n, r) => n + failedChecks(r).length, 0);
  const time = runs.reduce((n, r) => n + r.durationMs, 0) / 1000;
  const suites = runs.map((run) => {
    const failed = failedChecks(run).length;
    const cases = run.checks.map((c, i) => {
      const name = `${c.step ? `${c.step}: ` : ""}${c.rule}${c.entries?.length ? ` #${c.entries.slice(0, 8).join(",#")}` : ""} (${i + 1})`;
      const attrs = `classname="${escapeXml(`interop.${run.scenario}.${c.rule}`)}" name="${escapeXml(name)}"`;
      return c.ok
        ? `    <testcase ${attrs}/>`
        : `    <testcase ${attrs}>\n      <failure type="${escapeXml(c.rule)}" message="${escapeXml(c.message)}">${escapeXml(failureText(run, c))}</failure>\n    </testcase>`;
    });
    const props = Object.entries(run.players).map(
      ([role, p]) => `      <property name="${escapeXml(role)}" value="${escapeXml(String(p))}"/>`,
    );
    const logs = Object.entries(run.logs ?? {})
      .map(([role, text]) => `--- ${role} ---\n${text}`)
      .join("\n");
    return [
      `  <testsuite name="${escapeXml(run.scenario)}" tests="${run.checks.length}" failures="${failed}" errors="0" skipped="0" time="${(run.durationMs / 1000).toFixed(3)}" timestamp="${escapeXml(run.startedAt)}">`,
      ...(props.length ? ["    <properties>", ...props, "    </properties>"] : []),
      ...cases,
      ...(logs ? [`    <system-err>${escapeXml(logs)}</system-err>`] : []),
      "  </testsuite>",
    ].join("\n");
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="transactive interop" tests="${tests}" failures="${failures}" errors="0" time="${time.toFixed(3)}">\n${suites.join("\n")}\n</testsuites>\n`;
}

/** A failed check with the messages it names, for the JUnit failure body. */
function failureText(run: InteropRun, c: CheckResult): string {
  const entries = (c.entries ?? [])
    .map((seq) => run.transcript.find((e) => e.seq === seq))
    .filter((e): e is TranscriptEntry => e !== undefined);
  return [
    c.message,
    ...entries.map((e) => `\n${describeEntry(e)} at ${e.at}\n${prettyXml(e.body)}`),
  ].join("\n");
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:1.5rem auto;max-width:80rem;padding:0 1rem;color:#1b1f24}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}h3{font-size:1.05rem}
table{border-collapse:collapse;margin:.5rem 0;width:100%}th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}.pass{color:#1a7f37}.fail{color:#cf222e;font-weight:600}
tr.fail td{background:#ffebe9}pre{background:#f6f8fa;padding:.5rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all;font-size:12px}
details{border:1px solid #d0d7de;border-radius:4px;margin:.35rem 0;padding:.25rem .5rem}details.fail{border-color:#cf222e}
summary{cursor:pointer;font-family:ui-monospace,monospace;font-size:12.5px}ul.verdicts{margin:.25rem 0;padding-left:1.25rem}
a{color:#0969da}code{font-family:ui-monospace,monospace}`;

const sha256 = (text: string): string =>
  `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

const verdict = (ok: boolean): string =>
  ok ? '<span class="pass">pass</span>' : '<span class="fail">FAIL</span>';

const anchor = (run: number, seq: number): string => `r${run}-m${seq}`;

const entryLinks = (run: number, c: CheckResult): string =>
  (c.entries ?? []).map((seq) => `<a href="#${anchor(run, seq)}">#${seq}</a>`).join(" ");

/** The self-contained HTML report (no script, no network; failures first). */
export function htmlReport(runs: readonly InteropRun[], title = "Interop report"): string {
  const ordered = failuresFirst(runs);
  const csp = `default-src 'none'; style-src ${sha256(STYLE)}; img-src data:; base-uri 'none'; form-action 'none'`;
  const passed = runs.filter((r) => r.passed).length;
  const summaryRows = ordered.map((run, i) => {
    const failed = failedChecks(run).length;
    return `<tr class="${run.passed ? "pass" : "fail"}"><td><a href="#r${i}">${escapeHtml(run.scenario)}</a></td><td>${escapeHtml(run.title)}</td><td>${escapeHtml(players(run))}</td><td>${verdict(run.passed)}</td><td>${run.checks.length - failed}/${run.checks.length}</td><td>${run.transcript.length}</td><td>${(run.durationMs / 1000).toFixed(1)} s</td></tr>`;
  });
  const failureRows = ordered.flatMap((run, i) =>
    failedChecks(run).map(
      (c) =>
        `<tr class="fail"><td>${escapeHtml(run.scenario)}</td><td><code>${escapeHtml(c.rule)}</code></td><td>${escapeHtml(c.step)}</td><td>${escapeHtml(c.message)}</td><td>${entryLinks(i, c)}</td></tr>`,
    ),
  );
  const sections = ordered.map((run, i) => runSection(run, i));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p id="verdict" class="${passed === runs.length ? "pass" : "fail"}">${passed} of ${runs.length} scenario${runs.length === 1 ? "" : "s"} passed.</p>
<table id="runs">
<tr><th>Scenario</th><th>Title</th><th>Players</th><th>Verdict</th><th>Checks passed</th><th>Messages</th><th>Duration</th></tr>
${summaryRows.join("\n")}
</table>
${
  failureRows.length
    ? `<h2 id="failures">Failures</h2>
<table>
<tr><th>Scenario</th><th>Rule</th><th>Step</th><th>What was expected, what came</th><th>Messages</th></tr>
${failureRows.join("\n")}
</table>`
    : ""
}
${sections.join("\n")}
<footer><p>Written by transactive interop. Rules: docs/interop.md.</p></footer>
</body>
</html>
`;
}

function runSection(run: InteropRun, i: number): string {
  const checks = [...failedChecks(run), ...run.checks.filter((c) => c.ok)];
  const byEntry = new Map<number, CheckResult[]>();
  for (const c of run.checks)
    for (const seq of c.entries ?? []) byEntry.set(seq, [...(byEntry.get(seq) ?? []), c]);
  const checkRows = checks.map(
    (c) =>
      `<tr class="${c.ok ? "pass" : "fail"}"><td>${verdict(c.ok)}</td><td><code>${escapeHtml(c.rule)}</code></td><td>${escapeHtml(c.step)}</td><td>${escapeHtml(c.message)}</td><td>${entryLinks(i, c)}</td></tr>`,
  );
  const messages = run.transcript.map((e) => {
    const verdicts = byEntry.get(e.seq) ?? [];
    const bad = verdicts.some((c) => !c.ok);
    const http =
      e.direction === "request"
        ? `${e.http.method ?? "POST"} ${e.http.path ?? ""}`
        : `HTTP ${e.http.status ?? "?"}`;
    const head = `#${e.seq} ${e.at} ${e.from} → ${e.to} ${http} ${e.payload ?? ""}${e.inReplyTo !== undefined ? ` (answers #${e.inReplyTo})` : ""}${e.step ? ` [${e.step}]` : ""}`;
    const list = verdicts.length
      ? `<ul class="verdicts">${verdicts.map((c) => `<li>${verdict(c.ok)} <code>${escapeHtml(c.rule)}</code>: ${escapeHtml(c.message)}</li>`).join("")}</ul>`
      : "";
    return `<details id="${anchor(i, e.seq)}"${bad ? ' class="fail" open' : ""}><summary>${bad ? "✗ " : ""}${escapeHtml(head)}</summary>${list}<pre>${escapeHtml(prettyXml(e.body))}</pre></details>`;
  });
  const logs = Object.entries(run.logs ?? {}).map(
    ([role, text]) => `<h4>${escapeHtml(role)}</h4><pre>${escapeHtml(text ?? "")}</pre>`,
  );
  return `<section id="r${i}">
<h2>${verdict(run.passed)} ${escapeHtml(run.scenario)}: ${escapeHtml(run.title)}</h2>
<p>Players: ${escapeHtml(players(run))}. Started ${escapeHtml(run.startedAt)}, ${(run.durationMs / 1000).toFixed(1)} s.</p>
<h3>Checks</h3>
<table>
<tr><th>Verdict</th><th>Rule</th><th>Step</th><th>Message</th><th>Messages</th></tr>
${checkRows.join("\n")}
</table>
<h3>Transcript</h3>
${messages.join("\n")}
${logs.length ? `<h3>Process output</h3>\n${logs.join("\n")}` : ""}
</section>`;
}
