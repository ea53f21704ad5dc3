/**
 * The one error type of the simulation package: a code to branch on, where the problem is (an
 * option name such as "--interval", or a JSON-pointer-like path into a scenario or an outcome)
 * and a message that says what is wrong and what is allowed.
 */

/** What kind of problem a SimulationError reports. */
export type SimulationErrorCode =
  /** an option is missing, of the wrong type or out of its range */
  | "bad-option"
  /** the seed is not a decimal integer in 0 … 2^64−1 */
  | "bad-seed"
  /** the interval is not an ISO 8601 duration the simulation supports */
  | "bad-interval"
  /** an engine returned an outcome that breaks the model (a negative import, no power balance…) */
  | "bad-outcome"
  /** a value has no finite decimal form, so it cannot be written as an exact decimal string */
  | "not-terminating";

/** A refused input or outcome: `code`, `path` (where) and a message naming the allowed values. */
export class SimulationError extends Error {
  override readonly name = "SimulationError";
  /** what kind of problem */
  readonly code: SimulationErrorCode;
  /** where: an option name ("--agents"), or a path ("/intervals/12/market/gridImport") */
  readonly path: string;
  /** the offending value, when there is one */
  readonly input: unknown;

  constructor(code: SimulationErrorCode, path: string, message: string, input?: unknown) {
    super(path ? `${path}: ${message}` : message);
    this.code = code;
    this.path = path;
    this.input = input;
  }
}
