/**
 * EMIX rule errors: issues of @transactive/codec's one Issue type (code, path, message, input),
 * with the EMIX codes listed there. The path is "/"-separated property names from the value given,
 * array positions as [i], as the codec writes them.
 */
import {
  at,
  CodecError,
  type IssueCode,
  type IssueOf,
  makeIssue,
  shorten,
} from "@transactive/codec";

export { at };

/** The codes EMIX rules report. */
export type EmixIssueCode = Extract<
  IssueCode,
  | "bad-decimal"
  | "division-by-zero"
  | "not-terminating"
  | "incompatible-items"
  | "unknown-item"
  | "item-units"
  | "bad-scale"
  | "bad-currency"
  | "currency-mismatch"
  | "bad-duration"
  | "bad-date"
  | "missing"
  | "interval-outside-schedule"
  | "duplicate-uid"
  | "bad-option"
  | "not-supported"
>;

/** An EMIX issue: the codec's Issue narrowed to the EMIX codes. */
export type EmixIssue = IssueOf<EmixIssueCode>;

/** A CodecError raised by an EMIX rule or by exact arithmetic (`instanceof CodecError` holds). */
export class EmixError extends CodecError {
  override name = "EmixError";
}

export function emixError(
  code: EmixIssueCode,
  path: string,
  message: string,
  input?: unknown,
): EmixError {
  return new EmixError([
    makeIssue(code, path, message, input === undefined ? {} : { input: shorten(String(input)) }),
  ]);
}
