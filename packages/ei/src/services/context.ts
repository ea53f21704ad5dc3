/** What a service implementation gets besides the payload: the profile, the request's ID, a clock and IDs. */
import type { ServiceProfile } from "../catalog.js";

export interface ServiceContext {
  readonly profile: ServiceProfile;
  /** the request's ID (pyld:requestID), echoed in the response; "" when the payload has none */
  readonly requestID: string;
  /** current time as an xs:dateTime in UTC */
  now(): string;
}

/** Clock and ID source of the reference implementations; injectable so tests and vectors are deterministic. */
export interface ReferenceOptions {
  /** returns the current time; default Date.now */
  readonly clock?: () => Date;
  /** returns a fresh ID for a kind of object ("registration", "tender"…); default a counter per kind */
  readonly newId?: (kind: string) => string;
}

export interface Ids {
  next(kind: string): string;
}

export function idSource(options: ReferenceOptions, prefix: string): Ids {
  const counters = new Map<string, number>();
  return {
    next(kind) {
      if (options.newId) return options.newId(kind);
      const n = (counters.get(kind) ?? 0) + 1;
      counters.set(kind, n);
      return `${prefix}-${kind}-${n}`;
    },
  };
}

export function isoNow(options: ReferenceOptions): string {
  return (options.clock?.() ?? new Date()).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Always an array: the JSON model makes repeatable elements arrays, but be lenient with hand-built values. */
export function list<T>(value: T | readonly T[] | undefined): readonly T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}
