import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildSequence, resolve } from "../src/index.js";

const durations = fc.constantFrom("PT1M", "PT5M", "PT15M", "PT1H", "PT90M", "PT2H30M", "P1D");
const zones = fc.constantFrom("UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe");

describe("binding a generated Sequence (property)", () => {
  it("FINISHTOSTART with no gap: contiguous, order kept, total = sum of durations", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        durations,
        zones,
        fc.date({ min: new Date("2000-01-01"), max: new Date("2040-01-01"), noInvalidDate: true }),
        (count, duration, zone, d) => {
          const start = d.toISOString().slice(0, 19);
          const cal = buildSequence({
            start: zone === "UTC" ? `${start}Z` : { value: start, tzid: zone },
            count,
            duration,
          });
          // a local time in a daylight-saving gap resolves too (RFC 5545 §3.3.5)
          const is = resolve(cal).intervals;
          expect(is.map((i) => i.uid)).toEqual(
            Array.from({ length: count }, (_, k) => `interval-${k}`),
          );
          for (let k = 1; k < is.length; k++) expect(is[k]?.startMs).toBe(is[k - 1]?.endMs);
          const sum = is.reduce((a, i) => a + (i.endMs - i.startMs), 0);
          expect((is.at(-1)?.endMs ?? 0) - (is[0]?.startMs ?? 0)).toBe(sum);
          if (duration !== "P1D")
            expect(sum).toBe(count * (is[0] ? is[0].endMs - is[0].startMs : 0));
        },
      ),
      { numRuns: 150 },
    );
  }, 60_000);
  it("a gap g between n intervals adds (n-1)·g", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 100 }),
        fc.integer({ min: 0, max: 59 }),
        (count, minutes) => {
          const r = resolve(
            buildSequence({
              start: "2026-01-01T00:00:00Z",
              count,
              duration: "PT15M",
              gap: `PT${minutes}M`,
            }),
          ).intervals;
          expect((r.at(-1)?.endMs ?? 0) - (r[0]?.startMs ?? 0)).toBe(
            (count * 15 + (count - 1) * minutes) * 60_000,
          );
        },
      ),
    );
  });
});
