import { Decimal } from "@transactive/emix";
import { describe, expect, it } from "vitest";
import type { EngineRecord } from "./result.js";
import { median, roundFigure, summarizeSide } from "./summary.js";

function rec(
  importKw: string,
  exportKw: string,
  loadKw: string,
  amounts: string[] = [],
  energyKwh = "0",
): EngineRecord {
  return {
    clearingPrice: null,
    supplyKw: "0",
    demandKw: loadKw,
    loadKw,
    batteryEnergyKwh: "0",
    importKw,
    exportKw,
    transactions: { count: amounts.length, energyKwh, amounts },
  };
}

const TARIFF = { importPrice: "0.15", exportPrice: "0.04" };
const STARTS = ["t0", "t1", "t2", "t3"];

describe("summary figures", () => {
  it("peak, mean and peak-to-average ratio of import and load; energies over 5-minute intervals", () => {
    const s = summarizeSide(
      [rec("2", "0", "3"), rec("6", "0", "7"), rec("0", "1.2", "1"), rec("4", "0", "5")],
      STARTS,
      300,
      TARIFF,
    );
    expect(s.peakImportKw).toBe("6");
    expect(s.peakImportAt).toBe("t1");
    expect(s.averageImportKw).toBe("3");
    expect(s.peakToAverageRatio).toBe("2");
    expect(s.peakLoadKw).toBe("7");
    expect(s.loadPeakToAverageRatio).toBe("1.75");
    // 12 kW·intervals × 1/12 h = 1 kWh; 1.2 / 12 = 0.1 kWh; 16 / 12 = 1.333… kWh
    expect(s.importEnergyKwh).toBe("1");
    expect(s.exportEnergyKwh).toBe("0.1");
    expect(s.loadEnergyKwh).toBe("1.333333");
    // 1 × 0.15 − 0.1 × 0.04
    expect(s.gridCost).toBe("0.146");
    expect(s.transactionCount).toBe(0);
    expect(s.medianTransactionAmount).toBeNull();
    expect(s.energyTradedKwh).toBe("0");
  });

  it("transactions: count, exact median (mean of the middle two) and total; traded energy", () => {
    const s = summarizeSide(
      [
        rec("1", "0", "1", ["0.005", "0.0125"], "0.2"),
        rec("1", "0", "1", ["-0.001", "0.02"], "0.35"),
      ],
      STARTS,
      900,
      TARIFF,
    );
    expect(s.transactionCount).toBe(4);
    expect(s.medianTransactionAmount).toBe("0.00875");
    expect(s.totalTransactionAmount).toBe("0.0365");
    expect(s.energyTradedKwh).toBe("0.55");
  });

  it("ratios are null when nothing is imported or consumed", () => {
    const s = summarizeSide([rec("0", "3", "0"), rec("0", "1", "0")], STARTS, 3600, TARIFF);
    expect(s.peakToAverageRatio).toBeNull();
    expect(s.loadPeakToAverageRatio).toBeNull();
    expect(s.gridCost).toBe("-0.16");
  });

  it("median of odd and even counts; rounding half-even to 6 places only past 6 places", () => {
    const d = (xs: string[]) => xs.map((x) => Decimal.of(x));
    expect(median(d(["3", "1", "2"]))?.toString()).toBe("2");
    expect(median(d(["4", "1", "3", "2"]))?.toString()).toBe("2.5");
    expect(median([])).toBeUndefined();
    expect(roundFigure(Decimal.of("1.2345675"))).toBe("1.234568");
    expect(roundFigure(Decimal.of("1.2345665"))).toBe("1.234566");
    expect(roundFigure(Decimal.of("0.123456"))).toBe("0.123456");
    expect(roundFigure(Decimal.fraction(2n, 3n))).toBe("0.666667");
    expect(roundFigure(Decimal.fraction(1n, 2_000_000n))).toBe("0");
  });
});
