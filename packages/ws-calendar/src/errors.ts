/** Resolution problems as data: a code, the path of the component at fault, and a message. */
export type ResolutionCode =
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
  | "no-intervals";

/** Same shape as @transactive/codec's Issue (code, path, message), with semantic codes. */
export interface ResolutionIssue {
  readonly code: ResolutionCode;
  readonly path: string;
  readonly message: string;
}

/** Thrown by `resolve` and the adapters; `issues` holds every problem found. */
export class ResolutionError extends Error {
  override readonly name = "ResolutionError";
  readonly issues: readonly ResolutionIssue[];
  constructor(issues: readonly ResolutionIssue[]) {
    super(issues.map((i) => `${i.path || "/"}: ${i.message}`).join("; "));
    this.issues = issues;
  }
}

export function fail(code: ResolutionCode, path: string, message: string): never {
  throw new ResolutionError([{ code, path, message }]);
}
