/**
 * xCal (RFC 6321) with the WS-Calendar extensions (the extensible Bedework schema): `xcal:vcalendar`.
 * `interval`, `vevent` and `vtodo` components are Intervals, `gluon` components Gluons; each
 * brings its uid, dtstart/dtend (a vtodo's due is its end; with their tzid parameter), duration, its `related-to`
 * properties (RELTYPE PARENT/CHILD for the lineage, FINISHTOSTART, STARTTOFINISH, STARTTOSTART,
 * FINISHTOFINISH with the GAP parameter for Sequences) and every other property (tolerance,
 * granularity, summary, x-wsCalendar-attach, x-…) as inheritable payload. Components nested in a
 * component's `components` are read the same way. A Gluon with both dtstart and dtend is a
 * Partition window: its dtstart binds the Sequence, which must fill the window exactly.
 * `vavailability` (availability windows, not a schedule of Intervals) is refused as not supported.
 */

import { fail } from "../errors.js";
import type {
  Component,
  DateTimeValue,
  Gluon,
  Interval,
  LineageReltype,
  Relation,
  TemporalReltype,
} from "../model.js";
import { isoSeconds } from "../semantics/resolve.js";
import { instant, parseDuration } from "../semantics/time.js";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/** Properties that are identity, timing or relations, not inherited payload. */
const TIMING = new Set(["uid", "dtstart", "dtend", "duration", "related-to"]);
/** A vtodo's due is its end, not payload. */
const TODO_TIMING = new Set([...TIMING, "due"]);
const RELTYPES = new Set<string>([
  "PARENT",
  "CHILD",
  "FINISHTOSTART",
  "STARTTOFINISH",
  "STARTTOSTART",
  "FINISHTOFINISH",
]);
/** Components that are part of a schedule; others (vtimezone, valarm, vjournal…) are not. */
const INTERVAL_KINDS = new Set(["interval", "vevent", "vtodo"]);

export function fromVcalendar(vcalendar: Obj, path: string): Component[] {
  const out: Component[] = [];
  collect(vcalendar.components, `${path}/components`, out);
  return out;
}

function collect(components: unknown, path: string, out: Component[]): void {
  if (!isObj(components)) return;
  for (const [kind, items] of Object.entries(components)) {
    list(items).forEach((item, k) => {
      const at = `${path}/${kind}/${k}`;
      const c = isObj(item) ? item : {};
      if (INTERVAL_KINDS.has(kind)) out.push(component("interval", c, at, kind));
      else if (kind === "gluon") out.push(component("gluon", c, at, kind));
      else if (kind === "vavailability")
        fail(
          "not-supported",
          at,
          "xCal vavailability (availability windows with busy types and granularity) is not resolved to a schedule yet",
        );
      else return; // vtimezone, valarm, vjournal, vfreebusy…: not Intervals of a schedule
      collect(c.components, `${at}/components`, out);
    });
  }
}

function component(
  kind: "interval" | "gluon",
  c: Obj,
  path: string,
  element: string,
): Interval | Gluon {
  const pp = `${path}/properties`;
  const props = isObj(c.properties) ? c.properties : {};
  const uidProp = first(props.uid);
  const uid = uidProp?.text;
  if (typeof uid !== "string")
    fail(
      "unbound",
      pp,
      `an xCal ${element} without uid cannot take part in a schedule (nothing can relate to it)`,
    );
  const dtstart = dateTime(first(props.dtstart), `${pp}/dtstart/0`);
  const durationProp = first(props.duration);
  const duration = durationProp?.duration;
  if (durationProp && typeof duration !== "string")
    fail("bad-duration", `${pp}/duration/0`, "a duration property without a value");
  // a VTODO ends at its DUE (RFC 5545 §3.8.2.3), which it may not give together with a DURATION
  const due = element === "vtodo" ? dateTime(first(props.due), `${pp}/due/0`) : undefined;
  if (due && durationProp)
    fail(
      "conflicting-times",
      `${pp}/due/0`,
      `vtodo ${uid} gives both due and duration; RFC 5545 allows one or the other`,
    );
  const dtend = due ?? dateTime(first(props.dtend), `${pp}/dtend/0`);
  const relatedTo = list(props["related-to"]).map((r, k) =>
    relation(r, `${pp}/related-to/${k}`, uid),
  );
  const properties: Record<string, unknown> = {};
  const timing = element === "vtodo" ? TODO_TIMING : TIMING;
  for (const [k, v] of Object.entries(props)) if (!timing.has(k)) properties[k] = v;
  const base = {
    uid,
    path,
    ...(typeof duration === "string" ? { duration } : {}),
    ...(relatedTo.length ? { relatedTo } : {}),
    properties,
  };
  if (kind === "interval")
    return { kind, ...base, ...(dtstart ? { dtstart } : {}), ...(dtend ? { dtend } : {}) };
  if (dtstart && dtend) {
    // a Partition window: dtstart binds, the Sequence must fill up to dtend exactly
    const s = instant(dtstart, `${pp}/dtstart/0`);
    const e = instant(dtend, `${pp}/dtend/0`);
    if (e.ms < s.ms) fail("conflicting-times", path, `${uid}: dtend is before dtstart`);
    return { kind, ...base, dtstart, span: isoSeconds(e.ms - s.ms) };
  }
  return { kind, ...base, ...(dtstart ? { dtstart } : {}), ...(dtend ? { dtend } : {}) };
}

function relation(r: unknown, path: string, self: string): Relation {
  if (!isObj(r)) fail("bad-relation", path, "a related-to property without a value");
  const target = typeof r.uid === "string" ? r.uid : typeof r.text === "string" ? r.text : null;
  if (target === null) {
    if (r.uri !== undefined)
      fail(
        "not-supported",
        path,
        `related-to by URI (a reference outside this calendar) is not resolved; ${self} must name a uid`,
      );
    fail("bad-relation", path, "a related-to property without a uid");
  }
  const params = first(r.parameters);
  const reltypeParam = first(params?.reltype);
  const reltype = (reltypeParam?.text ?? "PARENT") as string; // RFC 5545: PARENT by default
  const up = typeof reltype === "string" ? reltype.toUpperCase() : "";
  if (!RELTYPES.has(up))
    fail(
      "not-supported",
      `${path}/parameters/reltype/0`,
      `reltype ${JSON.stringify(reltype)} has no WS-Calendar scheduling meaning (PARENT, CHILD, FINISHTOSTART, STARTTOFINISH, STARTTOSTART, FINISHTOFINISH)`,
    );
  const gapParam = first(params?.gap);
  const gap = gapParam?.duration;
  if (gapParam && typeof gap !== "string")
    fail("bad-duration", `${path}/parameters/gap/0`, "a gap parameter without a duration");
  if (typeof gap === "string") {
    parseDuration(gap, `${path}/parameters/gap/0`);
    if (up === "PARENT" || up === "CHILD")
      fail(
        "bad-relation",
        `${path}/parameters/gap/0`,
        `a gap applies to temporal relations, not to ${up}`,
      );
  }
  return {
    uid: target,
    reltype: up as TemporalReltype | LineageReltype,
    ...(typeof gap === "string" ? { gap } : {}),
    path,
  };
}

const first = (v: unknown): Obj | undefined => {
  const x = Array.isArray(v) ? v[0] : v;
  return isObj(x) ? x : undefined;
};

function dateTime(p: Obj | undefined, path: string): DateTimeValue | undefined {
  if (!p) return undefined;
  const tzid = first(first(p.parameters)?.tzid)?.text;
  const value = p["date-time"] ?? p.date;
  if (typeof value !== "string")
    fail("bad-date-time", path, "a date-time property without a value");
  const v = typeof p.date === "string" ? `${value}T00:00:00` : value;
  return typeof tzid === "string" ? { value: v, tzid } : { value: v };
}
