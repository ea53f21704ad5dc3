import fc from "fast-check";
import type { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import {
  addDuration,
  durationSeconds,
  formatInstant,
  parseDuration,
  parseStart,
  resolveIntervals,
} from "./schedule.js";

/** The intervals as luxon computes them, one DateTime.plus after the other. */
function luxonIntervals(dtStart: unknown, duration: string, count: number) {
  const start = parseStart(dtStart, "");
  const d = parseDuration(duration, "");
  const out: { start: string; end: string; seconds: string; from: DateTime; to: DateTime }[] = [];
  let cursor = start.at;
  for (let i = 0; i < count; i++) {
    const to = addDuration(cursor, d);
    out.push({
      start: formatInstant(start, cursor),
      end: formatInstant(start, to),
      seconds: durationSeconds(d, cursor).toFraction(),
      from: cursor,
      to,
    });
    cursor = to;
  }
  return out;
}

function product(dtStart: unknown, duration: string, count: number) {
  return {
    dtStart,
    duration,
    temixPower: { quantity: "1" },
    intervals: {
      streamInterval: Array.from({ length: count }, (_, i) => ({ uid: String(i) })),
    },
  };
}

function expectSameAsLuxon(dtStart: unknown, duration: string, count: number): void {
  const ours = resolveIntervals(product(dtStart, duration, count), "/p");
  const ref = luxonIntervals(dtStart, duration, count);
  expect(ours.map((iv) => [iv.start, iv.end, iv.seconds.toFraction()])).toEqual(
    ref.map((r) => [r.start, r.end, r.seconds]),
  );
  ours.forEach((iv, i) => {
    const r = ref[i] as (typeof ref)[number];
    expect([iv.startMillis, iv.endMillis]).toEqual([r.from.toMillis(), r.to.toMillis()]);
    expect([iv.startTime.toMillis(), iv.endTime.toMillis()]).toEqual([
      r.from.toMillis(),
      r.to.toMillis(),
    ]);
    expect([iv.startTime.offset, iv.endTime.offset]).toEqual([r.from.offset, r.to.offset]);
  });
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

describe("resolveIntervals", () => {
  it("computes fixed-duration intervals as luxon does, for any start, offset and duration", () => {
    fc.assert(
      fc.property(
        fc.record({
          year: fc.integer({ min: 1, max: 9990 }),
          month: fc.integer({ min: 1, max: 12 }),
          day: fc.integer({ min: 1, max: 28 }),
          hour: fc.integer({ min: 0, max: 23 }),
          minute: fc.integer({ min: 0, max: 59 }),
          second: fc.integer({ min: 0, max: 59 }),
          millis: fc.option(fc.integer({ min: 0, max: 999 })),
          offset: fc.option(fc.integer({ min: -14 * 60, max: 14 * 60 })),
        }),
        fc.record({
          weeks: fc.nat(3),
          days: fc.nat(40),
          hours: fc.nat(30),
          minutes: fc.nat(90),
          seconds: fc.option(fc.tuple(fc.nat(100), fc.option(fc.nat(9999)))),
        }),
        fc.integer({ min: 1, max: 40 }),
        (t, d, count) => {
          const abs = Math.abs(t.offset ?? 0);
          const offset =
            t.offset === null
              ? ""
              : t.offset === 0
                ? "Z"
                : `${t.offset < 0 ? "-" : "+"}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
          const dtStart = `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}T${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}${t.millis === null ? "" : `.${pad(t.millis, 3)}`}${offset}`;
          const seconds =
            d.seconds === null
              ? ""
              : `${d.seconds[0]}${d.seconds[1] === null ? "" : `.${d.seconds[1]}`}S`;
          const time = `${d.hours ? `${d.hours}H` : ""}${d.minutes ? `${d.minutes}M` : ""}${seconds}`;
          const duration = `P${d.weeks ? `${d.weeks}W` : ""}${d.days ? `${d.days}D` : ""}${time ? `T${time}` : ""}`;
          // "P" or a zero duration: refused by parseDuration, no intervals to compare
          fc.pre(duration !== "P" && /[1-9]/.test(duration));
          expectSameAsLuxon({ dateTime: dtStart }, duration, count);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("keeps luxon's calendar arithmetic for months and years, and at the edge of the years", () => {
    expectSameAsLuxon({ dateTime: "2026-01-31T00:00:00-05:00" }, "P1M", 14);
    expectSameAsLuxon({ dateTime: "2024-02-29T12:00:00Z" }, "P1Y2M3DT4H", 5);
    expectSameAsLuxon({ date: "2026-03-01" }, "P1M", 3);
    expectSameAsLuxon({ dateTime: "9999-12-31T23:00:00+01:00" }, "PT15M", 8);
    expectSameAsLuxon({ dateTime: "0001-01-01T00:30:00+02:00" }, "PT10M", 3);
    expectSameAsLuxon("2026-09-01T00:00:00.5", "PT0.0004S", 3);
    expectSameAsLuxon({ date: "2026-09-01" }, "P1D", 3);
  });
});
