import { describe, expect, it } from "vitest";
import {
  cosZenith,
  dayOfYear,
  declination,
  equationOfTime,
  haurwitzGhi,
  solarHour,
  sunriseSolarHour,
} from "./solar.js";
import { diurnalTemperature, PEAK_SOLAR_HOUR } from "./weather.js";

const BOULDER = { latitude: 40, longitude: -105.27, utcOffsetMinutes: -360 };

describe("clear-sky sun", () => {
  it("declination: about +23.45° at the June solstice, −23.45° in December, ~0 at the equinoxes", () => {
    expect(declination(172)).toBeCloseTo(23.45, 1);
    expect(declination(355)).toBeCloseTo(-23.45, 1);
    expect(Math.abs(declination(81))).toBeLessThan(0.5);
    expect(Math.abs(declination(264))).toBeLessThan(1.5);
  });

  it("equation of time: within its known extremes (−14.3 … +16.4 min), about +16 min early November", () => {
    for (let n = 1; n <= 365; n++) {
      expect(equationOfTime(n)).toBeGreaterThan(-15);
      expect(equationOfTime(n)).toBeLessThan(17);
    }
    expect(equationOfTime(307)).toBeGreaterThan(15.5);
    expect(equationOfTime(42)).toBeLessThan(-13.5);
  });

  it("Haurwitz: 1098·e^−0.057 W/m² with the sun overhead, 0 at night", () => {
    expect(haurwitzGhi(1)).toBeCloseTo(1098 * Math.exp(-0.057), 6);
    expect(haurwitzGhi(0)).toBe(0);
    expect(haurwitzGhi(-0.3)).toBe(0);
    expect(haurwitzGhi(0.5)).toBeLessThan(haurwitzGhi(0.8));
  });

  it("solar noon in Boulder (105.27° W, UTC−6) mid-July falls near 13:07 local time", () => {
    const day = Date.UTC(2026, 6, 15, 6); // local midnight
    expect(dayOfYear(day - 6 * 3_600_000)).toBe(196);
    let best = 0;
    let bestCos = -2;
    for (let m = 0; m < 24 * 60; m++) {
      const c = cosZenith(day + m * 60_000, BOULDER);
      if (c > bestCos) {
        bestCos = c;
        best = m;
      }
    }
    expect(best).toBeGreaterThanOrEqual(13 * 60 + 3);
    expect(best).toBeLessThanOrEqual(13 * 60 + 11);
    // zenith at noon = latitude − declination (≈ 40 − 21.4)
    expect(Math.acos(bestCos) * (180 / Math.PI)).toBeCloseTo(40 - declination(196), 0);
    expect(solarHour(day + best * 60_000, BOULDER, 196)).toBeCloseTo(12, 1);
  });

  it("sunrise: 6 h at the equator, earlier in summer at 40° N, 0 and 12 at the poles", () => {
    expect(sunriseSolarHour(0, 172)).toBeCloseTo(6, 6);
    expect(sunriseSolarHour(40, 172)).toBeCloseTo(4.55, 1);
    expect(sunriseSolarHour(80, 172)).toBe(0);
    expect(sunriseSolarHour(80, 355)).toBe(12);
  });
});

describe("diurnal temperature", () => {
  it("minimum at sunrise, maximum at 15:00 solar, continuous and within bounds", () => {
    const at = (h: number) => diurnalTemperature(h, 5, 15, 30);
    expect(at(5)).toBeCloseTo(15, 9);
    expect(at(PEAK_SOLAR_HOUR)).toBeCloseTo(30, 9);
    expect(at(24 + 5)).toBeCloseTo(15, 9);
    for (let h = 0; h < 24; h += 0.01) {
      expect(at(h)).toBeGreaterThanOrEqual(15 - 1e-9);
      expect(at(h)).toBeLessThanOrEqual(30 + 1e-9);
      expect(Math.abs(at(h + 0.01) - at(h))).toBeLessThan(0.05);
    }
    expect(at(10)).toBeGreaterThan(at(7)); // rising in the morning
    expect(at(22)).toBeLessThan(at(18)); // falling in the evening
  });
});
