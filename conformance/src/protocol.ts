/**
 * The testee protocol: line-delimited JSON over a child process's stdin/stdout (docs/conformance.md).
 * The runner writes one request per line; the testee answers each with one line carrying the same
 * id, in any order. Whatever the testee writes to stderr is kept for the report, never parsed.
 */

/** What the runner asks. Document inputs are XML text, except `encode`, which takes the JSON form. */
export type Operation =
  | "decode" // XML text -> JSON form (docs/json-mapping.md)
  | "encode" // JSON form -> XML text
  | "validate" // XML text -> accepted (any output) or rejected
  | "resolve" // WS-Calendar: xCal XML -> the resolved schedule
  | "amount" // EMIX: XML -> the computed quantities and amounts
  | "respond"; // EI: request XML -> the response a conformant service gives (JSON form)

export const OPERATIONS: readonly Operation[] = [
  "decode",
  "encode",
  "validate",
  "resolve",
  "amount",
  "respond",
];

export interface TesteeRequest {
  readonly id: string;
  readonly operation: Operation;
  /** the wire profile of the XML form: openadr2b, openadr2a, cts or xcal */
  readonly profile: string;
  readonly input: unknown;
  /**
   * EI scenarios: requests with the same session go, in order, to one service instance that keeps
   * its state (registrations, tenders…) from one request to the next. Absent: a fresh instance.
   */
  readonly session?: string;
}

/**
 * One line from the testee: exactly one of output, reject (the input is not conformant), unsupported
 * (the testee does not implement this) and error (the testee failed; never counts as a rejection).
 */
export type TesteeResponse =
  | { readonly id: string; readonly output: unknown }
  | { readonly id: string; readonly reject: { readonly reason: string; readonly path?: string } }
  | { readonly id: string; readonly unsupported: string }
  | { readonly id: string; readonly error: string };

/** What became of one request, as the runner sees it. */
export type Answer =
  | { readonly kind: "output"; readonly output: unknown }
  | { readonly kind: "reject"; readonly reason: string; readonly path?: string }
  | { readonly kind: "unsupported"; readonly reason: string }
  | { readonly kind: "error"; readonly reason: string }; // protocol violation, crash, timeout

/** Checks one parsed line; returns the problem, or undefined when it is a well-formed response. */
export function responseProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return "a response must be a JSON object";
  const r = value as Record<string, unknown>;
  if (typeof r.id !== "string") return 'a response needs a string "id"';
  const keys = ["output", "reject", "unsupported", "error"].filter((k) => k in r);
  if (keys.length !== 1)
    return `a response needs exactly one of "output", "reject", "unsupported", "error" (got ${keys.length === 0 ? "none" : keys.join(", ")})`;
  if ("reject" in r) {
    const reject = r.reject as Record<string, unknown> | null;
    if (typeof reject !== "object" || reject === null || typeof reject.reason !== "string")
      return '"reject" must be an object with a string "reason"';
  }
  if ("unsupported" in r && typeof r.unsupported !== "string")
    return '"unsupported" must be a string (the reason)';
  if ("error" in r && typeof r.error !== "string") return '"error" must be a string (the reason)';
  return undefined;
}

export function toAnswer(response: TesteeResponse): Answer {
  if ("output" in response) return { kind: "output", output: response.output };
  if ("reject" in response) {
    const { reason, path } = response.reject;
    return path === undefined ? { kind: "reject", reason } : { kind: "reject", reason, path };
  }
  if ("unsupported" in response) return { kind: "unsupported", reason: response.unsupported };
  return { kind: "error", reason: `testee error: ${response.error}` };
}
