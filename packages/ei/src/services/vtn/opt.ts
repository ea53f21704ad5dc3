/** Reference EiOpt of the VTN: a VEN's opt schedules, created then cancelled once. */
import { EiFault, eiResponse } from "../../responses.js";
import type { OadrOptService } from "../interfaces.js";
import { registeredVen, type VtnState } from "./state.js";

export function optService(state: VtnState): OadrOptService {
  return {
    createOpt(req, ctx) {
      const path = "/oadrPayload/oadrSignedObject/oadrCreateOpt";
      const ven = registeredVen(state, req.venID, `${path}/venID`);
      const key = `${ven.venID} ${req.optID}`;
      if (state.opts.get(key)?.state === "active")
        throw new EiFault(
          "notAllowed",
          `opt ${req.optID} exists; cancel it before reusing its ID`,
          `${path}/optID`,
        );
      const eventID = req.qualifiedEventID?.eventID;
      if (eventID !== undefined) {
        const event = state.events.get(eventID);
        if (!event)
          throw new EiFault("invalidId", `no event ${eventID}`, `${path}/qualifiedEventID/eventID`);
        const current = event.oadrEvent.eiEvent.eventDescriptor.modificationNumber;
        if (Number(req.qualifiedEventID?.modificationNumber) !== current)
          throw new EiFault(
            "outOfSequence",
            `the event is at modification ${current}`,
            `${path}/qualifiedEventID/modificationNumber`,
          );
      } else if (req.vavailability === undefined)
        throw new EiFault(
          "invalidData",
          "an opt names either an event (qualifiedEventID) or a schedule (vavailability)",
          path,
        );
      state.opts.set(key, {
        venID: ven.venID,
        optID: req.optID,
        optType: String(req.optType),
        ...(eventID !== undefined ? { eventID } : {}),
        state: "active",
      });
      return { eiResponse: eiResponse(ctx.profile, ctx.requestID, "ok"), optID: req.optID };
    },

    cancelOpt(req, ctx) {
      const path = "/oadrPayload/oadrSignedObject/oadrCancelOpt";
      const ven = registeredVen(state, req.venID, `${path}/venID`);
      const opt = state.opts.get(`${ven.venID} ${req.optID}`);
      if (!opt)
        throw new EiFault("invalidId", `no opt ${req.optID} of VEN ${ven.venID}`, `${path}/optID`);
      if (opt.state === "cancelled")
        throw new EiFault("notAllowed", `opt ${req.optID} is already cancelled`, `${path}/optID`);
      opt.state = "cancelled";
      return { eiResponse: eiResponse(ctx.profile, ctx.requestID, "ok"), optID: req.optID };
    },
  };
}
