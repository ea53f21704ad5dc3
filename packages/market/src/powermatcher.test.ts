import { Decimal } from "@transactive/emix";
import { describe, expect, it } from "vitest";
import { aggregatePowerMatcherBids, powerMatcherEquilibrium, priceOfStep } from "./powermatcher.js";

const basis = { priceSteps: 5, minPrice: 0, maxPrice: 40 };
const eq = (d: number[]) => powerMatcherEquilibrium(basis, d).toJSON();

describe("PowerMatcher rules", () => {
  it("prices steps exactly", () => {
    expect(priceOfStep({ priceSteps: 4, minPrice: 0, maxPrice: 1 }, 1).toFraction()).toBe("1/3");
  });

  it("rejects bids of the wrong length or rising with price, and sums the others exactly", () => {
    const r = aggregatePowerMatcherBids(basis, [
      [10, 10, 0, -10, -10],
      [1, 2, 3, 4, 5],
      [1, 1, 1],
      [0.1, 0.1, 0.1, 0.1, 0.1],
      [0.2, 0.2, 0.2, 0.2, 0.2],
    ]);
    expect(r.rejected.map((x) => [x.index, x.reason])).toEqual([
      [1, "increasing"],
      [2, "length"],
    ]);
    expect(r.aggregate.map((d) => d.toJSON())).toEqual(["10.3", "10.3", "0.3", "-9.7", "-9.7"]);
  });

  it("finds the equilibrium: at a zero step, the middle of a flat zero run, or interpolated", () => {
    expect(eq([10, 10, 0, -10, -10])).toBe("20");
    expect(eq([5, 0, 0, 0, -5])).toBe("20");
    expect(eq([10, 10, -30, -30, -30])).toBe("12.5");
    expect(eq([5, 5, 5, 5, 5])).toBe("40");
    expect(eq([-5, -5, -5, -5, -5])).toBe("0");
    // demands within 1e-6 of zero count as zero
    expect(eq([10, 0.0000005, -10, -10, -10])).toBe("10");
  });

  it("keeps the unrounded rational", () => {
    const p = powerMatcherEquilibrium(basis, [10, 10, -20, -20, -20]);
    expect(p.eq(Decimal.fraction(40n, 3n))).toBe(true);
  });
});
