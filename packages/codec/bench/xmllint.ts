/**
 * The libxml2 baseline: `xmllint --noout` parsing the corpus files (the same bytes our rows
 * read), timed as child processes by their CPU (user+sys).
 *
 * Method: BENCH_XMLLINT_RUNS rounds (default 10), each running `xmllint --noout <files>` (one
 * parse of each file, plus process start-up) and `xmllint --noout --repeat <files>` (100 parses
 * of each file, plus the same start-up). The CPU of the children is read from this process's
 * /proc/self/stat (cutime + cstime of waited-for children, in clock ticks) before and after each
 * kind's runs, so the total over all rounds is exact to one tick. Per message:
 * (CPU(repeat) - CPU(single)) / (99 x files): start-up and the one common parse cancel out.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

export interface XmllintResult {
  /** CPU microseconds per message parse, start-up excluded */
  readonly usPerMessage: number;
  /** CPU ms of one `--noout` run over all the files (start-up + one parse each) */
  readonly singleMs: number;
  /** CPU ms of one `--noout --repeat` run */
  readonly repeatMs: number;
  readonly runs: number;
  readonly version: string;
}

const REPEAT = 100;

/** Ticks per second of /proc times (sysconf CLK_TCK); 100 on Linux unless getconf says otherwise. */
function ticksPerSecond(): number {
  const r = spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" });
  const n = Number(String(r.stdout).trim());
  return r.status === 0 && n > 0 ? n : 100;
}

/** CPU ms used so far by this process's waited-for children, or undefined without /proc. */
function childrenCpuMs(tick: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync("/proc/self/stat", "utf8");
  } catch {
    return undefined;
  }
  // fields after "(comm)": state is field 3; cutime and cstime are fields 16 and 17
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / tick;
}

/** The per-message cost, or why the row is skipped. */
export function measureXmllint(files: readonly string[], runs: number): XmllintResult | string {
  const probe = spawnSync("xmllint", ["--version"], { encoding: "utf8" });
  if (probe.error !== undefined || probe.status !== 0)
    return "skipped: xmllint (libxml2) is not installed";
  const tick = ticksPerSecond();
  if (childrenCpuMs(tick) === undefined)
    return "skipped: no /proc/self/stat to read the CPU time of child processes";
  const version = String(probe.stderr).split("\n")[0]?.trim() ?? "xmllint";
  let single = 0;
  let repeat = 0;
  const run = (args: string[]): number => {
    const before = childrenCpuMs(tick) as number;
    const r = spawnSync("xmllint", args, { stdio: ["ignore", "ignore", "pipe"] });
    if (r.status !== 0)
      throw new Error(
        `xmllint ${args[1]} exited with ${r.status}: ${String(r.stderr).slice(0, 300)}`,
      );
    return (childrenCpuMs(tick) as number) - before;
  };
  for (let k = 0; k < runs; k++) {
    single += run(["--noout", ...files]);
    repeat += run(["--noout", "--repeat", ...files]);
  }
  const singleMs = single / runs;
  const repeatMs = repeat / runs;
  return {
    usPerMessage: ((repeatMs - singleMs) * 1000) / ((REPEAT - 1) * files.length),
    singleMs,
    repeatMs,
    runs,
    version,
  };
}
