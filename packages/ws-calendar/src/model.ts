/**
 * The profile-neutral WS-Calendar model the semantics work on: Intervals, Gluons and the
 * relations between them, whatever wire form (xCal, OpenADR `strm`, CTS Streams / WS-Calendar
 * MIN, iCalendar text) they were read from. Adapters (`adapters/`) build it; `resolve` gives it
 * meaning.
 */

/** The four temporal relationship types of WS-Calendar (RELTYPE values, RFC 9253 spelling). */
export type TemporalReltype = "FINISHTOSTART" | "FINISHTOFINISH" | "STARTTOSTART" | "STARTTOFINISH";
/** Lineage relationship types: a Gluon is the PARENT of what it relates to. */
export type LineageReltype = "PARENT" | "CHILD";

export const TEMPORAL_RELTYPES: readonly TemporalReltype[] = [
  "FINISHTOSTART",
  "FINISHTOFINISH",
  "STARTTOSTART",
  "STARTTOFINISH",
];

/** A date-time as written: local time with a tzid, UTC ("Z"), or with an explicit offset. */
export interface DateTimeValue {
  /** ISO 8601 / xs:dateTime lexical form */
  readonly value: string;
  /** IANA time-zone id for a local (floating) value */
  readonly tzid?: string;
}

/** A `related-to` property: this component's relation to the component named by `uid`. */
export interface Relation {
  readonly uid: string;
  readonly reltype: TemporalReltype | LineageReltype;
  /** the `gap` parameter (ISO 8601 duration, may be negative); zero when absent */
  readonly gap?: string;
  /** where the relation was read from */
  readonly path: string;
}

/**
 * Properties a component carries besides its identity, timing and relations. Keys are the
 * standard's property names (`tolerance`, `granularity`, `x-wsCalendar-attach`, `summary`,
 * `x-eiNotification`…); values are the property values as read. They take part in inheritance.
 */
export type ComponentProperties = Readonly<Record<string, unknown>>;

interface ComponentBase {
  readonly uid: string;
  /** JSON-pointer-like path of the component in the document it came from */
  readonly path: string;
  readonly dtstart?: DateTimeValue;
  readonly dtend?: DateTimeValue;
  /** ISO 8601 duration */
  readonly duration?: string;
  readonly relatedTo?: readonly Relation[];
  readonly properties?: ComponentProperties;
}

/** WS-Calendar Interval: a duration of time with attached information (an artifact). */
export interface Interval extends ComponentBase {
  readonly kind: "interval";
}

/**
 * WS-Calendar Gluon: a component that carries information to the Intervals (through the
 * Designated Interval of a Sequence) or Gluons it relates to. `span`, when set, is the length the
 * whole Sequence must have (a partition of that time, as EI's active period and Streams give it).
 */
export interface Gluon extends ComponentBase {
  readonly kind: "gluon";
  readonly span?: string;
}

export type Component = Interval | Gluon;

/** A set of components, as one document (or one stream in it) carries them. */
export interface Calendar {
  readonly components: readonly Component[];
}

/** One interval of a resolved schedule. */
export interface ResolvedInterval {
  readonly uid: string;
  /** ISO 8601 with offset, in the interval's time zone (UTC unless a tzid applies) */
  readonly start: string;
  readonly end: string;
  /** ISO 8601 duration as given or inherited */
  readonly duration: string;
  /** the time zone the times are expressed in ("UTC" or an IANA id) */
  readonly zone: string;
  /** uid of the Gluon whose start or end bound this interval's Sequence, if any */
  readonly boundBy?: string;
  /** properties after inheritance (own values win over inherited ones) */
  readonly properties: ComponentProperties;
  /** where the interval was read from */
  readonly path: string;
  /** epoch milliseconds, for arithmetic */
  readonly startMs: number;
  readonly endMs: number;
}

export interface ResolvedSchedule {
  /** intervals ordered by start time, then by document order */
  readonly intervals: readonly ResolvedInterval[];
}
