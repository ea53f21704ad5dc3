/**
 * The small event description an operator writes instead of a full oadrDistributeEvent: a start, a
 * market context, targets and signals made of interval durations and values. It is checked field
 * by field (unknown fields are refused, so a typo never silently drops data), then turned into the
 * oadrEvent of OpenADR 2.0b, which the codec validates against the schemas like any payload.
 * docs/vtn-ven.md describes the format.
 */
import { fromJson } from "@transactive/codec";
import { type OadrDistributeEventTypeOadrEvent, type OadrPayload, registry } from "@transactive/ei";
import { durationSeconds, formatDuration, requireDuration } from "./duration.js";
import { VtnError } from "./errors.js";

/** One interval of a signal: how long it lasts and the signal's value during it. */
export interface IntervalDescription {
  /** e.g. "PT15M" */
  readonly duration: string;
  /** the signal payload (payloadFloat); SIMPLE signals take 0, 1, 2 or 3 */
  readonly value: number;
}

/** One event signal. */
export interface SignalDescription {
  /** signalName: SIMPLE, ELECTRICITY_PRICE, LOAD_DISPATCH… or an x- extension */
  readonly name: string;
  /** signalType: level, price, delta, setpoint… */
  readonly type: string;
  /** signalID; default "signal-<n>" */
  readonly id?: string;
  /** currentValue (payloadFloat); default 0 */
  readonly currentValue?: number;
  readonly intervals: readonly IntervalDescription[];
}

/** Whom an event is for (eiTarget). Only venID narrows which VENs the VTN sends it to. */
export interface TargetsDescription {
  readonly venID?: readonly string[];
  readonly groupID?: readonly string[];
  readonly resourceID?: readonly string[];
  readonly partyID?: readonly string[];
}

/** The small event description (JSON). Times are UTC xs:dateTime, "now" or "now+PT5M". */
export interface EventDescription {
  /** eventID; default a fresh one */
  readonly eventID?: string;
  /** when the event starts: "2026-07-01T18:00:00Z", "now" or "now+<duration>" */
  readonly start: string;
  /** eiMarketContext; default the VTN's */
  readonly marketContext?: string;
  /** default 0 (the highest priority is 1, 0 means none) */
  readonly priority?: number;
  readonly testEvent?: boolean;
  /** vtnComment */
  readonly comment?: string;
  /** x-eiNotification: how long before the start the VENs should know */
  readonly notification?: string;
  /** x-eiRampUp */
  readonly rampUp?: string;
  /** x-eiRecovery */
  readonly recovery?: string;
  /** tolerance/startafter: randomised start window */
  readonly startAfter?: string;
  /** oadrResponseRequired; default "always" */
  readonly responseRequired?: "always" | "never";
  /** eiTarget; default every VEN (an empty eiTarget) */
  readonly targets?: TargetsDescription;
  readonly signals: readonly SignalDescription[];
}

/** What building an event needs besides the description. */
export interface BuildContext {
  readonly now: Date;
  /** the default market context */
  readonly marketContext: string;
  /** a fresh eventID */
  newEventID(): string;
  /** modificationNumber (0 for a new event) */
  readonly modificationNumber?: number;
  /** createdDateTime of the event being modified */
  readonly createdDateTime?: string;
}

const EMPTY_COMPONENTS = '<xcal:components xmlns:xcal="urn:ietf:params:xml:ns:icalendar-2.0"/>';

const KEYS = new Set([
  "eventID",
  "start",
  "marketContext",
  "priority",
  "testEvent",
  "comment",
  "notification",
  "rampUp",
  "recovery",
  "startAfter",
  "responseRequired",
  "targets",
  "signals",
]);
const SIGNAL_KEYS = new Set(["name", "type", "id", "currentValue", "intervals"]);
const INTERVAL_KEYS = new Set(["duration", "value"]);
const TARGET_KEYS = ["venID", "groupID", "resourceID", "partyID"] as const;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

const fail = (message: string, path: string): never => {
  throw new VtnError("invalid-event", message, path);
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function onlyKeys(value: Record<string, unknown>, keys: Set<string>, path: string): void {
  for (const k of Object.keys(value))
    if (!keys.has(k))
      fail(`unknown field "${k}" (known: ${[...keys].join(", ")})`, `${path}/${pointerEscape(k)}`);
}

const pointerEscape = (k: string): string => k.replace(/~/g, "~0").replace(/\//g, "~1");

function text(value: unknown, path: string): string {
  if (typeof value !== "string" || value.trim() === "") fail("must be a non-empty string", path);
  return value as string;
}

function num(value: unknown, path: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) fail("must be a finite number", path);
  return value as number;
}

function duration(value: unknown, path: string, positive = true): string {
  requireDuration(value, path, "invalid-event", { positive });
  return value as string;
}

/** The absolute start of "now", "now+PT5M" or an xs:dateTime in UTC, as xs:dateTime. */
export function resolveStart(value: unknown, now: Date, path = "/start"): string {
  const t = text(value, path).trim();
  const rel = /^now(?:\s*\+\s*(.+))?$/.exec(t);
  if (rel) {
    const offset = rel[1] === undefined ? 0 : requireDuration(rel[1], path, "invalid-event");
    return isoSecond(new Date(now.getTime() + offset * 1000));
  }
  if (!DATE_TIME.test(t) || Number.isNaN(Date.parse(t)))
    fail(
      `"${t}" is not a UTC date-time such as 2026-07-01T18:00:00Z, nor "now" or "now+PT5M"`,
      path,
    );
  return t;
}

const isoSecond = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, "Z");

/**
 * Checks a description (any JSON value) and returns it typed, with its start made absolute, so a
 * later modification keeps the same time unless it gives a new one. Throws VtnError
 * ("invalid-event") naming the JSON pointer of the first problem.
 */
export function checkEventDescription(value: unknown, now: Date): EventDescription {
  if (!isObject(value)) return fail("an event description is a JSON object", "");
  onlyKeys(value, KEYS, "");
  if (value.start === undefined) fail("is required", "/start");
  const start = resolveStart(value.start, now);
  if (value.eventID !== undefined) text(value.eventID, "/eventID");
  if (value.marketContext !== undefined) text(value.marketContext, "/marketContext");
  if (value.priority !== undefined) {
    const p = num(value.priority, "/priority");
    if (!Number.isInteger(p) || p < 0) fail("must be an integer of 0 or more", "/priority");
  }
  if (value.testEvent !== undefined && typeof value.testEvent !== "boolean")
    fail("must be true or false", "/testEvent");
  if (value.comment !== undefined && typeof value.comment !== "string")
    fail("must be a string", "/comment");
  for (const k of ["notification", "rampUp", "recovery", "startAfter"] as const)
    if (value[k] !== undefined) duration(value[k], `/${k}`, false);
  if (
    value.responseRequired !== undefined &&
    value.responseRequired !== "always" &&
    value.responseRequired !== "never"
  )
    fail('must be "always" or "never"', "/responseRequired");
  if (value.targets !== undefined) {
    if (!isObject(value.targets)) fail("must be an object of ID lists", "/targets");
    const targets = value.targets as Record<string, unknown>;
    onlyKeys(targets, new Set(TARGET_KEYS), "/targets");
    for (const k of TARGET_KEYS) {
      const ids = targets[k];
      if (ids === undefined) continue;
      if (!Array.isArray(ids) || ids.length === 0)
        fail("must be a non-empty list of IDs", `/targets/${k}`);
      (ids as unknown[]).forEach((id, i) => {
        text(id, `/targets/${k}/${i}`);
      });
    }
  }
  if (!Array.isArray(value.signals) || value.signals.length === 0)
    fail("must be a non-empty list of signals", "/signals");
  let total: number | undefined;
  (value.signals as unknown[]).forEach((s, i) => {
    const path = `/signals/${i}`;
    if (!isObject(s)) fail("a signal is an object", path);
    const signal = s as Record<string, unknown>;
    onlyKeys(signal, SIGNAL_KEYS, path);
    const name = text(signal.name, `${path}/name`);
    text(signal.type, `${path}/type`);
    if (signal.id !== undefined) text(signal.id, `${path}/id`);
    if (signal.currentValue !== undefined) num(signal.currentValue, `${path}/currentValue`);
    if (!Array.isArray(signal.intervals) || signal.intervals.length === 0)
      fail("must be a non-empty list of intervals", `${path}/intervals`);
    let sum = 0;
    (signal.intervals as unknown[]).forEach((iv, j) => {
      const where = `${path}/intervals/${j}`;
      if (!isObject(iv)) fail('an interval is an object {"duration": "PT15M", "value": 1}', where);
      const interval = iv as Record<string, unknown>;
      onlyKeys(interval, INTERVAL_KEYS, where);
      sum += durationSeconds(duration(interval.duration, `${where}/duration`)) as number;
      const v = num(interval.value, `${where}/value`);
      // OpenADR 2.0b: SIMPLE levels are 0 normal, 1 moderate, 2 high, 3 special
      if (name === "SIMPLE" && ![0, 1, 2, 3].includes(v))
        fail("a SIMPLE signal's level is 0, 1, 2 or 3", `${where}/value`);
    });
    // every signal spans the event's active period (OpenADR 2.0b conformance rule 8)
    if (total !== undefined && sum !== total)
      fail(
        `the intervals last ${formatDuration(sum)} but those of signal 0 last ${formatDuration(total)}: every signal spans the whole event`,
        `${path}/intervals`,
      );
    total = sum;
  });
  return { ...(value as unknown as EventDescription), start };
}

/** The OpenADR status of an event at `now`: far, near (in its ramp-up), active or completed. */
export function statusAt(
  start: string,
  durationText: string | undefined,
  rampUp: string | undefined,
  now: Date,
): "far" | "near" | "active" | "completed" {
  const s = Date.parse(start);
  const d = durationText === undefined ? undefined : durationSeconds(durationText);
  const t = now.getTime();
  if (t < s) {
    const ramp = rampUp === undefined ? 0 : (durationSeconds(rampUp) ?? 0);
    return t >= s - ramp * 1000 ? "near" : "far";
  }
  // a duration of 0 (or none) is an open-ended event: active once started
  if (d === undefined || d === 0 || t < s + d * 1000) return "active";
  return "completed";
}

/**
 * Builds the oadrEvent of a checked description and validates it against the schemas (as an
 * oadrDistributeEvent): what the VTN then publishes is a valid payload, never a guess.
 */
export function eventFromDescription(
  description: EventDescription,
  context: BuildContext,
): OadrDistributeEventTypeOadrEvent {
  const d = description;
  const total = d.signals[0]?.intervals.reduce(
    (sum, iv) => sum + (durationSeconds(iv.duration) as number),
    0,
  ) as number;
  const eventDuration = formatDuration(total);
  const properties: Record<string, unknown> = {
    dtstart: { "date-time": d.start },
    duration: { duration: eventDuration },
    ...(d.startAfter !== undefined
      ? { tolerance: { tolerate: { startafter: d.startAfter } } }
      : {}),
    ...(d.notification !== undefined ? { "x-eiNotification": { duration: d.notification } } : {}),
    ...(d.rampUp !== undefined ? { "x-eiRampUp": { duration: d.rampUp } } : {}),
    ...(d.recovery !== undefined ? { "x-eiRecovery": { duration: d.recovery } } : {}),
  };
  const now = isoSecond(context.now);
  const modificationNumber = context.modificationNumber ?? 0;
  const targets: Record<string, readonly string[]> = {};
  for (const k of TARGET_KEYS) if (d.targets?.[k]) targets[k] = d.targets[k] as readonly string[];
  const eiEvent = {
    eventDescriptor: {
      eventID: d.eventID ?? context.newEventID(),
      modificationNumber,
      ...(modificationNumber > 0 ? { modificationDateTime: now } : {}),
      priority: d.priority ?? 0,
      eiMarketContext: { marketContext: d.marketContext ?? context.marketContext },
      createdDateTime: context.createdDateTime ?? now,
      eventStatus: statusAt(d.start, eventDuration, d.rampUp, context.now),
      testEvent: d.testEvent ? "true" : "false",
      ...(d.comment !== undefined ? { vtnComment: d.comment } : {}),
    },
    // an empty xcal:components, as OpenADR samples write it
    eiActivePeriod: { properties, components: { $xml: EMPTY_COMPONENTS } },
    eiEventSignals: {
      eiEventSignal: d.signals.map((s, i) => ({
        intervals: {
          interval: s.intervals.map((iv, j) => ({
            duration: { duration: iv.duration },
            uid: { text: String(j) },
            signalPayload: [{ payloadFloat: { value: iv.value } }],
          })),
        },
        signalName: s.name,
        signalType: s.type,
        signalID: s.id ?? `signal-${i}`,
        currentValue: { payloadFloat: { value: s.currentValue ?? 0 } },
      })),
    },
    eiTarget: targets,
  };
  const oadrEvent = { eiEvent, oadrResponseRequired: d.responseRequired ?? "always" };
  try {
    return checkedEvent(oadrEvent, "");
  } catch (e) {
    // a schema issue of the built event, told at the description field it came from
    if (!(e instanceof VtnError)) throw e;
    throw new VtnError(
      "invalid-event",
      e.message.slice(e.path.length + 2),
      descriptionPath(e.path),
    );
  }
}

const BUILT_PATHS: readonly [RegExp, string][] = [
  [/^\/eiEvent\/eiEventSignals\/eiEventSignal\[(\d+)\]\/signalName/, "/signals/$1/name"],
  [/^\/eiEvent\/eiEventSignals\/eiEventSignal\[(\d+)\]\/signalType/, "/signals/$1/type"],
  [/^\/eiEvent\/eiEventSignals\/eiEventSignal\[(\d+)\]\/signalID/, "/signals/$1/id"],
  [/^\/eiEvent\/eventDescriptor\/eiMarketContext.*/, "/marketContext"],
  [/^\/eiEvent\/eventDescriptor\/eventID.*/, "/eventID"],
  [/^\/eiEvent\/eventDescriptor\/vtnComment.*/, "/comment"],
  [/^\/eiEvent\/eiTarget\/(\w+)\[(\d+)\].*/, "/targets/$1/$2"],
];

function descriptionPath(built: string): string {
  for (const [re, to] of BUILT_PATHS) if (re.test(built)) return built.replace(re, to);
  return built;
}

/**
 * Validates an oadrEvent against the schemas by wrapping it in an oadrDistributeEvent; returns the
 * codec's canonical value. A schema issue becomes VtnError("invalid-event") at `path` plus the
 * issue's path inside the oadrEvent.
 */
export function checkedEvent(oadrEvent: unknown, path: string): OadrDistributeEventTypeOadrEvent {
  const doc = {
    $profile: "openadr2b",
    "oadr:oadrPayload": {
      oadrSignedObject: {
        oadrDistributeEvent: {
          "@ei:schemaVersion": "2.0b",
          requestID: "check",
          vtnID: "check",
          oadrEvent: [oadrEvent],
        },
      },
    },
  };
  let value: OadrPayload;
  try {
    value = fromJson(registry, JSON.stringify(doc)).value as OadrPayload;
  } catch (e) {
    const issue = (e as { issues?: readonly { path: string; message: string }[] }).issues?.[0];
    if (!issue) throw e;
    const inner = issue.path.replace(
      /^\/oadrPayload\/oadrSignedObject\/oadrDistributeEvent\/oadrEvent(\/0|\[0\])?/,
      "",
    );
    throw new VtnError("invalid-event", issue.message, `${path}${inner}`);
  }
  return value.oadrSignedObject.oadrDistributeEvent
    ?.oadrEvent?.[0] as OadrDistributeEventTypeOadrEvent;
}
