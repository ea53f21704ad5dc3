/**
 * ISO 8601 / RFC 5545 durations as OpenADR uses them (granularity, sampling periods, intervals,
 * poll frequency): PnW or PnDTnHnMnS, in seconds. Years and months have no fixed length, so they
 * are refused here rather than guessed (openleadr takes a month as 30 days).
 */
import { VtnError, type VtnErrorCode } from "./errors.js";

const DURATION =
  /^([+-])?P(?:(\d+)W|(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?)$/;

/** The seconds of a duration, or undefined when the text is not one (or uses years or months). */
export function durationSeconds(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m || text.trim() === "P" || text.trim().endsWith("T")) return undefined;
  const [, sign, w, d, h, min, s] = m;
  if (w === undefined && d === undefined && h === undefined && min === undefined && s === undefined)
    return undefined;
  const total =
    Number(w ?? 0) * 604_800 +
    Number(d ?? 0) * 86_400 +
    Number(h ?? 0) * 3_600 +
    Number(min ?? 0) * 60 +
    Number(s ?? 0);
  return sign === "-" ? -total : total;
}

/** The seconds of a duration at `path`, or the refusal naming it. */
export function requireDuration(
  text: unknown,
  path: string,
  code: VtnErrorCode = "invalid-request",
  { positive = true }: { positive?: boolean } = {},
): number {
  const seconds = typeof text === "string" ? durationSeconds(text) : undefined;
  if (seconds === undefined)
    throw new VtnError(
      code,
      `${JSON.stringify(text)} is not a duration such as PT10S, PT15M, PT1H or P1D (years and months have no fixed length)`,
      path,
    );
  if (positive && seconds <= 0)
    throw new VtnError(code, `the duration ${text} must be longer than zero`, path);
  return seconds;
}

/** Seconds as the shortest duration text (PT15M, PT1H30M, P1DT2H, PT0.5S). */
export function formatDuration(seconds: number): string {
  const sign = seconds < 0 ? "-" : "";
  let s = Math.abs(seconds);
  const d = Math.floor(s / 86_400);
  s -= d * 86_400;
  const h = Math.floor(s / 3_600);
  s -= h * 3_600;
  const m = Math.floor(s / 60);
  s = Math.round((s - m * 60) * 1000) / 1000;
  const time = `${h ? `${h}H` : ""}${m ? `${m}M` : ""}${s ? `${s}S` : ""}`;
  if (!d && !time) return `${sign}PT0S`;
  return `${sign}P${d ? `${d}D` : ""}${time ? `T${time}` : ""}`;
}
