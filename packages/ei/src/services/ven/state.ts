/** The in-memory state of the reference OpenADR 2.0b VEN: its registration, the events it holds and its opt answers, reports. */
import type {
  OadrCreatedPartyRegistrationType,
  OadrDistributeEventTypeOadrEvent,
  OadrReportType,
  OptTypeType,
} from "../../gen/types.js";
import { EiFault } from "../../responses.js";
import { type Ids, idSource, isoNow, type ReferenceOptions } from "../context.js";

/**
 * The VEN's choice rule: its opt answer to an event it receives new or modified (a cancelled event
 * included). `previous` is its answer to the modification it held, if any.
 */
export type OptChoice = (
  oadrEvent: OadrDistributeEventTypeOadrEvent,
  previous: OptTypeType | undefined,
) => OptTypeType;

/** The default choice rule: opt in to every event. */
export const optInToAll: OptChoice = () => "optIn";

export interface VenOptions extends ReferenceOptions {
  /** the VEN's ID (venID) until its VTN assigns one at registration; default "ven" */
  readonly venID?: string;
  /** how the VEN answers events (default `optInToAll`) */
  readonly optChoice?: OptChoice;
  /** reports the VEN offers (its oadrRegisterReport metadata); the VTN may request these by reportSpecifierID */
  readonly venReports?: readonly OadrReportType[];
}

export interface HeldEvent {
  oadrEvent: OadrDistributeEventTypeOadrEvent;
  /** the VEN's opt answer to the modification it holds */
  optType: OptTypeType;
}

export interface VenReportRequest {
  readonly reportRequestID: string;
  readonly reportSpecifierID: string;
  state: "active" | "cancelled";
}

export interface VenState {
  venID: string;
  readonly options: VenOptions;
  readonly ids: Ids;
  now(): string;
  /** the registration the VEN holds with its VTN (from oadrCreatedPartyRegistration) */
  registration: { readonly registrationID: string; readonly vtnID: string } | undefined;
  /** set by oadrRequestReregistration; cleared when the VEN records a new registration */
  reregistrationRequested: boolean;
  /** eventID -> the event at the highest modification received, with the VEN's opt */
  readonly events: Map<string, HeldEvent>;
  /** reports the VEN offers: reportSpecifierID -> report metadata */
  readonly offeredReports: Map<string, OadrReportType>;
  /** reports the VTN registered with the VEN (the VTN's oadrRegisterReport) */
  readonly vtnReports: Map<string, OadrReportType>;
  /** the VTN's requests for the VEN's reports (oadrCreateReport): reportRequestID -> request */
  readonly reportRequests: Map<string, VenReportRequest>;
  /** oadrUpdatedReport acknowledgements received, with their responseCode */
  readonly acknowledgements: string[];
}

export function createVenState(options: VenOptions = {}): VenState {
  return {
    venID: options.venID ?? "ven",
    options,
    ids: idSource(options, "ven"),
    now: () => isoNow(options),
    registration: undefined,
    reregistrationRequested: false,
    events: new Map(),
    offeredReports: new Map((options.venReports ?? []).map((r) => [r.reportSpecifierID, r])),
    vtnReports: new Map(),
    reportRequests: new Map(),
    acknowledgements: [],
  };
}

/** Records the registration a VTN granted (oadrCreatedPartyRegistration with responseCode 200). */
export function recordRegistration(
  state: VenState,
  created: OadrCreatedPartyRegistrationType,
): void {
  const code = created.eiResponse.responseCode;
  if (code !== "200")
    throw new EiFault(
      "invalidData",
      `the VTN refused the registration (responseCode ${code}: ${created.eiResponse.responseDescription ?? ""})`,
      "/oadrCreatedPartyRegistration/eiResponse/responseCode",
    );
  if (created.registrationID === undefined || created.venID === undefined)
    throw new EiFault(
      "invalidData",
      "an oadrCreatedPartyRegistration without registrationID and venID grants no registration",
      "/oadrCreatedPartyRegistration/registrationID",
    );
  state.venID = created.venID;
  state.registration = { registrationID: created.registrationID, vtnID: created.vtnID };
  state.reregistrationRequested = false;
}

/** The VEN's registration, or the "not registered" fault (463): a VEN takes orders only from its VTN. */
export function registration(
  state: VenState,
  path: string,
): { registrationID: string; vtnID: string } {
  if (!state.registration)
    throw new EiFault("notRegistered", `VEN ${state.venID} is not registered with a VTN`, path);
  return state.registration;
}

/** Refuses a message addressed to another VEN (452 invalid ID). */
export function checkVenID(state: VenState, venID: string | undefined, path: string): void {
  if (venID !== undefined && venID !== state.venID)
    throw new EiFault("invalidId", `addressed to VEN ${venID}; this is VEN ${state.venID}`, path);
}

/** Forgets the registration and everything that hangs on it. */
export function forgetRegistration(state: VenState): void {
  state.registration = undefined;
  state.events.clear();
  state.reportRequests.clear();
  state.vtnReports.clear();
}
