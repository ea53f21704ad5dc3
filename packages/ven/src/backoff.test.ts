import { describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff.js";

describe("backoffDelay", () => {
  it("doubles its ceiling per attempt up to the maximum, with jitter inside it", () => {
    const low = (n: number) => backoffDelay(n, { random: () => 0 });
    const high = (n: number) => backoffDelay(n, { random: () => 0.999999 });
    expect([0, 1, 2, 3].map(high)).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect([0, 1, 2].map(low)).toEqual([100, 200, 400]);
    expect(high(50)).toBe(60_000);
    expect(backoffDelay(2, { baseMs: 10, maxMs: 25, random: () => 0.999999 })).toBe(25);
  });
  it("spreads retries of many VENs", () => {
    const waits = new Set(Array.from({ length: 50 }, () => backoffDelay(4)));
    expect(waits.size).toBeGreaterThan(10);
    for (const w of waits) expect(w).toBeGreaterThanOrEqual(1_600);
  });
});
