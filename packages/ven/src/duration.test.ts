import { describe, expect, it } from "vitest";
import { DurationError, durationMs, isoDuration, isoTime } from "./duration.js";

describe("durationMs", () => {
  it("reads the durations VTNs send", () => {
    expect(durationMs("PT10S")).toBe(10_000);
    expect(durationMs("PT1M30S")).toBe(90_000);
    expect(durationMs("PT0.5S")).toBe(500);
    expect(durationMs("P1DT1H")).toBe(90_000_000);
    expect(durationMs("P1W")).toBe(604_800_000);
    expect(durationMs("PT0S")).toBe(0);
  });
  it("refuses what is not a usable duration, saying why", () => {
    expect(() => durationMs("10s")).toThrow(DurationError);
    expect(() => durationMs("P")).toThrow(/not an ISO 8601 duration/);
    expect(() => durationMs("PT")).toThrow(/not an ISO 8601 duration/);
    expect(() => durationMs("-PT1S")).toThrow(/negative/);
    expect(() => durationMs("P1M")).toThrow(/calendar years or months/);
  });
});

describe("isoDuration and isoTime", () => {
  it("writes whole durations and UTC times", () => {
    expect(isoDuration(90_000)).toBe("PT1M30S");
    expect(isoDuration(3_600_000)).toBe("PT1H");
    expect(isoDuration(0)).toBe("PT0S");
    expect(isoDuration(1_500)).toBe("PT1.5S");
    expect(isoTime(new Date("2026-07-01T12:00:00.000Z"))).toBe("2026-07-01T12:00:00Z");
    expect(isoTime(new Date("2026-07-01T12:00:00.250Z"))).toBe("2026-07-01T12:00:00.250Z");
  });
});
