/** Conversions to luxon: a resolved interval as a luxon Interval of zoned DateTimes. */
import { DateTime, Interval as LuxonInterval } from "luxon";
import type { ResolvedInterval } from "./model.js";

/** The interval's start as a luxon DateTime in the interval's zone. */
export function toDateTime(ms: number, zone: string): DateTime {
  return DateTime.fromMillis(ms, { zone });
}

/** A resolved interval as a luxon Interval (start and end in the interval's zone). */
export function toLuxonInterval(i: ResolvedInterval): LuxonInterval {
  return LuxonInterval.fromDateTimes(toDateTime(i.startMs, i.zone), toDateTime(i.endMs, i.zone));
}
