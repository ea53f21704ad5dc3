/** The in-memory state of the reference OpenADR VTN: registered VENs, their poll queues, events, opts, reports. */
import type { OadrDistributeEventTypeOadrEvent, OadrReportType } from "../../gen/types.js";
import { EiFault } from "../../responses.js";
import { type Ids, idSource, isoNow, type ReferenceOptions } from "../context.js";
import type { Reply } from "../interfaces.js";

export interface VtnOptions extends ReferenceOptions {
  /** the VTN's ID (vtnID), default "vtn" */
  readonly vtnID?: string;
  /** poll frequency requested from VENs (oadrRequestedOadrPollFreq), default PT10S */
  readonly pollFrequency?: string;
  /** report specifiers the VTN itself offers to VENs (oadrCreateReport from a VEN), default none */
  readonly vtnReportSpecifiers?: readonly string[];
}

export interface VenRecord {
  readonly venID: string;
  registrationID: string | undefined;
  /** "active" until cancelled; "cancelling" after the VTN sent oadrCancelPartyRegistration */
  state: "active" | "cancelling";
  readonly venName?: string;
  /** messages for the VEN, handed over one per oadrPoll */
  readonly queue: Reply[];
  /** reports the VEN registered (oadrRegisterReport): reportSpecifierID -> report */
  readonly reports: Map<string, OadrReportType>;
}

export interface EventRecord {
  oadrEvent: OadrDistributeEventTypeOadrEvent;
  /** VENs it is for; undefined: every registered VEN */
  readonly venIDs: readonly string[] | undefined;
}

export type ReportRequestState = "requested" | "active" | "cancelling" | "cancelled";

export interface ReportRequestRecord {
  readonly reportRequestID: string;
  readonly venID: string;
  readonly reportSpecifierID: string;
  /** who asked for the report: the VTN (reports of the VEN) or the VEN (reports of the VTN) */
  readonly requester: "VTN" | "VEN";
  state: ReportRequestState;
  updates: number;
}

export interface OptRecord {
  readonly venID: string;
  readonly optID: string;
  readonly optType: string;
  readonly eventID?: string;
  state: "active" | "cancelled";
}

export interface VtnState {
  readonly vtnID: string;
  readonly options: VtnOptions;
  readonly ids: Ids;
  now(): string;
  readonly vens: Map<string, VenRecord>;
  readonly events: Map<string, EventRecord>;
  /** `${venID} ${eventID}` -> the VEN's answer */
  readonly eventResponses: Map<string, { optType: string; modificationNumber: number }>;
  /** `${venID} ${optID}` */
  readonly opts: Map<string, OptRecord>;
  readonly reportRequests: Map<string, ReportRequestRecord>;
}

export function createVtnState(options: VtnOptions = {}): VtnState {
  return {
    vtnID: options.vtnID ?? "vtn",
    options,
    ids: idSource(options, "vtn"),
    now: () => isoNow(options),
    vens: new Map(),
    events: new Map(),
    eventResponses: new Map(),
    opts: new Map(),
    reportRequests: new Map(),
  };
}

/** The registered VEN of a venID, or the "not registered" fault (463). */
export function registeredVen(state: VtnState, venID: string | undefined, path: string): VenRecord {
  const ven = venID === undefined ? undefined : state.vens.get(venID);
  if (!ven || ven.registrationID === undefined)
    throw new EiFault(
      "notRegistered",
      `VEN ${venID ?? "(no venID)"} is not registered with this VTN`,
      path,
    );
  return ven;
}
