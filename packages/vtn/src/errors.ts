/**
 * The one error of this package: what was refused, why, and where. `path` is a JSON pointer into
 * the input the operator gave (an event description, an admin request body) or an XPath-like path
 * into a decoded payload, so a bad file or request names the exact place to fix.
 */

/** Why an operator input or action was refused. */
export type VtnErrorCode =
  /** an event file or description that is not a valid event */
  | "invalid-event"
  /** an admin request whose body or parameters are wrong */
  | "invalid-request"
  /** no such event, VEN, report or report request */
  | "not-found"
  /** the action conflicts with the current state (cancelled event, unregistered VEN…) */
  | "conflict"
  /** no sampling rate the VEN offered admits the requested one */
  | "no-sampling-rate";

/** One refused input or action. */
export class VtnError extends Error {
  override readonly name = "VtnError";
  /** what kind of refusal */
  readonly code: VtnErrorCode;
  /** where in the input the problem is ("" for the input as a whole) */
  readonly path: string;
  /** further reasons (e.g. one per report description that does not admit a sampling rate) */
  readonly reasons: readonly string[];

  constructor(code: VtnErrorCode, message: string, path = "", reasons: readonly string[] = []) {
    super(path ? `${path}: ${message}` : message);
    this.code = code;
    this.path = path;
    this.reasons = reasons;
  }
}
