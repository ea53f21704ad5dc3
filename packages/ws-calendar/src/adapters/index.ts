/** From a decoded document (any profile) to the neutral model: one Calendar per schedule in it. */
import type { CodecDocument } from "@transactive/codec";
import { fail } from "../errors.js";
import type { Calendar } from "../model.js";
import { findStreams } from "./streams.js";
import { fromVcalendar } from "./xcal.js";

export interface DocumentSchedule {
  /** path of the schedule (the vcalendar or the stream) in the document */
  readonly path: string;
  readonly calendar: Calendar;
}

/**
 * The schedules a document carries: an xCal `vcalendar`; or every stream (OpenADR/EI
 * `strm:intervals`, CTS `streams:intervals`) with the Gluons that contain it.
 */
export function schedulesOf(doc: CodecDocument): DocumentSchedule[] {
  const root = `/${doc.element}`;
  const value = doc.value as Record<string, unknown>;
  if (doc.element === "xcal:vcalendar")
    return [{ path: root, calendar: { components: fromVcalendar(value, root) } }];
  if (doc.element === "xcalmin:vAvailability")
    fail(
      "not-supported",
      root,
      "WS-Calendar MIN vAvailability (availability with recurrence) is not resolved yet",
    );
  const streams = findStreams(value, root);
  if (streams.length === 0)
    fail(
      "no-intervals",
      root,
      `${doc.element} carries no WS-Calendar schedule (no vcalendar, no stream intervals)`,
    );
  return streams;
}
