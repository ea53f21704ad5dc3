/**
 * Exponential backoff with full jitter (the AWS architecture blog's "full jitter"): the n-th retry
 * waits a random time in [0, min(max, base * 2^n)], so many VENs that lost the same VTN do not
 * come back in step.
 */

/** The backoff's limits, ms. */
export interface BackoffOptions {
  /** the ceiling of the first retry's wait (default 1 000) */
  readonly baseMs?: number;
  /** the largest wait (default 60 000) */
  readonly maxMs?: number;
  /** a random number in [0, 1) (default Math.random); injectable for tests */
  readonly random?: () => number;
}

/** How long to wait before retry number `attempt` (0 for the first retry), ms. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 1_000;
  const max = options.maxMs ?? 60_000;
  const ceiling = Math.min(max, base * 2 ** Math.min(attempt, 30));
  // never 0: a floor of a tenth of the ceiling keeps a failing peer from being hammered
  const random = (options.random ?? Math.random)();
  return Math.round(ceiling / 10 + random * ceiling * 0.9);
}
