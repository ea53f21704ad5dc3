import { describe, expect, it } from "vitest";
import { SimulationError } from "./errors.js";
import { formatLocal, localMidnight, parseIntervalSeconds } from "./time.js";

describe("intervals and local time", () => {
  it("reads the usual market intervals", () => {
    expect(parseIntervalSeconds("PT5M")).toBe(300);
    expect(parseIntervalSeconds("PT15M")).toBe(900);
    expect(parseIntervalSeconds("PT1H")).toBe(3600);
    expect(parseIntervalSeconds("PT1H30M")).toBe(5400);
    expect(parseIntervalSeconds("PT90S")).toBe(90);
    expect(parseIntervalSeconds("PT24H")).toBe(86400);
  });

  it("refuses what is not a day-time duration dividing 24 h, naming the option", () => {
    for (const bad of [
      "5M",
      "PT",
      "P1D",
      "PT7M",
      "PT30S",
      "PT0M",
      "PT25H",
      "pt5m",
      "PT1.5M",
      "PT5M ",
    ]) {
      try {
        parseIntervalSeconds(bad, "--interval");
        expect.unreachable(bad);
      } catch (e) {
        expect(e).toBeInstanceOf(SimulationError);
        expect((e as SimulationError).code).toBe("bad-interval");
        expect((e as SimulationError).path).toBe("--interval");
      }
    }
  });

  it("writes local times with their offset, and finds local midnight", () => {
    const ms = localMidnight("2026-07-15", -360);
    expect(new Date(ms).toISOString()).toBe("2026-07-15T06:00:00.000Z");
    expect(formatLocal(ms, -360)).toBe("2026-07-15T00:00:00-06:00");
    expect(formatLocal(ms + 5.5 * 3_600_000, 330)).toBe("2026-07-15T17:00:00+05:30");
    expect(() => localMidnight("2026-02-30", 0)).toThrow(SimulationError);
    expect(() => localMidnight("15.7.2026", 0)).toThrow(SimulationError);
  });
});
