/**
 * The EMIX item bases (what a quantity counts) with the units and descriptions their XSD types fix,
 * and the SI scale codes. The power items come from the EMIX power schema (in both the OpenADR 2.0b
 * and the CTS 0.4 sets); the oadr items are the ones OpenADR 2.0b adds to emix:itemBase.
 */

import { at, emixError } from "./errors.js";
import { emixSchema } from "./gen/emix.schema.js";

/** What an item measures; arithmetic only combines items of one dimension. */
export type ItemDimension =
  | "realPower"
  | "reactivePower"
  | "apparentPower"
  | "realEnergy"
  | "reactiveEnergy"
  | "apparentEnergy"
  | "voltage"
  | "current"
  | "frequency"
  | "therm"
  | "temperature"
  | "pulseCount"
  | "currency"
  | "custom";

export interface ItemDefinition {
  /** the item element's JSON key (its local name) */
  readonly key: string;
  /** canonical qualified name of the element */
  readonly element: string;
  readonly dimension: ItemDimension;
  /** itemDescription values the type allows; undefined: any string */
  readonly descriptions?: readonly string[];
  /** itemUnits values the type allows, all equivalent (W and J/s); undefined: any string */
  readonly units?: readonly string[];
  /** for a power item: the energy item a rate over a duration gives */
  readonly energy?: string;
  /** true for an item on an affine scale (temperature): no SI rescaling, no sums */
  readonly unscalable?: boolean;
}

const defs: readonly ItemDefinition[] = [
  {
    key: "powerReal",
    element: "power:powerReal",
    dimension: "realPower",
    descriptions: ["RealPower"],
    units: ["W", "J/s"],
    energy: "energyReal",
  },
  {
    key: "powerReactive",
    element: "power:powerReactive",
    dimension: "reactivePower",
    descriptions: ["ReactivePower"],
    units: ["VAR"],
    energy: "energyReactive",
  },
  {
    key: "powerApparent",
    element: "power:powerApparent",
    dimension: "apparentPower",
    descriptions: ["ApparentPower"],
    units: ["VA"],
    energy: "energyApparent",
  },
  {
    key: "energyReal",
    element: "power:energyReal",
    dimension: "realEnergy",
    descriptions: ["RealEnergy"],
    units: ["Wh"],
  },
  {
    key: "energyReactive",
    element: "power:energyReactive",
    dimension: "reactiveEnergy",
    descriptions: ["ReactiveEnergy"],
    units: ["VARh"],
  },
  {
    key: "energyApparent",
    element: "power:energyApparent",
    dimension: "apparentEnergy",
    descriptions: ["ApparentEnergy"],
    units: ["VAh"],
  },
  {
    key: "voltage",
    element: "power:voltage",
    dimension: "voltage",
    descriptions: ["Voltage"],
    units: ["V"],
  },
  {
    key: "current",
    element: "oadr:current",
    dimension: "current",
    descriptions: ["Current"],
    units: ["A"],
  },
  {
    key: "frequency",
    element: "oadr:frequency",
    dimension: "frequency",
    descriptions: ["Frequency"],
    units: ["Hz"],
  },
  {
    key: "Therm",
    element: "oadr:Therm",
    dimension: "therm",
    descriptions: ["Therm"],
    units: ["thm"],
  },
  {
    key: "temperature",
    element: "oadr:temperature",
    dimension: "temperature",
    descriptions: ["temperature"],
    units: ["celsius", "fahrenheit"],
    unscalable: true,
  },
  {
    key: "pulseCount",
    element: "oadr:pulseCount",
    dimension: "pulseCount",
    descriptions: ["pulse count"],
    units: ["count"],
  },
  { key: "customUnit", element: "oadr:customUnit", dimension: "custom" },
  ...["currency", "currencyPerKW", "currencyPerKWh", "currencyPerThm"].map(
    (key): ItemDefinition => ({
      key,
      element: `oadr:${key}`,
      dimension: "currency",
      descriptions: ["currency", "currencyPerKW", "currencyPerKWh", "currencyPerThm"],
    }),
  ),
];

/** Item definitions by JSON key. */
export const ITEMS: ReadonlyMap<string, ItemDefinition> = new Map(defs.map((d) => [d.key, d]));

/** The substitution-group heads an item may also appear under (its type then comes from @xsi:type). */
const HEADS: Readonly<Record<string, string>> = {
  "power:PowerRealType": "powerReal",
  "power:PowerReactiveType": "powerReactive",
  "power:PowerApparentType": "powerApparent",
  "power:EnergyRealType": "energyReal",
  "power:EnergyReactiveType": "energyReactive",
  "power:EnergyApparentType": "energyApparent",
};

export type SiScaleCode = "p" | "n" | "micro" | "m" | "c" | "d" | "none" | "k" | "M" | "G" | "T";

/** Power of ten of each SI scale code (scale:SiScaleCodeType). */
export const SI_SCALE: Readonly<Record<SiScaleCode, number>> = {
  p: -12,
  n: -9,
  micro: -6,
  m: -3,
  c: -2,
  d: -1,
  none: 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
};

export function isSiScaleCode(code: unknown): code is SiScaleCode {
  return typeof code === "string" && Object.hasOwn(SI_SCALE, code);
}

/** The ISO 4217 alpha codes of the clm5ISO42173A list, as the EMIX schema enumerates them. */
export const CURRENCY_CODES: ReadonlySet<string> = new Set(
  (
    (emixSchema as unknown as { $defs: Record<string, { anyOf?: { enum?: string[] }[] }> }).$defs
      .ISO3AlphaCurrencyCodeContentType?.anyOf ?? []
  ).flatMap((branch) => branch.enum ?? []),
);

export function checkCurrency(code: unknown, path: string): string {
  if (typeof code !== "string" || !CURRENCY_CODES.has(code))
    throw emixError(
      "bad-currency",
      path,
      `"${String(code)}" is not an ISO 4217 alpha currency code of the clm5ISO42173A list`,
      code,
    );
  return code;
}

/** An item as a message carries it: which item, its units and SI scale. */
export interface Item {
  readonly definition: ItemDefinition;
  readonly units: string;
  readonly scale: SiScaleCode;
  readonly description: string;
}

/** The item elements of a JSON object (a product description or interval payload), by key. */
export function findItemKey(payload: Readonly<Record<string, unknown>>): string | undefined {
  for (const key of Object.keys(payload))
    if (ITEMS.has(key) || key === "powerItem" || key === "energyItem" || key === "itemBase")
      return key;
  return undefined;
}

/**
 * Reads and checks an item value (e.g. the `powerReal` object of a temixPower): its type's fixed
 * description and units, its SI scale code. `key` is the JSON key it was found under.
 */
export function readItem(key: string, value: unknown, path: string): Item {
  let definition = ITEMS.get(key);
  const obj = (value ?? {}) as Record<string, unknown>;
  if (definition === undefined) {
    // the abstract heads (powerItem, energyItem, itemBase) carry their type in @xsi:type
    const type = obj["@xsi:type"];
    const known = typeof type === "string" ? HEADS[type] : undefined;
    definition = known === undefined ? undefined : ITEMS.get(known);
    if (definition === undefined)
      throw emixError(
        "unknown-item",
        path,
        `item ${key}${typeof type === "string" ? ` of type ${type}` : ""} is not an item this package knows`,
      );
  }
  if (typeof value !== "object" || value === null)
    throw emixError("missing", path, `${definition.element} must be an object`);
  const description = obj.itemDescription;
  const units = obj.itemUnits;
  if (typeof description !== "string")
    throw emixError("missing", at(path, "itemDescription"), "itemDescription is required");
  if (definition.descriptions && !definition.descriptions.includes(description))
    throw emixError(
      "item-units",
      at(path, "itemDescription"),
      `${definition.element} fixes itemDescription to ${definition.descriptions.map((d) => `"${d}"`).join(" or ")}, got "${description}"`,
      description,
    );
  if (typeof units !== "string")
    throw emixError("missing", at(path, "itemUnits"), "itemUnits is required");
  if (definition.dimension === "currency") checkCurrency(units, at(path, "itemUnits"));
  else if (definition.units && !definition.units.includes(units))
    throw emixError(
      "item-units",
      at(path, "itemUnits"),
      `${definition.element} fixes itemUnits to ${definition.units.map((u) => `"${u}"`).join(" or ")}, got "${units}"`,
      units,
    );
  const scale = obj.siScaleCode ?? (definition.dimension === "pulseCount" ? "none" : undefined);
  if (!isSiScaleCode(scale))
    throw emixError(
      scale === undefined ? "missing" : "bad-scale",
      at(path, "siScaleCode"),
      scale === undefined
        ? "siScaleCode is required"
        : `"${String(scale)}" is not an SI scale code`,
      scale,
    );
  return { definition, units, scale, description };
}
