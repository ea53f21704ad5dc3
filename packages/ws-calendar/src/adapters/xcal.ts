/**
 * xCal (RFC 6321) with the WS-Calendar extensions, strict Bedework schema: `xcal:vcalendar`.
 * VEVENT and VTODO components are Intervals (uid, dtstart with its tzid parameter, dtend or
 * duration, and their other properties). The strict schema gives `interval` and `gluon`
 * components no properties (no uid, no time, no related-to), so they cannot be resolved: they are
 * refused as not supported rather than dropped.
 */

import { fail } from "../errors.js";
import type { Component, DateTimeValue, Interval } from "../model.js";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const first = (v: unknown): Obj | undefined =>
  Array.isArray(v) && isObj(v[0]) ? v[0] : isObj(v) ? v : undefined;

/** Property names that are identity or timing, not inherited payload. */
const TIMING = new Set(["uid", "dtstart", "dtend", "duration", "related", "related-to"]);

export function fromVcalendar(vcalendar: Obj, path: string): Component[] {
  const components = isObj(vcalendar.components) ? vcalendar.components : {};
  const out: Component[] = [];
  for (const [kind, list] of Object.entries(components)) {
    const items = Array.isArray(list) ? list : [list];
    items.forEach((item, k) => {
      const at = `${path}/components/${kind}/${k}`;
      if (kind === "vevent" || kind === "vtodo") out.push(interval(item as Obj, at));
      else if (kind === "interval" || kind === "gluon" || kind === "vavailability")
        fail(
          "not-supported",
          at,
          `xCal ${kind} components: the strict WS-Calendar xCal schema gives them no properties (uid, dtstart, duration, related-to), so they carry no schedule; use vevent/vtodo, OpenADR or CTS streams`,
        );
      // vtimezone, vjournal, vfreebusy: not intervals of a schedule
    });
  }
  return out;
}

function interval(c: Obj, path: string): Interval {
  const props = isObj(c.properties) ? c.properties : {};
  const uid = first(props.uid)?.text;
  if (typeof uid !== "string")
    fail("unbound", `${path}/properties`, "a component without uid cannot be resolved");
  const dtstart = dateTime(first(props.dtstart), `${path}/properties/dtstart/0`);
  const dtend = dateTime(first(props.dtend), `${path}/properties/dtend/0`);
  const duration = first(props.duration)?.duration;
  const properties: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) if (!TIMING.has(k)) properties[k] = v;
  return {
    kind: "interval",
    uid,
    path,
    ...(dtstart ? { dtstart } : {}),
    ...(dtend ? { dtend } : {}),
    ...(typeof duration === "string" ? { duration } : {}),
    properties,
  };
}

function dateTime(p: Obj | undefined, path: string): DateTimeValue | undefined {
  if (!p) return undefined;
  const tzid = first(first(p.parameters)?.tzid)?.text;
  const value = p["date-time"] ?? p.date;
  if (typeof value !== "string")
    fail("bad-date-time", path, "a date-time property without a value");
  const v = typeof p.date === "string" ? `${value}T00:00:00` : value;
  return typeof tzid === "string" ? { value: v, tzid } : { value: v };
}
