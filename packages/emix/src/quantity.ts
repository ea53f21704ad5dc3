/**
 * Quantities with item, units and SI scale: exact rescaling (kW <-> MW <-> W), sums that refuse
 * to mix items, and energy as power over a duration (kW for PT15M is kWh/4).
 */
import { Decimal, type DecimalInput } from "./decimal.js";
import { emixError } from "./errors.js";
import {
  ITEMS,
  type Item,
  type ItemDefinition,
  isSiScaleCode,
  SI_SCALE,
  type SiScaleCode,
} from "./items.js";

export interface Quantity {
  readonly value: Decimal;
  readonly item: ItemDefinition;
  /** itemUnits as written (W and J/s are the same unit) */
  readonly units: string;
  readonly scale: SiScaleCode;
}

/**
 * A quantity of an item given by JSON key ("powerReal", "energyReal", "voltage", …), in the item's
 * first unit unless `units` says otherwise, at an SI scale ("k" for kW).
 */
export function quantity(
  value: DecimalInput,
  item: string | Item,
  scale?: SiScaleCode,
  units?: string,
): Quantity {
  if (typeof item !== "string")
    return {
      value: Decimal.of(value),
      item: item.definition,
      units: item.units,
      scale: scale ?? item.scale,
    };
  const definition = ITEMS.get(item);
  if (definition === undefined) throw emixError("unknown-item", "", `unknown item "${item}"`, item);
  const s = scale ?? "none";
  if (!isSiScaleCode(s))
    throw emixError("bad-scale", "", `"${String(s)}" is not an SI scale code`, s);
  const u = units ?? definition.units?.[0];
  if (u === undefined)
    throw emixError("missing", "", `${definition.element} has no fixed units: give units`);
  if (definition.units && !definition.units.includes(u))
    throw emixError(
      "item-units",
      "",
      `${definition.element} is counted in ${definition.units.join(" or ")}, not ${u}`,
      u,
    );
  return { value: Decimal.of(value), item: definition, units: u, scale: s };
}

/** The same quantity at another SI scale, exactly (1.5 MW -> 1500 kW -> 1500000 W). */
export function toScale(q: Quantity, scale: SiScaleCode): Quantity {
  if (!isSiScaleCode(scale))
    throw emixError("bad-scale", "", `"${String(scale)}" is not an SI scale code`, scale);
  if (scale === q.scale) return q;
  if (q.item.unscalable)
    throw emixError(
      "not-supported",
      "",
      `${q.item.element} (${q.units}) is not on a ratio scale: SI rescaling is not supported`,
    );
  return { ...q, value: q.value.shift(SI_SCALE[q.scale] - SI_SCALE[scale]), scale };
}

/** Whether two quantities count the same thing in interchangeable units. */
export function compatible(a: Quantity, b: Quantity): boolean {
  if (a.item.dimension !== b.item.dimension) return false;
  if (a.units === b.units) return true;
  // units a type fixes to several equivalent spellings (W, J/s); temperature units are not equivalent
  return (
    !a.item.unscalable &&
    (a.item.units?.includes(a.units) ?? false) &&
    (a.item.units?.includes(b.units) ?? false)
  );
}

function requireCompatible(a: Quantity, b: Quantity, op: string): void {
  if (!compatible(a, b))
    throw emixError(
      "incompatible-items",
      "",
      `cannot ${op} ${a.item.element} (${a.scale === "none" ? "" : a.scale}${a.units}) and ${b.item.element} (${b.scale === "none" ? "" : b.scale}${b.units})`,
    );
  if (a.item.unscalable && a.scale !== b.scale)
    throw emixError(
      "not-supported",
      "",
      `${a.item.element} values at different scales cannot be combined`,
    );
}

/** a + b in a's scale; refuses different items (power + energy, W + V). */
export function add(a: Quantity, b: Quantity): Quantity {
  requireCompatible(a, b, "add");
  if (a.item.unscalable)
    throw emixError("not-supported", "", `sums of ${a.item.element} are not meaningful`);
  return { ...a, value: a.value.add(toScale(b, a.scale).value) };
}

export function subtract(a: Quantity, b: Quantity): Quantity {
  return add(a, { ...b, value: b.value.neg() });
}

/** Compares two compatible quantities across scales. */
export function compare(a: Quantity, b: Quantity): -1 | 0 | 1 {
  requireCompatible(a, b, "compare");
  return a.value.shift(SI_SCALE[a.scale]).cmp(b.value.shift(SI_SCALE[b.scale]));
}

/** Sum of compatible quantities in the first one's scale; refuses an empty list. */
export function total(qs: readonly Quantity[]): Quantity {
  const [first, ...rest] = qs;
  if (first === undefined) throw emixError("missing", "", "total of no quantities");
  return rest.reduce(add, first);
}

/**
 * Energy delivered at a constant rate over a duration: power x seconds / 3600 in the energy item
 * of the power's kind, at the power's scale (5 kW for PT15M -> 1.25 kWh). Exact.
 */
export function energyOver(power: Quantity, seconds: DecimalInput): Quantity {
  const energyKey = power.item.energy;
  const energy = energyKey === undefined ? undefined : ITEMS.get(energyKey);
  if (energy === undefined)
    throw emixError(
      "incompatible-items",
      "",
      `${power.item.element} is not a power item: energy = power x duration needs one`,
    );
  const s = Decimal.of(seconds);
  if (s.sign() < 0) throw emixError("bad-duration", "", "duration must not be negative");
  return {
    value: power.value.mul(s).div(3600n),
    item: energy,
    units: energy.units?.[0] ?? "",
    scale: power.scale,
  };
}

/** Constant power that delivers an energy over a duration (the inverse of energyOver). */
export function powerOver(energy: Quantity, seconds: DecimalInput): Quantity {
  const power = [...ITEMS.values()].find((d) => d.energy === energy.item.key);
  if (power === undefined)
    throw emixError("incompatible-items", "", `${energy.item.element} is not an energy item`);
  const s = Decimal.of(seconds);
  if (s.sign() <= 0) throw emixError("bad-duration", "", "duration must be positive");
  return {
    value: energy.value.mul(3600n).div(s),
    item: power,
    units: power.units?.[0] ?? "",
    scale: energy.scale,
  };
}

/** "1.25 kWh" */
export function formatQuantity(q: Quantity, places?: number): string {
  const v = places === undefined ? q.value.toJSON() : q.value.toFixed(places);
  const prefix = q.scale === "none" ? "" : q.scale === "micro" ? "µ" : q.scale;
  return `${v} ${prefix}${q.units}`;
}
