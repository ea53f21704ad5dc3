/**
 * The shared oracle cases (GridLAB-D auctions and PowerMatcher bid curves) through the market's
 * clearing functions, compared as ../shared/market-oracles/README.md says a case passes. Fails
 * under CI=true when the cases are missing; skips with a message otherwise.
 */
import { Decimal } from "@transactive/emix";
import { describe, expect, it } from "vitest";
import { clearCase, readClearingCase } from "../src/index.js";
import { CI, HAVE_ORACLES, ORACLES_DIR, oracleCases } from "./oracles.js";

if (!HAVE_ORACLES && !CI)
  console.warn(`market oracles not found at ${ORACLES_DIR}: oracle tests skipped (CI=true fails)`);

const within = (got: Decimal, expected: number, tolerance: number) =>
  got.sub(Decimal.of(expected)).abs().cmp(Decimal.of(tolerance)) <= 0;

/** PowerMatcher's comparison of a published price (Price.toPriceStep is Math.round, half up). */
function checkedPrice(price: Decimal, check: string, basis: Record<string, number>): Decimal {
  if (check === "exact") return price;
  if (check === "ceil") return Decimal.of(price.toFixed(0, "ceiling"));
  const min = Decimal.of(basis.min_price as number);
  const step = Decimal.of(basis.max_price as number)
    .sub(min)
    .div((basis.price_steps as number) - 1);
  // Java Math.round: floor(x + 1/2)
  const index = Decimal.of(price.sub(min).div(step).add("0.5").toFixed(0, "floor"));
  return min.add(step.mul(index));
}

describe.skipIf(!HAVE_ORACLES && !CI)("market oracles", () => {
  const cases = HAVE_ORACLES ? oracleCases() : [];

  it("has the 65 cases (51 GridLAB-D, 14 PowerMatcher)", () => {
    expect(HAVE_ORACLES, `market oracles missing at ${ORACLES_DIR}`).toBe(true);
    expect(cases.filter((c) => c.name.startsWith("gridlabd/")).length).toBeGreaterThanOrEqual(51);
    expect(cases.filter((c) => c.name.startsWith("powermatcher/")).length).toBeGreaterThanOrEqual(
      14,
    );
  });

  it.each(cases.filter((c) => c.name.startsWith("gridlabd/")))("$name", ({ json }) => {
    const r = clearCase(readClearingCase(json)) as unknown as Record<string, unknown>;
    const expected = json.expected as Record<string, unknown>;
    const tolerance = json.tolerance as Record<string, number>;
    for (const [field, value] of Object.entries(expected)) {
      if (field === "clearing_type") expect(r.clearing_type, field).toBe(value);
      else
        expect(
          within(r[field] as Decimal, value as number, tolerance[field] ?? 0),
          `${field}: got ${(r[field] as Decimal).toJSON()}, expected ${value} ± ${tolerance[field]}`,
        ).toBe(true);
    }
    const observed = json.gridlabd_observed as Record<string, unknown>;
    for (const [field, value] of Object.entries(observed)) {
      if (field === "clearing_type") expect(r.clearing_type, `observed ${field}`).toBe(value);
      else
        expect(
          within(r[field] as Decimal, value as number, 5e-7),
          `observed ${field}: got ${(r[field] as Decimal).toJSON()}, GridLAB-D ${value}`,
        ).toBe(true);
    }
  });

  it.each(cases.filter((c) => c.name.startsWith("powermatcher/")))("$name", ({ json }) => {
    const r = clearCase(readClearingCase(json)) as unknown as {
      rejected_bids: number[];
      aggregate: Decimal[];
      price: Decimal;
    };
    const expected = json.expected as {
      rejected_bids: number[];
      aggregate?: number[];
      price?: number;
      price_check?: string;
    };
    expect(r.rejected_bids).toEqual(expected.rejected_bids);
    if (expected.aggregate !== undefined) {
      expect(r.aggregate.length).toBe(expected.aggregate.length);
      for (const [i, d] of r.aggregate.entries())
        expect(
          d.eq(Decimal.of(expected.aggregate[i] as number)),
          `aggregate[${i}] ${d.toJSON()}`,
        ).toBe(true);
    }
    if (expected.price !== undefined) {
      const got = checkedPrice(
        r.price,
        expected.price_check ?? "exact",
        json.market_basis as Record<string, number>,
      );
      expect(
        got.eq(Decimal.of(expected.price)),
        `price ${r.price.toFixed(12)} → ${got.toJSON()}`,
      ).toBe(true);
    }
  });
});
