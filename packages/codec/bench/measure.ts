/**
 * Timing with process.hrtime.bigint. The cases of a set are measured interleaved: each round runs
 * one batch (~50 ms) of every case in turn, so a change in machine load hits baseline and ours
 * alike. Throughput is the median over rounds; a ratio is the median of the per-round ratios of
 * CPU time per operation.
 * The process's CPU time per batch (process.cpuUsage) is kept too, for comparisons with child
 * processes (xmllint) whose CPU time is all that can be read.
 */

export interface Measurement {
  /** operations per second, median over rounds */
  readonly opsPerSec: number;
  readonly msPerOp: number;
  /** CPU time (user+sys of the whole process, GC threads included) per operation, median over rounds */
  readonly cpuMsPerOp: number;
  /** operations per second of each round */
  readonly rounds: readonly number[];
  /** CPU ms per operation of each round */
  readonly cpuRounds: readonly number[];
  readonly iterations: number;
}

/** Written to so the engine cannot drop the measured work as dead code. */
export let sink: unknown;

/**
 * A full collection between batches only when BENCH_FORCE_GC=1 (and node runs with --expose-gc).
 * Off by default: a forced mark-compact leaves sweeping to helper threads, whose CPU lands in the
 * next measured batch (process.cpuUsage counts every thread), so it inflated the cost of the code
 * measured after it several times over (readXml on the corpus: 9 µs/message in a plain loop, 29 µs
 * with a forced GC before each batch). The garbage a case makes is still collected, and counted,
 * by the collections it triggers itself.
 */
const gc = process.env.BENCH_FORCE_GC === "1" ? (globalThis as { gc?: () => void }).gc : undefined;
const now = (): bigint => process.hrtime.bigint();
const ms = (ns: bigint): number => Number(ns) / 1e6;
const BATCH_MS = 50;
const MIN_ROUNDS = 5;

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1
    ? (s[mid] as number)
    : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * Ratio of throughputs a/b, the median over rounds measured side by side, from CPU time per
 * operation: on a loaded machine a batch's wall time is mostly waiting for a core (one op of
 * 1 ms CPU was seen to take 250 ms wall at load average 25 on 2 cores), its CPU time is not.
 */
export function ratio(a: Measurement, b: Measurement): number {
  const n = Math.min(a.cpuRounds.length, b.cpuRounds.length);
  const rs: number[] = [];
  for (let i = 0; i < n; i++) rs.push((b.cpuRounds[i] as number) / (a.cpuRounds[i] as number));
  return median(rs);
}

/**
 * Warms up every case for `warmupMs`, then runs rounds until each case has had about `budgetMs`
 * of measured time (and at least MIN_ROUNDS rounds).
 */
export function measureAll(
  runs: readonly (() => unknown)[],
  budgetMs: number,
  warmupMs: number,
): Measurement[] {
  const batch = runs.map((run) => {
    let n = 0;
    const w0 = now();
    do {
      sink = run();
      n++;
    } while (ms(now() - w0) < warmupMs || n < 3);
    return Math.max(1, Math.round(BATCH_MS / (ms(now() - w0) / n)));
  });
  const rounds = runs.map((): number[] => []);
  const cpu = runs.map((): number[] => []);
  let spent = 0;
  while (spent < budgetMs * runs.length || (rounds[0]?.length ?? 0) < MIN_ROUNDS) {
    runs.forEach((run, k) => {
      const size = batch[k] as number;
      gc?.();
      const c0 = process.cpuUsage();
      const b0 = now();
      for (let i = 0; i < size; i++) sink = run();
      const elapsed = ms(now() - b0);
      const c = process.cpuUsage(c0);
      cpu[k]?.push((c.user + c.system) / 1000 / size);
      spent += elapsed;
      rounds[k]?.push(size / (elapsed / 1000));
    });
  }
  return rounds.map((rates, k) => {
    const opsPerSec = median(rates);
    return {
      opsPerSec,
      msPerOp: 1000 / opsPerSec,
      cpuMsPerOp: median(cpu[k] as number[]),
      rounds: rates,
      cpuRounds: cpu[k] as number[],
      iterations: rates.length * (batch[k] as number),
    };
  });
}
