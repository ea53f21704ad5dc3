/**
 * Market errors: issues of @transactive/codec's one Issue type (code, path, message, input), so a
 * caller handles market refusals with the same `switch (issue.code)` as every other problem of
 * the project. The path names where the problem is: "/price" of an order, "/buyers[3]/quantity"
 * of a clearing case.
 */
import { CodecError, type IssueCode, type IssueOf, makeIssue, shorten } from "@transactive/codec";

/** The codes market functions report. */
export type MarketIssueCode = Extract<
  IssueCode,
  | "bad-price"
  | "bad-quantity"
  | "bad-order"
  | "duplicate-order"
  | "unknown-order"
  | "overflow"
  | "gate-closed"
  | "bad-duration"
  | "bad-currency"
  | "bad-option"
  | "bad-value"
  | "missing"
  | "bad-json"
  | "not-supported"
>;

/** A market issue: the codec's Issue narrowed to the market codes. */
export type MarketIssue = IssueOf<MarketIssueCode>;

/** A CodecError raised by the market (`instanceof CodecError` holds). Nothing is stored when one is thrown. */
export class MarketError extends CodecError {
  override name = "MarketError";
}

/** One MarketError with one issue. */
export function marketError(
  code: MarketIssueCode,
  path: string,
  message: string,
  input?: unknown,
): MarketError {
  return new MarketError([
    makeIssue(code, path, message, input === undefined ? {} : { input: shorten(String(input)) }),
  ]);
}
