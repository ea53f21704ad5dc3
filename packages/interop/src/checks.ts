/**
 * The checks of a transcript: each message on its own (`checkMessage`), each request with its
 * answer (`checkExchange`) and the whole sequence against the OpenADR 2.0b services' state
 * (`checkSequence`). Every verdict names its rule, the transcript entries it is about and, when it
 * fails, what was expected and what came. Messages are read with our codec; sampling rates with the
 * VTN's own negotiation code; signatures with ei-node's verifier, at the time each message was seen.
 */
import type { XsdVerdict } from "@transactive/conformance";
import { operationFor } from "@transactive/ei";
import { type NonceStore, verifyOadrPayload } from "@transactive/ei-node";
import { durationSeconds, type OfferedRate, offeredRates } from "@transactive/vtn";
import {
  anyRequestId,
  at,
  describeIssues,
  eiResponseOf,
  many,
  ownRequestId,
  type ReadMessage,
  readMessage,
  venIdOf,
} from "./message.js";
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
  /** ReplayProtect nonces seen in this run (default: kept per context, by message) */
  readonly nonces?: NonceStore;
}

const DEFAULT_TOLERANCE = 0.1;

const stepOf = (entries: readonly (TranscriptEntry | undefined)[], ctx: CheckContext): string =>
  entries.find((e) => e?.step)?.step ?? ctx.step ?? "";

const result = (
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

const quote = (v: unknown): string => (v === undefined ? "none" : JSON.stringify(v));

// ---------------------------------------------------------------------------------------------
// one message

/** per context: each ReplayProtect nonce seen, with the seq of the message that carried it */
const nonceStores = new WeakMap<CheckContext, Map<string, number>>();

/** `conformance` (codec decode + validation, the XSD verdict when given) and `signature`. */
export function checkMessage(entry: TranscriptEntry, ctx: CheckContext): CheckResult[] {
  const out: CheckResult[] = [];
  const read = readMessage(entry);
  const what = describeEntry(entry);
  const httpError =
    entry.direction === "response" && entry.http.status !== undefined && entry.http.status >= 400;
  if (read.issues.length > 0)
    out.push(
      result(
        "conformance",
        false,
        `${what}: expected a valid ${ctx.profile === "cts" ? "CTS" : "OpenADR 2.0b"} message${
          httpError ? ` (HTTP ${entry.http.status})` : ""
        }; ${describeIssues(read.issues)}`,
        [entry],
        ctx,
      ),
    );
  else if (ctx.profile === "openadr2b" && read.doc?.element !== "oadr:oadrPayload")
    out.push(
      result(
        "conformance",
        false,
        `${what}: OpenADR 2.0b messages travel inside oadr:oadrPayload/oadrSignedObject; this one is a bare ${read.doc?.element}`,
        [entry],
        ctx,
      ),
    );
  else if (ctx.profile === "openadr2b" && read.doc?.profile !== "openadr2b")
    out.push(
      result(
        "conformance",
        false,
        `${what}: expected an OpenADR 2.0b message; it is a ${read.doc?.profile} one`,
        [entry],
        ctx,
      ),
    );
  else {
    const verdict = ctx.xsd?.get(entry.seq);
    if (verdict && !verdict.valid)
      out.push(
        result(
          "conformance",
          false,
          `${what}: our codec reads it but the official XSD refuses it: ${verdict.errors
            .slice(0, 3)
            .map((e) => (e.line ? `line ${e.line}: ${e.message}` : e.message))
            .join("; ")}`,
          [entry],
          ctx,
        ),
      );
    else
      out.push(
        result(
          "conformance",
          true,
          `${what} decodes and validates${verdict ? " (codec and XSD)" : ""}`,
          [entry],
          ctx,
        ),
      );
  }
  if (ctx.signed && ctx.profile === "openadr2b") out.push(signatureOf(entry, read, ctx));
  return out;
}

function signatureOf(entry: TranscriptEntry, read: ReadMessage, ctx: CheckContext): CheckResult {
  const what = describeEntry(entry);
  if (!read.signed)
    return result(
      "signature",
      false,
      entry.direction === "response"
        ? `${what}: expected a signed answer (the exchange is signed); this answer carries no ds:Signature`
        : `${what}: expected a signed message (the exchange is signed); it carries no ds:Signature`,
      [entry],
      ctx,
    );
  if (!ctx.trustedCertificates?.length)
    return result(
      "signature",
      false,
      `${what}: carries a ds:Signature but no trust anchors were given to verify it (--trust-ca)`,
      [entry],
      ctx,
    );
  // a nonce is a replay when another message carried it; checking the same message again is not
  let seen = nonceStores.get(ctx);
  if (!seen) {
    seen = new Map();
    nonceStores.set(ctx, seen);
  }
  const owners = seen;
  const nonces: NonceStore = ctx.nonces ?? {
    has: (nonce) => owners.has(nonce) && owners.get(nonce) !== entry.seq,
    add: (nonce) => owners.set(nonce, entry.seq),
  };
  const verified = verifyOadrPayload(entry.body, {
    trustedCertificates: ctx.trustedCertificates,
    now: new Date(entry.at),
    nonces,
  });
  return verified.ok
    ? result(
        "signature",
        true,
        `${what}: signature verifies (${verified.certificate?.subject.replace(/\n/g, ", ") ?? "trusted key"})`,
        [entry],
        ctx,
      )
    : result(
        "signature",
        false,
        `${what}: expected a valid XML Signature by a trusted certificate; ${describeIssues(verified.issues)}`,
        [entry],
        ctx,
      );
}

// ---------------------------------------------------------------------------------------------
// a request and its answer

/** Messages a VTN hands over in an oadrPoll answer or pushes (requests of its own). */
const VTN_REQUESTS = new Set([
  "oadrDistributeEvent",
  "oadrCreateReport",
  "oadrRegisterReport",
  "oadrCancelReport",
  "oadrRequestReregistration",
  "oadrCancelPartyRegistration",
]);

/** What may answer a pushed message (the catalog has it as one-way). */
const PUSH_ANSWERS: Readonly<Record<string, readonly string[]>> = {
  oadrDistributeEvent: ["oadrCreatedEvent", "oadrResponse"],
  oadrCreateReport: ["oadrCreatedReport"],
  oadrRegisterReport: ["oadrRegisteredReport"],
  oadrCancelReport: ["oadrCanceledReport"],
  oadrRequestReregistration: ["oadrResponse"],
  oadrCancelPartyRegistration: ["oadrCanceledPartyRegistration"],
  oadrUpdateReport: ["oadrUpdatedReport"],
};

function allowedAnswers(ctx: CheckContext, request: string): readonly string[] | undefined {
  if (ctx.expect) return [ctx.expect.payload.replace(/^\w+:/, "")];
  const prefix = ctx.profile === "cts" ? "" : "oadr:";
  const op = operationFor(ctx.profile === "cts" ? "cts" : "openadr2b", `${prefix}${request}`);
  const local = (q: string) => q.replace(/^\w+:/, "");
  const fromCatalog = op?.response
    ? [local(op.response), ...(op.alsoResponds ?? []).map(local)]
    : undefined;
  return fromCatalog ?? PUSH_ANSWERS[request];
}

/**
 * `payload-type`, `response-code`, `request-id-echo` on one exchange, and `signature` for an
 * unsigned answer to a signed request when the run is not signed throughout (a signed run checks
 * every message in checkMessage).
 */
export function checkExchange(
  request: TranscriptEntry,
  response: TranscriptEntry,
  ctx: CheckContext,
): CheckResult[] {
  const out: CheckResult[] = [];
  const req = readMessage(request);
  const res = readMessage(response);
  const pair = [request, response];
  const what = `${describeEntry(response)} answering #${request.seq} ${req.element ?? "?"}`;

  // payload-type
  if (req.element && res.element) {
    const allowed = allowedAnswers(ctx, req.element);
    if (allowed)
      out.push(
        allowed.includes(res.element)
          ? result("payload-type", true, `${what}: ${res.element} as expected`, pair, ctx)
          : result(
              "payload-type",
              false,
              `${what}: expected ${allowed.join(" or ")}, got ${res.element}`,
              pair,
              ctx,
            ),
      );
  } else if (req.element && !res.element && !response.body.trimStart().startsWith("<"))
    out.push(
      result(
        "payload-type",
        false,
        `#${response.seq} answering #${request.seq} ${req.element}: expected ${(
          allowedAnswers(ctx, req.element) ?? ["an OpenADR answer"]
        ).join(
          " or ",
        )}, got ${response.body.trim() === "" ? "an empty body" : "a body that is not one"} (HTTP ${response.http.status ?? "?"})`,
        pair,
        ctx,
      ),
    );

  // response-code
  const status = response.http.status;
  const eiResponse = eiResponseOf(res.value);
  const codes = ctx.expect?.responseCodes ?? ["200"];
  if (status !== undefined && status !== 200 && ctx.profile === "openadr2b")
    out.push(
      result(
        "response-code",
        false,
        `${what}: expected HTTP 200 (OpenADR 2.0b simple HTTP carries outcomes in eiResponse), got HTTP ${status}`,
        pair,
        ctx,
      ),
    );
  else if (eiResponse) {
    const code = eiResponse.responseCode;
    out.push(
      code !== undefined && codes.includes(code)
        ? result("response-code", true, `${what}: responseCode ${code}`, pair, ctx)
        : result(
            "response-code",
            false,
            `${what}: expected responseCode ${codes.join(" or ")}, got ${quote(code)}${
              eiResponse.responseDescription ? ` (${eiResponse.responseDescription})` : ""
            }`,
            pair,
            ctx,
          ),
    );
  }

  // request-id-echo
  if (req.value) {
    const sent = anyRequestId(req.value);
    if (sent === "" && ownRequestId(req.value) === "")
      out.push(
        result(
          "request-id-echo",
          false,
          `${describeEntry(request)}: expected a non-empty requestID (the answer must echo it to be matched); it is empty`,
          pair,
          ctx,
        ),
      );
    else if (sent !== undefined && eiResponse) {
      const echoed = eiResponse.requestID;
      out.push(
        echoed === sent
          ? result("request-id-echo", true, `${what}: echoes requestID ${quote(sent)}`, pair, ctx)
          : result(
              "request-id-echo",
              false,
              `${what}: expected eiResponse/requestID ${quote(sent)} (the request's), got ${quote(echoed)}`,
              pair,
              ctx,
            ),
      );
    }
  }

  // an unsigned answer to a signed request, in a run not signed throughout
  if (!ctx.signed && ctx.profile === "openadr2b" && req.signed && res.element && !res.signed)
    out.push(
      result(
        "signature",
        false,
        `${what}: the request was signed, expected a signed answer; it carries no ds:Signature`,
        pair,
        ctx,
      ),
    );
  return out;
}

// ---------------------------------------------------------------------------------------------
// the sequence

interface EventState {
  modificationNumber: number;
  content: string;
  cancelled: boolean;
  responseRequired: boolean;
  /** modification numbers distributed, with the entry that distributed each */
  distributed: Map<number, TranscriptEntry>;
  answered: Set<number>;
  /** a distribution of it could not be read: its numbers are not all known */
  unreadable?: boolean;
}

interface ReportRequestState {
  reportSpecifierID: string;
  rIDs: readonly string[];
  granularity?: number;
  granularityText?: string;
  cancelled: boolean;
  entry: TranscriptEntry;
}

/** An event's content without what may change without a new modificationNumber. */
function eventContent(oadrEvent: Record<string, unknown>): string {
  const copy = structuredClone(oadrEvent) as Record<string, unknown>;
  const descriptor = at(copy, "eiEvent", "eventDescriptor") as Record<string, unknown> | undefined;
  if (descriptor) {
    delete descriptor.modificationNumber;
    delete descriptor.eventStatus;
    delete descriptor.modificationDateTime;
  }
  for (const signal of many(at(copy, "eiEvent", "eiEventSignals", "eiEventSignal")))
    delete (signal as Record<string, unknown>).currentValue;
  return JSON.stringify(copy);
}

const seconds = (d: unknown): number | undefined =>
  typeof d === "string" ? durationSeconds(d) : undefined;

const rateText = (r: OfferedRate): string =>
  r.text
    ? r.text.min === r.text.max
      ? `only ${r.text.min}`
      : `${r.text.min} to ${r.text.max}`
    : "any period";

/**
 * The rules over the whole transcript: `registration-first`, `ven-id`, `modification-number`,
 * `created-event`, `opt-reference`, `report-request`, `update-report`, and `request-id-echo` for
 * the VEN's answers to what the VTN handed over by oadrPoll. Each failure is one verdict; a rule
 * that had something to check and found nothing wrong gives one passing verdict.
 */
export function checkSequence(
  transcript: readonly TranscriptEntry[],
  ctx: CheckContext,
): CheckResult[] {
  if (ctx.profile !== "openadr2b") return [];
  const failures: CheckResult[] = [];
  const checked = new Map<RuleId, { count: number; entries: number[] }>();
  const saw = (rule: RuleId, entry: TranscriptEntry) => {
    const c = checked.get(rule) ?? { count: 0, entries: [] };
    c.count++;
    if (c.entries.length < 50) c.entries.push(entry.seq);
    checked.set(rule, c);
  };
  const fail = (rule: RuleId, message: string, entries: (TranscriptEntry | undefined)[]) =>
    failures.push(result(rule, false, message, entries, ctx));

  let venID = ctx.venID;
  let registeredAt: TranscriptEntry | undefined;
  let registered = ctx.venID !== undefined;
  const events = new Map<string, EventState>();
  const opts = new Set<string>();
  const offered = new Map<string, { report: Record<string, unknown>; entry: TranscriptEntry }>();
  const reportRequests = new Map<string, ReportRequestState>();
  /** requestIDs of the VTN's own requests still unanswered, with the entry */
  const vtnRequests = new Map<string, TranscriptEntry>();
  const requestOf = new Map<number, TranscriptEntry>();
  for (const e of transcript) if (e.direction === "request") requestOf.set(e.seq, e);

  let unregistered: TranscriptEntry[] | undefined;
  const gaps: TranscriptEntry[][] = [];
  for (const entry of transcript) {
    const read = readMessage(entry);
    const element = read.element;
    const value = read.value;
    if (!element || !value) {
      // the codec refused it (conformance says why); what the sequence needs is read leniently,
      // so one bad message is reported once rather than as every later answer's fault
      if (entry.from === "vtn") {
        scanUndecoded(entry, vtnRequests, events, saw, fail);
        const asked = entry.inReplyTo !== undefined ? requestOf.get(entry.inReplyTo) : undefined;
        const assigned = scrape(entry.body, "venID");
        if (
          asked &&
          readMessage(asked).element === "oadrCreatePartyRegistration" &&
          scrape(entry.body, "responseCode") === "200" &&
          assigned
        ) {
          venID = assigned;
          registered = true;
          registeredAt = entry;
        }
      }
      continue;
    }
    const fromVen = entry.from === "ven";
    const fromVtn = entry.from === "vtn";
    const answered = entry.inReplyTo !== undefined ? requestOf.get(entry.inReplyTo) : undefined;
    const eiResponse = eiResponseOf(value);
    const ok200 = !eiResponse || eiResponse.responseCode === "200";

    // registration-first: a VEN's requests other than registration, and the VTN's own requests,
    // need a registration; one verdict per stretch without one, naming every message in it
    const needsRegistration =
      (fromVen &&
        entry.direction === "request" &&
        element !== "oadrQueryRegistration" &&
        element !== "oadrCreatePartyRegistration") ||
      (fromVtn && VTN_REQUESTS.has(element));
    if (needsRegistration) {
      saw("registration-first", entry);
      if (registered) unregistered = undefined;
      else if (unregistered) unregistered.push(entry);
      else {
        unregistered = [entry];
        gaps.push(unregistered);
      }
    }

    // registration state
    if (element === "oadrCreatedPartyRegistration" && fromVtn && ok200) {
      const assigned = typeof value.venID === "string" ? value.venID : undefined;
      const asked = answered ? readMessage(answered).element : undefined;
      if (assigned && asked === "oadrCreatePartyRegistration") {
        if (venID !== undefined && registered && assigned !== venID) {
          saw("ven-id", entry);
          fail(
            "ven-id",
            `${describeEntry(entry)}: expected venID ${quote(venID)} (the registration held), got ${quote(assigned)}${
              assigned.toLowerCase() === venID.toLowerCase()
                ? ": they differ only in case, and IDs are case-sensitive"
                : ""
            }`,
            [registeredAt, entry],
          );
        }
        venID = assigned;
        registered = true;
        registeredAt = entry;
      }
    }
    if (element === "oadrCanceledPartyRegistration" && ok200) registered = false;

    // ven-id: every venID after the registration is the registered one, exactly
    const carried = venIdOf(value);
    if (
      carried !== undefined &&
      venID !== undefined &&
      element !== "oadrCreatedPartyRegistration"
    ) {
      saw("ven-id", entry);
      if (carried !== venID)
        fail(
          "ven-id",
          `${describeEntry(entry)}: expected venID ${quote(venID)} (as registered${registeredAt ? ` in #${registeredAt.seq}` : ""}), got ${quote(carried)}${
            carried.toLowerCase() === venID.toLowerCase()
              ? ": they differ only in case, and IDs are case-sensitive"
              : ""
          }`,
          [registeredAt, entry],
        );
    }

    // the VTN's own requests (poll answers or pushes) and the VEN's answers to them
    if (fromVtn && VTN_REQUESTS.has(element)) {
      const id = ownRequestId(value);
      if (id !== undefined && id !== "") vtnRequests.set(id, entry);
    }
    const answersVtn =
      fromVen &&
      entry.direction === "request" &&
      [
        "oadrCreatedEvent",
        "oadrCreatedReport",
        "oadrRegisteredReport",
        "oadrCanceledReport",
        "oadrCanceledPartyRegistration",
        "oadrResponse",
      ].includes(element);
    if (answersVtn && eiResponse) {
      saw("request-id-echo", entry);
      const echoed = eiResponse.requestID;
      const original = echoed !== undefined ? vtnRequests.get(echoed) : undefined;
      if (!original)
        fail(
          "request-id-echo",
          `${describeEntry(entry)}: expected eiResponse/requestID to echo the requestID of a message the VTN sent (${
            [...vtnRequests.keys()].slice(-5).map(quote).join(", ") || "none seen"
          }), got ${quote(echoed)}`,
          [entry],
        );
    }

    // events
    if (element === "oadrDistributeEvent" && fromVtn) {
      for (const oadrEvent of many(value.oadrEvent)) {
        const descriptor = at(oadrEvent, "eiEvent", "eventDescriptor") as
          | Record<string, unknown>
          | undefined;
        const eventID = descriptor?.eventID;
        if (typeof eventID !== "string") continue;
        saw("modification-number", entry);
        const n = descriptor?.modificationNumber;
        if (typeof n !== "number") {
          fail(
            "modification-number",
            `${describeEntry(entry)}: event ${quote(eventID)} carries no modificationNumber (expected one, starting at 0 and incremented by the VTN on every change)`,
            [entry],
          );
          continue;
        }
        const content = eventContent(oadrEvent);
        const cancelled = descriptor?.eventStatus === "cancelled";
        const responseRequired =
          (oadrEvent as { oadrResponseRequired?: string }).oadrResponseRequired !== "never";
        const before = events.get(eventID);
        if (before) {
          const previous = before.distributed.get(before.modificationNumber);
          if (n < before.modificationNumber)
            fail(
              "modification-number",
              `${describeEntry(entry)}: event ${quote(eventID)} has modificationNumber ${n}, lower than ${before.modificationNumber} distributed in #${previous?.seq}: it must never decrease`,
              [previous, entry],
            );
          else if (
            n === before.modificationNumber &&
            before.content !== "" &&
            content !== before.content
          )
            fail(
              "modification-number",
              `${describeEntry(entry)}: event ${quote(eventID)} changed since #${previous?.seq} but kept modificationNumber ${n}: a change needs the next number`,
              [previous, entry],
            );
          else if (n > before.modificationNumber && before.cancelled)
            fail(
              "modification-number",
              `${describeEntry(entry)}: event ${quote(eventID)} was cancelled in #${previous?.seq} (modificationNumber ${before.modificationNumber}) and then modified (${n}): a cancelled event must not change`,
              [previous, entry],
            );
          else if (
            n > before.modificationNumber &&
            before.content !== "" &&
            content === before.content &&
            !(cancelled && !before.cancelled)
          )
            fail(
              "modification-number",
              `${describeEntry(entry)}: event ${quote(eventID)} went from modificationNumber ${before.modificationNumber} (#${previous?.seq}) to ${n} without any change: an unchanged event keeps its number`,
              [previous, entry],
            );
          else if (n === before.modificationNumber && cancelled !== before.cancelled)
            fail(
              "modification-number",
              `${describeEntry(entry)}: event ${quote(eventID)} changed its status to ${String(descriptor?.eventStatus)} but kept modificationNumber ${n}: a cancellation needs the next number`,
              [previous, entry],
            );
        }
        if (!before || n >= before.modificationNumber) {
          const state: EventState = before ?? {
            modificationNumber: n,
            content,
            cancelled,
            responseRequired,
            distributed: new Map(),
            answered: new Set(),
          };
          state.modificationNumber = n;
          state.content = content;
          state.cancelled = state.cancelled || cancelled;
          state.responseRequired = responseRequired;
          if (!state.distributed.has(n)) state.distributed.set(n, entry);
          events.set(eventID, state);
        }
      }
    }
    if (element === "oadrCreatedEvent" && fromVen) {
      for (const r of many(at(value, "eiCreatedEvent", "eventResponses", "eventResponse"))) {
        const q = (r as { qualifiedEventID?: { eventID?: string; modificationNumber?: number } })
          .qualifiedEventID;
        if (!q?.eventID) continue;
        saw("created-event", entry);
        const state = events.get(q.eventID);
        if (!state)
          fail(
            "created-event",
            `${describeEntry(entry)}: answers event ${quote(q.eventID)}, which the VTN never distributed${
              events.size ? ` (distributed: ${[...events.keys()].map(quote).join(", ")})` : ""
            }`,
            [entry],
          );
        else if (
          !state.unreadable &&
          (q.modificationNumber === undefined || !state.distributed.has(q.modificationNumber))
        )
          fail(
            "created-event",
            `${describeEntry(entry)}: answers event ${quote(q.eventID)} with modificationNumber ${quote(q.modificationNumber)}; the VTN distributed ${[...state.distributed.keys()].join(", ")} (last in #${state.distributed.get(state.modificationNumber)?.seq})`,
            [state.distributed.get(state.modificationNumber), entry],
          );
        else if (q.modificationNumber !== undefined) state.answered.add(q.modificationNumber);
      }
    }

    // opts
    if (element === "oadrCreateOpt" && fromVen) {
      saw("opt-reference", entry);
      const eventID = at(value, "qualifiedEventID", "eventID");
      if (typeof eventID === "string" && !events.has(eventID))
        fail(
          "opt-reference",
          `${describeEntry(entry)}: opts on event ${quote(eventID)}, which the VTN never distributed${
            events.size ? ` (known: ${[...events.keys()].map(quote).join(", ")})` : ""
          }`,
          [entry],
        );
      else if (typeof value.optID === "string") opts.add(value.optID);
    }
    if (element === "oadrCancelOpt" && fromVen) {
      saw("opt-reference", entry);
      if (typeof value.optID === "string" && !opts.has(value.optID))
        fail(
          "opt-reference",
          `${describeEntry(entry)}: cancels opt ${quote(value.optID)}, which was never created by oadrCreateOpt${
            opts.size ? ` (created: ${[...opts].map(quote).join(", ")})` : ""
          }`,
          [entry],
        );
    }

    // reports: what the VEN offers, what the VTN asks for, what the VEN sends
    if (element === "oadrRegisterReport" && fromVen)
      for (const report of many(value.oadrReport)) {
        const id = (report as { reportSpecifierID?: string }).reportSpecifierID;
        if (id) offered.set(id, { report, entry });
      }
    if (fromVtn && (element === "oadrCreateReport" || element === "oadrRegisteredReport"))
      for (const request of many(value.oadrReportRequest))
        checkReportRequest(request, entry, offered, reportRequests, saw, fail);
    if (element === "oadrCancelReport" && fromVtn)
      for (const id of many<string>(value.reportRequestID)) {
        const r = reportRequests.get(id);
        if (r) r.cancelled = true;
      }
    if (element === "oadrUpdateReport" && fromVen)
      for (const report of many(value.oadrReport))
        checkUpdateReport(report, entry, reportRequests, ctx, saw, fail);
  }

  for (const gap of gaps) {
    const [first, ...rest] = gap as [TranscriptEntry, ...TranscriptEntry[]];
    const element = readMessage(first).element;
    fail(
      "registration-first",
      `${describeEntry(first)}: expected oadrCreatePartyRegistration to succeed before any other service; ${
        first.from === "ven"
          ? `the VEN sent ${element} while not registered`
          : `the VTN sent ${element} to a VEN that holds no registration`
      }${rest.length ? ` (and ${rest.length} more message${rest.length === 1 ? "" : "s"} before a registration)` : ""}`,
      gap,
    );
  }

  // events the VTN required an answer for, distributed before a later VEN request, never answered
  for (const [eventID, state] of events) {
    if (!state.responseRequired) continue;
    const last = state.distributed.get(state.modificationNumber);
    if (!last) continue;
    const laterRequest = transcript.some(
      (e) => e.seq > last.seq && e.from === "ven" && e.direction === "request",
    );
    if (laterRequest && !state.answered.has(state.modificationNumber)) {
      saw("created-event", last);
      fail(
        "created-event",
        `${describeEntry(last)}: event ${quote(eventID)} (modificationNumber ${state.modificationNumber}, oadrResponseRequired always) was never answered by an oadrCreatedEvent naming that modificationNumber`,
        [last],
      );
    }
  }

  const passes: CheckResult[] = [];
  for (const [rule, c] of checked) {
    if (failures.some((f) => f.rule === rule)) continue;
    passes.push({
      rule,
      step: ctx.step ?? "",
      ok: true,
      message: `${c.count} message part${c.count === 1 ? "" : "s"} checked, none breaks the rule`,
      entries: c.entries,
    });
  }
  return [...failures, ...passes];
}

/** The text of the first `name` element (any prefix) in `xml`. */
const scrape = (xml: string, name: string): string | undefined =>
  new RegExp(`<(?:[\\w.-]+:)?${name}\\b[^>]*>([^<]*)<`).exec(xml)?.[1]?.trim();

/**
 * A VTN message our codec could not read: its requestID (so the VEN's answer still matches) and
 * each event's eventID and modificationNumber, taken from the text.
 */
function scanUndecoded(
  entry: TranscriptEntry,
  vtnRequests: Map<string, TranscriptEntry>,
  events: Map<string, EventState>,
  saw: Saw,
  fail: Fail,
): void {
  const payload = /<(?:[\w.-]+:)?oadrSignedObject\b[^>]*>\s*<(?:[\w.-]+:)?([\w.-]+)/.exec(
    entry.body,
  )?.[1];
  if (!payload || !VTN_REQUESTS.has(payload)) return;
  const requestID = scrape(entry.body, "requestID");
  if (requestID) vtnRequests.set(requestID, entry);
  if (payload !== "oadrDistributeEvent") return;
  for (const m of entry.body.matchAll(
    /<(?:[\w.-]+:)?eventDescriptor\b[^>]*>([\s\S]*?)<\/(?:[\w.-]+:)?eventDescriptor>/g,
  )) {
    const descriptor = m[1] as string;
    const eventID = scrape(descriptor, "eventID");
    if (!eventID) continue;
    saw("modification-number", entry);
    const text = scrape(descriptor, "modificationNumber");
    const n = text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
    if (n === undefined)
      fail(
        "modification-number",
        `${describeEntry(entry)}: event ${quote(eventID)} carries no modificationNumber${text !== undefined ? ` (it has ${quote(text)})` : ""} (expected one, starting at 0 and incremented by the VTN on every change)`,
        [entry],
      );
    // the event is known, its number not: the VEN's answers to it are not held against it
    const state = events.get(eventID);
    if (state) {
      if (n !== undefined) state.distributed.set(n, entry);
      state.unreadable = true;
    } else
      events.set(eventID, {
        modificationNumber: n ?? -1,
        content: "",
        cancelled: false,
        responseRequired: false,
        distributed: new Map(n !== undefined ? [[n, entry]] : []),
        answered: new Set(),
        unreadable: true,
      });
  }
}

type Saw = (rule: RuleId, entry: TranscriptEntry) => void;
type Fail = (rule: RuleId, message: string, entries: (TranscriptEntry | undefined)[]) => void;

function checkReportRequest(
  request: Record<string, unknown>,
  entry: TranscriptEntry,
  offered: ReadonlyMap<string, { report: Record<string, unknown>; entry: TranscriptEntry }>,
  requests: Map<string, ReportRequestState>,
  saw: Saw,
  fail: Fail,
): void {
  const reportRequestID = request.reportRequestID;
  const specifier = request.reportSpecifier as Record<string, unknown> | undefined;
  const specifierID = specifier?.reportSpecifierID;
  if (typeof reportRequestID !== "string" || typeof specifierID !== "string") return;
  saw("report-request", entry);
  const rIDs = many<{ rID?: string }>(specifier?.specifierPayload)
    .map((p) => p.rID)
    .filter((r): r is string => typeof r === "string");
  const granularityText = at(specifier, "granularity", "duration");
  const granularity = seconds(granularityText);
  requests.set(reportRequestID, {
    reportSpecifierID: specifierID,
    rIDs,
    ...(granularity !== undefined ? { granularity } : {}),
    ...(typeof granularityText === "string" ? { granularityText } : {}),
    cancelled: false,
    entry,
  });
  // a METADATA request asks the VEN to register its reports again: nothing to match
  if (specifierID === "METADATA") return;
  const offer = offered.get(specifierID);
  const what = describeEntry(entry);
  if (!offer) {
    fail(
      "report-request",
      `${what}: requests report ${quote(specifierID)} (${reportRequestID}), which the VEN never registered${
        offered.size
          ? ` (registered: ${[...offered.keys()].map(quote).join(", ")})`
          : " (no oadrRegisterReport seen)"
      }`,
      [entry],
    );
    return;
  }
  const rates = offeredRates(offer.report as never);
  const unknown = rIDs.filter((r) => !rates.some((x) => x.rID === r));
  if (unknown.length) {
    fail(
      "report-request",
      `${what}: requests data points ${unknown.map(quote).join(", ")} of report ${quote(specifierID)}, which it does not describe (it has ${rates.map((r) => quote(r.rID)).join(", ")}; registered in #${offer.entry.seq})`,
      [offer.entry, entry],
    );
    return;
  }
  if (granularity === undefined) {
    fail(
      "report-request",
      `${what}: report request ${reportRequestID} has granularity ${quote(granularityText)}, not a duration`,
      [entry],
    );
    return;
  }
  const asked = rIDs.length ? rates.filter((r) => rIDs.includes(r.rID)) : rates;
  const misfits = asked.filter(
    (r) =>
      !(r.onChange && granularity === 0) &&
      ((r.minPeriod !== undefined && granularity < r.minPeriod) ||
        (r.maxPeriod !== undefined && granularity > r.maxPeriod)),
  );
  if (misfits.length)
    fail(
      "report-request",
      `${what}: granularity ${granularityText} of report request ${reportRequestID} is outside the sampling rate the VEN offered in #${offer.entry.seq}: ${misfits
        .map((r) => `${r.rID} offers ${rateText(r)}`)
        .join("; ")}`,
      [offer.entry, entry],
    );
}

function checkUpdateReport(
  report: Record<string, unknown>,
  entry: TranscriptEntry,
  requests: ReadonlyMap<string, ReportRequestState>,
  ctx: CheckContext,
  saw: Saw,
  fail: Fail,
): void {
  const id = report.reportRequestID;
  const name = typeof report.reportName === "string" ? report.reportName : "";
  if (typeof id !== "string" || name.startsWith("METADATA")) return;
  saw("update-report", entry);
  const what = describeEntry(entry);
  const request = requests.get(id);
  if (!request) {
    fail(
      "update-report",
      `${what}: reports for reportRequestID ${quote(id)}, which the VTN never requested${
        requests.size ? ` (requested: ${[...requests.keys()].map(quote).join(", ")})` : ""
      }`,
      [entry],
    );
    return;
  }
  if (request.cancelled) {
    fail(
      "update-report",
      `${what}: reports for reportRequestID ${quote(id)}, which the VTN cancelled`,
      [request.entry, entry],
    );
    return;
  }
  const intervals = many(at(report, "intervals", "interval"));
  const rIDs = new Set<string>();
  for (const i of intervals)
    for (const p of many<{ rID?: string }>((i as Record<string, unknown>).oadrReportPayload))
      if (p.rID) rIDs.add(p.rID);
  const unrequested = request.rIDs.length ? [...rIDs].filter((r) => !request.rIDs.includes(r)) : [];
  if (unrequested.length) {
    fail(
      "update-report",
      `${what}: sends data points ${unrequested.map(quote).join(", ")} that report request ${quote(id)} (#${request.entry.seq}) did not ask for (it asked for ${request.rIDs.map(quote).join(", ")})`,
      [request.entry, entry],
    );
    return;
  }
  const g = request.granularity;
  if (g === undefined || g === 0) return;
  const slack = Math.max(1, (ctx.granularityTolerance ?? DEFAULT_TOLERANCE) * g);
  const periods: { text: string; s: number }[] = [];
  for (const i of intervals) {
    const d = at(i, "duration", "duration");
    const s = seconds(d);
    if (typeof d === "string" && s !== undefined) periods.push({ text: d, s });
  }
  const starts = intervals
    .map((i) => Date.parse(String(at(i, "dtstart", "date-time") ?? "")))
    .filter((t) => !Number.isNaN(t));
  for (let k = 1; k < starts.length; k++) {
    const gap = ((starts[k] as number) - (starts[k - 1] as number)) / 1000;
    periods.push({ text: `${gap} s between interval starts`, s: gap });
  }
  const off = periods.find((p) => Math.abs(p.s - g) > slack);
  if (off)
    fail(
      "update-report",
      `${what}: expected intervals at the requested granularity ${request.granularityText} (±${slack} s) of report request ${quote(id)} (#${request.entry.seq}), got ${off.text}`,
      [request.entry, entry],
    );
}

/** Every check over a finished transcript: each message, each request with its answer, the sequence. */
export function checkTranscript(
  transcript: readonly TranscriptEntry[],
  ctx: CheckContext,
): CheckResult[] {
  const out: CheckResult[] = [];
  const bySeq = new Map(transcript.map((e) => [e.seq, e]));
  for (const e of transcript) out.push(...checkMessage(e, ctx));
  for (const e of transcript) {
    if (e.direction !== "response" || e.inReplyTo === undefined) continue;
    const request = bySeq.get(e.inReplyTo);
    if (request) out.push(...checkExchange(request, e, ctx));
  }
  out.push(...checkSequence(transcript, ctx));
  return out;
}

/**
 * XSD verdicts of every XML message of a transcript with the official OpenADR 2.0b schema, for
 * `CheckContext.xsd`. `oracle` is @transactive/conformance's xsdOracle(); it needs the OASIS XSDs
 * (../shared/oasis) and throws when they are missing.
 */
export async function xsdVerdicts(
  transcript: readonly TranscriptEntry[],
  oracle: {
    validate(
      profile: string,
      documents: ReadonlyMap<string, string>,
    ): Promise<Map<string, XsdVerdict>>;
  },
  profile: InteropProfile = "openadr2b",
): Promise<Map<number, XsdVerdict>> {
  const documents = new Map<string, string>();
  for (const e of transcript)
    if (e.body.trimStart().startsWith("<")) documents.set(String(e.seq), e.body);
  const verdicts = await oracle.validate(profile, documents);
  return new Map([...verdicts].map(([k, v]) => [Number(k), v]));
}
