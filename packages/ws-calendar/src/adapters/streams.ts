/**
 * Streams (WS-Calendar Streams; EI 1.0 signals and OpenADR `strm:intervals` of `ei:interval`;
 * CTS 0.4's 2016 Streams `streams:intervals` of `streamInterval` with WS-Calendar MIN times).
 * A stream is a Gluon over a Sequence of Intervals in document order, each related
 * FINISHTOSTART with no gap to the one after it, the first being the Designated Interval. Its dtstart is its own or
 * that of the containing artifact (EI's eiActivePeriod, a CTS product), which is a Gluon too.
 */

import { fail } from "../errors.js";
import type { Calendar, Component, DateTimeValue, Gluon, Interval, Relation } from "../model.js";
import { parseDuration } from "../semantics/time.js";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

export interface StreamSchedule {
  /** path of the stream in the document */
  readonly path: string;
  readonly calendar: Calendar;
}

interface Context {
  readonly gluons: readonly Gluon[];
}

/** Every stream in a document value, each with the Gluons above it. */
export function findStreams(value: unknown, path: string): StreamSchedule[] {
  const out: StreamSchedule[] = [];
  walk(value, path, { gluons: [] }, out);
  return out;
}

function walk(v: unknown, path: string, ctx: Context, out: StreamSchedule[]): void {
  if (Array.isArray(v)) {
    for (const [k, x] of v.entries()) walk(x, `${path}/${k}`, ctx, out);
    return;
  }
  if (!isObj(v)) return;
  let here = ctx;
  // EI: the active period of an event (or report request) is the Gluon of its signals
  const ap = v.eiActivePeriod;
  if (isObj(ap) && isObj(ap.properties))
    here = push(here, activePeriod(ap.properties, `${path}/eiActivePeriod`));
  // CTS: a containing artifact with WS-Calendar MIN times (a product) binds the streams in it
  if (isObj(v.dtStart) && !isObj(v.intervals)) here = push(here, ctsArtifact(v, path));
  const iv = v.intervals;
  if (isObj(iv) && (Array.isArray(iv.interval) || Array.isArray(iv.streamInterval))) {
    out.push({ path, calendar: stream(v, iv, path, here) });
  }
  for (const [k, x] of Object.entries(v))
    if (k !== "intervals" && k !== "eiActivePeriod") walk(x, `${path}/${k}`, here, out);
}

function push(ctx: Context, g: Gluon): Context {
  const above = ctx.gluons[ctx.gluons.length - 1];
  const linked: Gluon = above
    ? { ...g, relatedTo: [{ uid: above.uid, reltype: "PARENT", path: g.path }] }
    : g;
  return { gluons: [...ctx.gluons, linked] };
}

const str = (o: unknown, k: string): string | undefined => {
  const x = isObj(o) ? o[k] : undefined;
  return typeof x === "string" ? x : undefined;
};

function activePeriod(p: Obj, path: string): Gluon {
  const dt = str(p.dtstart, "date-time");
  const span = str(p.duration, "duration");
  const properties: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(p))
    if (k !== "dtstart" && k !== "duration") properties[k] = x;
  return {
    kind: "gluon",
    uid: `gluon:${path}`,
    path,
    ...(dt ? { dtstart: { value: dt } } : {}),
    // PT0S in EI means an open-ended event: no partition to check
    ...(span && !isZero(span) ? { span } : {}),
    properties,
  };
}

function ctsTime(d: unknown, path: string): DateTimeValue | undefined {
  if (!isObj(d)) return undefined;
  if (typeof d.dateTime === "string") return { value: d.dateTime };
  if (typeof d.date === "string") return { value: `${d.date}T00:00:00` };
  if (d.time !== undefined)
    fail("not-supported", path, "a WS-Calendar MIN time without a date cannot start a schedule");
  return undefined;
}

function ctsArtifact(v: Obj, path: string): Gluon {
  const dtstart = ctsTime(v.dtStart, `${path}/dtStart`);
  const span = typeof v.duration === "string" ? v.duration : undefined;
  return {
    kind: "gluon",
    uid: `gluon:${path}`,
    path,
    ...(dtstart ? { dtstart } : {}),
    ...(span && !isZero(span) ? { span } : {}),
  };
}

function isZero(d: string): boolean {
  const p = parseDuration(d, "");
  return p.exact && p.exactMs === 0;
}

function stream(s: Obj, iv: Obj, path: string, ctx: Context): Calendar {
  const isCts = Array.isArray(iv.streamInterval);
  const list = (isCts ? iv.streamInterval : iv.interval) as unknown[];
  const above = ctx.gluons[ctx.gluons.length - 1];
  // the stream itself is a Gluon: EI baselines and reports carry a dtstart (their duration may
  // cover more than the intervals sent, so it is not a partition); a CTS stream's duration is the
  // duration each of its intervals inherits
  const dt = isCts ? ctsTime(s.dtStart, `${path}/dtStart`) : strDt(s.dtstart);
  const dur = isCts
    ? typeof s.duration === "string"
      ? s.duration
      : undefined
    : str(s.duration, "duration");
  const gluon: Gluon = {
    kind: "gluon",
    uid: `gluon:${path}`,
    path,
    ...(dt ? { dtstart: dt } : {}),
    ...(dur && isCts ? { duration: dur } : {}),
    relatedTo: [...(above ? [{ uid: above.uid, reltype: "PARENT" as const, path }] : [])],
  };
  const intervals: Interval[] = [];
  const relations: Relation[][] = [];
  const seen = new Set<string>();
  list.forEach((x, k) => {
    const at = `${path}/intervals/${isCts ? "streamInterval" : "interval"}/${k}`;
    if (!isObj(x)) fail("bad-relation", at, "not an interval");
    const uid = isCts ? (typeof x.uid === "string" ? x.uid : undefined) : str(x.uid, "text");
    const id = uid ?? `#${k}`;
    if (seen.has(id))
      fail("duplicate-uid", at, `uid ${JSON.stringify(id)} is used twice in this stream`);
    seen.add(id);
    const own = isCts ? undefined : strDt(x.dtstart);
    const duration = isCts ? undefined : str(x.duration, "duration");
    const properties: Record<string, unknown> = {};
    for (const [kk, xx] of Object.entries(x))
      if (!["uid", "dtstart", "duration"].includes(kk)) properties[kk] = xx;
    const prev = intervals[k - 1];
    const relatedTo: Relation[] = [];
    if (k === 0) relatedTo.push({ uid: gluon.uid, reltype: "PARENT", path: at });
    // the predecessor carries the relation and names its successor (RFC 9253); the path is the
    // successor's, whose place in the document is what makes the relation
    else if (!own && prev)
      (relations[k - 1] as Relation[]).push({ uid: id, reltype: "FINISHTOSTART", path: at });
    relations.push(relatedTo);
    intervals.push({
      kind: "interval",
      uid: id,
      path: at,
      ...(own ? { dtstart: own } : {}),
      ...(duration ? { duration } : {}),
      relatedTo,
      properties,
    });
  });
  const components: Component[] = [...ctx.gluons, gluon, ...intervals];
  return { components };
}

function strDt(o: unknown): DateTimeValue | undefined {
  const v = str(o, "date-time");
  return v ? { value: v } : undefined;
}
