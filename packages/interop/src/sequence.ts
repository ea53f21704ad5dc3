/**
 * The rules over a whole OpenADR 2.0b transcript, against the services' state machines:
 * registration first, venIDs as registered, modification numbers per event, event answers, opt
 * references, report requests within the offered sampling rates (the VTN's own negotiation code)
 * and report updates at the requested granularity.
 */
import { durationSeconds, type OfferedRate, offeredRates } from "@transactive/vtn";
import { at, eiResponseOf, many, ownRequestId, readMessage, venIdOf } from "./message.js";
import type { CheckResult, TranscriptEntry } from "./types.js";
import {
  type CheckContext,
  DEFAULT_TOLERANCE,
  describeEntry,
  quote,
  type RuleId,
  result,
  VTN_REQUESTS,
} from "./verdict.js";

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
  const answerOf = new Map<number, TranscriptEntry>();
  for (const e of transcript)
    if (e.direction === "request") requestOf.set(e.seq, e);
    else if (e.inReplyTo !== undefined) answerOf.set(e.inReplyTo, e);

  let unregistered: TranscriptEntry[] | undefined;
  const gaps: TranscriptEntry[][] = [];
  /**
   * the registration ended by a cancellation the harness injected in the VEN's name: the VEN does
   * not know, so what it sends until it registers again is refused by the VTN (463) but is no
   * fault of the VEN's
   */
  let unaware = false;
  /** oadrRequestReregistration handed to the VEN and not yet acknowledged (it carries no requestID) */
  const reregistrations: TranscriptEntry[] = [];
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
      // a refusal (an oadrDistributeEvent with 463 to an unregistered VEN) delivers no service
      (fromVtn && VTN_REQUESTS.has(element) && ok200);
    if (needsRegistration) {
      saw("registration-first", entry);
      if (registered) unregistered = undefined;
      else if (fromVen && unaware) {
        // not the VEN's fault: see `unaware`
      } else if (unregistered) unregistered.push(entry);
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
        unaware = false;
      }
    }
    // the VEN's own cancellation ends its registration when sent (the VTN may act on it before a
    // request sent after it is answered); a VTN's, when the VEN confirms it
    if (
      element === "oadrCancelPartyRegistration" &&
      fromVen &&
      entry.direction === "request" &&
      registered
    ) {
      const answer = answerOf.get(entry.seq);
      const accepted =
        answer !== undefined && eiResponseOf(readMessage(answer).value)?.responseCode === "200";
      if (accepted) {
        registered = false;
        unaware = ctx.injected?.has(entry.seq) === true;
      }
    }
    if (element === "oadrCanceledPartyRegistration" && fromVen && ok200) {
      registered = false;
      unaware = false;
    }

    // ven-id: every venID after the registration is the registered one, exactly
    const carried = venIdOf(value);
    const registrationAnswer =
      element === "oadrCreatedPartyRegistration" &&
      answered !== undefined &&
      readMessage(answered).element === "oadrCreatePartyRegistration";
    if (carried !== undefined && venID !== undefined && !registrationAnswer) {
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
      if (element === "oadrRequestReregistration") reregistrations.push(entry);
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
      // oadrRequestReregistration carries no requestID: its oadrResponse echoes an empty one
      const reregistration =
        element === "oadrResponse" && (echoed ?? "") === "" ? reregistrations.shift() : undefined;
      if (!original && !reregistration)
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

/**
 * The VEN's requests (other than registration) the VTN may have handled while the VEN held no
 * registration: sent or answered with none active, that is before its first successful
 * oadrCreatedPartyRegistration, or between a cancellation (the oadrCancelPartyRegistration of
 * either side, from when it was sent, since the VTN may act on it before an earlier request) and
 * the answer of the next registration. A VTN rightly refuses them with 463 (not registered or
 * authorized); `response-code` accepts that answer for them when no step expects another
 * (CheckContext.unregistered), and `registration-first` judges whether sending them was the
 * VEN's fault.
 */
export function unregisteredRequests(
  transcript: readonly TranscriptEntry[],
  ctx: Pick<CheckContext, "venID" | "profile">,
): Set<number> {
  const out = new Set<number>();
  if (ctx.profile !== "openadr2b") return out;
  const requestOf = new Map<number, TranscriptEntry>();
  const answerOf = new Map<number, TranscriptEntry>();
  for (const e of transcript)
    if (e.direction === "request") requestOf.set(e.seq, e);
    else if (e.inReplyTo !== undefined) answerOf.set(e.inReplyTo, e);
  const ok = (e: TranscriptEntry | undefined): boolean => {
    const value = e ? readMessage(e).value : undefined;
    const code = eiResponseOf(value)?.responseCode;
    return value !== undefined && (code === undefined || code === "200");
  };
  // spans [from, to) of seqs without a registration
  const spans: [number, number][] = [];
  let since: number | undefined = ctx.venID === undefined ? 0 : undefined;
  for (const entry of transcript) {
    const { element } = readMessage(entry);
    const answered = entry.inReplyTo !== undefined ? requestOf.get(entry.inReplyTo) : undefined;
    if (
      element === "oadrCreatedPartyRegistration" &&
      entry.from === "vtn" &&
      ok(entry) &&
      answered !== undefined &&
      readMessage(answered).element === "oadrCreatePartyRegistration" &&
      since !== undefined
    ) {
      spans.push([since, entry.seq]);
      since = undefined;
    }
    if (
      element === "oadrCancelPartyRegistration" &&
      since === undefined &&
      // a VEN's cancellation counts when the VTN accepted it; the VTN's own counts as sent
      (entry.from === "vtn" || ok(answerOf.get(entry.seq)))
    )
      since = entry.seq;
  }
  if (since !== undefined) spans.push([since, Number.POSITIVE_INFINITY]);
  for (const entry of transcript) {
    if (entry.from !== "ven" || entry.direction !== "request") continue;
    const { element } = readMessage(entry);
    if (element === "oadrQueryRegistration" || element === "oadrCreatePartyRegistration") continue;
    const end = answerOf.get(entry.seq)?.seq ?? entry.seq;
    if (spans.some(([from, to]) => entry.seq < to && end >= from)) out.add(entry.seq);
  }
  return out;
}
