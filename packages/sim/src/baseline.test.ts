import { Decimal } from "@transactive/emix";
import { describe, expect, it } from "vitest";
import { baselineEngine } from "./baseline.js";
import type { IntervalOutcome, SimInterval } from "./engine.js";
import { createScenario, type EvSpec, type Scenario } from "./scenario.js";
import { stepIndoorTemperature } from "./thermal.js";

function intervalOf(s: Scenario, i: number): SimInterval {
  return {
    index: i,
    start: s.times[i] as string,
    end: s.times[i + 1] as string,
    startMs: s.startMs + i * s.intervalSeconds * 1000,
    seconds: s.intervalSeconds,
  };
}

async function runAll(s: Scenario): Promise<IntervalOutcome[]> {
  const engine = await baselineEngine(s, { levels: 1, mechanism: null });
  const out: IntervalOutcome[] = [];
  for (let i = 0; i < s.count; i++) out.push(await engine.step(intervalOf(s, i)));
  return out;
}

describe("no-market baseline", () => {
  const s = createScenario({ agents: 120, seed: 11, hours: 36 });

  it("balances power exactly, imports or exports the net, never both, and has no market", async () => {
    for (const o of await runAll(s)) {
      expect(o.supply.add(o.gridImport).eq(o.demand.add(o.gridExport))).toBe(true);
      expect(o.gridImport.isZero() || o.gridExport.isZero()).toBe(true);
      expect(o.clearingPrice).toBeNull();
      expect(o.trades).toEqual([]);
      expect(o.load.eq(o.demand)).toBe(true); // idle batteries: demand is the load
    }
  });

  it("PV output is the supply, batteries stay idle at their initial energy", async () => {
    const outcomes = await runAll(s);
    let initial = 0;
    for (const d of s.devices) if (d.kind === "battery") initial += d.initialEnergyWh;
    outcomes.forEach((o, i) => {
      let pv = 0;
      for (const d of s.devices) if (d.kind === "pv") pv += d.profileW[i] ?? 0;
      expect(o.supply.eq(Decimal.fraction(BigInt(pv), 1000n))).toBe(true);
      expect(o.batteryEnergy.eq(Decimal.fraction(BigInt(initial), 1000n))).toBe(true);
    });
  });

  it("an EV charges at full power from arrival until its energy is in, before departure", async () => {
    const one = createScenario({ agents: 7, seed: 5, hours: 36 }); // one device of each kind but load
    const ev = one.devices.find((d): d is EvSpec => d.kind === "ev");
    expect(ev).toBeDefined();
    if (!ev) return;
    const session = ev.sessions[0];
    if (!session) throw new Error("no session");
    // the EV's share of the load: total load minus the other loads and the HVAC
    const withoutEv: Scenario = { ...one, devices: one.devices.filter((d) => d.kind !== "ev") };
    const all = await runAll(one);
    const rest = await runAll(withoutEv);
    const evW = all.map((o, i) =>
      Number(
        o.load
          .sub((rest[i] as IntervalOutcome).load)
          .mul(1000)
          .toString(),
      ),
    );
    const charging = evW.map((w, i) => [i, w] as const).filter(([, w]) => w > 0);
    expect(charging[0]?.[0]).toBe(session.arrivalIndex);
    const full = charging.slice(0, -1);
    for (const [, w] of full) expect(w).toBe(ev.maxChargeW);
    const deliveredJ = evW.reduce((a, w) => a + w * one.intervalSeconds, 0);
    expect(deliveredJ).toBeGreaterThanOrEqual(session.energyNeededWh * 3600);
    expect(deliveredJ).toBeLessThan(session.energyNeededWh * 3600 + one.intervalSeconds);
    expect(charging.at(-1)?.[0]).toBeLessThan(session.departureIndex);
    for (let i = 0; i < session.arrivalIndex; i++) expect(evW[i]).toBe(0);
  });

  it("HVAC units (cooling) keep their house below the top of the band, off below its bottom", async () => {
    const units = s.devices.filter((d) => d.kind === "hvac");
    const outcomes = await runAll({ ...s, devices: units });
    expect(s.hvacMode).toBe("cooling");
    // replay every unit's thermostat: the engine's load is the sum of the units that run; each
    // house stays under its band's top plus one interval's drift; a cooling unit cannot heat, so
    // at night a house may cool below the band, with its unit off
    const state = units.map((h) => ({ t: h.initialIndoor, on: false }));
    let running = 0;
    outcomes.forEach((o, i) => {
      let w = 0;
      units.forEach((h, k) => {
        const u = state[k] as { t: number; on: boolean };
        const hi = h.setpoint + h.deadband / 2;
        const lo = h.setpoint - h.deadband / 2;
        u.on = u.t > hi ? true : u.t < lo ? false : u.on;
        if (u.t < lo) expect(u.on).toBe(false);
        w += u.on ? h.ratedW : 0;
        u.t = stepIndoorTemperature(h, u.t, s.outdoorTemperature[i] ?? 0, u.on ? h.ratedW : 0, 300);
        expect(u.t).toBeLessThan(hi + 1);
      });
      expect(o.load.eq(Decimal.fraction(BigInt(w), 1000n))).toBe(true);
      if (w > 0) running++;
    });
    expect(running).toBeGreaterThan(20);
  });

  it("refuses to step out of order", async () => {
    const engine = await baselineEngine(s, { levels: 1, mechanism: null });
    await engine.step(intervalOf(s, 0));
    expect(() => engine.step(intervalOf(s, 2))).toThrow(/in order: expected 1, got 2/);
  });
});
