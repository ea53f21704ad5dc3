/** Reference EiRegisterParty service of the CTS market (the market is the registrar). */
import { EiFault, eiResponse, faultResponse } from "../../responses.js";
import { list } from "../context.js";
import type { EiRegisterPartyService } from "../interfaces.js";
import { unknownIdsResponse } from "./records.js";
import { isRegistered, type MarketState } from "./state.js";

export function registrationService(state: MarketState): EiRegisterPartyService {
  const registrar = state.marketPartyID;
  return {
    createPartyRegistration(req, ctx) {
      const registree = req.registreePartyID ?? state.ids.next("party");
      if (isRegistered(state, registree))
        return {
          eiResponse: faultResponse(
            ctx.profile,
            ctx.requestID,
            new EiFault(
              "notAllowed",
              `party ${registree} is already registered; cancel that registration first`,
              "/eiCreatePartyRegistration/registreePartyID",
            ),
          ),
          registrarPartyID: registrar,
          registreePartyID: registree,
        };
      const registrationID = state.ids.next("registration");
      state.registrations.set(registrationID, {
        registrationID,
        registreePartyID: registree,
        state: "active",
      });
      return {
        eiResponse: { ...eiResponse(ctx.profile, ctx.requestID, "ok"), createdDateTime: ctx.now() },
        registrarPartyID: registrar,
        registrationID,
        registreePartyID: registree,
      };
    },

    cancelPartyRegistration(req, ctx) {
      // one eiResponse per registration named: the per-item response pattern of the payload
      const responses = list(req.registrationID).map((id, i) => {
        const path = `/eiCancelPartyRegistration/registrationID[${i}]`;
        const record = state.registrations.get(id);
        let fault: EiFault | undefined;
        if (req.registrarPartyID !== registrar)
          fault = new EiFault(
            "invalidId",
            `the registrar is ${registrar}`,
            "/eiCancelPartyRegistration/registrarPartyID",
          );
        else if (!record) fault = new EiFault("invalidId", `no such registration ${id}`, path);
        else if (record.registreePartyID !== req.registreePartyID)
          fault = new EiFault(
            "notAllowed",
            `registration ${id} belongs to ${record.registreePartyID}`,
            path,
          );
        else if (record.state === "cancelled")
          fault = new EiFault("notAllowed", `registration ${id} is already cancelled`, path);
        if (fault) return faultResponse(ctx.profile, ctx.requestID, fault);
        (record as { state: string }).state = "cancelled";
        return eiResponse(ctx.profile, ctx.requestID, "ok", `registration ${id} cancelled`);
      });
      return {
        respondingPartyID: registrar,
        registreePartyID: req.registreePartyID,
        registrarPartyID: registrar,
        ...(responses.length ? { eiResponse: responses } : {}),
      };
    },

    requestPartyRegistration(req, ctx) {
      const ids = list(req.registrationID);
      const unknown = unknownIdsResponse(ids, state.registrations, "registration", ctx);
      if (unknown) return unknown;
      const found = [...state.registrations.values()].filter(
        (r) =>
          r.state === "active" &&
          r.registreePartyID === req.registreePartyID &&
          (ids.length === 0 || ids.includes(r.registrationID)),
      );
      // eiRegistration needs a market's extension of the abstract ei:EiRegistrationInfoType, which
      // the CTS 0.4 schemas do not define: the registrations are named in the description instead
      return {
        eiResponse: {
          ...eiResponse(
            ctx.profile,
            ctx.requestID,
            "ok",
            found.length
              ? `registrations: ${found.map((r) => r.registrationID).join(", ")}`
              : "no active registration",
          ),
          createdDateTime: ctx.now(),
        },
      };
    },
  };
}
