/** Reference EiRegisterParty of the VTN: query, register, re-register, cancel (either side). */
import type { OadrCreatedPartyRegistrationType } from "../../gen/types.js";
import { EiFault, eiResponse } from "../../responses.js";
import type { OadrRegisterPartyService } from "../interfaces.js";
import { registeredVen, type VtnState } from "./state.js";

const OFFERED = { profile: "2.0b", transport: "simpleHttp" } as const;

function registrationInfo(
  state: VtnState,
): Pick<OadrCreatedPartyRegistrationType, "vtnID" | "oadrProfiles" | "oadrRequestedOadrPollFreq"> {
  return {
    vtnID: state.vtnID,
    oadrProfiles: {
      oadrProfile: [
        {
          oadrProfileName: OFFERED.profile,
          oadrTransports: { oadrTransport: [{ oadrTransportName: OFFERED.transport }] },
        },
      ],
    },
    oadrRequestedOadrPollFreq: { duration: state.options.pollFrequency ?? "PT10S" },
  };
}

export function registrationService(state: VtnState): OadrRegisterPartyService {
  return {
    queryRegistration(_req, ctx) {
      return {
        eiResponse: eiResponse(ctx.profile, ctx.requestID, "ok"),
        ...registrationInfo(state),
      };
    },

    createPartyRegistration(req, ctx) {
      const path = "/oadrPayload/oadrSignedObject/oadrCreatePartyRegistration";
      if (req.oadrProfileName !== OFFERED.profile)
        throw new EiFault(
          "invalidData",
          `profile ${req.oadrProfileName} is not offered (only ${OFFERED.profile})`,
          `${path}/oadrProfileName`,
        );
      if (req.oadrTransportName !== OFFERED.transport)
        throw new EiFault(
          "invalidData",
          `transport ${req.oadrTransportName} is not offered (only ${OFFERED.transport})`,
          `${path}/oadrTransportName`,
        );
      let venID = req.venID;
      if (req.registrationID !== undefined) {
        // re-registration: the registration must exist and belong to the VEN
        const ven = [...state.vens.values()].find((v) => v.registrationID === req.registrationID);
        if (!ven)
          throw new EiFault(
            "invalidId",
            `no registration ${req.registrationID}`,
            `${path}/registrationID`,
          );
        if (venID !== undefined && venID !== ven.venID)
          throw new EiFault(
            "invalidId",
            `registration ${req.registrationID} belongs to VEN ${ven.venID}`,
            `${path}/venID`,
          );
        venID = ven.venID;
      } else if (venID !== undefined && state.vens.get(venID)?.registrationID !== undefined)
        throw new EiFault(
          "notAllowed",
          `VEN ${venID} is registered; re-register with its registrationID or cancel first`,
          `${path}/venID`,
        );
      venID ??= state.ids.next("ven");
      const registrationID = state.ids.next("registration");
      const existing = state.vens.get(venID);
      if (existing) {
        existing.registrationID = registrationID;
        existing.state = "active";
      } else
        state.vens.set(venID, {
          venID,
          registrationID,
          state: "active",
          ...(req.oadrVenName !== undefined ? { venName: req.oadrVenName } : {}),
          queue: [],
          reports: new Map(),
        });
      return {
        eiResponse: eiResponse(ctx.profile, ctx.requestID, "ok"),
        registrationID,
        venID,
        ...registrationInfo(state),
      };
    },

    cancelPartyRegistration(req, ctx) {
      const path = "/oadrPayload/oadrSignedObject/oadrCancelPartyRegistration";
      const ven = [...state.vens.values()].find((v) => v.registrationID === req.registrationID);
      if (!ven)
        throw new EiFault(
          "invalidId",
          `no registration ${req.registrationID}`,
          `${path}/registrationID`,
        );
      if (req.venID !== undefined && req.venID !== ven.venID)
        throw new EiFault(
          "invalidId",
          `registration ${req.registrationID} belongs to VEN ${ven.venID}`,
          `${path}/venID`,
        );
      unregister(state, ven.venID);
      return {
        eiResponse: eiResponse(ctx.profile, ctx.requestID, "ok"),
        registrationID: req.registrationID,
        venID: ven.venID,
      };
    },

    canceledPartyRegistration(req, ctx) {
      const path = "/oadrPayload/oadrSignedObject/oadrCanceledPartyRegistration";
      const ven = registeredVen(state, req.venID, `${path}/venID`);
      if (ven.state !== "cancelling")
        throw new EiFault(
          "outOfSequence",
          "the VTN has not asked this VEN to cancel its registration",
          path,
        );
      if (req.registrationID !== undefined && req.registrationID !== ven.registrationID)
        throw new EiFault(
          "invalidId",
          `VEN ${ven.venID} holds registration ${ven.registrationID}`,
          `${path}/registrationID`,
        );
      unregister(state, ven.venID);
      return { eiResponse: eiResponse(ctx.profile, ctx.requestID, "ok"), venID: ven.venID };
    },

    response(req, ctx) {
      const path = "/oadrPayload/oadrSignedObject/oadrResponse";
      const ven = registeredVen(state, req.venID, `${path}/venID`);
      return { eiResponse: eiResponse(ctx.profile, ctx.requestID, "ok"), venID: ven.venID };
    },
  };
}

/** Forgets a VEN's registration with everything that hangs on it (queue, opts, report requests). */
export function unregister(state: VtnState, venID: string): void {
  state.vens.delete(venID);
  for (const [k, o] of state.opts) if (o.venID === venID) state.opts.delete(k);
  for (const [k, r] of state.reportRequests) if (r.venID === venID) state.reportRequests.delete(k);
  for (const k of state.eventResponses.keys())
    if (k.startsWith(`${venID} `)) state.eventResponses.delete(k);
}
