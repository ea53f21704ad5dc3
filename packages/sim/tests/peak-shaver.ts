/**
 * A test-only market engine (not shipped): the baseline's devices, plus the batteries selling
 * stored energy to cover import and buying surplus PV, in whole watt-hours per interval, each
 * interval one trade at a fixed price. Enough to exercise the engine plug, both sides of the
 * report and the comparison figures before the real market engine lands.
 */
import { Decimal } from "@transactive/emix";
import {
  baselineEngine,
  type EngineFactory,
  type IntervalOutcome,
  kwh,
  type SimInterval,
} from "../src/index.js";

export const PRICE = Decimal.of("0.1025");

export const peakShaver: EngineFactory = async (scenario, options) => {
  const base = await baselineEngine(scenario, options);
  let capacityWh = 0;
  let storedWh = 0;
  let maxW = 0;
  for (const d of scenario.devices)
    if (d.kind === "battery") {
      capacityWh += d.capacityWh;
      storedWh += d.initialEnergyWh;
      maxW += d.maxDischargeW;
    }
  return {
    name: "test peak shaver",
    async step(interval: SimInterval): Promise<IntervalOutcome> {
      const o = await base.step(interval);
      const perHour = 3600 / interval.seconds; // whole Wh per interval ↔ whole W × perHour
      const net = o.gridImport.sub(o.gridExport).mul(1000); // W
      const limitWh = Math.floor(maxW / perHour);
      let wh = 0; // > 0 discharge, < 0 charge
      if (net.sign() > 0)
        wh = Math.min(limitWh, storedWh, Math.floor(Number(net.toString()) / perHour));
      else if (net.sign() < 0)
        wh = -Math.min(
          limitWh,
          capacityWh - storedWh,
          Math.floor(-Number(net.toString()) / perHour),
        );
      storedWh -= wh;
      const w = Decimal.of(wh * perHour).div(1000); // kW
      const supply = o.supply.add(w.sign() > 0 ? w : 0);
      const demand = o.demand.add(w.sign() < 0 ? w.neg() : 0);
      const netAfter = net.div(1000).sub(w);
      const trades = wh === 0 ? [] : [{ quantity: kwh(Math.abs(wh)), price: PRICE }];
      return {
        clearingPrice: trades.length ? PRICE : null,
        supply,
        demand,
        load: o.load,
        batteryEnergy: kwh(storedWh),
        gridImport: netAfter.sign() > 0 ? netAfter : Decimal.ZERO,
        gridExport: netAfter.sign() < 0 ? netAfter.neg() : Decimal.ZERO,
        trades,
      };
    },
  };
};
