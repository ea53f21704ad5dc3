/**
 * The reference OpenADR 2.0b VEN: the endpoint a VTN pushes to (registration cancelled or
 * renewed, events distributed, reports registered, requested, cancelled and acknowledged), over
 * one in-memory state, plus what the VEN does with its VTN's answers.
 */
import type {
  OadrCreatedPartyRegistrationType,
  OadrCreatePartyRegistrationType,
  OptTypeType,
} from "../../gen/types.js";
import type {
  OadrVenEventService,
  OadrVenRegisterPartyService,
  OadrVenReportService,
} from "../interfaces.js";
import { venEventService } from "./event.js";
import { venRegistrationService } from "./registration.js";
import { venReportService } from "./report.js";
import { createVenState, recordRegistration, type VenOptions, type VenState } from "./state.js";

export { type OptChoice, optInToAll, type VenOptions } from "./state.js";

/** The reference OpenADR 2.0b VEN: the services its VTN pushes to, sharing the VEN's in-memory state, plus its registration and opt helpers. */
export interface ReferenceVen {
  readonly state: VenState;
  readonly EiRegisterParty: OadrVenRegisterPartyService;
  readonly EiEvent: OadrVenEventService;
  readonly EiReport: OadrVenReportService;
  /** The oadrCreatePartyRegistration the VEN sends its VTN (with its registrationID when re-registering). */
  registrationRequest(transport?: {
    readonly httpPullModel?: boolean;
    readonly transportAddress?: string;
  }): OadrCreatePartyRegistrationType;
  /** Records the registration its VTN granted. Throws EiFault when the answer grants none. */
  recordRegistration(created: OadrCreatedPartyRegistrationType): void;
  /** The VEN's opt answer to an event it holds, if it holds it. */
  optFor(eventID: string): OptTypeType | undefined;
}

/** Creates a reference VEN with a fresh in-memory state. */
export function createReferenceVen(options: VenOptions = {}): ReferenceVen {
  const state = createVenState(options);
  return {
    state,
    EiRegisterParty: venRegistrationService(state),
    EiEvent: venEventService(state),
    EiReport: venReportService(state),
    registrationRequest(transport = {}) {
      return {
        requestID: state.ids.next("request"),
        ...(state.registration ? { registrationID: state.registration.registrationID } : {}),
        venID: state.venID,
        oadrProfileName: "2.0b",
        oadrTransportName: "simpleHttp",
        ...(transport.transportAddress !== undefined
          ? { oadrTransportAddress: transport.transportAddress }
          : {}),
        oadrReportOnly: false,
        oadrXmlSignature: false,
        oadrHttpPullModel: transport.httpPullModel ?? false,
      };
    },
    recordRegistration: (created) => recordRegistration(state, created),
    optFor: (eventID) => state.events.get(eventID)?.optType,
  };
}
