/** Resolution problems: issues of @transactive/codec's one Issue type, with the resolution codes listed there. */
import { CodecError, type IssueCode, type IssueOf, makeIssue } from "@transactive/codec";

/** The codes `resolve` and the adapters report. */
export type ResolutionCode = Extract<
  IssueCode,
  | "unknown-uid"
  | "duplicate-uid"
  | "relation-cycle"
  | "lineage-cycle"
  | "conflicting-times"
  | "two-designated-intervals"
  | "partition-mismatch"
  | "unbound"
  | "missing-duration"
  | "bad-duration"
  | "bad-date-time"
  | "bad-time-zone"
  | "bad-relation"
  | "not-supported"
  | "no-intervals"
>;

/** A resolution issue: the codec's Issue narrowed to the resolution codes. */
export type ResolutionIssue = IssueOf<ResolutionCode>;

/** Thrown by `resolve` and the adapters (`instanceof CodecError` holds); `issues` holds every problem found. */
export class ResolutionError extends CodecError {
  override name = "ResolutionError";
}

export function fail(code: ResolutionCode, path: string, message: string): never {
  throw new ResolutionError([makeIssue(code, path, message)]);
}
