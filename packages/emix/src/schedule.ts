/**
 * The time side of an EMIX product in its CTS form (a WS-Calendar Streams stream): dtStart, the
 * duration each interval inherits, and the sequence of intervals, each with its uid and its own
 * payload over the stream's. Dates and calendar arithmetic use luxon; the length of a fixed
 * duration (weeks, days, hours, minutes, seconds) is computed exactly from its digits.
 */
import { DateTime, Duration } from "luxon";
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
  const entries: {
    uid: string;
    path: string;
    own?: { key: PayloadKey; value: Record<string, unknown> };
  }[] = [];
  if (list === undefined) {
    if (stream === undefined)
      throw emixError(
        "missing",
        path,
        "no product description (temixPower, powerProductDescription…)",
      );
    entries.push({ uid: String(base.uid ?? "0"), path });
  } else {
    if (!Array.isArray(list) || list.length === 0)
      throw emixError(
        "missing",
        at(at(path, "intervals"), "streamInterval"),
        "intervals must hold at least one streamInterval",
      );
    list.forEach((raw, i) => {
      const p = at(at(at(path, "intervals"), "streamInterval"), i);
      const iv = (raw ?? {}) as Record<string, unknown>;
      if (typeof iv.uid !== "string")
        throw emixError("missing", at(p, "uid"), "a stream interval needs a uid");
      const own = findPayload(iv);
      if (own === undefined && stream === undefined)
        throw emixError("missing", p, "interval has no payload and the stream has none to inherit");
      entries.push(own === undefined ? { uid: iv.uid, path: p } : { uid: iv.uid, path: p, own });
    });
  }
  const out: ResolvedInterval[] = [];
  let cursor = start.at;
  entries.forEach((e, index) => {
    const key = e.own?.key ?? (stream as { key: PayloadKey }).key;
    if (e.own && stream && e.own.key !== stream.key)
      throw emixError(
        "incompatible-items",
        at(e.path, e.own.key),
        `interval payload ${e.own.key} differs from the stream's ${stream.key}`,
      );
    const sources: Record<string, string> = {};
    const payload: Record<string, unknown> = {};
    if (stream)
      for (const [k, v] of Object.entries(stream.value)) {
        payload[k] = v;
        sources[k] = streamPath;
      }
    if (e.own)
      for (const [k, v] of Object.entries(e.own.value)) {
        payload[k] = v;
        sources[k] = at(e.path, e.own.key);
      }
    const seconds = durationSeconds(duration, cursor, at(path, "duration"));
    const end = addDuration(cursor, duration);
    out.push({
      index,
      uid: e.uid,
      path: e.path,
      start: formatInstant(start, cursor),
      end: formatInstant(start, end),
      startTime: cursor,
      endTime: end,
      seconds,
      payloadKey: key,
      payload,
      sources,
    });
    cursor = end;
  });
  return out;
}
