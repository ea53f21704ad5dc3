/**
 * The simulation's clock: a delivery interval given as an ISO 8601 day-time duration (PT5M,
 * PT15M, PT1H…) that divides a day evenly, and local times written with their UTC offset.
 */
import { SimulationError } from "./errors.js";

const DURATION = /^PT(?:(\d{1,5})H)?(?:(\d{1,5})M)?(?:(\d{1,5})S)?$/;

/**
 * Seconds of an interval such as "PT5M". Only hours, minutes and whole seconds (no days, months or
 * fractions: a market interval has a fixed length), at least 60 s, dividing 24 h evenly so every
 * day has the same interval boundaries. Anything else is a "bad-interval" SimulationError.
 */
export function parseIntervalSeconds(text: string, path = "interval"): number {
  const m = DURATION.exec(text);
  if (m === null || (m[1] ?? m[2] ?? m[3]) === undefined)
    throw new SimulationError(
      "bad-interval",
      path,
      `"${text}" is not an ISO 8601 duration of hours, minutes and seconds such as PT5M, PT15M or PT1H`,
      text,
    );
  const seconds = Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
  if (seconds < 60 || seconds > 86_400 || 86_400 % seconds !== 0)
    throw new SimulationError(
      "bad-interval",
      path,
      `${text} (${seconds} s) must be at least 1 minute and divide 24 hours evenly (PT1M, PT5M, PT15M, PT30M, PT1H…)`,
      text,
    );
  return seconds;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** An instant written as local time with its offset: "2026-07-15T18:05:00-06:00". */
export function formatLocal(utcMs: number, utcOffsetMinutes: number): string {
  const d = new Date(utcMs + utcOffsetMinutes * 60_000);
  const sign = utcOffsetMinutes < 0 ? "-" : "+";
  const off = Math.abs(utcOffsetMinutes);
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
    `${sign}${pad(Math.floor(off / 60))}:${pad(off % 60)}`
  );
}

/** Epoch milliseconds of local midnight starting `date` ("YYYY-MM-DD") at a UTC offset. */
export function localMidnight(date: string, utcOffsetMinutes: number, path = "date"): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const [y, mo, d] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (
    m === null ||
    back.getUTCFullYear() !== y ||
    back.getUTCMonth() !== mo - 1 ||
    back.getUTCDate() !== d
  )
    throw new SimulationError(
      "bad-option",
      path,
      `"${date}" is not a calendar date YYYY-MM-DD`,
      date,
    );
  return ms - utcOffsetMinutes * 60_000;
}
