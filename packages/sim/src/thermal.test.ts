import { describe, expect, it } from "vitest";
import { stepIndoorTemperature, type ThermalParameters, thermostat } from "./thermal.js";

const HOUSE: ThermalParameters = {
  mode: "cooling",
  resistance: 2.5,
  capacitance: 2,
  cop: 3,
  gainsW: 0,
};

describe("1R1C house", () => {
  it("drifts to the outdoor temperature with the time constant R·C", () => {
    // after one time constant (5 h) the gap shrinks by 1/e
    const t = stepIndoorTemperature(HOUSE, 20, 30, 0, 5 * 3600);
    expect(t).toBeCloseTo(30 - 10 / Math.E, 9);
    // steps compose exactly: two half steps equal one whole step
    const half = stepIndoorTemperature(HOUSE, 20, 30, 0, 9000);
    expect(stepIndoorTemperature(HOUSE, half, 30, 0, 9000)).toBeCloseTo(t, 9);
  });

  it("cooling pulls towards T_out − R·COP·P, heating and gains push up", () => {
    const far = stepIndoorTemperature(HOUSE, 25, 30, 2000, 1e7);
    expect(far).toBeCloseTo(30 - 2.5 * 3 * 2, 6);
    const heat = stepIndoorTemperature(
      { ...HOUSE, mode: "heating", gainsW: 400 },
      18,
      0,
      1000,
      1e7,
    );
    expect(heat).toBeCloseTo(0 + 2.5 * (0.4 + 3), 6);
  });

  it("thermostat: hysteresis over the comfort band", () => {
    expect(thermostat("cooling", 25.1, 24, 2, false)).toBe(true);
    expect(thermostat("cooling", 24.5, 24, 2, false)).toBe(false);
    expect(thermostat("cooling", 24.5, 24, 2, true)).toBe(true);
    expect(thermostat("cooling", 22.9, 24, 2, true)).toBe(false);
    expect(thermostat("heating", 18.9, 20, 2, false)).toBe(true);
    expect(thermostat("heating", 20.5, 20, 2, true)).toBe(true);
    expect(thermostat("heating", 21.1, 20, 2, true)).toBe(false);
  });
});
