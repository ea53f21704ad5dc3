/**
 * The events the VEN holds. An oadrDistributeEvent lists every event the VTN holds for the VEN: a
 * new event or a new modification (higher modificationNumber) is put to the opt policy; the same
 * modification keeps its answer; a lower one is out of sequence (450); held events the
 * distribution leaves out are implicitly cancelled and forgotten. The answer, oadrCreatedEvent,
 * has one eventResponse per event whose oadrResponseRequired is "always" and whose current
 * modification the VTN has not had an answer to yet (and per refused event); none is due when
 * every answer was given. A cancelled event is acknowledged with optIn (the VEN accepts the
 * cancellation); that acknowledgement is not counted as an opt.
 */
import {
  batchResponse,
  EiFault,
  type EventResponses_EventResponse,
  type OadrCreatedEventType,
  type OadrDistributeEventType,
  type OptTypeType,
  responseCode,
} from "@transactive/ei";
import type { Logger } from "./log.js";
import type { OptPolicy } from "./opt.js";
import { listOf } from "./reports.js";

/** An event the VEN holds, with its answer. */
export interface HeldEvent {
  readonly eventID: string;
  readonly modificationNumber: number;
  readonly eventStatus: string;
  readonly optType: OptTypeType;
  /** whether the VTN has the answer to this modification (always true when none is required) */
  answered: boolean;
}

/** The VEN's events and what it answered. */
export interface EventBook {
  readonly held: ReadonlyMap<string, HeldEvent>;
  /** distinct eventIDs received */
  readonly received: ReadonlySet<string>;
  /** eventIDs whose latest answer to a live (not cancelled) modification was optIn */
  readonly optedIn: ReadonlySet<string>;
  /** Handles an oadrDistributeEvent; the answer is the oadrCreatedEvent to send, or undefined when none is due. */
  distribute(
    req: OadrDistributeEventType,
    vtnID: string,
    venID: string,
    requestID: string,
  ): Promise<{ created: OadrCreatedEventType | undefined; answers: readonly string[] }>;
  /** The answers to these events did not reach the VTN: give them again with the next distribution. */
  unanswered(eventIDs: readonly string[]): void;
  /** Forgets every held event (the registration ended); the counts stay. */
  clear(): void;
}

const P = "/oadrPayload/oadrSignedObject/oadrDistributeEvent";

/** Creates an event book over an opt policy. */
export function createEventBook(policy: OptPolicy, log: Logger): EventBook {
  const held = new Map<string, HeldEvent>();
  const received = new Set<string>();
  const optedIn = new Set<string>();

  return {
    held,
    received,
    optedIn,
    async distribute(req, vtnID, venID, requestID) {
      if (req.vtnID !== vtnID)
        throw new EiFault(
          "invalidId",
          `this VEN is registered with VTN ${vtnID}, not ${req.vtnID}`,
          `${P}/vtnID`,
        );
      const events = listOf(req.oadrEvent);
      const outcomes: { id: string; fault?: EiFault }[] = [];
      const responses: EventResponses_EventResponse[] = [];
      const seen = new Set<string>();
      for (const [i, oadrEvent] of events.entries()) {
        const d = oadrEvent.eiEvent.eventDescriptor;
        const where = `${P}/oadrEvent[${i}]/eiEvent/eventDescriptor`;
        const mine = held.get(d.eventID);
        const modification = Number(d.modificationNumber);
        let fault: EiFault | undefined;
        if (seen.has(d.eventID))
          fault = new EiFault(
            "invalidData",
            `event ${d.eventID} is listed twice`,
            `${where}/eventID`,
          );
        else if (mine && modification < mine.modificationNumber)
          fault = new EiFault(
            "outOfSequence",
            `modification ${modification} of event ${d.eventID} is older than modification ${mine.modificationNumber} the VEN holds`,
            `${where}/modificationNumber`,
          );
        seen.add(d.eventID);
        if (!fault && (!mine || modification > mine.modificationNumber)) {
          const cancelled = d.eventStatus === "cancelled";
          const signalNames = listOf(oadrEvent.eiEvent.eiEventSignals?.eiEventSignal).map((s) =>
            String(s.signalName),
          );
          const optType: OptTypeType = cancelled
            ? "optIn"
            : await policy(
                {
                  eventID: d.eventID,
                  modificationNumber: modification,
                  eventStatus: String(d.eventStatus),
                  signalNames,
                  oadrEvent,
                },
                log,
              );
          const required = oadrEvent.oadrResponseRequired !== "never";
          held.set(d.eventID, {
            eventID: d.eventID,
            modificationNumber: modification,
            eventStatus: String(d.eventStatus),
            optType,
            answered: !required,
          });
          received.add(d.eventID);
          if (!cancelled) {
            if (optType === "optIn") optedIn.add(d.eventID);
            else optedIn.delete(d.eventID);
          }
          log(
            "info",
            cancelled
              ? `event ${d.eventID} cancelled (modification ${modification})`
              : `event ${d.eventID} modification ${modification} (${String(d.eventStatus)}, signals ${signalNames.join(", ") || "none"}): ${optType}`,
          );
        }
        outcomes.push(fault ? { id: d.eventID, fault } : { id: d.eventID });
        const answer = held.get(d.eventID);
        if (fault || (answer && !answer.answered && oadrEvent.oadrResponseRequired !== "never")) {
          responses.push({
            responseCode: responseCode("openadr2b", fault ? fault.reason : "ok"),
            responseDescription: fault ? `${fault.path}: ${fault.message}` : "OK",
            requestID,
            qualifiedEventID: {
              eventID: d.eventID,
              modificationNumber: fault ? modification : (answer as HeldEvent).modificationNumber,
            },
            optType: fault ? "optOut" : (answer as HeldEvent).optType,
          });
          if (answer && !fault) answer.answered = true;
        }
      }
      // the distribution lists every event of the VEN: the ones left out are over
      if (outcomes.every((o) => o.fault === undefined))
        for (const id of [...held.keys()])
          if (!seen.has(id)) {
            held.delete(id);
            log("info", `event ${id} is no longer distributed: forgotten`);
          }
      if (responses.length === 0) return { created: undefined, answers: [] };
      return {
        created: {
          eiCreatedEvent: {
            eiResponse: batchResponse("openadr2b", requestID, outcomes),
            eventResponses: { eventResponse: responses },
            venID,
          },
        },
        answers: responses.map((r) => r.qualifiedEventID.eventID),
      };
    },
    unanswered(ids) {
      for (const id of ids) {
        const e = held.get(id);
        if (e) e.answered = false;
      }
    },
    clear() {
      held.clear();
    },
  };
}
