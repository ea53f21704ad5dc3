/**
 * The harness's data model, shared by the scenario loader, the runner, the checks and the
 * reports. A scenario is data (conformance/interop/*.json, schema scenario.schema.json); a run
 * yields a transcript of every message in both directions and a verdict per check.
 */

/** The two sides of an exchange. OpenADR 2.0b: vtn and ven; CTS: market and agent. */
export type Role = "vtn" | "ven" | "market" | "agent";

/** Wire profiles a scenario can speak. */
export type InteropProfile = "openadr2b" | "cts";

/**
 * Who plays a role in a run:
 * - `ours`: our reference implementation, started by the runner in its own process;
 * - `url`: a third party's running endpoint (a VTN's or market's EI base URL, a VEN's push URL);
 * - `command`: a third party's program the runner starts (it gets the peer's URL in env vars);
 * - `script`: the harness itself sends the scenario's templates in that role's name.
 */
export type Player =
  | { readonly kind: "ours" }
  | { readonly kind: "url"; readonly url: string }
  | { readonly kind: "command"; readonly command: string }
  | { readonly kind: "script" };

/** A message template: XML text (a file next to the scenario, or inline) with ${variable}s. */
export interface MessageTemplate {
  /** file name relative to the scenario file, e.g. "templates/oadrQueryRegistration.xml" */
  readonly file?: string;
  /** inline XML text (one of file or xml) */
  readonly xml?: string;
}

/** What a step expects of the answer to a message (the HTTP response payload). */
export interface ExpectResponse {
  /** payload element name, e.g. "oadrCreatedPartyRegistration" */
  readonly payload: string;
  /** eiResponse/responseCode values accepted (default ["200"]) */
  readonly responseCodes?: readonly string[];
}

/**
 * Values taken from a message for later steps: variable name -> element path, a "/"-separated
 * list of local element names from the payload element (e.g. "ei:venID" written "venID";
 * "eiEvent/eventDescriptor/eventID"; a numeric segment picks the n-th occurrence, 0-based).
 */
export type Captures = Readonly<Record<string, string>>;

/** Timing rules of a step (ISO 8601 durations). */
export interface Timing {
  /** the message must arrive within this time from the step's start (default PT30S) */
  readonly within?: string;
  /** for `await` steps: the harness keeps observing until a matching message or the deadline */
  readonly pollUntil?: boolean;
}

/** A state check on one side's observable state (for ours: the VTN's admin API). */
export interface StateCheck {
  /** which side's state */
  readonly on: Role;
  /** admin API path, with ${variables}, e.g. "/admin/events/${eventID}" */
  readonly get: string;
  /** JSON pointer -> expected JSON value; all must hold */
  readonly expect: Readonly<Record<string, unknown>>;
}

/** An action on a side we control (our VTN's admin API); manual for third-party sides. */
export interface AdminAction {
  readonly on: Role;
  readonly method: "POST" | "GET";
  /** admin API path with ${variables} */
  readonly path: string;
  /** JSON body with ${variables} in strings */
  readonly body?: unknown;
  /** what a person operating a third-party side must do instead (shown when the side is not ours) */
  readonly instruction: string;
  /** variable name -> JSON pointer into the admin answer */
  readonly capture?: Captures;
}

/**
 * One step. Exactly one of `send`, `await`, `admin`, `state`.
 * - `send`: `from` sends `message`. When `from` is played by a real implementation and
 *   `inject` is not true, the harness instead awaits a message of the template's payload type from
 *   it (so one scenario serves scripted and real players). With `inject: true` the harness always
 *   sends the template in `from`'s name (e.g. an oadrCreateOpt our VEN never sends by itself).
 * - `await`: a message of type `payload` from `from`, seen in the transcript (e.g. the VEN's poll
 *   that returns the event; a VTN's push).
 * - `admin`: an action on a side we control; `state`: a check of a side's state.
 */
export interface Step {
  readonly name: string;
  readonly from?: Role;
  readonly send?: MessageTemplate & { readonly inject?: boolean };
  /** the request payload type awaited (and optionally the response payload it must get) */
  readonly await?: { readonly payload: string; readonly response?: string };
  readonly admin?: AdminAction;
  readonly state?: StateCheck;
  readonly expect?: ExpectResponse;
  /** variables from the request sent or seen (`request`) and from its answer (`response`) */
  readonly capture?: { readonly request?: Captures; readonly response?: Captures };
  readonly timing?: Timing;
}

/** A scenario file. */
export interface Scenario {
  readonly name: string;
  readonly title: string;
  readonly profile: InteropProfile;
  /** the two roles, e.g. ["vtn", "ven"] */
  readonly roles: readonly [Role, Role];
  /** initial variables (strings); ${now}, ${uuid} and ${n} (a counter) are always defined */
  readonly variables?: Readonly<Record<string, string>>;
  /** options for our implementations when they play (e.g. vtn: {pollFreq: "PT1S"}, ven: {opt: "never", push: true}) */
  readonly ours?: Partial<Readonly<Record<Role, Readonly<Record<string, unknown>>>>>;
  /** true: every message is signed (XML Signature) and every answer must be signed */
  readonly signed?: boolean;
  readonly steps: readonly Step[];
  /** the file it was read from */
  readonly file?: string;
}

/** One message on the wire, as the harness saw it. */
export interface TranscriptEntry {
  /** sequence number in the run, from 1 */
  readonly seq: number;
  /** ISO timestamp with milliseconds */
  readonly at: string;
  readonly from: Role;
  readonly to: Role;
  /** a request or the answer to request `inReplyTo` */
  readonly direction: "request" | "response";
  readonly inReplyTo?: number;
  /** HTTP method + path for requests, status for responses */
  readonly http: { readonly method?: string; readonly path?: string; readonly status?: number };
  /** payload element local name, when the body decoded */
  readonly payload?: string;
  readonly body: string;
  /** the step that sent or matched it */
  readonly step?: string;
}

/** The verdict of one check. */
export interface CheckResult {
  /** rule ID, e.g. "conformance", "request-id-echo", "modification-number", "signature", "sampling-rate" */
  readonly rule: string;
  readonly step: string;
  readonly ok: boolean;
  /** a clear sentence: what was expected, what came */
  readonly message: string;
  /** transcript entries the check is about */
  readonly entries?: readonly number[];
}

/** The result of one scenario run. */
export interface InteropRun {
  readonly scenario: string;
  readonly title: string;
  readonly players: Readonly<Partial<Record<Role, string>>>;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly transcript: readonly TranscriptEntry[];
  readonly checks: readonly CheckResult[];
  /** true when every check passed */
  readonly passed: boolean;
  /** stderr tails of the processes the runner started, per role */
  readonly logs?: Readonly<Partial<Record<Role, string>>>;
}
