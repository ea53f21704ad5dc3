/**
 * RFC 5545 iCalendar text. A resolved schedule is written as VEVENTs (so an ordinary calendar
 * tool shows it); iCalendar read back gives the neutral model, with RFC 9253 RELATED-TO
 * RELTYPE/GAP relations. Gluons have no iCalendar component kind: a Gluon cannot be written.
 */
import { DateTime } from "luxon";
import { fail } from "./errors.js";
import type {
  Calendar,
  Component,
  DateTimeValue,
  Interval,
  Relation,
  ResolvedSchedule,
} from "./model.js";

const CRLF = "\r\n";

function fold(line: string): string {
  const out: string[] = [];
  let rest = line;
  while (new TextEncoder().encode(rest).length > 75) {
    let cut = 75;
    while (new TextEncoder().encode(rest.slice(0, cut)).length > 75) cut--;
    out.push(rest.slice(0, cut));
    rest = ` ${rest.slice(cut)}`;
  }
  out.push(rest);
  return out.join(CRLF);
}

const escapeText = (s: string): string =>
  s.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\n/g, "\\n");
const unescapeText = (s: string): string =>
  s.replace(/\\([\\;,nN])/g, (_, c: string) => (c === "n" || c === "N" ? "\n" : c));

function icalTime(ms: number, zone: string): string {
  if (zone === "UTC" || !zone.includes("/"))
    return `:${DateTime.fromMillis(ms, { zone: "UTC" }).toFormat("yyyyMMdd'T'HHmmss'Z'")}`;
  return `;TZID=${zone}:${DateTime.fromMillis(ms, { zone }).toFormat("yyyyMMdd'T'HHmmss")}`;
}

/** A resolved schedule as an iCalendar object: one VEVENT per Interval (UID, DTSTART, DURATION). */
export function toICalendar(
  schedule: ResolvedSchedule,
  prodid = "-//transactive//ws-calendar//EN",
): string {
  const stamp = DateTime.utc().toFormat("yyyyMMdd'T'HHmmss'Z'");
  const lines = ["BEGIN:VCALENDAR", "VERSION:2.0", `PRODID:${prodid}`];
  for (const i of schedule.intervals) {
    lines.push(
      "BEGIN:VEVENT",
      `UID:${escapeText(i.uid)}`,
      `DTSTAMP:${stamp}`,
      `DTSTART${icalTime(i.startMs, i.zone)}`,
      `DURATION:${i.duration}`,
      "END:VEVENT",
    );
  }
  lines.push("END:VCALENDAR");
  return lines.map(fold).join(CRLF) + CRLF;
}

interface ContentLine {
  readonly name: string;
  readonly params: Readonly<Record<string, string>>;
  readonly value: string;
  readonly line: number;
}

function parseLine(raw: string, line: number): ContentLine {
  // name *(";" param) ":" value, with quoted parameter values
  let i = 0;
  const nameEnd = raw.search(/[;:]/);
  if (nameEnd <= 0)
    fail(
      "bad-relation",
      `line ${line}`,
      `not an iCalendar content line: ${JSON.stringify(raw.slice(0, 40))}`,
    );
  const name = raw.slice(0, nameEnd).toUpperCase();
  i = nameEnd;
  const params: Record<string, string> = {};
  while (raw[i] === ";") {
    const eq = raw.indexOf("=", i);
    if (eq < 0) fail("bad-relation", `line ${line}`, `parameter without value in ${name}`);
    const pname = raw.slice(i + 1, eq).toUpperCase();
    i = eq + 1;
    let value: string;
    if (raw[i] === '"') {
      const close = raw.indexOf('"', i + 1);
      value = raw.slice(i + 1, close);
      i = close + 1;
    } else {
      const end = raw.slice(i).search(/[;:]/);
      value = raw.slice(i, end < 0 ? raw.length : i + end);
      i = end < 0 ? raw.length : i + end;
    }
    params[pname] = value;
  }
  if (raw[i] !== ":") fail("bad-relation", `line ${line}`, `${name}: missing ":"`);
  return { name, params, value: raw.slice(i + 1), line };
}

function icalDateTime(l: ContentLine): DateTimeValue {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(l.value);
  if (!m)
    fail("bad-date-time", `line ${l.line}`, `${l.name}: not an iCalendar date-time: ${l.value}`);
  const value = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? "00"}:${m[5] ?? "00"}:${m[6] ?? "00"}${m[7] ?? ""}`;
  const tzid = l.params.TZID;
  return tzid !== undefined && !m[7] ? { value, tzid } : { value };
}

const RELTYPES = new Set([
  "FINISHTOSTART",
  "FINISHTOFINISH",
  "STARTTOSTART",
  "STARTTOFINISH",
  "PARENT",
  "CHILD",
]);

/**
 * iCalendar text to the neutral model: VEVENT and VTODO become Intervals, with DTSTART/DTEND
 * (TZID honoured; a VTODO's DUE is its end), DURATION, RELATED-TO (RELTYPE, GAP) and their other properties as text.
 */
export function fromICalendar(text: string): Calendar {
  const raw = text
    .replace(/\r\n[ \t]/g, "")
    .replace(/\n[ \t]/g, "")
    .split(/\r?\n/);
  const components: Component[] = [];
  let current: { kind: string; start: number; lines: ContentLine[] } | undefined;
  raw.forEach((r, k) => {
    if (r === "") return;
    const l = parseLine(r, k + 1);
    if (l.name === "BEGIN" && (l.value === "VEVENT" || l.value === "VTODO"))
      current = { kind: l.value, start: k + 1, lines: [] };
    else if (l.name === "END" && current && l.value === current.kind) {
      components.push(toInterval(current.lines, `line ${current.start}`, current.kind));
      current = undefined;
    } else if (current) current.lines.push(l);
  });
  if (current)
    fail(
      "bad-relation",
      `line ${current.start}`,
      `${current.kind} is not closed by END:${current.kind}`,
    );
  return { components };
}

function toInterval(lines: readonly ContentLine[], path: string, kind: string): Interval {
  let uid: string | undefined;
  let dtstart: DateTimeValue | undefined;
  let dtend: DateTimeValue | undefined;
  let duration: string | undefined;
  let due: ContentLine | undefined;
  const relatedTo: Relation[] = [];
  const properties: Record<string, string> = {};
  for (const l of lines) {
    if (l.name === "UID") uid = unescapeText(l.value);
    else if (l.name === "DTSTART") dtstart = icalDateTime(l);
    else if (l.name === "DTEND") dtend = icalDateTime(l);
    // a VTODO ends at its DUE (RFC 5545 §3.8.2.3); a VEVENT has no DUE
    else if (l.name === "DUE" && kind === "VTODO") {
      due = l;
      dtend = icalDateTime(l);
    } else if (l.name === "DURATION") duration = l.value;
    else if (l.name === "RELATED-TO") {
      const reltype = (l.params.RELTYPE ?? "PARENT").toUpperCase();
      if (!RELTYPES.has(reltype))
        fail(
          "not-supported",
          `line ${l.line}`,
          `RELATED-TO RELTYPE=${reltype} is not a WS-Calendar relation`,
        );
      relatedTo.push({
        uid: unescapeText(l.value),
        reltype: reltype as Relation["reltype"],
        ...(l.params.GAP !== undefined ? { gap: l.params.GAP } : {}),
        path: `line ${l.line}`,
      });
    } else if (l.name !== "DTSTAMP") properties[l.name.toLowerCase()] = unescapeText(l.value);
  }
  if (uid === undefined) fail("unbound", path, "a component without UID cannot be resolved");
  if (due && duration !== undefined)
    fail(
      "conflicting-times",
      `line ${due.line}`,
      `VTODO ${uid} gives both DUE and DURATION; RFC 5545 allows one or the other`,
    );
  return {
    kind: "interval",
    uid,
    path,
    ...(dtstart ? { dtstart } : {}),
    ...(dtend ? { dtend } : {}),
    ...(duration ? { duration } : {}),
    ...(relatedTo.length ? { relatedTo } : {}),
    properties,
  };
}
