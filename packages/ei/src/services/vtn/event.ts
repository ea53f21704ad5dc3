/** Reference EiEvent of the VTN: events whose modification numbers only increase, and the VENs' opt answers. */
import type { OadrDistributeEventType, OadrDistributeEventTypeOadrEvent } from "../../gen/types.js";
import { batchResponse, EiFault, eiResponse, type ItemOutcome } from "../../responses.js";
import { list } from "../context.js";
import type { OadrEventService } from "../interfaces.js";
import { registeredVen, type VtnState } from "./state.js";

export function eventService(state: VtnState): OadrEventService {
  return {
    requestEvent(req, ctx) {
      const path = "/oadrPayload/oadrSignedObject/oadrRequestEvent/eiRequestEvent";
      const ven = registeredVen(state, req.eiRequestEvent.venID, `${path}/venID`);
      const limit = req.eiRequestEvent.replyLimit;
      const events = eventsFor(state, ven.venID).slice(
        0,
        limit === undefined ? undefined : Number(limit),
      );
      return distribution(state, events, eiResponse(ctx.profile, ctx.requestID, "ok"));
    },

    createdEvent(req, ctx) {
      const path = "/oadrPayload/oadrSignedObject/oadrCreatedEvent/eiCreatedEvent";
      const created = req.eiCreatedEvent;
      const ven = registeredVen(state, created.venID, `${path}/venID`);
      const outcomes: ItemOutcome[] = list(created.eventResponses?.eventResponse).map((r, i) => {
        const where = `${path}/eventResponses/eventResponse[${i}]/qualifiedEventID`;
        const { eventID, modificationNumber } = r.qualifiedEventID;
        const record = state.events.get(eventID);
        if (!record || !(record.venIDs?.includes(ven.venID) ?? true))
          return {
            id: eventID,
            fault: new EiFault(
              "invalidId",
              `no event ${eventID} for VEN ${ven.venID}`,
              `${where}/eventID`,
            ),
          };
        const current = record.oadrEvent.eiEvent.eventDescriptor.modificationNumber;
        if (Number(modificationNumber) !== current)
          return {
            id: eventID,
            fault: new EiFault(
              "outOfSequence",
              `answers modification ${modificationNumber}, the event is at modification ${current}`,
              `${where}/modificationNumber`,
            ),
          };
        state.eventResponses.set(`${ven.venID} ${eventID}`, {
          optType: String(r.optType),
          modificationNumber: current,
        });
        return { id: eventID };
      });
      return { eiResponse: batchResponse(ctx.profile, ctx.requestID, outcomes), venID: ven.venID };
    },
  };
}

export function eventsFor(state: VtnState, venID: string): OadrDistributeEventTypeOadrEvent[] {
  return [...state.events.values()]
    .filter((e) => e.venIDs === undefined || e.venIDs.includes(venID))
    .map((e) => e.oadrEvent);
}

export function distribution(
  state: VtnState,
  events: readonly OadrDistributeEventTypeOadrEvent[],
  response: OadrDistributeEventType["eiResponse"],
): OadrDistributeEventType {
  return {
    ...(response ? { eiResponse: response } : {}),
    requestID: state.ids.next("distribution"),
    vtnID: state.vtnID,
    ...(events.length ? { oadrEvent: [...events] } : {}),
  };
}

/**
 * Publishes a new event or a modification of one: a modification must carry a higher
 * modificationNumber than the event has, and a cancelled event cannot be modified. The targeted
 * registered VENs get an oadrDistributeEvent on their poll queue.
 */
export function publishEvent(
  state: VtnState,
  oadrEvent: OadrDistributeEventTypeOadrEvent,
  venIDs?: readonly string[],
): void {
  const descriptor = oadrEvent.eiEvent.eventDescriptor;
  const existing = state.events.get(descriptor.eventID);
  if (existing) {
    const current = existing.oadrEvent.eiEvent.eventDescriptor;
    if (current.eventStatus === "cancelled")
      throw new EiFault(
        "notAllowed",
        `event ${descriptor.eventID} is cancelled`,
        "/eiEvent/eventDescriptor/eventStatus",
      );
    if (descriptor.modificationNumber <= current.modificationNumber)
      throw new EiFault(
        "outOfSequence",
        `modificationNumber ${descriptor.modificationNumber} does not increase on ${current.modificationNumber}`,
        "/eiEvent/eventDescriptor/modificationNumber",
      );
  } else if (descriptor.eventStatus === "cancelled")
    throw new EiFault(
      "notAllowed",
      "a new event cannot start cancelled",
      "/eiEvent/eventDescriptor/eventStatus",
    );
  const targets = venIDs ?? existing?.venIDs;
  state.events.set(descriptor.eventID, { oadrEvent, venIDs: targets });
  for (const ven of state.vens.values())
    if (ven.registrationID !== undefined && (targets === undefined || targets.includes(ven.venID)))
      ven.queue.push({
        element: "oadr:oadrDistributeEvent",
        value: distribution(state, eventsFor(state, ven.venID), undefined),
      });
}

/** Cancels an event: the next modification number, status "cancelled". */
export function cancelEvent(state: VtnState, eventID: string): void {
  const existing = state.events.get(eventID);
  if (!existing) throw new EiFault("invalidId", `no event ${eventID}`, "/eventID");
  const d = existing.oadrEvent.eiEvent.eventDescriptor;
  publishEvent(state, {
    ...existing.oadrEvent,
    eiEvent: {
      ...existing.oadrEvent.eiEvent,
      eventDescriptor: {
        ...d,
        modificationNumber: d.modificationNumber + 1,
        modificationDateTime: state.now(),
        eventStatus: "cancelled",
      },
    },
  });
}
