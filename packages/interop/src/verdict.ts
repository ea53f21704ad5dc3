/**
 * What every check shares: the rule IDs, the context, the verdict constructor and how transcript
 * entries are named in messages.
 */

import type { XsdVerdict } from "@transactive/conformance";
import type { NonceStore } from "@transactive/ei-node";
import { readMessage } from "./message.js";
import type { CheckResult, ExpectResponse, InteropProfile, TranscriptEntry } from "./types.js";

/** The rule IDs, as they appear in reports (docs/interop.md describes each). */
export const RULES = [
  "conformance",
  "payload-type",
  "response-code",
  "request-id-echo",
  "ven-id",
  "registration-first",
  "modification-number",
  "created-event",
  "opt-reference",
  "report-request",
  "update-report",
  "signature",
] as const;

/** One rule ID. */
export type RuleId = (typeof RULES)[number];

/** What the checks need to know besides the messages. */
export interface CheckContext {
  readonly profile: InteropProfile;
  /** every message must carry a valid XML Signature (the scenario's or the run's `signed`) */
  readonly signed?: boolean;
  /** trust anchors (PEM CA certificates) a signer's certificate must chain to */
  readonly trustedCertificates?: readonly (string | Buffer)[];
  /** XSD verdicts per transcript seq (see `xsdVerdicts`); absent: the XSD part is not run */
  readonly xsd?: ReadonlyMap<number, XsdVerdict>;
  /** what the current step expects of an answer (checkExchange) */
  readonly expect?: ExpectResponse;
  /** the step's name, for verdicts about entries the runner did not tag */
  readonly step?: string;
  /** a venID the VEN holds before the transcript begins (a scenario starting registered) */
  readonly venID?: string;
  /**
   * how far an oadrUpdateReport interval may be from the requested granularity, as a fraction of
   * it (default 0.1); at least 1 s either way is always allowed for clocks and rounding
   */
  readonly granularityTolerance?: number;
  /**
   * any object standing for the run: the ReplayProtect nonces seen are kept per run object (or per
   * context when absent), so contexts made per step still share them
   */
  readonly run?: object;
  /** ReplayProtect nonces seen in this run (default: kept per `run`, by message) */
  readonly nonces?: NonceStore;
  /**
   * seqs of the requests the harness sent in a real player's name (a step's `inject`): the player
   * does not know of them (e.g. a cancellation of its registration it never sent)
   */
  readonly injected?: ReadonlySet<number>;
  /**
   * seqs of the VEN's requests sent while it held no registration (`unregisteredRequests`): a 463
   * answer to one of them is right when no step expects another code
   */
  readonly unregistered?: ReadonlySet<number>;
}

/** default CheckContext.granularityTolerance */
export const DEFAULT_TOLERANCE = 0.1;

const stepOf = (entries: readonly (TranscriptEntry | undefined)[], ctx: CheckContext): string =>
  entries.find((e) => e?.step)?.step ?? ctx.step ?? "";

/** A verdict about some entries (the step taken from the first entry that has one). */
export const result = (
  rule: RuleId,
  ok: boolean,
  message: string,
  entries: readonly (TranscriptEntry | undefined)[],
  ctx: CheckContext,
): CheckResult => {
  const seqs = entries.filter((e): e is TranscriptEntry => e !== undefined).map((e) => e.seq);
  return { rule, step: stepOf(entries, ctx), ok, message, entries: seqs };
};

/** How an entry is named in a message: "#7 oadrDistributeEvent (vtn -> ven)". */
export function describeEntry(entry: TranscriptEntry): string {
  const read = readMessage(entry);
  const name = read.element ?? entry.payload ?? `HTTP ${entry.http.status ?? entry.http.method}`;
  return `#${entry.seq} ${name} (${entry.from} -> ${entry.to})`;
}

/** A value as a message shows it: JSON, or "none". */
export const quote = (v: unknown): string => (v === undefined ? "none" : JSON.stringify(v));

/** Messages a VTN hands over in an oadrPoll answer or pushes (requests of its own). */
export const VTN_REQUESTS = new Set([
  "oadrDistributeEvent",
  "oadrCreateReport",
  "oadrRegisterReport",
  "oadrCancelReport",
  "oadrRequestReregistration",
  "oadrCancelPartyRegistration",
]);
