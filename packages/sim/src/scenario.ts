/**
 * A scenario: one microgrid's day (or days), every profile drawn from one seed. Physics is
 * computed in floats (sun, temperature, load shapes), but every power that an agent may bid, buy
 * or sell leaves this module as a whole number of watts (Int32Array profiles, integer fields):
 * exact values, so market and money code never sees a float. Energies are whole watt-hours and
 * efficiencies are decimal strings, for the same reason.
 */
import { SimulationError } from "./errors.js";
import { parseSeed, Random } from "./random.js";
import {
  cosZenith,
  dayOfYear,
  haurwitzGhi,
  type Site,
  solarHour,
  sunriseSolarHour,
} from "./solar.js";
import type { ThermalParameters } from "./thermal.js";
import { formatLocal, localMidnight, parseIntervalSeconds } from "./time.js";
import { diurnalTemperature } from "./weather.js";

/** What a scenario is made from; every field has a default (see DEFAULT_SCENARIO). */
export interface ScenarioOptions {
  /** the seed of every draw: a decimal integer 0 … 2^64−1 (default 1) */
  readonly seed?: bigint | number | string;
  /** number of device agents, 1 … 1,000,000 (default 100); the grid tie comes on top */
  readonly agents?: number;
  /** delivery interval, an ISO 8601 duration dividing 24 h (default "PT5M") */
  readonly interval?: string;
  /** hours simulated from local midnight, 1 … 168, a whole number of intervals (default 24) */
  readonly hours?: number;
  /** the local date of the first day, YYYY-MM-DD (default "2026-07-15", a summer day) */
  readonly date?: string;
  /** where the microgrid is (default Boulder, Colorado: 40.0° N, 105.27° W, UTC−6) */
  readonly site?: Site;
  /** ISO 4217 currency of prices and amounts (default "USD") */
  readonly currency?: string;
  /** grid-tie tariff in currency per kWh, decimal strings (default import "0.15", export "0.04") */
  readonly tariff?: Tariff;
  /** the day's outdoor temperature range in °C before per-seed variation (default 17 … 33) */
  readonly temperature?: { readonly min: number; readonly max: number };
}

/** The grid tie's tariff: what the utility charges and pays, exact decimals per kWh. */
export interface Tariff {
  /** price of imported energy, currency per kWh, a decimal string such as "0.15" */
  readonly importPrice: string;
  /** price paid for exported energy, currency per kWh, a decimal string such as "0.04" */
  readonly exportPrice: string;
}

/** The defaults of ScenarioOptions. */
export const DEFAULT_SCENARIO = {
  seed: 1,
  agents: 100,
  interval: "PT5M",
  hours: 24,
  date: "2026-07-15",
  site: { latitude: 40.0, longitude: -105.27, utcOffsetMinutes: -360 },
  currency: "USD",
  tariff: { importPrice: "0.15", exportPrice: "0.04" },
  temperature: { min: 17, max: 33 },
} as const;

/** How the device agents are split across kinds (largest-remainder apportionment of --agents). */
export const DEVICE_MIX = [
  ["load", 0.4],
  ["pv", 0.2],
  ["hvac", 0.15],
  ["ev", 0.15],
  ["battery", 0.1],
] as const;

/** An inflexible household load: must be served; its average power per interval. */
export interface LoadSpec {
  readonly kind: "load";
  /** unique id, e.g. "load-0007" */
  readonly id: string;
  /** average power per interval, whole watts */
  readonly profileW: Int32Array;
}

/** A PV generator: its clear-sky output per interval (the most it can deliver). */
export interface PvSpec {
  readonly kind: "pv";
  readonly id: string;
  /** inverter rating, whole watts: output never exceeds it */
  readonly ratedW: number;
  /** average clear-sky AC output per interval, whole watts */
  readonly profileW: Int32Array;
}

/** A battery: capacity, limits and one-way efficiencies (round trip = their product). */
export interface BatterySpec {
  readonly kind: "battery";
  readonly id: string;
  /** usable capacity, whole Wh */
  readonly capacityWh: number;
  /** the least energy kept in store, whole Wh */
  readonly minEnergyWh: number;
  /** energy in store at the start, whole Wh */
  readonly initialEnergyWh: number;
  /** charging power limit at the terminals, whole W */
  readonly maxChargeW: number;
  /** discharging power limit at the terminals, whole W */
  readonly maxDischargeW: number;
  /** fraction of terminal energy stored when charging, a decimal string ("0.95") */
  readonly chargeEfficiency: string;
  /** fraction of stored energy delivered when discharging, a decimal string ("0.95") */
  readonly dischargeEfficiency: string;
}

/** One plug-in session of an EV: present from arrivalIndex up to (not including) departureIndex. */
export interface EvSession {
  /** first interval the car is plugged in for in full */
  readonly arrivalIndex: number;
  /** first interval the car is gone (may be past the horizon) */
  readonly departureIndex: number;
  /** arrival instant, local time with offset */
  readonly arrival: string;
  /** departure instant, local time with offset */
  readonly departure: string;
  /** energy to deliver before departure, whole Wh */
  readonly energyNeededWh: number;
}

/** An EV charger: its power limit and the car's sessions (evening arrival, morning departure). */
export interface EvSpec {
  readonly kind: "ev";
  readonly id: string;
  /** charger power limit, whole W */
  readonly maxChargeW: number;
  /** the car's battery capacity, whole Wh (energy needed never exceeds it) */
  readonly capacityWh: number;
  /** one session per evening that starts within the horizon */
  readonly sessions: readonly EvSession[];
}

/** An HVAC unit with its house's thermal model and comfort band. */
export interface HvacSpec extends ThermalParameters {
  readonly kind: "hvac";
  readonly id: string;
  /** electric power when running, whole W (on/off unit) */
  readonly ratedW: number;
  /** comfort setpoint, °C */
  readonly setpoint: number;
  /** width of the comfort band around the setpoint, °C */
  readonly deadband: number;
  /** indoor temperature at the start, °C */
  readonly initialIndoor: number;
}

/** One device agent of the microgrid. */
export type DeviceSpec = LoadSpec | PvSpec | BatterySpec | EvSpec | HvacSpec;

/** The kinds of device agent. */
export type DeviceKind = DeviceSpec["kind"];

/** A fully drawn scenario: the same options and seed always give the same scenario. */
export interface Scenario {
  /** the seed, as a decimal string */
  readonly seed: string;
  readonly interval: string;
  readonly intervalSeconds: number;
  readonly hours: number;
  /** number of intervals */
  readonly count: number;
  readonly date: string;
  readonly site: Site;
  readonly currency: string;
  readonly tariff: Tariff;
  /** start of each interval as local time with offset, plus one more: the end of the last */
  readonly times: readonly string[];
  /** epoch milliseconds of the first interval's start */
  readonly startMs: number;
  /** "cooling" when the day's maximum reaches 24 °C, else "heating" */
  readonly hvacMode: "cooling" | "heating";
  /** the drawn daily minimum and maximum outdoor temperature, °C */
  readonly temperatureRange: { readonly min: number; readonly max: number };
  /** average outdoor temperature per interval, °C (physics only) */
  readonly outdoorTemperature: Float64Array;
  /** average clear-sky global horizontal irradiance per interval, W/m² (physics only) */
  readonly irradiance: Float64Array;
  /** the device agents, kinds interleaved by a seeded shuffle */
  readonly devices: readonly DeviceSpec[];
}

function checkInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw new SimulationError(
      "bad-option",
      name,
      `must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`,
      value,
    );
  return value;
}

function checkNumber(name: string, value: number, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max)
    throw new SimulationError("bad-option", name, `must be a number from ${min} to ${max}`, value);
  return value;
}

function checkPrice(name: string, value: string): string {
  if (typeof value !== "string" || !/^\d{1,9}(\.\d{1,12})?$/.test(value))
    throw new SimulationError(
      "bad-option",
      name,
      `must be a non-negative decimal string such as "0.15", got ${JSON.stringify(value)}`,
      value,
    );
  return value;
}

/** Largest-remainder apportionment of `n` agents over DEVICE_MIX, in DEVICE_MIX order. */
export function apportion(n: number): Record<DeviceKind, number> {
  const exact = DEVICE_MIX.map(([, share]) => share * n);
  const counts = exact.map(Math.floor);
  let left = n - counts.reduce((a, b) => a + b, 0);
  const order = exact
    .map((x, i) => ({ i, r: x - Math.floor(x) }))
    .sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left-- <= 0) break;
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return Object.fromEntries(DEVICE_MIX.map(([kind], i) => [kind, counts[i] ?? 0])) as Record<
    DeviceKind,
    number
  >;
}

/** Draws a scenario from its options (defaults in DEFAULT_SCENARIO); bad options throw SimulationError. */
export function createScenario(options: ScenarioOptions = {}): Scenario {
  const seed = parseSeed(options.seed ?? DEFAULT_SCENARIO.seed, "seed");
  const agents = checkInteger("agents", options.agents ?? DEFAULT_SCENARIO.agents, 1, 1_000_000);
  const interval = options.interval ?? DEFAULT_SCENARIO.interval;
  const dt = parseIntervalSeconds(interval, "interval");
  const hours = checkInteger("hours", options.hours ?? DEFAULT_SCENARIO.hours, 1, 168);
  if ((hours * 3600) % dt !== 0)
    throw new SimulationError(
      "bad-option",
      "hours",
      `${hours} h is not a whole number of ${interval} intervals`,
      hours,
    );
  const site = options.site ?? DEFAULT_SCENARIO.site;
  checkNumber("site.latitude", site.latitude, -90, 90);
  checkNumber("site.longitude", site.longitude, -180, 180);
  checkInteger("site.utcOffsetMinutes", site.utcOffsetMinutes, -720, 840);
  const date = options.date ?? DEFAULT_SCENARIO.date;
  const startMs = localMidnight(date, site.utcOffsetMinutes, "date");
  const currency = options.currency ?? DEFAULT_SCENARIO.currency;
  if (!/^[A-Z]{3}$/.test(currency))
    throw new SimulationError(
      "bad-option",
      "currency",
      `"${currency}" is not an ISO 4217 code`,
      currency,
    );
  const tariff = options.tariff ?? DEFAULT_SCENARIO.tariff;
  checkPrice("tariff.importPrice", tariff.importPrice);
  checkPrice("tariff.exportPrice", tariff.exportPrice);
  const range = options.temperature ?? DEFAULT_SCENARIO.temperature;
  checkNumber("temperature.min", range.min, -60, 60);
  checkNumber("temperature.max", range.max, range.min, 60);

  const count = (hours * 3600) / dt;
  const times = Array.from({ length: count + 1 }, (_, i) =>
    formatLocal(startMs + i * dt * 1000, site.utcOffsetMinutes),
  );
  const weatherRng = Random.stream(seed, "weather");
  const min = range.min + weatherRng.uniform(-1.5, 1.5);
  const max = Math.max(min + 4, range.max + weatherRng.uniform(-1.5, 1.5));
  const { irradiance, outdoorTemperature } = weather(startMs, dt, count, site, min, max);
  const hvacMode = max >= 24 ? "cooling" : "heating";

  const ctx: DrawContext = { seed, startMs, dt, count, site, irradiance, hvacMode, times };
  const kinds: DeviceKind[] = [];
  for (const [kind, n] of Object.entries(apportion(agents)))
    for (let i = 0; i < n; i++) kinds.push(kind as DeviceKind);
  const mixRng = Random.stream(seed, "mix");
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = mixRng.int(0, i);
    [kinds[i], kinds[j]] = [kinds[j] as DeviceKind, kinds[i] as DeviceKind];
  }
  const ordinal: Record<DeviceKind, number> = { load: 0, pv: 0, hvac: 0, ev: 0, battery: 0 };
  const devices = kinds.map((kind) => {
    const id = `${kind}-${String(++ordinal[kind]).padStart(4, "0")}`;
    return DRAW[kind](Random.stream(seed, id), id, ctx);
  });
  return {
    seed: seed.toString(),
    interval,
    intervalSeconds: dt,
    hours,
    count,
    date,
    site,
    currency,
    tariff,
    times,
    startMs,
    hvacMode,
    temperatureRange: { min, max },
    outdoorTemperature,
    irradiance,
    devices,
  };
}

interface DrawContext {
  readonly seed: bigint;
  readonly startMs: number;
  readonly dt: number;
  readonly count: number;
  readonly site: Site;
  readonly irradiance: Float64Array;
  readonly hvacMode: "cooling" | "heating";
  readonly times: readonly string[];
}

/** Per-interval averages of 1-minute samples (at their midpoints) of irradiance and temperature. */
function weather(startMs: number, dt: number, count: number, site: Site, min: number, max: number) {
  const irradiance = new Float64Array(count);
  const outdoorTemperature = new Float64Array(count);
  const samples = dt / 60;
  for (let i = 0; i < count; i++) {
    let ghi = 0;
    let temp = 0;
    for (let k = 0; k < samples; k++) {
      const t = startMs + i * dt * 1000 + (k + 0.5) * 60_000;
      const n = dayOfYear(t + site.utcOffsetMinutes * 60_000);
      ghi += haurwitzGhi(cosZenith(t, site));
      const solar = solarHour(t, site, n);
      temp += diurnalTemperature(solar, sunriseSolarHour(site.latitude, n), min, max);
    }
    irradiance[i] = ghi / samples;
    outdoorTemperature[i] = temp / samples;
  }
  return { irradiance, outdoorTemperature };
}

/** Local clock hour (0 … 24) at an instant. */
function localHour(ctx: DrawContext, ms: number): number {
  return ((((ms + ctx.site.utcOffsetMinutes * 60_000) / 3_600_000) % 24) + 24) % 24;
}

/** A Gaussian bump on the 24-hour circle (so an evening peak wraps past midnight). */
function bump(hour: number, center: number, width: number): number {
  const d = ((hour - center + 36) % 24) - 12;
  return Math.exp(-0.5 * (d / width) ** 2);
}

const DRAW: { [K in DeviceKind]: (rng: Random, id: string, ctx: DrawContext) => DeviceSpec } = {
  load(rng, id, ctx) {
    // base load plus morning and evening peaks, each household its own size and timing
    const base = rng.uniform(150, 350);
    const morning = rng.uniform(500, 1200);
    const morningAt = rng.normal(7.25, 0.5, 5.5, 9.5);
    const morningWidth = rng.uniform(0.75, 1.25);
    const evening = rng.uniform(900, 2000);
    const eveningAt = rng.normal(19, 0.75, 17, 21.5);
    const eveningWidth = rng.uniform(1.25, 2);
    const step = Math.min(ctx.dt, 300); // 5-minute sub-steps: fine enough, cheap for 10^5 agents
    const subs = ctx.dt / step;
    const profileW = new Int32Array(ctx.count);
    for (let i = 0; i < ctx.count; i++) {
      let w = 0;
      for (let k = 0; k < subs; k++) {
        const h = localHour(ctx, ctx.startMs + (i * ctx.dt + (k + 0.5) * step) * 1000);
        w +=
          base +
          morning * bump(h, morningAt, morningWidth) +
          evening * bump(h, eveningAt, eveningWidth);
      }
      const noise = rng.normal(1, 0.08, 0.7, 1.3); // appliances switching within the interval
      profileW[i] = Math.round((w / subs) * noise); // whole watts from here on
    }
    return { kind: "load", id, profileW };
  },
  pv(rng, id, ctx) {
    // horizontal array, output proportional to GHI with a fixed derate for inverter, wiring,
    // soiling and temperature (PVWatts' default losses are 14 % plus a 96 % inverter)
    const ratedW = rng.int(30, 90) * 100;
    const derate = rng.uniform(0.78, 0.86);
    const profileW = new Int32Array(ctx.count);
    for (let i = 0; i < ctx.count; i++)
      profileW[i] = Math.round(
        Math.min(ratedW, (ratedW * derate * (ctx.irradiance[i] ?? 0)) / 1000),
      );
    return { kind: "pv", id, ratedW, profileW };
  },
  battery(rng, id) {
    const capacityWh = rng.pick([5000, 10000, 13500], [0.3, 0.4, 0.3]);
    const powerW = rng.pick([2500, 3300, 5000], [0.3, 0.4, 0.3]);
    return {
      kind: "battery",
      id,
      capacityWh,
      minEnergyWh: Math.round(capacityWh / 10),
      initialEnergyWh: Math.round(capacityWh / 2),
      maxChargeW: powerW,
      maxDischargeW: powerW,
      chargeEfficiency: "0.95",
      dischargeEfficiency: "0.95",
    };
  },
  ev(rng, id, ctx) {
    const maxChargeW = rng.pick([3680, 7360, 11040], [0.3, 0.5, 0.2]); // 16 A 1-phase, 32 A, 16 A 3-phase
    const capacityWh = rng.int(40, 80) * 1000;
    const sessions: EvSession[] = [];
    const days = Math.ceil((ctx.count * ctx.dt) / 86_400);
    for (let day = 0; day < days; day++) {
      const arrivalHour = rng.normal(18, 1.25, 15, 23);
      const departureHour = 24 + rng.normal(7.5, 0.75, 5.5, 10);
      const energyNeededWh = Math.round(rng.uniform(5000, Math.min(25_000, capacityWh * 0.6)));
      const dayMs = ctx.startMs + day * 86_400_000;
      const arrivalMs = dayMs + Math.round(arrivalHour * 60) * 60_000;
      const departureMs = dayMs + Math.round(departureHour * 60) * 60_000;
      const arrivalIndex = Math.ceil((arrivalMs - ctx.startMs) / 1000 / ctx.dt);
      const departureIndex = Math.floor((departureMs - ctx.startMs) / 1000 / ctx.dt);
      if (arrivalIndex >= ctx.count) continue;
      sessions.push({
        arrivalIndex,
        departureIndex,
        arrival: formatLocal(arrivalMs, ctx.site.utcOffsetMinutes),
        departure: formatLocal(departureMs, ctx.site.utcOffsetMinutes),
        energyNeededWh,
      });
    }
    return { kind: "ev", id, maxChargeW, capacityWh, sessions };
  },
  hvac(rng, id, ctx) {
    const cooling = ctx.hvacMode === "cooling";
    const setpoint = cooling ? rng.uniform(22.5, 25) : rng.uniform(20, 22);
    return {
      kind: "hvac",
      id,
      mode: ctx.hvacMode,
      resistance: rng.uniform(2, 4),
      capacitance: rng.uniform(1.5, 3),
      cop: cooling ? rng.uniform(2.8, 3.6) : rng.uniform(2.5, 3.5),
      gainsW: rng.uniform(300, 700),
      ratedW: rng.pick([2000, 2500, 3500], [0.3, 0.4, 0.3]),
      setpoint,
      deadband: rng.uniform(1, 2),
      initialIndoor: setpoint,
    };
  },
};
