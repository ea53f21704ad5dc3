/**
 * Delivery intervals of a market node: a fixed length given as an ISO 8601 duration (PT5M, PT15M,
 * PT1H), numbered from an epoch, and a gate-closure rule (the gate closes a lead time before the
 * interval starts). Pure integer arithmetic on epoch milliseconds.
 */
import { marketError } from "../errors.js";
import type { DeliveryInterval } from "./types.js";

const DURATION = /^PT(?:(\d{1,6})H)?(?:(\d{1,6})M)?(?:(\d{1,6})S)?$/;

/**
 * Seconds of an ISO 8601 day-time duration of hours, minutes and whole seconds ("PT5M" = 300,
 * "PT1H30M" = 5400, "PT0S" = 0). Days, months, years, weeks and fractions are refused ("bad-duration"):
 * a delivery interval has a fixed length in seconds.
 */
export function durationSeconds(text: string, path = ""): number {
  const m = typeof text === "string" ? DURATION.exec(text) : null;
  if (m === null || (m[1] ?? m[2] ?? m[3]) === undefined)
    throw marketError(
      "bad-duration",
      path,
      `${JSON.stringify(text)} is not an ISO 8601 duration of hours, minutes and seconds such as PT5M, PT15M or PT1H`,
      text,
    );
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/** The numbering of a node's delivery intervals and their gate closures. */
export class IntervalClock {
  /** interval length, seconds (> 0) */
  readonly seconds: number;
  /** gate-closure lead before the interval start, seconds (≥ 0) */
  readonly leadSeconds: number;

  constructor(
    interval: string,
    readonly epochMs: number,
    gateClosureLead: string,
  ) {
    this.seconds = durationSeconds(interval, "/interval");
    if (this.seconds <= 0)
      throw marketError("bad-duration", "/interval", "a delivery interval must be longer than 0 s");
    this.leadSeconds = durationSeconds(gateClosureLead, "/gateClosure/lead");
    if (!Number.isSafeInteger(epochMs))
      throw marketError(
        "bad-option",
        "/epoch",
        "the epoch must be whole epoch milliseconds",
        epochMs,
      );
  }

  /** Interval number `index` (any safe integer, negative before the epoch). */
  interval(index: number): DeliveryInterval {
    if (!Number.isSafeInteger(index))
      throw marketError("bad-option", "/interval", "an interval index is a whole number", index);
    const ms = this.seconds * 1000;
    const startMs = this.epochMs + index * ms;
    return {
      index,
      startMs,
      endMs: startMs + ms,
      seconds: this.seconds,
      gateClosureMs: startMs - this.leadSeconds * 1000,
    };
  }

  /** The index of the interval that starts at `startMs`; "bad-option" when no interval starts there. */
  indexAt(startMs: number): number {
    const ms = this.seconds * 1000;
    const offset = startMs - this.epochMs;
    if (!Number.isSafeInteger(startMs) || offset % ms !== 0)
      throw marketError(
        "bad-option",
        "/interval",
        `no delivery interval starts at ${startMs}: intervals are ${this.seconds} s from ${this.epochMs}`,
        startMs,
      );
    return offset / ms;
  }
}
