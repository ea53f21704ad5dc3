/** The reference OpenADR 2.0b VTN: every service a VEN calls, over one shared in-memory state, plus the VTN's own actions. */
import type { OadrDistributeEventTypeOadrEvent } from "../../gen/types.js";
import { EiFault } from "../../responses.js";
import type {
  OadrEventService,
  OadrOptService,
  OadrPollService,
  OadrRegisterPartyService,
  OadrReportService,
} from "../interfaces.js";
import { cancelEvent, eventService, publishEvent } from "./event.js";
import { optService } from "./opt.js";
import { pollService } from "./poll.js";
import { registrationService } from "./registration.js";
import { cancelReportRequest, reportService, requestReport } from "./report.js";
import { createVtnState, registeredVen, type VtnOptions, type VtnState } from "./state.js";

export type { VtnOptions } from "./state.js";

/** The reference OpenADR 2.0b VTN: every service a VEN calls, sharing the VTN's in-memory state, plus the VTN's own actions (which queue messages for its VENs). */
export interface ReferenceVtn {
  readonly state: VtnState;
  readonly EiRegisterParty: OadrRegisterPartyService;
  readonly EiEvent: OadrEventService;
  readonly EiOpt: OadrOptService;
  readonly EiReport: OadrReportService;
  readonly OadrPoll: OadrPollService;
  /** Publishes or modifies (higher modificationNumber) an event for some or all VENs. Throws EiFault. */
  publishEvent(oadrEvent: OadrDistributeEventTypeOadrEvent, venIDs?: readonly string[]): void;
  /** Cancels an event (its next modification number, status "cancelled"). Throws EiFault for an unknown event. */
  cancelEvent(eventID: string): void;
  /** Asks a VEN for a report it registered; returns the reportRequestID. */
  requestReport(
    venID: string,
    reportSpecifierID: string,
    options?: { granularity?: string; reportBackDuration?: string },
  ): string;
  /** Queues oadrCancelReport for a report request the VTN made; the VEN confirms with oadrCanceledReport. Throws EiFault. */
  cancelReportRequest(reportRequestID: string): void;
  /** Queues oadrRequestReregistration for a VEN. */
  requestReregistration(venID: string): void;
  /** Queues oadrCancelPartyRegistration for a VEN; the registration ends when the VEN confirms. */
  cancelRegistration(venID: string): void;
}

/** Creates a reference VTN with a fresh in-memory state. */
export function createReferenceVtn(options: VtnOptions = {}): ReferenceVtn {
  const state = createVtnState(options);
  return {
    state,
    EiRegisterParty: registrationService(state),
    EiEvent: eventService(state),
    EiOpt: optService(state),
    EiReport: reportService(state),
    OadrPoll: pollService(state),
    publishEvent: (e, venIDs) => publishEvent(state, e, venIDs),
    cancelEvent: (id) => cancelEvent(state, id),
    requestReport: (venID, id, o) => requestReport(state, venID, id, o),
    cancelReportRequest: (id) => cancelReportRequest(state, id),
    requestReregistration(venID) {
      registeredVen(state, venID, "/venID").queue.push({
        element: "oadr:oadrRequestReregistration",
        value: { venID },
      });
    },
    cancelRegistration(venID) {
      const ven = registeredVen(state, venID, "/venID");
      if (ven.state === "cancelling")
        throw new EiFault(
          "notAllowed",
          `the registration of VEN ${venID} is already being cancelled`,
          "/venID",
        );
      ven.state = "cancelling";
      ven.queue.push({
        element: "oadr:oadrCancelPartyRegistration",
        value: { requestID: state.ids.next("request"), registrationID: ven.registrationID, venID },
      });
    },
  };
}
