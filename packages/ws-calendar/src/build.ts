/**
 * Builders: a Sequence in one call (neutral model), and the generated wire structures for a
 * resolved schedule (xCal `vcalendar`, OpenADR `strm:intervals`), which encode to XSD-valid XML.
 */
import { DateTime } from "luxon";
import { fail } from "./errors.js";
import type { Intervals, VcalendarType, VeventType } from "./gen/types.js";
import type {
  Calendar,
  ComponentProperties,
  DateTimeValue,
  Gluon,
  Interval,
  ResolvedSchedule,
  TemporalReltype,
} from "./model.js";
import { parseDuration } from "./semantics/time.js";

export interface SequenceOptions {
  /** start of the Designated (first) Interval, given by the Gluon */
  readonly start: string | DateTimeValue;
  readonly count: number;
  /** duration of every Interval (inherited from the Gluon), ISO 8601 */
  readonly duration: string;
  /** gap from each Interval to the next (default none) */
  readonly gap?: string;
  readonly reltype?: TemporalReltype;
  /** uid of the k-th Interval (default `interval-${k}`) */
  readonly uid?: (k: number) => string;
  readonly gluonUid?: string;
  /** properties the Gluon passes to every Interval */
  readonly properties?: ComponentProperties;
}

/**
 * An unscheduled Sequence of `count` Intervals, each related to the next (FINISHTOSTART unless
 * `reltype` says otherwise; the Interval carrying the relation is the predecessor), bound by a
 * Gluon that gives the first (Designated) Interval its start and every Interval its duration.
 */
export function buildSequence(o: SequenceOptions): Calendar {
  if (!Number.isInteger(o.count) || o.count < 1)
    fail("bad-relation", "", `count must be a positive integer, got ${o.count}`);
  parseDuration(o.duration, "duration");
  if (o.gap !== undefined) parseDuration(o.gap, "gap");
  const uid = o.uid ?? ((k: number) => `interval-${k}`);
  const gluonUid = o.gluonUid ?? "gluon";
  const start = typeof o.start === "string" ? { value: o.start } : o.start;
  const gluon: Gluon = {
    kind: "gluon",
    uid: gluonUid,
    path: "/gluon",
    dtstart: start,
    duration: o.duration,
    relatedTo: [{ uid: uid(0), reltype: "CHILD", path: "/gluon/related-to" }],
    ...(o.properties ? { properties: o.properties } : {}),
  };
  const intervals: Interval[] = new Array(o.count);
  for (let k = 0; k < o.count; k++) {
    intervals[k] = {
      kind: "interval",
      uid: uid(k),
      path: `/intervals/${k}`,
      ...(k + 1 < o.count
        ? {
            relatedTo: [
              {
                uid: uid(k + 1),
                reltype: o.reltype ?? "FINISHTOSTART",
                ...(o.gap !== undefined ? { gap: o.gap } : {}),
                path: `/intervals/${k}/related-to`,
              },
            ],
          }
        : {}),
    };
  }
  return { components: [gluon, ...intervals] };
}

/**
 * A resolved schedule as an xCal `vcalendar` (generated type): one VEVENT per Interval with uid,
 * dtstart (UTC, or local time with its tzid parameter) and duration. Encode it with
 * `encodeXml(registry, { profile: "xcal", element: "xcal:vcalendar", value })`.
 */
export function toVcalendar(
  schedule: ResolvedSchedule,
  prodid = "-//transactive//ws-calendar//EN",
): VcalendarType {
  const vevent: VeventType[] = schedule.intervals.map((i) => ({
    properties: {
      uid: [{ text: i.uid }],
      dtstart: [
        i.zone === "UTC" || !i.zone.includes("/")
          ? { "date-time": new Date(i.startMs).toISOString().replace(".000Z", "Z") }
          : {
              parameters: { tzid: [{ text: i.zone }] },
              "date-time": DateTime.fromMillis(i.startMs, { zone: i.zone }).toFormat(
                "yyyy-MM-dd'T'HH:mm:ss",
              ),
            },
      ],
      duration: [{ duration: i.duration }],
    },
  }));
  return {
    properties: { prodid: [{ text: prodid }], version: [{ text: "2.0" }] },
    components: { vevent },
  };
}

/**
 * OpenADR `strm:intervals` (generated type) for a sequence of equal intervals with float payloads:
 * uids "0", "1", …, as EI signals write them. `values[k]` is the k-th payload.
 */
export function toStreamIntervals(duration: string, values: readonly number[]): Intervals {
  parseDuration(duration, "duration");
  return {
    interval: values.map((value, k) => ({
      duration: { duration },
      uid: { text: String(k) },
      signalPayload: [{ payloadFloat: { value } }],
    })),
  };
}
