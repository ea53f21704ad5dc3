/**
 * The time side of an EMIX product in its CTS form (a WS-Calendar Streams stream): dtStart, the
 * duration each interval inherits, and the sequence of intervals, each with its uid and its own
 * payload over the stream's. Dates and calendar arithmetic use luxon; the length of a fixed
 * duration (weeks, days, hours, minutes, seconds) is computed exactly from its digits.
 */
import { DateTime, Duration, type Zone } from "luxon";
import { Decimal } from "./decimal.js";
import { at, emixError } from "./errors.js";

const DURATION =
  /^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

export interface ParsedDuration {
  readonly iso: string;
  /** calendar part (years, months): its length depends on the start */
  readonly years: number;
  readonly months: number;
  /** fixed part in seconds, exact */
  readonly fixedSeconds: Decimal;
}

/** Parses a positive xs:duration; throws "bad-duration" at `path` for a malformed, zero or negative one. */
export function parseDuration(iso: unknown, path: string): ParsedDuration {
  const m = typeof iso === "string" ? DURATION.exec(iso) : null;
  if (m === null || iso === "P" || (typeof iso === "string" && iso.endsWith("T")))
    throw emixError("bad-duration", path, `"${String(iso)}" is not a duration`, iso);
  if (m[1] === "-")
    throw emixError(
      "bad-duration",
      path,
      `duration ${iso} is negative: intervals need a positive duration`,
      iso,
    );
  const n = (i: number): bigint => BigInt(m[i] ?? "0");
  const fixed = Decimal.of(
    ((n(4) * 7n + n(5)) * 86400n + n(6) * 3600n + n(7) * 60n).toString(),
  ).add(m[8] ?? "0");
  const years = Number(n(2));
  const months = Number(n(3));
  if (fixed.isZero() && years === 0 && months === 0)
    throw emixError(
      "bad-duration",
      path,
      `duration ${iso} is zero: intervals need a positive duration`,
      iso,
    );
  return { iso: iso as string, years, months, fixedSeconds: fixed };
}

export interface Instant {
  readonly at: DateTime;
  /** no UTC offset was given (a floating local time): computed as UTC */
  readonly floating: boolean;
}

/** Reads an xcalmin:dtStart ({dateTime} | {date}) or a dateTime string. */
export function parseStart(value: unknown, path: string): Instant {
  if (typeof value === "string") return parseDateTime(value, path);
  const obj = (value ?? {}) as Record<string, unknown>;
  if (typeof obj.dateTime === "string") return parseDateTime(obj.dateTime, at(path, "dateTime"));
  if (typeof obj.date === "string") {
    const d = DateTime.fromISO(obj.date, { zone: "utc" });
    if (!d.isValid)
      throw emixError("bad-date", at(path, "date"), `"${obj.date}" is not a date`, obj.date);
    return { at: d, floating: true };
  }
  if (obj.time !== undefined)
    throw emixError(
      "not-supported",
      at(path, "time"),
      "a time-of-day dtStart has no date: intervals anchored on it are not supported",
    );
  throw emixError("missing", path, "dtStart needs a dateTime or date");
}

function parseDateTime(s: string, path: string): Instant {
  const floating = !/(Z|[+-]\d\d:\d\d)$/.test(s);
  const d = floating
    ? DateTime.fromISO(s, { zone: "utc" })
    : DateTime.fromISO(s, { setZone: true });
  if (!d.isValid) throw emixError("bad-date", path, `"${s}" is not a dateTime`, s);
  return { at: d, floating };
}

/** start + duration */
export function addDuration(start: DateTime, d: ParsedDuration): DateTime {
  let end = d.years || d.months ? start.plus({ years: d.years, months: d.months }) : start;
  const ms = d.fixedSeconds.mul(1000n);
  // sub-millisecond parts do not move a DateTime; the exact length stays in `seconds`
  end = end.plus(Duration.fromMillis(Number(ms.toFixed(0, "down"))));
  return end;
}

/** Exact seconds from start over a duration. */
export function durationSeconds(d: ParsedDuration, start?: DateTime, path = ""): Decimal {
  if (d.years === 0 && d.months === 0) return d.fixedSeconds;
  if (start === undefined)
    throw emixError(
      "not-supported",
      path,
      `duration ${d.iso} has years or months: its length needs a start date`,
    );
  const calendarMs = start.plus({ years: d.years, months: d.months }).toMillis() - start.toMillis();
  return Decimal.of(calendarMs).div(1000n).add(d.fixedSeconds);
}

export function formatInstant(i: Instant, d: DateTime = i.at): string {
  const s = d.toISO({ suppressMilliseconds: true, includeOffset: !i.floating }) ?? "";
  return i.floating ? s : s.replace(/\+00:00$/, "Z");
}

/** Product description payloads a stream or interval may carry (emix:productDescription members). */
export const PAYLOAD_KEYS = [
  "temixPower",
  "powerProductDescription",
  "fullRequirementsPower",
  "transportProductDescription",
  "measurement",
] as const;
export type PayloadKey = (typeof PAYLOAD_KEYS)[number];

export function findPayload(
  obj: Readonly<Record<string, unknown>>,
): { key: PayloadKey; value: Record<string, unknown> } | undefined {
  for (const key of PAYLOAD_KEYS) {
    const v = obj[key];
    if (typeof v === "object" && v !== null) return { key, value: v as Record<string, unknown> };
  }
  return undefined;
}

export interface ResolvedInterval {
  readonly index: number;
  readonly uid: string;
  /** path of the interval (or of the product when it has no intervals) */
  readonly path: string;
  readonly start: string;
  readonly end: string;
  readonly startTime: DateTime;
  readonly endTime: DateTime;
  /** startTime and endTime as epoch milliseconds (NaN where luxon cannot represent them) */
  readonly startMillis: number;
  readonly endMillis: number;
  readonly seconds: Decimal;
  readonly payloadKey: PayloadKey;
  /** the interval's payload over the stream's: the interval's own values win */
  readonly payload: Readonly<Record<string, unknown>>;
  /** path of the payload each value came from, by key */
  readonly sources: Readonly<Record<string, string>>;
}

export interface Inherited {
  /** dtStart of the containing artifact, when the product has none */
  readonly dtStart?: unknown;
  /** duration of the containing artifact, when the product has none */
  readonly duration?: string;
}

/** 0001-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: the years written with four digits */
const FIRST_MS = -62135596800000;
const LAST_MS = 253402300799999;

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/**
 * What formatInstant writes for an instant in a fixed-offset zone (`offset` minutes east of UTC),
 * computed from its epoch milliseconds; the caller keeps `ms + offset` within years 1 to 9999.
 */
function formatFixed(ms: number, offset: number, floating: boolean): string {
  const d = new Date(ms + offset * 60000);
  const y = d.getUTCFullYear();
  const milli = d.getUTCMilliseconds();
  const time = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
  let s = `${y < 1000 ? String(y).padStart(4, "0") : y}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${time}`;
  if (milli !== 0) s += `.${String(milli).padStart(3, "0")}`;
  if (floating) return s;
  if (offset === 0) return `${s}Z`;
  const abs = Math.abs(offset);
  return `${s}${offset < 0 ? "-" : "+"}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

interface Entry {
  readonly uid: string;
  readonly path: string;
  readonly own?: { key: PayloadKey; value: Record<string, unknown> };
}

/** The times of an interval: start and end as epoch milliseconds and strings, length exact. */
interface Times {
  readonly startMillis: number;
  readonly endMillis: number;
  readonly start: string;
  readonly end: string;
  readonly seconds: Decimal;
  /** luxon's start and end, when they were computed with luxon */
  readonly from?: DateTime;
  readonly to?: DateTime;
}

/**
 * Interval i of a fixed duration (no years or months) in a fixed-offset zone (every dtStart this
 * package reads has one) starts at dtStart + i x duration in plain millisecond arithmetic, which is
 * what luxon computes for such a duration and zone; a calendar duration, or instants beyond the
 * years 1 to 9999, take luxon's path interval by interval.
 */
function intervalTimes(
  start: Instant,
  duration: ParsedDuration,
  count: number,
  durationPath: string,
): Times[] {
  const first = start.at.toMillis();
  const step = Number(duration.fixedSeconds.mul(1000n).toFixed(0, "down"));
  const offset = start.at.offset;
  const last = first + step * count;
  const out: Times[] = [];
  if (
    duration.years === 0 &&
    duration.months === 0 &&
    start.at.zone.isUniversal &&
    start.at.isValid &&
    Number.isSafeInteger(last) &&
    first + offset * 60000 >= FIRST_MS &&
    last + offset * 60000 <= LAST_MS
  ) {
    const seconds = duration.fixedSeconds;
    let ms = first;
    let text = formatFixed(ms, offset, start.floating);
    for (let i = 0; i < count; i++) {
      const end = formatFixed(ms + step, offset, start.floating);
      out.push({ startMillis: ms, endMillis: ms + step, start: text, end, seconds });
      ms += step;
      text = end;
    }
    return out;
  }
  let cursor = start.at;
  for (let i = 0; i < count; i++) {
    const seconds = durationSeconds(duration, cursor, durationPath);
    const to = addDuration(cursor, duration);
    out.push({
      startMillis: cursor.toMillis(),
      endMillis: to.toMillis(),
      start: formatInstant(start, cursor),
      end: formatInstant(start, to),
      seconds,
      from: cursor,
      to,
    });
    cursor = to;
  }
  return out;
}

/** A resolved interval; its luxon DateTimes are made when first asked for. */
class Interval implements ResolvedInterval {
  readonly start: string;
  readonly end: string;
  readonly startMillis: number;
  readonly endMillis: number;
  readonly seconds: Decimal;
  readonly #times: Times;
  readonly #zone: Zone;
  constructor(
    readonly index: number,
    readonly uid: string,
    readonly path: string,
    times: Times,
    zone: Zone,
    readonly payloadKey: PayloadKey,
    readonly payload: Readonly<Record<string, unknown>>,
    readonly sources: Readonly<Record<string, string>>,
  ) {
    this.start = times.start;
    this.end = times.end;
    this.startMillis = times.startMillis;
    this.endMillis = times.endMillis;
    this.seconds = times.seconds;
    this.#times = times;
    this.#zone = zone;
  }
  get startTime(): DateTime {
    return this.#times.from ?? DateTime.fromMillis(this.startMillis, { zone: this.#zone });
  }
  get endTime(): DateTime {
    return this.#times.to ?? DateTime.fromMillis(this.endMillis, { zone: this.#zone });
  }
}

/**
 * The intervals of a stream-based EMIX object (product, option, delivery): interval i starts at
 * dtStart + i x duration and inherits the stream payload's values it does not set. A stream
 * without intervals is one interval. Throws an EmixError naming the path on the first problem.
 */
export function resolveIntervals(
  base: Readonly<Record<string, unknown>>,
  path: string,
  inherited: Inherited = {},
): ResolvedInterval[] {
  const startValue = base.dtStart ?? inherited.dtStart;
  if (startValue === undefined)
    throw emixError(
      "missing",
      at(path, "dtStart"),
      "no dtStart: the product's intervals have no start (give one, or inherit it from the containing artifact)",
    );
  const start = parseStart(startValue, at(path, "dtStart"));
  const durationValue = base.duration ?? inherited.duration;
  if (durationValue === undefined)
    throw emixError("missing", at(path, "duration"), "no duration: the intervals have no length");
  const duration = parseDuration(durationValue, at(path, "duration"));
  const stream = findPayload(base);
  const streamPath = stream ? at(path, stream.key) : "";
  const list = (base.intervals as { streamInterval?: unknown } | undefined)?.streamInterval;
  const entries: Entry[] = [];
  if (list === undefined) {
    if (stream === undefined)
      throw emixError(
        "missing",
        path,
        "no product description (temixPower, powerProductDescription…)",
      );
    entries.push({ uid: String(base.uid ?? "0"), path });
  } else {
    const listPath = at(at(path, "intervals"), "streamInterval");
    if (!Array.isArray(list) || list.length === 0)
      throw emixError("missing", listPath, "intervals must hold at least one streamInterval");
    for (let i = 0; i < list.length; i++) {
      const p = at(listPath, i);
      const iv = (list[i] ?? {}) as Record<string, unknown>;
      if (typeof iv.uid !== "string")
        throw emixError("missing", at(p, "uid"), "a stream interval needs a uid");
      const own = findPayload(iv);
      if (own === undefined && stream === undefined)
        throw emixError("missing", p, "interval has no payload and the stream has none to inherit");
      entries.push(own === undefined ? { uid: iv.uid, path: p } : { uid: iv.uid, path: p, own });
    }
  }
  for (const e of entries)
    if (e.own && stream && e.own.key !== stream.key)
      throw emixError(
        "incompatible-items",
        at(e.path, e.own.key),
        `interval payload ${e.own.key} differs from the stream's ${stream.key}`,
      );
  const times = intervalTimes(start, duration, entries.length, at(path, "duration"));
  // the stream's values and their source, read once for every interval
  const streamEntries = stream ? Object.entries(stream.value) : [];
  const out: ResolvedInterval[] = [];
  for (let index = 0; index < entries.length; index++) {
    const e = entries[index] as Entry;
    const key = e.own?.key ?? (stream as { key: PayloadKey }).key;
    const sources: Record<string, string> = {};
    const payload: Record<string, unknown> = {};
    for (const [k, v] of streamEntries) {
      payload[k] = v;
      sources[k] = streamPath;
    }
    if (e.own) {
      const ownPath = at(e.path, e.own.key);
      for (const k in e.own.value)
        if (Object.hasOwn(e.own.value, k)) {
          payload[k] = e.own.value[k];
          sources[k] = ownPath;
        }
    }
    out.push(
      new Interval(
        index,
        e.uid,
        e.path,
        times[index] as Times,
        start.at.zone,
        key,
        payload,
        sources,
      ),
    );
  }
  return out;
}
