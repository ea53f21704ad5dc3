/**
 * The no-market baseline: devices act without prices, as they do today. PV produces its clear-sky
 * output, household loads consume their profile, an EV charges at full power from arrival until
 * its energy is delivered, an HVAC unit follows its thermostat (hysteresis over its comfort band),
 * batteries stay idle, and the grid tie imports or exports the net. All powers are whole watts, so
 * every outcome is exact; an EV's last charging interval rounds its power up to the next whole
 * watt (it delivers at most one watt-interval more than asked).
 */
import { Decimal } from "@transactive/emix";
import type { EngineFactory, IntervalOutcome, SimInterval, SimulationEngine } from "./engine.js";
import type { EvSpec, HvacSpec, Scenario } from "./scenario.js";
import { stepIndoorTemperature, thermostat } from "./thermal.js";

/** Watts as kW, exactly. */
export function kw(watts: number): Decimal {
  return Decimal.fraction(BigInt(watts), 1000n);
}

/** Watt-hours as kWh, exactly. */
export function kwh(wattHours: number): Decimal {
  return Decimal.fraction(BigInt(wattHours), 1000n);
}

interface EvState {
  readonly spec: EvSpec;
  session: number;
  /** energy still to deliver in the current session, joules (W·s: exact integers) */
  remainingJ: number;
}

interface HvacState {
  readonly spec: HvacSpec;
  indoor: number;
  on: boolean;
}

class BaselineEngine implements SimulationEngine {
  readonly name = "no market";
  private readonly loads: Int32Array[] = [];
  private readonly pvs: Int32Array[] = [];
  private readonly evs: EvState[] = [];
  private readonly hvacs: HvacState[] = [];
  private readonly batteryEnergy: Decimal;
  private next = 0;

  constructor(private readonly scenario: Scenario) {
    let stored = 0;
    for (const d of scenario.devices) {
      if (d.kind === "load") this.loads.push(d.profileW);
      else if (d.kind === "pv") this.pvs.push(d.profileW);
      else if (d.kind === "ev") this.evs.push({ spec: d, session: -1, remainingJ: 0 });
      else if (d.kind === "hvac") this.hvacs.push({ spec: d, indoor: d.initialIndoor, on: false });
      else stored += d.initialEnergyWh;
    }
    this.batteryEnergy = kwh(stored);
  }

  step(interval: SimInterval): IntervalOutcome {
    const i = interval.index;
    if (i !== this.next)
      throw new RangeError(`intervals must be stepped in order: expected ${this.next}, got ${i}`);
    this.next++;
    const dt = interval.seconds;
    let loadW = 0;
    for (const p of this.loads) loadW += p[i] ?? 0;
    let pvW = 0;
    for (const p of this.pvs) pvW += p[i] ?? 0;
    for (const ev of this.evs) loadW += evPower(ev, i, dt);
    const outdoor = this.scenario.outdoorTemperature[i] ?? 0;
    for (const h of this.hvacs) {
      h.on = thermostat(h.spec.mode, h.indoor, h.spec.setpoint, h.spec.deadband, h.on);
      const w = h.on ? h.spec.ratedW : 0;
      h.indoor = stepIndoorTemperature(h.spec, h.indoor, outdoor, w, dt);
      loadW += w;
    }
    const net = loadW - pvW;
    return {
      clearingPrice: null,
      supply: kw(pvW),
      demand: kw(loadW),
      load: kw(loadW),
      batteryEnergy: this.batteryEnergy,
      gridImport: kw(Math.max(0, net)),
      gridExport: kw(Math.max(0, -net)),
      trades: [],
    };
  }
}

/** Full power from arrival until the session's energy is in, whole watts. */
function evPower(ev: EvState, i: number, dt: number): number {
  const sessions = ev.spec.sessions;
  const at = sessions.findIndex((s) => s.arrivalIndex <= i && i < s.departureIndex);
  if (at < 0) return 0;
  if (at !== ev.session) {
    ev.session = at;
    ev.remainingJ = (sessions[at]?.energyNeededWh ?? 0) * 3600;
  }
  if (ev.remainingJ <= 0) return 0;
  const w = Math.min(ev.spec.maxChargeW, Math.ceil(ev.remainingJ / dt));
  ev.remainingJ -= w * dt;
  return w;
}

/** The no-market baseline engine: devices without prices, batteries idle, the grid tie takes the net. */
export const baselineEngine: EngineFactory = (scenario) => new BaselineEngine(scenario);
