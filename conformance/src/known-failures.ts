/**
 * The known-failures list (conformance/known-failures.txt): one case id per line with a "# reason",
 * blank lines and whole-line comments allowed. A run fails on a failure not listed, on a listed case
 * that now passes, and on a listed id that no case has, so the list stays exact.
 */
import type { CaseResult } from "./run.js";

export interface KnownFailure {
  readonly id: string;
  readonly reason: string;
  readonly line: number;
}

/** Parses the list; throws naming the line for an entry without a reason or listed twice. */
export function parseKnownFailures(text: string, file = "known-failures.txt"): KnownFailure[] {
  const out: KnownFailure[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const m = /^(\S+)\s+#\s*(\S.*)$/.exec(line);
    if (!m)
      throw new Error(
        `${file}:${i + 1}: expected "<case id> # <reason>", got ${JSON.stringify(line)}`,
      );
    const id = m[1] as string;
    if (seen.has(id)) throw new Error(`${file}:${i + 1}: ${id} is listed twice`);
    seen.add(id);
    out.push({ id, reason: m[2] as string, line: i + 1 });
  });
  return out;
}

export type Outcome =
  | "pass"
  | "fail" // a failure not on the list
  | "known-failure" // listed and still failing
  | "fixed"; // listed but passing now: remove it from the list

export interface Scored extends CaseResult {
  readonly outcome: Outcome;
  /** the list's reason, for listed cases */
  readonly known?: string;
}

export interface Score {
  readonly results: readonly Scored[];
  /** listed ids that no case has */
  readonly stale: readonly KnownFailure[];
  /** true when at least one case ran, every required case passed or is a listed known failure, and the list is exact */
  readonly ok: boolean;
}

export function score(results: readonly CaseResult[], known: readonly KnownFailure[] = []): Score {
  const listed = new Map(known.map((k) => [k.id, k]));
  const scored = results.map((r): Scored => {
    const k = listed.get(r.case.id);
    if (k === undefined) return { ...r, outcome: r.passed ? "pass" : "fail" };
    return { ...r, outcome: r.passed ? "fixed" : "known-failure", known: k.reason };
  });
  const ids = new Set(results.map((r) => r.case.id));
  const stale = known.filter((k) => !ids.has(k.id));
  // a run with no case proves nothing: never conformant (e.g. an install without the case folders)
  const ok =
    results.length > 0 &&
    stale.length === 0 &&
    scored.every(
      (r) =>
        r.outcome === "pass" ||
        r.outcome === "known-failure" ||
        (r.outcome === "fail" && r.case.level !== "required"),
    );
  return { results: scored, stale, ok };
}
