/**
 * An event as an operator gives it, in any of four forms: an oadrDistributeEvent payload (inside an
 * oadrPayload or bare), a bare ei:eiEvent, each as XML or as our JSON, or a small event description
 * (event-description.ts). XML and JSON payloads are decoded and validated by the codec; every
 * refusal is a VtnError naming the path of the problem.
 */
import { type CodecDocument, CodecError, decodeXml, fromJson, validate } from "@transactive/codec";
import {
  type EiEventType,
  type OadrDistributeEventType,
  type OadrDistributeEventTypeOadrEvent,
  type OadrPayload,
  registry,
} from "@transactive/ei";
import { VtnError } from "./errors.js";
import {
  checkEventDescription,
  type EventDescription,
  eventFromDescription,
} from "./event-description.js";

/** One event read from an input, with the VENs it names and, for a description, the description. */
export interface EventInput {
  /** a full oadrEvent (its own eventID, modificationNumber, status) */
  readonly oadrEvent?: OadrDistributeEventTypeOadrEvent;
  /** a checked description, built into an oadrEvent by the VTN (which owns IDs and numbers) */
  readonly description?: EventDescription;
}

/**
 * Reads the events of an input (bytes or text). `now` resolves a description's "now" start.
 * Throws VtnError("invalid-event").
 */
export function readEventInput(input: Uint8Array | string, now: Date): EventInput[] {
  const bytes = typeof input === "string" ? new TextEncoder().encode(input) : input;
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes).replace(/^\uFEFF/, "");
  const first = text.trimStart()[0];
  if (first === undefined) throw new VtnError("invalid-event", "the input is empty", "");
  if (first === "<") return eventsOfDocument(decodeChecked(bytes));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new VtnError("invalid-event", `neither XML nor JSON: ${(e as Error).message}`, "");
  }
  if (isPayloadJson(json)) return eventsOfDocument(decodeChecked(text, true));
  const description = checkEventDescription(json, now);
  // built once here so a schema problem (an unknown signal type…) is told now, at its field
  eventFromDescription(description, {
    now,
    marketContext: "http://check.invalid",
    newEventID: () => "check",
  });
  return [{ description }];
}

/** Our JSON of a payload names its profile or its qualified document element. */
function isPayloadJson(json: unknown): boolean {
  return (
    typeof json === "object" &&
    json !== null &&
    !Array.isArray(json) &&
    Object.keys(json).some((k) => k === "$profile" || k.includes(":"))
  );
}

function decodeChecked(input: Uint8Array | string, json = false): CodecDocument {
  try {
    const doc = json
      ? fromJson(registry, input as string)
      : decodeXml(registry, input as Uint8Array);
    const issues = json ? [] : validate(registry, doc);
    const issue = issues[0];
    if (issue) throw new VtnError("invalid-event", issue.message, issue.path);
    return doc;
  } catch (e) {
    if (e instanceof CodecError) {
      const issue = e.issues[0];
      throw new VtnError("invalid-event", issue?.message ?? e.message, issue?.path ?? "");
    }
    throw e;
  }
}

function eventsOfDocument(doc: CodecDocument): EventInput[] {
  let events: readonly OadrDistributeEventTypeOadrEvent[] | undefined;
  let where = "";
  if (doc.element === "oadr:oadrPayload") {
    const signed = (doc.value as OadrPayload).oadrSignedObject;
    const inner = Object.keys(signed).find((k) => !k.startsWith("@"));
    if (inner !== "oadrDistributeEvent")
      throw new VtnError(
        "invalid-event",
        `an event file holds an oadrDistributeEvent, not ${inner ?? "nothing"}`,
        `/oadrPayload/oadrSignedObject/${inner ?? ""}`,
      );
    events = (signed.oadrDistributeEvent as OadrDistributeEventType).oadrEvent;
    where = "/oadrPayload/oadrSignedObject/oadrDistributeEvent";
  } else if (doc.element === "oadr:oadrDistributeEvent") {
    events = (doc.value as OadrDistributeEventType).oadrEvent;
    where = "/oadrDistributeEvent";
  } else if (doc.element === "ei:eiEvent")
    return [{ oadrEvent: { eiEvent: doc.value as EiEventType, oadrResponseRequired: "always" } }];
  else
    throw new VtnError(
      "invalid-event",
      `an event file holds an oadrDistributeEvent (in an oadrPayload or bare) or an ei:eiEvent, not ${doc.element}`,
      "",
    );
  if (!events?.length)
    throw new VtnError("invalid-event", "the oadrDistributeEvent holds no oadrEvent", where);
  return events.map((oadrEvent) => ({ oadrEvent }));
}
