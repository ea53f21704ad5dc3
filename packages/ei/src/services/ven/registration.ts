/** Reference EiRegisterParty of the VEN: the VTN cancels its registration or asks it to register again. */
import { EiFault, eiResponse } from "../../responses.js";
import type { OadrVenRegisterPartyService } from "../interfaces.js";
import { checkVenID, forgetRegistration, registration, type VenState } from "./state.js";

const P = "/oadrPayload/oadrSignedObject";

export function venRegistrationService(state: VenState): OadrVenRegisterPartyService {
  return {
    cancelPartyRegistration(req, ctx) {
      const path = `${P}/oadrCancelPartyRegistration`;
      const held = registration(state, path);
      checkVenID(state, req.venID, `${path}/venID`);
      if (req.registrationID !== held.registrationID)
        throw new EiFault(
          "invalidId",
          `VEN ${state.venID} holds registration ${held.registrationID}, not ${req.registrationID}`,
          `${path}/registrationID`,
        );
      forgetRegistration(state);
      return {
        eiResponse: eiResponse(ctx.profile, ctx.requestID, "ok"),
        registrationID: req.registrationID,
        venID: state.venID,
      };
    },

    requestReregistration(req, ctx) {
      const path = `${P}/oadrRequestReregistration`;
      registration(state, path);
      checkVenID(state, req.venID, `${path}/venID`);
      state.reregistrationRequested = true;
      return { eiResponse: eiResponse(ctx.profile, ctx.requestID, "ok"), venID: state.venID };
    },
  };
}
