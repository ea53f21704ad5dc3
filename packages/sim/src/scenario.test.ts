import { describe, expect, it } from "vitest";
import { SimulationError } from "./errors.js";
import {
  apportion,
  createScenario,
  type DeviceSpec,
  type EvSpec,
  type LoadSpec,
  type PvSpec,
} from "./scenario.js";

const byId = (devices: readonly DeviceSpec[]) => new Map(devices.map((d) => [d.id, d]));
const hourOf = (iso: string) => Number(iso.slice(11, 13)) + Number(iso.slice(14, 16)) / 60;

describe("scenario", () => {
  const s = createScenario({ agents: 200, seed: 7 });

  it("the same options and seed give the same scenario; another seed another", () => {
    const again = createScenario({ agents: 200, seed: "7" });
    expect(again.devices.map((d) => d.id)).toEqual(s.devices.map((d) => d.id));
    expect(JSON.stringify(again.devices, replacer)).toBe(JSON.stringify(s.devices, replacer));
    const other = createScenario({ agents: 200, seed: 8 });
    expect(JSON.stringify(other.devices, replacer)).not.toBe(JSON.stringify(s.devices, replacer));
  });

  it("a device's draws depend on its id, not on how many agents there are", () => {
    const more = byId(createScenario({ agents: 400, seed: 7 }).devices);
    for (const d of s.devices)
      expect(JSON.stringify(more.get(d.id), replacer)).toBe(JSON.stringify(d, replacer));
  });

  it("apportions the agents over the kinds by largest remainder, interleaved", () => {
    expect(apportion(200)).toEqual({ load: 80, pv: 40, hvac: 30, ev: 30, battery: 20 });
    expect(apportion(7)).toEqual({ load: 3, pv: 1, hvac: 1, ev: 1, battery: 1 });
    expect(apportion(1)).toEqual({ load: 1, pv: 0, hvac: 0, ev: 0, battery: 0 });
    for (let n = 1; n < 60; n++)
      expect(Object.values(apportion(n)).reduce((a, b) => a + b, 0)).toBe(n);
    expect(s.devices.slice(0, 20).some((d) => d.kind !== "load")).toBe(true);
  });

  it("has 288 five-minute intervals from local midnight, times with offset", () => {
    expect(s.count).toBe(288);
    expect(s.times[0]).toBe("2026-07-15T00:00:00-06:00");
    expect(s.times[288]).toBe("2026-07-16T00:00:00-06:00");
    expect(s.hvacMode).toBe("cooling");
  });

  it("every power is a whole number of watts (Int32Array profiles, integer fields)", () => {
    for (const d of s.devices) {
      if (d.kind === "load" || d.kind === "pv") {
        expect(d.profileW).toBeInstanceOf(Int32Array);
        expect(d.profileW.length).toBe(288);
        expect(Math.min(...d.profileW)).toBeGreaterThanOrEqual(0);
      }
      for (const [k, v] of Object.entries(d))
        if (k !== "profileW" && (k.endsWith("W") || k.endsWith("Wh")))
          expect(Number.isSafeInteger(v)).toBe(true);
    }
  });

  it("PV: zero at night, at most its rating, highest around solar noon (~13:07 local)", () => {
    const pv = s.devices.filter((d): d is PvSpec => d.kind === "pv");
    for (const p of pv) {
      expect(p.profileW[0]).toBe(0);
      expect(p.profileW[287]).toBe(0);
      expect(Math.max(...p.profileW)).toBeLessThanOrEqual(p.ratedW);
      const peak = p.profileW.indexOf(Math.max(...p.profileW));
      expect(hourOf(s.times[peak] as string)).toBeGreaterThan(12.5);
      expect(hourOf(s.times[peak] as string)).toBeLessThan(13.75);
    }
  });

  it("household load: morning and evening peaks above the night and midday", () => {
    const loads = s.devices.filter((d): d is LoadSpec => d.kind === "load");
    const total = (h: number) => loads.reduce((a, l) => a + (l.profileW[h * 12] ?? 0), 0);
    expect(total(7)).toBeGreaterThan(1.5 * total(3));
    expect(total(7)).toBeGreaterThan(1.5 * total(12));
    expect(total(19)).toBeGreaterThan(total(7));
  });

  it("temperature: coolest near sunrise, warmest mid-afternoon", () => {
    const t = s.outdoorTemperature;
    const min = t.indexOf(Math.min(...t));
    const max = t.indexOf(Math.max(...t));
    expect(hourOf(s.times[min] as string)).toBeGreaterThan(4.5);
    expect(hourOf(s.times[min] as string)).toBeLessThan(6.5);
    expect(hourOf(s.times[max] as string)).toBeGreaterThan(15.5);
    expect(hourOf(s.times[max] as string)).toBeLessThan(16.5);
  });

  it("EVs arrive in the evening and leave the next morning needing at most 60 % of the battery", () => {
    const evs = s.devices.filter((d): d is EvSpec => d.kind === "ev");
    expect(evs.length).toBe(30);
    for (const ev of evs) {
      expect(ev.sessions).toHaveLength(1);
      const [session] = ev.sessions;
      if (!session) continue;
      expect(hourOf(session.arrival)).toBeGreaterThanOrEqual(15);
      expect(session.departure.slice(0, 10)).toBe("2026-07-16");
      expect(hourOf(session.departure)).toBeLessThanOrEqual(10);
      expect(session.departureIndex).toBeGreaterThan(287);
      expect(session.energyNeededWh).toBeLessThanOrEqual(ev.capacityWh * 0.6);
      expect((s.times[session.arrivalIndex] ?? "") >= session.arrival).toBe(true);
    }
  });

  it("refuses bad options with a typed error naming the option", () => {
    const cases: [Parameters<typeof createScenario>[0], string, string][] = [
      [{ agents: 0 }, "agents", "bad-option"],
      [{ agents: 1.5 }, "agents", "bad-option"],
      [{ hours: 0 }, "hours", "bad-option"],
      [{ hours: 169 }, "hours", "bad-option"],
      [{ hours: 3, interval: "PT2H" }, "hours", "bad-option"],
      [{ interval: "PT7M" }, "interval", "bad-interval"],
      [{ seed: "x" }, "seed", "bad-seed"],
      [{ date: "2026-13-01" }, "date", "bad-option"],
      [{ currency: "usd" }, "currency", "bad-option"],
      [{ tariff: { importPrice: "0.1e1", exportPrice: "0" } }, "tariff.importPrice", "bad-option"],
      [
        { site: { latitude: 91, longitude: 0, utcOffsetMinutes: 0 } },
        "site.latitude",
        "bad-option",
      ],
      [{ temperature: { min: 20, max: 10 } }, "temperature.max", "bad-option"],
    ];
    for (const [options, path, code] of cases) {
      try {
        createScenario(options);
        expect.unreachable(path);
      } catch (e) {
        expect(e).toBeInstanceOf(SimulationError);
        expect({ path: (e as SimulationError).path, code: (e as SimulationError).code }).toEqual({
          path,
          code,
        });
      }
    }
  });

  it("a winter day at a cold site makes the HVAC units heat", () => {
    const w = createScenario({
      agents: 20,
      date: "2026-01-15",
      temperature: { min: -8, max: 4 },
      interval: "PT1H",
    });
    expect(w.hvacMode).toBe("heating");
    expect(w.count).toBe(24);
    expect(w.devices.filter((d) => d.kind === "hvac").every((d) => d.mode === "heating")).toBe(
      true,
    );
  });
});

function replacer(_key: string, value: unknown) {
  return value instanceof Int32Array || value instanceof Float64Array ? Array.from(value) : value;
}
