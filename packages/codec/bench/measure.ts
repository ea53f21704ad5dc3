/** Timing: warm up, size batches to ~100 ms, run batches for the budget, keep the median. */

export interface Measurement {
  /** operations per second, median over batches */
  readonly opsPerSec: number;
  readonly msPerOp: number;
  readonly batches: number;
  readonly iterations: number;
}

/** Written to so the engine cannot drop the measured work as dead code. */
export let sink: unknown;

const now = (): bigint => process.hrtime.bigint();
const ms = (ns: bigint): number => Number(ns) / 1e6;

/** `gc` when node runs with --expose-gc (the bench script passes it), so cases start alike. */
const gc = (globalThis as { gc?: () => void }).gc;

export function measure(run: () => unknown, budgetMs: number, warmupMs: number): Measurement {
  gc?.();
  // Warm-up, which also estimates the cost of one operation.
  let n = 0;
  const w0 = now();
  do {
    sink = run();
    n++;
  } while (ms(now() - w0) < warmupMs || n < 3);
  const perOp = ms(now() - w0) / n;
  const batchSize = Math.max(1, Math.round(100 / perOp));

  const rates: number[] = [];
  let iterations = 0;
  const t0 = now();
  while (ms(now() - t0) < budgetMs || rates.length < 5) {
    const b0 = now();
    for (let i = 0; i < batchSize; i++) sink = run();
    rates.push(batchSize / (ms(now() - b0) / 1000));
    iterations += batchSize;
  }
  rates.sort((a, b) => a - b);
  const mid = rates.length >> 1;
  const opsPerSec =
    rates.length % 2 === 1
      ? (rates[mid] as number)
      : ((rates[mid - 1] as number) + (rates[mid] as number)) / 2;
  return { opsPerSec, msPerOp: 1000 / opsPerSec, batches: rates.length, iterations };
}
