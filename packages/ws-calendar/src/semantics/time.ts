/**
 * Date-times and durations as RFC 5545 / WS-Calendar use them: a time is an instant plus the zone
 * it is expressed in; a duration has nominal parts (years, months, weeks, days: wall-clock
 * arithmetic in the zone, so a day across a daylight-saving change is 23 or 25 hours) and exact
 * parts (hours, minutes, seconds).
 */
import { DateTime, FixedOffsetZone, IANAZone } from "luxon";
import { fail } from "../errors.js";
import type { DateTimeValue } from "../model.js";

export interface Duration {
  readonly text: string;
  readonly sign: 1 | -1;
  readonly years: number;
  readonly months: number;
  readonly weeks: number;
  readonly days: number;
  /** hours, minutes and seconds, in milliseconds */
  readonly exactMs: number;
  /** true when there are no nominal parts */
  readonly exact: boolean;
}

const DURATION =
  /^([+-])?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

const cache = new Map<string, Duration>();

export function parseDuration(text: string, path: string): Duration {
  const hit = cache.get(text);
  if (hit) return hit;
  const m = DURATION.exec(text);
  if (!m || text.endsWith("T") || /^[+-]?P$/.test(text))
    fail("bad-duration", path, `not an ISO 8601 duration: ${JSON.stringify(text)}`);
  const n = (i: number): number => (m[i] ? Number(m[i]) : 0);
  const d: Duration = {
    text,
    sign: m[1] === "-" ? -1 : 1,
    years: n(2),
    months: n(3),
    weeks: n(4),
    days: n(5),
    exactMs: Math.round((n(6) * 3600 + n(7) * 60 + n(8)) * 1000),
    exact: n(2) + n(3) + n(4) + n(5) === 0,
  };
  if (cache.size < 10_000) cache.set(text, d);
  return d;
}

export const ZERO: Duration = parseDuration("PT0S", "");

/** Adds (direction 1) or subtracts (-1) a duration: nominal parts first, then exact ones. */
export function addDuration(ms: number, zone: string, d: Duration, direction: 1 | -1): number {
  const s = d.sign * direction;
  if (d.exact) return ms + s * d.exactMs;
  const dt = DateTime.fromMillis(ms, { zone }).plus({
    years: s * d.years,
    months: s * d.months,
    weeks: s * d.weeks,
    days: s * d.days,
  });
  return dt.toMillis() + s * d.exactMs;
}

const OFFSET = /(Z|[+-]\d{2}:\d{2})$/;
const zoneCache = new Map<string, boolean>();

export function checkZone(tzid: string, path: string): string {
  let ok = zoneCache.get(tzid);
  if (ok === undefined) {
    ok = IANAZone.isValidZone(tzid);
    zoneCache.set(tzid, ok);
  }
  if (!ok) fail("bad-time-zone", path, `unknown time zone id ${JSON.stringify(tzid)}`);
  return tzid;
}

/**
 * Instant and zone of a date-time value. A local value needs a tzid; a value with "Z" is UTC; a
 * value with an offset keeps that offset as its zone. A local value with no tzid is taken as UTC
 * (OpenADR and CTS write UTC without "Z" only by mistake; RFC 5545 floating time has no instant).
 * Local times around a UTC offset change follow RFC 5545 §3.3.5, for a change of any size
 * (30 minutes on Lord Howe Island, 2 hours at Troll): a time that occurs twice is its first
 * occurrence; a time that does not exist (skipped forward) is read with the offset in force
 * before the change, so 02:30 in New York on a spring-forward day is 07:30Z (03:30 EDT).
 */
export function instant(v: DateTimeValue, path: string): { ms: number; zone: string } {
  const offset = OFFSET.exec(v.value);
  if (offset) {
    if (v.tzid !== undefined)
      fail("bad-date-time", path, `a UTC or offset date-time takes no tzid: ${v.value}`);
    const dt = DateTime.fromISO(v.value, { setZone: true });
    if (!dt.isValid) fail("bad-date-time", path, `not a date-time: ${JSON.stringify(v.value)}`);
    const zone = offset[1] === "Z" ? "UTC" : FixedOffsetZone.instance(dt.offset).name;
    return { ms: dt.toMillis(), zone };
  }
  const zone = v.tzid === undefined ? "UTC" : checkZone(v.tzid, path);
  // the wall-clock reading as if it were UTC; the zone's offsets then place it
  const wall = DateTime.fromISO(v.value, { zone: "UTC" });
  if (!wall.isValid || wall.toFormat("yyyy-MM-dd'T'HH:mm:ss") !== v.value.slice(0, 19))
    fail("bad-date-time", path, `not a date-time: ${JSON.stringify(v.value)}`);
  if (zone === "UTC") return { ms: wall.toMillis(), zone };
  return { ms: localToInstant(wall.toMillis(), zone), zone };
}

const DAY_MS = 86_400_000;

/**
 * The instant of a wall-clock time (given as epoch ms read as UTC) in an IANA zone. The offsets in
 * force a day before and a day after are the only candidates (no zone changes twice within two
 * days); a candidate that maps back to the same wall time is an occurrence, the earliest wins; with
 * none, the time is in a gap and takes the offset from before it.
 */
export function localToInstant(wallMs: number, zone: string): number {
  const z = IANAZone.create(zone);
  const before = z.offset(wallMs - DAY_MS);
  const after = z.offset(wallMs + DAY_MS);
  let best = Number.NaN;
  for (const o of before === after ? [before] : [before, after]) {
    const t = wallMs - o * 60_000;
    if (z.offset(t) === o && !(t >= best)) best = t;
  }
  return Number.isNaN(best) ? wallMs - before * 60_000 : best;
}

/** ISO 8601 with offset ("2026-03-08T03:00:00-04:00"; UTC as "Z"). */
export function formatInstant(ms: number, zone: string): string {
  if (zone === "UTC") return new Date(ms).toISOString().replace(".000Z", "Z");
  const dt = DateTime.fromMillis(ms, { zone });
  return dt.toISO({ suppressMilliseconds: true }) ?? fail("bad-date-time", "", "unformattable");
}
