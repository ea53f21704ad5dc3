/**
 * The HVAC's house as a first-order thermal model (one resistance, one capacitance: "1R1C", the
 * model of Huberman & Clearwater's and GridLAB-D's simplest house), stepped exactly for a constant
 * outdoor temperature and heat input over the step:
 *   C dT/dt = (T_out − T)/R + Q,  so  T(t+Δt) = T∞ + (T(t) − T∞)·exp(−Δt/(R·C)),  T∞ = T_out + R·Q,
 * with Q = internal gains ± COP · electric power (minus when cooling). Floats: temperature is
 * physics state; the electric power it is given is a whole number of watts.
 */

/** The thermal and equipment parameters of one HVAC agent. */
export interface ThermalParameters {
  /** "cooling" (air conditioner) or "heating" (heat pump) for the whole scenario */
  readonly mode: "cooling" | "heating";
  /** envelope resistance, °C per kW of heat flow */
  readonly resistance: number;
  /** thermal capacitance of air and contents, kWh per °C */
  readonly capacitance: number;
  /** coefficient of performance: kW of heat moved per kW of electricity */
  readonly cop: number;
  /** internal heat gains (people, appliances), W thermal, always on */
  readonly gainsW: number;
}

/** Indoor temperature (°C) after `seconds` with `powerW` of electric power into the HVAC. */
export function stepIndoorTemperature(
  p: ThermalParameters,
  indoor: number,
  outdoor: number,
  powerW: number,
  seconds: number,
): number {
  const heatKw = (p.gainsW + (p.mode === "cooling" ? -1 : 1) * p.cop * powerW) / 1000;
  const target = outdoor + p.resistance * heatKw;
  return target + (indoor - target) * Math.exp(-seconds / 3600 / (p.resistance * p.capacitance));
}

/**
 * The no-market thermostat: on past the far edge of the comfort band, off past the near edge,
 * otherwise as it was (hysteresis), for a band `setpoint ± deadband/2`.
 */
export function thermostat(
  mode: "cooling" | "heating",
  indoor: number,
  setpoint: number,
  deadband: number,
  wasOn: boolean,
): boolean {
  const hi = setpoint + deadband / 2;
  const lo = setpoint - deadband / 2;
  if (mode === "cooling") return indoor > hi ? true : indoor < lo ? false : wasOn;
  return indoor < lo ? true : indoor > hi ? false : wasOn;
}
