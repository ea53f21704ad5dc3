/** Reference OadrPoll of the VTN: hands a VEN its queued messages one at a time, else an oadrResponse. */
import { eiResponse } from "../../responses.js";
import type { OadrPollService } from "../interfaces.js";
import { registeredVen, type VtnState } from "./state.js";

export function pollService(state: VtnState): OadrPollService {
  return {
    poll(req, ctx) {
      const ven = registeredVen(state, req.venID, "/oadrPayload/oadrSignedObject/oadrPoll/venID");
      const next = ven.queue.shift();
      if (next) return next;
      return {
        element: "oadr:oadrResponse",
        value: { eiResponse: eiResponse(ctx.profile, ctx.requestID, "ok"), venID: ven.venID },
      };
    },
  };
}
