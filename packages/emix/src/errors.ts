/**
 * EMIX rule errors as data, in the shape of @transactive/codec's Issue: a code, the path where the
 * problem is ("/"-separated property names from the value given, array positions as [i], as the codec writes them) and a message.
 */
export type EmixIssueCode =
  | "bad-decimal" // not an exact decimal (or an INF/NaN float where a number is needed)
  | "division-by-zero"
  | "not-terminating" // an exact result that has no finite decimal form: round it explicitly
  | "incompatible-items" // arithmetic across items of different kinds (power + energy, W + V)
  | "unknown-item" // an item element this package does not know
  | "item-units" // itemUnits/itemDescription not what the item's type fixes
  | "bad-scale" // not an SI scale code
  | "bad-currency" // not an ISO 4217 alpha code of the clm5ISO42173A list
  | "currency-mismatch"
  | "bad-duration" // not an xs:duration, zero or negative
  | "bad-date" // not a dateTime, or a date/time form that cannot anchor an interval
  | "missing" // a value a rule needs is absent
  | "interval-outside-schedule"
  | "duplicate-uid"
  | "bad-option" // an option whose parts do not fit together
  | "not-supported"; // a part of the standard this package does not compute yet

export interface EmixIssue {
  readonly code: EmixIssueCode;
  readonly path: string;
  readonly message: string;
  /** the offending input, shortened */
  readonly input?: string;
}

export class EmixError extends Error {
  override readonly name = "EmixError";
  readonly issues: readonly EmixIssue[];
  constructor(issues: readonly EmixIssue[]) {
    super(issues.map(formatEmixIssue).join("\n"));
    this.issues = issues;
  }
  get code(): EmixIssueCode {
    return (this.issues[0] as EmixIssue).code;
  }
  get path(): string {
    return (this.issues[0] as EmixIssue).path;
  }
}

export function emixError(
  code: EmixIssueCode,
  path: string,
  message: string,
  input?: unknown,
): EmixError {
  const issue: EmixIssue =
    input === undefined
      ? { code, path, message }
      : { code, path, message, input: shorten(String(input)) };
  return new EmixError([issue]);
}

export function formatEmixIssue(i: EmixIssue): string {
  return `${i.path || "/"}: ${i.message}`;
}

function shorten(s: string, max = 80): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** Appends a property or index to a path. */
export function at(path: string, key: string | number): string {
  return typeof key === "number" ? `${path}[${key}]` : `${path}/${key}`;
}
