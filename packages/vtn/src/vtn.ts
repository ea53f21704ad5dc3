/**
 * The operable VTN: the reference VTN of @transactive/ei (its services and state machine) with the
 * operator's controls on top. It adds what the reference leaves to its caller: events from files
 * or descriptions with modification numbers it owns, report requests negotiated against the
 * sampling rates a VEN offered, report requests inside oadrRegisteredReport (as openleadr's VTN
 * sends them), the VTN's own oadrRegisterReport, the data of every oadrUpdateReport, and per-VEN
 * views for the admin API. It stays transport-free: server.ts puts it on HTTP.
 */
import {
  EiFault,
  eiResponse,
  type OadrCreatedReportType,
  type OadrCreatePartyRegistrationType,
  type OadrDistributeEventTypeOadrEvent,
  type OadrRegisteredReportType,
  type OadrRegisterReportType,
  type OadrReportRequestType,
  type OadrReportType,
  type OadrUpdateReportType,
  type ServiceImplementations,
} from "@transactive/ei";
import { createReferenceVtn, type ReferenceVtn } from "@transactive/ei/reference";
import { VtnError } from "./errors.js";
import {
  checkEventDescription,
  checkedEvent,
  type EventDescription,
  eventFromDescription,
  statusAt,
} from "./event-description.js";
import type { EventInput } from "./event-input.js";
import { negotiateRate, offeredRates, type RateRequest } from "./sampling.js";

/**
 * The default vtnID. Not all lowercase: openleadr-python's VEN (0.5.34) was seen to refuse events
 * from a VTN whose ID is all lowercase ("vtn"); it also turns IDs that look like numbers or
 * booleans into numbers and booleans. docs/vtn-ven.md has the details.
 */
export const DEFAULT_VTN_ID = "TransactiveVTN";
/** The default eiMarketContext of events made from descriptions. */
export const DEFAULT_MARKET_CONTEXT = "http://transactive.example/market";

/** Options of the operable VTN. */
export interface OperableVtnOptions {
  /** vtnID; default DEFAULT_VTN_ID */
  readonly vtnID?: string;
  /** oadrRequestedOadrPollFreq sent in oadrCreatedPartyRegistration; default PT10S */
  readonly pollFrequency?: string;
  /** eiMarketContext of events made from descriptions that name none */
  readonly marketContext?: string;
  /**
   * when a VEN registers its reports, request each one (except HISTORY reports) at this rate in
   * the oadrRegisteredReport answer, as openleadr's VTN does; reports whose offered rates do not
   * admit it are not requested, and the reason is kept in the VEN's view
   */
  readonly requestReportsOnRegister?: Omit<RateRequest, "rIDs">;
  /** send the VTN's own oadrRegisterReport (offering no reports) after a VEN's; default true */
  readonly registerVtnReports?: boolean;
  /** data points kept per report request (oldest dropped first); default 10 000 */
  readonly maxReportIntervals?: number;
  /** current time; default Date.now */
  readonly clock?: () => Date;
  /** fresh IDs; default a counter per kind */
  readonly newId?: (kind: string) => string;
}

/** One data point received in an oadrUpdateReport. */
export interface ReportDataPoint {
  readonly rID: string;
  readonly dtstart?: string;
  readonly duration?: string;
  /** payloadFloat */
  readonly value?: number;
  /** oadrPayloadResourceStatus, as received */
  readonly resourceStatus?: unknown;
  readonly dataQuality?: string;
  readonly confidence?: number;
  readonly accuracy?: number;
  /** when the VTN received it */
  readonly receivedAt: string;
}

/** A report request of the VTN and what came of it. */
export interface ReportRequestView {
  readonly reportRequestID: string;
  readonly venID: string;
  readonly reportSpecifierID: string;
  readonly reportName?: string;
  readonly rIDs: readonly string[];
  readonly granularity: string;
  readonly reportBackDuration: string;
  /** how the request reached the VEN: an oadrCreateReport (poll or push) or inside oadrRegisteredReport */
  readonly delivery: "createReport" | "registeredReport";
  /** requested (sent, not acknowledged), active, cancelling, cancelled */
  readonly state: string;
  /** why the VEN refused it (its oadrCreatedReport's responseCode and description) */
  readonly refusal?: string;
  readonly requestedAt: string;
  /** oadrUpdateReport messages accepted */
  readonly updates: number;
  /** data points kept; `dropped` older ones were let go (maxReportIntervals) */
  readonly points: number;
  readonly dropped: number;
}

/** A report a VEN registered, with the sampling rates it offered. */
export interface RegisteredReportView {
  readonly reportSpecifierID: string;
  readonly reportName?: string;
  readonly dataPoints: readonly {
    readonly rID: string;
    readonly reportType?: string;
    readonly readingType?: string;
    readonly samplingRate?: {
      readonly minPeriod: string;
      readonly maxPeriod: string;
      readonly onChange: boolean;
    };
  }[];
}

/** A VEN as the operator sees it. */
export interface VenView {
  readonly venID: string;
  readonly venName?: string;
  readonly registrationID?: string;
  /** active, or cancelling after the VTN asked the VEN to cancel */
  readonly registration: string;
  readonly transport: "pull" | "push";
  readonly pushUrl?: string;
  readonly lastSeen?: string;
  /** messages waiting for the VEN's next oadrPoll (or push) */
  readonly queued: number;
  /** the VTN's own oadrRegisterReport: not sent, sent, or acknowledged by the VEN's oadrRegisteredReport */
  readonly vtnReportRegistration: "none" | "sent" | "acknowledged";
  readonly reports: readonly RegisteredReportView[];
  readonly reportRequests: readonly ReportRequestView[];
  /** reports not requested on registration, and why (requestReportsOnRegister) */
  readonly notRequested: readonly string[];
  /** the VEN's answers to events (oadrCreatedEvent) and opts naming events (oadrCreateOpt) */
  readonly events: readonly EventResponseView[];
}

/** A VEN's answer to an event. */
export interface EventResponseView {
  readonly venID: string;
  readonly eventID: string;
  /** optIn or optOut */
  readonly optType: string;
  /** the modification the answer was for */
  readonly modificationNumber: number;
  /** oadrCreatedEvent (answer to the event) or oadrCreateOpt (an opt naming it) */
  readonly via: "oadrCreatedEvent" | "oadrCreateOpt";
}

/** An event as the operator sees it. */
export interface EventView {
  readonly eventID: string;
  readonly modificationNumber: number;
  /** the status published with the current modification */
  readonly eventStatus: string;
  /** the status now (far, near, active, completed; cancelled stays cancelled) */
  readonly currentStatus: string;
  readonly start?: string;
  readonly duration?: string;
  readonly marketContext: string;
  readonly signals: readonly {
    readonly name: string;
    readonly type: string;
    readonly intervals: number;
  }[];
  /** the VENs it is sent to; absent: every VEN */
  readonly venIDs?: readonly string[];
  readonly responses: readonly EventResponseView[];
  /** made from an event description (modifications may then give only the fields that change) */
  readonly fromDescription: boolean;
  readonly oadrEvent: OadrDistributeEventTypeOadrEvent;
}

/** What a queue change concerns, for a transport that pushes (server.ts). */
export type VtnChange =
  | { readonly kind: "queued"; readonly venIDs: readonly string[] }
  | { readonly kind: "registered"; readonly venID: string; readonly pushUrl?: string }
  | { readonly kind: "unregistered"; readonly venID: string };

/** The operable VTN. Every action throws VtnError on a refusal and then changes nothing. */
export interface OperableVtn {
  readonly vtnID: string;
  /** the reference VTN with this VTN's services: give it to createDispatcher and createVtnPush */
  readonly reference: ReferenceVtn;
  /** the services a dispatcher routes to */
  readonly implementations: ServiceImplementations;
  /** Publishes a new event; an event with an existing eventID is refused (modify it instead). */
  publishEvent(input: EventInput): EventView;
  /** Publishes several new events, all or none (each is checked before any is published). */
  publishEvents(inputs: readonly EventInput[]): EventView[];
  /**
   * Modifies an event: the next modificationNumber, a fresh eventStatus. `change` is an EventInput
   * (a full new oadrEvent or description) or, for an event made from a description, the
   * description fields that change.
   */
  modifyEvent(eventID: string, change: EventInput | Record<string, unknown>): EventView;
  /** Cancels an event (next modificationNumber, status cancelled). */
  cancelEvent(eventID: string): EventView;
  /** Every event, oldest first, with each VEN's answer. */
  events(): EventView[];
  /** One event; VtnError "not-found" for an unknown ID. */
  event(eventID: string): EventView;
  /** Every registered VEN. */
  vens(): VenView[];
  /** One registered VEN; VtnError "not-found" otherwise. */
  ven(venID: string): VenView;
  /** Requests a report of a VEN, negotiating the sampling rate; queued for its next poll (or push). */
  requestReport(venID: string, reportSpecifierID: string, request?: RateRequest): ReportRequestView;
  /** Cancels a report request (oadrCancelReport to the VEN). */
  cancelReportRequest(reportRequestID: string): ReportRequestView;
  /** One report request of the VTN. */
  reportRequest(reportRequestID: string): ReportRequestView;
  /** The data points received for a report request, oldest first. */
  reportData(reportRequestID: string): readonly ReportDataPoint[];
  /** Queues oadrRequestReregistration for a VEN. */
  requestReregistration(venID: string): VenView;
  /** Queues oadrCancelPartyRegistration; the registration ends when the VEN confirms. */
  cancelRegistration(venID: string): VenView;
  /** Called after every change that queued messages or (un)registered a VEN. */
  subscribe(listener: (change: VtnChange) => void): () => void;
}

interface VenExtra {
  transport: "pull" | "push";
  pushUrl?: string;
  lastSeen?: string;
  vtnReportRegistration: "none" | "sent" | "acknowledged";
  notRequested: string[];
}

interface RequestExtra {
  readonly venID: string;
  readonly reportName?: string;
  readonly rIDs: readonly string[];
  readonly granularity: string;
  readonly reportBackDuration: string;
  readonly delivery: "createReport" | "registeredReport";
  readonly requestedAt: string;
  refusal?: string;
  readonly points: ReportDataPoint[];
  dropped: number;
}

const ITEM_BASES = [
  "voltage",
  "energyItem",
  "energyApparent",
  "energyReactive",
  "energyReal",
  "powerItem",
  "powerApparent",
  "powerReactive",
  "powerReal",
  "customUnit",
  "current",
  "currency",
  "currencyPerKWh",
  "currencyPerKW",
  "currencyPerThm",
  "frequency",
  "Therm",
  "temperature",
  "pulseCount",
  "oadrGBDataDescription",
] as const;

const ok2xx = (code: unknown): boolean => /^2\d\d$/.test(String(code));
const asArray = <T>(v: T | readonly T[] | undefined): readonly T[] =>
  v === undefined ? [] : Array.isArray(v) ? (v as readonly T[]) : [v as T];

/** Creates an operable VTN with a fresh in-memory state. */
export function createOperableVtn(options: OperableVtnOptions = {}): OperableVtn {
  const clock = options.clock ?? (() => new Date());
  const isoNow = () =>
    clock()
      .toISOString()
      .replace(/\.\d{3}Z$/, "Z");
  const ref = createReferenceVtn({
    vtnID: options.vtnID ?? DEFAULT_VTN_ID,
    pollFrequency: options.pollFrequency ?? "PT10S",
    clock,
    ...(options.newId ? { newId: options.newId } : {}),
  });
  const state = ref.state;
  const marketContext = options.marketContext ?? DEFAULT_MARKET_CONTEXT;
  const maxPoints = options.maxReportIntervals ?? 10_000;
  const venExtra = new Map<string, VenExtra>();
  const requestExtra = new Map<string, RequestExtra>();
  const descriptions = new Map<string, EventDescription>();
  const listeners = new Set<(c: VtnChange) => void>();
  const emit = (change: VtnChange) => {
    for (const l of listeners) l(change);
  };

  const extraOf = (venID: string): VenExtra => {
    let x = venExtra.get(venID);
    if (!x) {
      x = { transport: "pull", vtnReportRegistration: "none", notRequested: [] };
      venExtra.set(venID, x);
    }
    return x;
  };
  const registered = (venID: string, path = "/venID") => {
    const ven = state.vens.get(venID);
    if (!ven || ven.registrationID === undefined)
      throw new VtnError("not-found", `no registered VEN ${venID}`, path);
    return ven;
  };

  // ---- events

  const targetsOf = (e: OadrDistributeEventTypeOadrEvent): string[] | undefined => {
    const t = e.eiEvent.eiTarget as { venID?: string[] } | undefined;
    return t?.venID?.length ? [...t.venID] : undefined;
  };

  function publish(oadrEvent: OadrDistributeEventTypeOadrEvent, venIDs: string[] | undefined) {
    try {
      ref.publishEvent(oadrEvent, venIDs);
    } catch (e) {
      if (e instanceof EiFault) throw new VtnError("conflict", e.message, e.path);
      throw e;
    }
    const targets = [...state.vens.values()]
      .filter(
        (v) => v.registrationID !== undefined && (venIDs === undefined || venIDs.includes(v.venID)),
      )
      .map((v) => v.venID);
    emit({ kind: "queued", venIDs: targets });
  }

  function build(description: EventDescription, modificationNumber = 0, createdDateTime?: string) {
    return eventFromDescription(description, {
      now: clock(),
      marketContext,
      newEventID: () => state.ids.next("event"),
      modificationNumber,
      ...(createdDateTime !== undefined ? { createdDateTime } : {}),
    });
  }

  function eventView(eventID: string): EventView {
    const record = state.events.get(eventID);
    if (!record) throw new VtnError("not-found", `no event ${eventID}`, "/eventID");
    const e = record.oadrEvent.eiEvent;
    const d = e.eventDescriptor;
    const props = e.eiActivePeriod.properties as {
      dtstart?: { "date-time"?: string };
      duration?: { duration?: string };
      "x-eiRampUp"?: { duration?: string };
    };
    const start = props.dtstart?.["date-time"];
    const duration = props.duration?.duration;
    const responses: EventResponseView[] = [];
    for (const [key, r] of state.eventResponses) {
      const [venID, id] = [key.slice(0, key.indexOf(" ")), key.slice(key.indexOf(" ") + 1)];
      if (id === eventID)
        responses.push({
          venID,
          eventID,
          optType: r.optType,
          modificationNumber: r.modificationNumber,
          via: "oadrCreatedEvent",
        });
    }
    for (const o of state.opts.values())
      if (o.eventID === eventID && o.state === "active")
        responses.push({
          venID: o.venID,
          eventID,
          optType: o.optType,
          modificationNumber: d.modificationNumber,
          via: "oadrCreateOpt",
        });
    const cancelled = d.eventStatus === "cancelled";
    return {
      eventID,
      modificationNumber: d.modificationNumber,
      eventStatus: String(d.eventStatus),
      currentStatus:
        cancelled || start === undefined
          ? String(d.eventStatus)
          : statusAt(start, duration, props["x-eiRampUp"]?.duration, clock()),
      ...(start !== undefined ? { start } : {}),
      ...(duration !== undefined ? { duration } : {}),
      marketContext: String(d.eiMarketContext.marketContext),
      signals: asArray(e.eiEventSignals.eiEventSignal).map((s) => ({
        name: String(s.signalName),
        type: String(s.signalType),
        intervals: asArray(s.intervals.interval).length,
      })),
      ...(record.venIDs ? { venIDs: record.venIDs } : {}),
      responses,
      fromDescription: descriptions.has(eventID),
      oadrEvent: record.oadrEvent,
    };
  }

  /** A fresh status for a modified oadrEvent, from its own active period. */
  function restatus(
    e: OadrDistributeEventTypeOadrEvent,
    modificationNumber: number,
  ): OadrDistributeEventTypeOadrEvent {
    const props = e.eiEvent.eiActivePeriod.properties as {
      dtstart?: { "date-time"?: string };
      duration?: { duration?: string };
      "x-eiRampUp"?: { duration?: string };
    };
    const start = props.dtstart?.["date-time"];
    const d = e.eiEvent.eventDescriptor;
    if (d.eventStatus === "cancelled")
      throw new VtnError(
        "invalid-event",
        "cancel an event with its cancel action, not a modification",
        "/eiEvent/eventDescriptor/eventStatus",
      );
    return {
      ...e,
      eiEvent: {
        ...e.eiEvent,
        eventDescriptor: {
          ...d,
          modificationNumber,
          modificationDateTime: isoNow(),
          ...(start !== undefined
            ? {
                eventStatus: statusAt(
                  start,
                  props.duration?.duration,
                  props["x-eiRampUp"]?.duration,
                  clock(),
                ),
              }
            : {}),
        },
      },
    };
  }

  // ---- reports

  function requestView(id: string): ReportRequestView {
    const r = state.reportRequests.get(id);
    const x = requestExtra.get(id);
    if (!x)
      throw new VtnError("not-found", `the VTN made no report request ${id}`, "/reportRequestID");
    return {
      reportRequestID: id,
      venID: x.venID,
      reportSpecifierID: r?.reportSpecifierID ?? "",
      ...(x.reportName !== undefined ? { reportName: x.reportName } : {}),
      rIDs: x.rIDs,
      granularity: x.granularity,
      reportBackDuration: x.reportBackDuration,
      delivery: x.delivery,
      // a request whose VEN unregistered is gone from the reference's state
      state: r?.state ?? "cancelled",
      ...(x.refusal !== undefined ? { refusal: x.refusal } : {}),
      requestedAt: x.requestedAt,
      updates: r?.updates ?? 0,
      points: x.points.length,
      dropped: x.dropped,
    };
  }

  /** Records a negotiated request (state "requested") and returns its oadrReportRequest. */
  function makeRequest(
    venID: string,
    report: OadrReportType,
    request: RateRequest,
    delivery: RequestExtra["delivery"],
  ): OadrReportRequestType {
    const rate = negotiateRate(report, request);
    const reportRequestID = state.ids.next("report-request");
    state.reportRequests.set(reportRequestID, {
      reportRequestID,
      venID,
      reportSpecifierID: report.reportSpecifierID,
      requester: "VTN",
      state: "requested",
      updates: 0,
    });
    requestExtra.set(reportRequestID, {
      venID,
      ...(report.reportName !== undefined ? { reportName: String(report.reportName) } : {}),
      rIDs: rate.descriptions.map((d) => d.rID),
      granularity: rate.granularity,
      reportBackDuration: rate.reportBackDuration,
      delivery,
      requestedAt: isoNow(),
      points: [],
      dropped: 0,
    });
    return {
      reportRequestID,
      reportSpecifier: {
        reportSpecifierID: report.reportSpecifierID,
        granularity: { duration: rate.granularity },
        reportBackDuration: { duration: rate.reportBackDuration },
        specifierPayload: rate.descriptions.map((d) => {
          const item: Record<string, unknown> = {};
          for (const k of ITEM_BASES)
            if ((d as unknown as Record<string, unknown>)[k] !== undefined)
              item[k] = (d as unknown as Record<string, unknown>)[k];
          return {
            rID: d.rID,
            ...item,
            readingType: (d as { readingType?: string }).readingType ?? "x-notApplicable",
          };
        }),
      },
    } as OadrReportRequestType;
  }

  function store(reportRequestID: string, report: OadrReportType): void {
    const x = requestExtra.get(reportRequestID);
    if (!x) return;
    const receivedAt = isoNow();
    const reportStart = (report.dtstart as { "date-time"?: string } | undefined)?.["date-time"];
    for (const iv of asArray(
      (report.intervals as { interval?: unknown } | undefined)?.interval,
    ) as readonly Record<string, unknown>[]) {
      const dtstart =
        (iv.dtstart as { "date-time"?: string } | undefined)?.["date-time"] ?? reportStart;
      const duration = (iv.duration as { duration?: string } | undefined)?.duration;
      for (const p of asArray(iv.oadrReportPayload) as readonly Record<string, unknown>[]) {
        const value = (p.payloadFloat as { value?: number } | undefined)?.value;
        x.points.push({
          rID: String(p.rID),
          ...(dtstart !== undefined ? { dtstart } : {}),
          ...(duration !== undefined ? { duration } : {}),
          ...(value !== undefined ? { value: Number(value) } : {}),
          ...(p.oadrPayloadResourceStatus !== undefined
            ? { resourceStatus: p.oadrPayloadResourceStatus }
            : {}),
          ...(p.oadrDataQuality !== undefined ? { dataQuality: String(p.oadrDataQuality) } : {}),
          ...(p.confidence !== undefined ? { confidence: Number(p.confidence) } : {}),
          ...(p.accuracy !== undefined ? { accuracy: Number(p.accuracy) } : {}),
          receivedAt,
        });
      }
    }
    const over = x.points.length - maxPoints;
    if (over > 0) {
      x.points.splice(0, over);
      x.dropped += over;
    }
  }

  // ---- the services, wrapped

  const registerParty = {
    ...ref.EiRegisterParty,
    createPartyRegistration(
      req: OadrCreatePartyRegistrationType,
      ctx: Parameters<typeof ref.EiRegisterParty.createPartyRegistration>[1],
    ) {
      const res = ref.EiRegisterParty.createPartyRegistration(req, ctx) as Awaited<
        ReturnType<typeof ref.EiRegisterParty.createPartyRegistration>
      >;
      const venID = String(res.venID);
      const push = req.oadrHttpPullModel === false && req.oadrTransportAddress !== undefined;
      venExtra.set(venID, {
        transport: push ? "push" : "pull",
        ...(push ? { pushUrl: String(req.oadrTransportAddress) } : {}),
        lastSeen: isoNow(),
        vtnReportRegistration: "none",
        notRequested: [],
      });
      // events published before the VEN registered wait for it on its queue
      const ven = state.vens.get(venID);
      const events = [...state.events.values()]
        .filter((e) => e.venIDs === undefined || e.venIDs.includes(venID))
        .filter((e) => e.oadrEvent.eiEvent.eventDescriptor.eventStatus !== "cancelled")
        .map((e) => e.oadrEvent);
      if (ven && events.length && !ven.queue.some((m) => m.element === "oadr:oadrDistributeEvent"))
        ven.queue.push({
          element: "oadr:oadrDistributeEvent",
          value: {
            requestID: state.ids.next("distribution"),
            vtnID: state.vtnID,
            oadrEvent: events,
          },
        });
      emit({
        kind: "registered",
        venID,
        ...(push ? { pushUrl: String(req.oadrTransportAddress) } : {}),
      });
      return res;
    },
    cancelPartyRegistration(
      ...args: Parameters<typeof ref.EiRegisterParty.cancelPartyRegistration>
    ) {
      const res = ref.EiRegisterParty.cancelPartyRegistration(...args) as { venID?: string };
      if (res.venID !== undefined) emit({ kind: "unregistered", venID: res.venID });
      return res as never;
    },
    canceledPartyRegistration(
      ...args: Parameters<typeof ref.EiRegisterParty.canceledPartyRegistration>
    ) {
      const res = ref.EiRegisterParty.canceledPartyRegistration(...args) as { venID?: string };
      if (res.venID !== undefined) emit({ kind: "unregistered", venID: res.venID });
      return res as never;
    },
  };

  type Ctx = Parameters<typeof ref.EiReport.registerReport>[1];
  const P = "/oadrPayload/oadrSignedObject";
  const report = {
    ...ref.EiReport,
    registerReport(req: OadrRegisterReportType, ctx: Ctx) {
      const res = ref.EiReport.registerReport(req, ctx) as OadrRegisteredReportType;
      const ven = registered(String(req.venID));
      const x = extraOf(ven.venID);
      x.notRequested = [];
      const requests: OadrReportRequestType[] = [];
      const auto = options.requestReportsOnRegister;
      if (auto)
        for (const r of ven.reports.values()) {
          if (/HISTORY/.test(String(r.reportName ?? ""))) {
            x.notRequested.push(
              `${r.reportSpecifierID}: a history report is requested for a period, not on registration`,
            );
            continue;
          }
          try {
            requests.push(makeRequest(ven.venID, r, auto, "registeredReport"));
          } catch (e) {
            if (!(e instanceof VtnError)) throw e;
            x.notRequested.push(
              `${r.reportSpecifierID}: ${e.message}${e.reasons.length ? ` (${e.reasons.join("; ")})` : ""}`,
            );
          }
        }
      if (options.registerVtnReports ?? true) {
        // OpenADR 2.0b: the VTN registers its reports too; this VTN offers none, so the list is empty
        ven.queue.push({
          element: "oadr:oadrRegisterReport",
          value: {
            requestID: state.ids.next("request"),
            venID: ven.venID,
          } satisfies OadrRegisterReportType,
        });
        x.vtnReportRegistration = "sent";
        emit({ kind: "queued", venIDs: [ven.venID] });
      }
      return requests.length ? { ...res, oadrReportRequest: requests } : res;
    },
    registeredReport(req: OadrRegisteredReportType, ctx: Ctx) {
      const ven = state.vens.get(String(req.venID));
      const x = ven ? venExtra.get(ven.venID) : undefined;
      if (!ven || x?.vtnReportRegistration !== "sent")
        return ref.EiReport.registeredReport(req, ctx);
      x.vtnReportRegistration = "acknowledged";
      if (asArray(req.oadrReportRequest).length)
        throw new EiFault(
          "invalidId",
          "the VTN offers no reports to request",
          `${P}/oadrRegisteredReport/oadrReportRequest`,
        );
      return { eiResponse: eiResponse(ctx.profile, ctx.requestID, "ok"), venID: ven.venID };
    },
    createdReport(req: OadrCreatedReportType, ctx: Ctx) {
      const code = req.eiResponse?.responseCode;
      if (code !== undefined && !ok2xx(code)) {
        // the VEN refuses the request(s) it names: they end, with its reason kept for the operator
        const ven = registered(String(req.venID), `${P}/oadrCreatedReport/venID`);
        const named = asArray(req.oadrPendingReports?.reportRequestID);
        const ids = named.length
          ? named
          : [...state.reportRequests.values()]
              .filter(
                (r) => r.venID === ven.venID && r.requester === "VTN" && r.state === "requested",
              )
              .map((r) => r.reportRequestID);
        for (const id of ids) {
          const r = state.reportRequests.get(id);
          const xr = requestExtra.get(id);
          if (!r || r.venID !== ven.venID || !xr || r.state !== "requested") continue;
          r.state = "cancelled";
          xr.refusal = `${code}${req.eiResponse.responseDescription ? ` ${req.eiResponse.responseDescription}` : ""}`;
        }
        return { eiResponse: eiResponse(ctx.profile, ctx.requestID, "ok"), venID: ven.venID };
      }
      return ref.EiReport.createdReport(req, ctx);
    },
    updateReport(req: OadrUpdateReportType, ctx: Ctx) {
      const ven = registered(String(req.venID), `${P}/oadrUpdateReport/venID`);
      const accepted: [string, OadrReportType][] = [];
      for (const r of asArray(req.oadrReport)) {
        const rec = state.reportRequests.get(r.reportRequestID);
        if (!rec || rec.venID !== ven.venID || rec.requester !== "VTN") continue;
        // data for a request the VEN never acknowledged accepts it (openleadr's VEN sends no
        // oadrCreatedReport for requests that came in oadrRegisteredReport)
        if (rec.state === "requested") rec.state = "active";
        if (rec.state === "active" && rec.reportSpecifierID === r.reportSpecifierID)
          accepted.push([r.reportRequestID, r]);
      }
      const res = ref.EiReport.updateReport(req, ctx);
      for (const [id, r] of accepted) store(id, r);
      return res;
    },
  };

  /**
   * Brings the eventStatus of the events a VEN is handed up to date (far, near, active,
   * completed): a status change is not a modification, so the modificationNumber stays.
   */
  function refreshed<T>(distribution: T): T {
    const d = distribution as { oadrEvent?: OadrDistributeEventTypeOadrEvent[] };
    if (!d.oadrEvent?.length) return distribution;
    return { ...d, oadrEvent: d.oadrEvent.map(refreshStatus) } as T;
  }
  function refreshStatus(e: OadrDistributeEventTypeOadrEvent): OadrDistributeEventTypeOadrEvent {
    const d = e.eiEvent.eventDescriptor;
    const props = e.eiEvent.eiActivePeriod.properties as {
      dtstart?: { "date-time"?: string };
      duration?: { duration?: string };
      "x-eiRampUp"?: { duration?: string };
    };
    const start = props.dtstart?.["date-time"];
    if (d.eventStatus === "cancelled" || start === undefined) return e;
    const status = statusAt(
      start,
      props.duration?.duration,
      props["x-eiRampUp"]?.duration,
      clock(),
    );
    if (status === d.eventStatus) return e;
    const fresh = {
      ...e,
      eiEvent: { ...e.eiEvent, eventDescriptor: { ...d, eventStatus: status } },
    };
    const record = state.events.get(d.eventID);
    // the stored event follows, unless a newer modification replaced it meanwhile
    if (record?.oadrEvent.eiEvent.eventDescriptor.modificationNumber === d.modificationNumber)
      record.oadrEvent = fresh;
    return fresh;
  }
  const event = {
    ...ref.EiEvent,
    requestEvent: (req: Parameters<typeof ref.EiEvent.requestEvent>[0], ctx: Ctx) =>
      refreshed(ref.EiEvent.requestEvent(req, ctx) as object) as never,
  };
  const pollService = {
    poll(req: Parameters<typeof ref.OadrPoll.poll>[0], ctx: Ctx) {
      const reply = ref.OadrPoll.poll(req, ctx) as { element: string; value: unknown };
      return reply.element === "oadr:oadrDistributeEvent"
        ? { element: reply.element, value: refreshed(reply.value) }
        : reply;
    },
  };

  const implementations = touch({
    EiRegisterParty: registerParty,
    EiEvent: event,
    EiOpt: ref.EiOpt,
    EiReport: report,
    OadrPoll: pollService,
  });

  /** Wraps every service method so each request of a VEN marks it as seen. */
  function touch<T extends object>(services: T): T {
    const out: Record<string, Record<string, unknown>> = {};
    for (const [name, service] of Object.entries(services)) {
      out[name] = {};
      for (const [op, fn] of Object.entries(service)) {
        if (typeof fn !== "function") continue;
        (out[name] as Record<string, unknown>)[op] = (
          req: Record<string, unknown>,
          ctx: unknown,
        ) => {
          const result = (fn as (r: unknown, c: unknown) => unknown)(req, ctx);
          const venID =
            req.venID ??
            (req.eiRequestEvent as { venID?: string } | undefined)?.venID ??
            (req.eiCreatedEvent as { venID?: string } | undefined)?.venID;
          if (typeof venID === "string" && state.vens.has(venID))
            extraOf(venID).lastSeen = isoNow();
          return result;
        };
      }
    }
    return out as T;
  }

  const reference: ReferenceVtn = { ...ref, ...implementations } as ReferenceVtn;

  function venView(venID: string): VenView {
    const ven = registered(venID);
    const x = extraOf(venID);
    const responses: EventResponseView[] = [];
    for (const id of state.events.keys())
      for (const r of eventView(id).responses) if (r.venID === venID) responses.push(r);
    return {
      venID,
      ...(ven.venName !== undefined ? { venName: ven.venName } : {}),
      ...(ven.registrationID !== undefined ? { registrationID: ven.registrationID } : {}),
      registration: ven.state,
      transport: x.transport,
      ...(x.pushUrl !== undefined ? { pushUrl: x.pushUrl } : {}),
      ...(x.lastSeen !== undefined ? { lastSeen: x.lastSeen } : {}),
      queued: ven.queue.length,
      vtnReportRegistration: x.vtnReportRegistration,
      reports: [...ven.reports.values()].map((r) => ({
        reportSpecifierID: r.reportSpecifierID,
        ...(r.reportName !== undefined ? { reportName: String(r.reportName) } : {}),
        dataPoints: (r.oadrReportDescription ?? []).map((d) => {
          const rate = offeredRates({ ...r, oadrReportDescription: [d] })[0];
          return {
            rID: d.rID,
            ...(d.reportType !== undefined ? { reportType: String(d.reportType) } : {}),
            ...((d as { readingType?: string }).readingType !== undefined
              ? { readingType: String((d as { readingType?: string }).readingType) }
              : {}),
            ...(rate?.text
              ? {
                  samplingRate: {
                    minPeriod: rate.text.min,
                    maxPeriod: rate.text.max,
                    onChange: rate.onChange === true,
                  },
                }
              : {}),
          };
        }),
      })),
      reportRequests: [...requestExtra.entries()]
        .filter(([id, r]) => r.venID === venID && state.reportRequests.has(id))
        .map(([id]) => requestView(id)),
      notRequested: [...x.notRequested],
      events: responses,
    };
  }

  function eventInput(change: EventInput | Record<string, unknown>): change is EventInput {
    const keys = Object.keys(change);
    return keys.length > 0 && keys.every((k) => k === "oadrEvent" || k === "description");
  }

  return {
    vtnID: state.vtnID,
    reference,
    implementations,

    publishEvent(input) {
      return this.publishEvents([input])[0] as EventView;
    },

    publishEvents(inputs) {
      // build and check every event before publishing any: a file of several is all or nothing
      const seen = new Set<string>();
      const ready = inputs.map((input, i) => {
        const where = inputs.length > 1 ? `/${i}` : "";
        let oadrEvent: OadrDistributeEventTypeOadrEvent;
        if (input.description) {
          const id = input.description.eventID;
          if (id !== undefined && (state.events.has(id) || seen.has(id)))
            throw new VtnError(
              "conflict",
              `event ${id} exists: modify it instead`,
              `${where}/eventID`,
            );
          oadrEvent = build(input.description);
        } else if (input.oadrEvent) {
          oadrEvent = checkedEvent(input.oadrEvent, where);
          const id = oadrEvent.eiEvent.eventDescriptor.eventID;
          if (state.events.has(id) || seen.has(id))
            throw new VtnError(
              "conflict",
              `event ${id} exists: modify it instead`,
              `${where}/eiEvent/eventDescriptor/eventID`,
            );
          if (oadrEvent.eiEvent.eventDescriptor.eventStatus === "cancelled")
            throw new VtnError(
              "invalid-event",
              "a new event cannot start cancelled",
              `${where}/eiEvent/eventDescriptor/eventStatus`,
            );
        } else throw new VtnError("invalid-request", "give an oadrEvent or a description", where);
        seen.add(oadrEvent.eiEvent.eventDescriptor.eventID);
        return { input, oadrEvent };
      });
      return ready.map(({ input, oadrEvent }) => {
        publish(oadrEvent, targetsOf(oadrEvent));
        const id = oadrEvent.eiEvent.eventDescriptor.eventID;
        if (input.description) descriptions.set(id, { ...input.description, eventID: id });
        return eventView(id);
      });
    },

    modifyEvent(eventID, change) {
      const record = state.events.get(eventID);
      if (!record) throw new VtnError("not-found", `no event ${eventID}`, "/eventID");
      const current = record.oadrEvent.eiEvent.eventDescriptor;
      if (current.eventStatus === "cancelled")
        throw new VtnError("conflict", `event ${eventID} is cancelled`, "/eventID");
      const next = current.modificationNumber + 1;
      let oadrEvent: OadrDistributeEventTypeOadrEvent;
      let description: EventDescription | undefined;
      const payload = eventInput(change) ? change.oadrEvent : undefined;
      if (payload) {
        const e = checkedEvent(payload, "");
        if (e.eiEvent.eventDescriptor.eventID !== eventID)
          throw new VtnError(
            "invalid-event",
            `the event is ${e.eiEvent.eventDescriptor.eventID}, not ${eventID}`,
            "/eiEvent/eventDescriptor/eventID",
          );
        oadrEvent = restatus(e, next);
      } else {
        const base = descriptions.get(eventID);
        const fields = (eventInput(change) ? change.description : change) as Record<
          string,
          unknown
        >;
        if (fields.eventID !== undefined && fields.eventID !== eventID)
          throw new VtnError(
            "invalid-event",
            `the event is ${String(fields.eventID)}, not ${eventID}`,
            "/eventID",
          );
        description = checkEventDescription({ ...(base ?? {}), ...fields, eventID }, clock());
        oadrEvent = build(description, next, current.createdDateTime);
      }
      publish(oadrEvent, targetsOf(oadrEvent) ?? record.venIDs?.slice());
      if (description) descriptions.set(eventID, description);
      else descriptions.delete(eventID);
      return eventView(eventID);
    },

    cancelEvent(eventID) {
      const record = state.events.get(eventID);
      if (!record) throw new VtnError("not-found", `no event ${eventID}`, "/eventID");
      if (record.oadrEvent.eiEvent.eventDescriptor.eventStatus === "cancelled")
        throw new VtnError("conflict", `event ${eventID} is already cancelled`, "/eventID");
      ref.cancelEvent(eventID);
      emit({
        kind: "queued",
        venIDs: [...state.vens.values()]
          .filter(
            (v) =>
              v.registrationID !== undefined &&
              (record.venIDs === undefined || record.venIDs.includes(v.venID)),
          )
          .map((v) => v.venID),
      });
      return eventView(eventID);
    },

    events: () => [...state.events.keys()].map(eventView),
    event: eventView,
    vens: () =>
      [...state.vens.values()]
        .filter((v) => v.registrationID !== undefined)
        .map((v) => venView(v.venID)),
    ven: venView,

    requestReport(venID, reportSpecifierID, request = {}) {
      const ven = registered(venID);
      const report = ven.reports.get(reportSpecifierID);
      if (!report)
        throw new VtnError(
          "not-found",
          `VEN ${venID} registered no report ${reportSpecifierID}${ven.reports.size ? ` (it registered ${[...ven.reports.keys()].join(", ")})` : " (it has sent no oadrRegisterReport)"}`,
          "/reportSpecifierID",
        );
      const reportRequest = makeRequest(venID, report, request, "createReport");
      ven.queue.push({
        element: "oadr:oadrCreateReport",
        value: { requestID: state.ids.next("request"), oadrReportRequest: [reportRequest], venID },
      });
      emit({ kind: "queued", venIDs: [venID] });
      return requestView(reportRequest.reportRequestID);
    },

    cancelReportRequest(reportRequestID) {
      const view = requestView(reportRequestID);
      try {
        ref.cancelReportRequest(reportRequestID);
      } catch (e) {
        if (e instanceof EiFault) throw new VtnError("conflict", e.message, "/reportRequestID");
        throw e;
      }
      emit({ kind: "queued", venIDs: [view.venID] });
      return requestView(reportRequestID);
    },

    reportRequest: requestView,
    reportData(reportRequestID) {
      requestView(reportRequestID);
      return [...(requestExtra.get(reportRequestID)?.points ?? [])];
    },

    requestReregistration(venID) {
      registered(venID);
      ref.requestReregistration(venID);
      emit({ kind: "queued", venIDs: [venID] });
      return venView(venID);
    },

    cancelRegistration(venID) {
      registered(venID);
      try {
        ref.cancelRegistration(venID);
      } catch (e) {
        if (e instanceof EiFault) throw new VtnError("conflict", e.message, "/venID");
        throw e;
      }
      emit({ kind: "queued", venIDs: [venID] });
      return venView(venID);
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
