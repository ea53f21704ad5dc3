/**
 * Errors of the EI binding: codec Issues (code, path, message) like every other refusal of the
 * project, where the path is the place in the EI message ("/eiCreateTender/eiTender[0]/product/
 * temixPower/price/value"). On the wire a refusal is an EI response: `faultOf` maps an issue code to
 * the EI fault reason (responseCode) and keeps the code and path in the responseDescription.
 */
import { CodecError, type IssueCode, type IssueOf, makeIssue, shorten } from "@transactive/codec";
import { EiFault, type FaultReason } from "@transactive/ei";

/** The codes the binding reports (besides the market's own, which pass through). */
export type EiBindingIssueCode = Extract<
  IssueCode,
  | "bad-price"
  | "bad-quantity"
  | "bad-order"
  | "duplicate-order"
  | "unknown-order"
  | "gate-closed"
  | "bad-currency"
  | "currency-mismatch"
  | "item-units"
  | "bad-date-time"
  | "bad-duration"
  | "interval-outside-schedule"
  | "bad-value"
  | "missing"
  | "not-supported"
  | "bad-option"
  | "overflow"
  | "transport"
>;

/** A binding issue: the codec's Issue narrowed to the binding's codes. */
export type EiBindingIssue = IssueOf<EiBindingIssueCode>;

/**
 * A refusal by the EI binding (`instanceof CodecError` holds): a tender that does not fit the
 * market, or an answer a remote market gave that the binding cannot use. Nothing is stored when
 * one is thrown.
 */
export class EiBindingError extends CodecError {
  override name = "EiBindingError";
}

/** One EiBindingError with one issue. */
export function bindingError(
  code: EiBindingIssueCode,
  path: string,
  message: string,
  input?: unknown,
): EiBindingError {
  return new EiBindingError([
    makeIssue(code, path, message, input === undefined ? {} : { input: shorten(String(input)) }),
  ]);
}

const REASONS: Partial<Record<IssueCode, FaultReason>> = {
  "gate-closed": "notAllowed",
  "duplicate-order": "notAllowed",
  "unknown-order": "invalidId",
  "not-supported": "notSupported",
};

/**
 * The EI fault of a refusal: gate-closed and duplicate-order → notAllowed (409), unknown-order →
 * invalidId (404), not-supported → notSupported (501), every other code → invalidData (400). The
 * message starts with the issue code in brackets so a party can tell refusals apart by data.
 */
export function faultOf(error: unknown, fallbackPath = ""): EiFault {
  if (error instanceof EiFault) return error;
  if (error instanceof CodecError) {
    const issue = error.issues[0];
    if (issue !== undefined)
      return new EiFault(
        REASONS[issue.code] ?? "invalidData",
        `[${issue.code}] ${issue.message}`,
        issue.path || fallbackPath,
      );
  }
  return new EiFault("internal", `the market failed: ${(error as Error)?.message}`, fallbackPath);
}
