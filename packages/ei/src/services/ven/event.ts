/**
 * Reference EiEvent of the VEN: a pushed oadrDistributeEvent carries every event the VTN holds for
 * the VEN. A new or modified event (higher modificationNumber) is held and answered by the VEN's
 * choice rule; the same modification keeps its answer; a lower one than the VEN holds is out of
 * sequence (450) and leaves the held event alone; held events missing from a distribution are
 * implicitly cancelled and forgotten. The answer is oadrCreatedEvent (one eventResponse per event
 * whose oadrResponseRequired is "always", and per refused event) or, when no event asks for one,
 * oadrResponse.
 */
import type { EventResponses_EventResponse } from "../../gen/types.js";
import {
  batchResponse,
  EiFault,
  eiResponse,
  type ItemOutcome,
  responseCode,
} from "../../responses.js";
import { list } from "../context.js";
import type { OadrVenEventService } from "../interfaces.js";
import { optInToAll, registration, type VenState } from "./state.js";

const P = "/oadrPayload/oadrSignedObject/oadrDistributeEvent";

export function venEventService(state: VenState): OadrVenEventService {
  return {
    distributeEvent(req, ctx) {
      const held = registration(state, P);
      if (req.vtnID !== held.vtnID)
        throw new EiFault(
          "invalidId",
          `VEN ${state.venID} is registered with VTN ${held.vtnID}, not ${req.vtnID}`,
          `${P}/vtnID`,
        );
      const choose = state.options.optChoice ?? optInToAll;
      const outcomes: ItemOutcome[] = [];
      const responses: EventResponses_EventResponse[] = [];
      const seen = new Set<string>();
      list(req.oadrEvent).forEach((oadrEvent, i) => {
        const { eventID, modificationNumber } = oadrEvent.eiEvent.eventDescriptor;
        const where = `${P}/oadrEvent[${i}]/eiEvent/eventDescriptor`;
        seen.add(eventID);
        const mine = state.events.get(eventID);
        let fault: EiFault | undefined;
        if (seen.size !== i + 1)
          fault = new EiFault(
            "invalidData",
            `event ${eventID} is listed twice`,
            `${where}/eventID`,
          );
        else if (
          mine &&
          modificationNumber < mine.oadrEvent.eiEvent.eventDescriptor.modificationNumber
        )
          fault = new EiFault(
            "outOfSequence",
            `modification ${modificationNumber} is older than modification ${mine.oadrEvent.eiEvent.eventDescriptor.modificationNumber} the VEN holds`,
            `${where}/modificationNumber`,
          );
        else if (
          !mine ||
          modificationNumber > mine.oadrEvent.eiEvent.eventDescriptor.modificationNumber
        )
          state.events.set(eventID, { oadrEvent, optType: choose(oadrEvent, mine?.optType) });
        outcomes.push(fault ? { id: eventID, fault } : { id: eventID });
        const answer = state.events.get(eventID);
        if (fault || oadrEvent.oadrResponseRequired === "always")
          responses.push({
            responseCode: responseCode(ctx.profile, fault ? fault.reason : "ok"),
            ...(fault ? { responseDescription: `${fault.path}: ${fault.message}` } : {}),
            requestID: ctx.requestID,
            qualifiedEventID: { eventID, modificationNumber },
            optType: answer?.optType ?? "optOut",
          });
      });
      // a distribution lists every event of the VEN: the ones it leaves out are cancelled
      if (outcomes.every((o) => o.fault === undefined))
        for (const id of [...state.events.keys()]) if (!seen.has(id)) state.events.delete(id);
      if (responses.length === 0)
        return {
          element: "oadr:oadrResponse",
          value: { eiResponse: eiResponse(ctx.profile, ctx.requestID, "ok"), venID: state.venID },
        };
      return {
        element: "oadr:oadrCreatedEvent",
        value: {
          eiCreatedEvent: {
            eiResponse: batchResponse(ctx.profile, ctx.requestID, outcomes),
            eventResponses: { eventResponse: responses },
            venID: state.venID,
          },
        },
      };
    },
  };
}
