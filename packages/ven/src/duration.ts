/**
 * xs:duration (ISO 8601) to milliseconds, for the durations a VTN sends (poll frequency,
 * granularity, reportBackDuration, reportInterval). Years and months have no fixed length, so a
 * duration with them is refused with a DurationError rather than guessed.
 */

/** A duration the VEN cannot use: not an xs:duration, or with calendar years or months. */
export class DurationError extends Error {
  override readonly name = "DurationError";
}

const DURATION =
  /^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Milliseconds of an xs:duration such as "PT10S", "PT1M30S", "P1D"; throws DurationError. */
export function durationMs(text: string): number {
  const m = DURATION.exec(text.trim());
  if (!m || text.trim() === "P" || text.trim().endsWith("T"))
    throw new DurationError(`"${text}" is not an ISO 8601 duration (e.g. PT10S)`);
  const [, minus, years, months, weeks, days, hours, minutes, seconds] = m;
  if (minus) throw new DurationError(`"${text}" is a negative duration`);
  if (years || months)
    throw new DurationError(
      `"${text}" counts calendar years or months, which have no fixed length; use days or smaller`,
    );
  const n = (s: string | undefined) => (s ? Number(s) : 0);
  return Math.round(
    ((((n(weeks) * 7 + n(days)) * 24 + n(hours)) * 60 + n(minutes)) * 60 + n(seconds)) * 1000,
  );
}

/** An xs:duration for a whole number of milliseconds, e.g. 90 000 -> "PT1M30S", 0 -> "PT0S". */
export function isoDuration(ms: number): string {
  let s = Math.max(0, Math.round(ms)) / 1000;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s = Math.round((s - m * 60) * 1000) / 1000;
  const parts = `${h ? `${h}H` : ""}${m ? `${m}M` : ""}${s || (!h && !m) ? `${s}S` : ""}`;
  return `PT${parts}`;
}

/** An xs:dateTime in UTC without milliseconds when they are 0. */
export function isoTime(date: Date): string {
  return date.toISOString().replace(/\.000Z$/, "Z");
}
