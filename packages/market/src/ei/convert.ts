/**
 * Exact conversions between EMIX products (as CTS 0.4 tenders, transactions and quotes carry
 * them) and the market's fixed-point numbers. A product names one delivery interval of the market
 * (WS-Calendar dtStart + duration), a side, a price per unit of its item and a quantity:
 *
 * - item `energyReal` (Wh at SI scale none, k or M): the quantity is the energy of the interval and
 *   the price is per unit of that item (per kWh at scale k);
 * - item `powerReal` (W or J/s at scale none, k or M): the quantity is a constant rate over the
 *   interval, energy = rate × duration, and the price is per unit·hour (per kWh at scale k);
 * - no item: the market context's unit, kWh (documented in docs/market.md "EI binding").
 *
 * Every conversion is exact or refused with a typed error naming the message path: a price with
 * more than 9 decimal places per kWh, an energy with more than 6 per kWh, another currency, another
 * market context, an interval that is not one of the market's, relative prices, options.
 */
import { Decimal, type ProductType } from "@transactive/emix";
import type { MarketNode } from "../node/market-node.js";
import type { DeliveryInterval } from "../node/types.js";
import type { Side } from "../types.js";
import {
  type Price,
  priceToString,
  type Quantity,
  quantityToString,
  toPrice,
  toQuantity,
} from "../units.js";
import { bindingError } from "./errors.js";

/** What the binding knows of its market: the node's context (currency, intervals, mechanism). */
export interface MarketTerms {
  readonly marketContext: string;
  readonly currency: string;
  /** ISO 8601 duration of a delivery interval, as the node was given it */
  readonly interval: string;
  readonly seconds: number;
  readonly epochMs: number;
}

/** The terms of a market node. */
export function termsOf(node: MarketNode): MarketTerms {
  const zero = node.interval(0);
  return {
    marketContext: node.marketContext,
    currency: node.currency,
    interval: node.intervalDuration,
    seconds: zero.seconds,
    epochMs: zero.startMs,
  };
}

/** A product read from a message: the interval, side, price per kWh and energy. */
export interface ReadProduct {
  readonly index: number;
  readonly side: Side;
  readonly price: Price;
  readonly quantity: Quantity;
}

type Obj = Record<string, unknown>;

const SCALES: Readonly<Record<string, bigint>> = { none: 1n, k: 1000n, M: 1_000_000n };
const DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)$/;

function obj(value: unknown, path: string, what: string): Obj {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw bindingError("missing", path, `${what} is required`);
  return value as Obj;
}

/** The parts of EMIX this market does not take: refused by name, never dropped. */
const UNSUPPORTED_PRODUCT = ["intervals", "powerProductDescription", "transportProductDescription"];

/**
 * Reads the EMIX product of a tender (or a transaction: `state`) against the market's terms.
 * `path` is the product's path in the message.
 */
export function readProduct(
  product: unknown,
  path: string,
  terms: MarketTerms,
  state: "tender" | "transaction" | "publication",
  options: { readonly zeroQuantity?: boolean } = {},
): ReadProduct {
  const p = obj(product, path, "an EMIX product");
  for (const key of UNSUPPORTED_PRODUCT)
    if (p[key] !== undefined)
      throw bindingError(
        "not-supported",
        `${path}/${key}`,
        `${key} is not supported: a tender is one product for one delivery interval`,
      );
  if (p.transactiveState !== state)
    throw bindingError(
      "bad-value",
      `${path}/transactiveState`,
      `transactiveState is ${JSON.stringify(p.transactiveState)}, expected "${state}"`,
      p.transactiveState,
    );
  if (p.marketContext !== terms.marketContext)
    throw bindingError(
      "bad-value",
      `${path}/marketContext`,
      `market context ${JSON.stringify(p.marketContext)} is not this market's (${terms.marketContext})`,
      p.marketContext,
    );
  if (p.currency !== undefined && p.currency !== terms.currency)
    throw bindingError(
      "currency-mismatch",
      `${path}/currency`,
      `prices of ${terms.marketContext} are in ${terms.currency}, not ${String(p.currency)}`,
      p.currency,
    );
  if (p.side !== "buy" && p.side !== "sell")
    throw bindingError("bad-value", `${path}/side`, `side must be "buy" or "sell"`, p.side);
  if (p.integralOnly === true)
    throw bindingError(
      "not-supported",
      `${path}/integralOnly`,
      "all-or-nothing tenders (integralOnly) are not supported: every tender may be partly filled",
    );
  if (p.expirationDate !== undefined)
    throw bindingError(
      "not-supported",
      `${path}/expirationDate`,
      "expirationDate is not supported: a tender lasts until it is filled, cancelled or the gate closes",
    );
  const index = readInterval(p, path, terms);
  const temix = obj(p.temixPower ?? p.measurement, `${path}/temixPower`, "temixPower");
  if (p.measurement !== undefined && p.temixPower === undefined) {
    const type = (p.measurement as Obj)["@xsi:type"];
    if (typeof type !== "string" || !/(^|:)TemixPowerType$/.test(type))
      throw bindingError(
        "not-supported",
        `${path}/measurement`,
        "only TEMIX power products (temixPower) are traded here",
      );
  }
  const tPath = `${path}/temixPower`;
  for (const key of ["priceRelative", "priceMultiplier"])
    if (temix[key] !== undefined)
      throw bindingError(
        "not-supported",
        `${tPath}/${key}`,
        `${key} needs a reference price; this market takes absolute prices (price) only`,
      );
  const unit = readUnit(temix, tPath);
  const priceObj = obj(temix.price, `${tPath}/price`, "a price");
  const pricePath = `${tPath}/price/value`;
  if (typeof priceObj.value !== "string" && typeof priceObj.value !== "number")
    throw bindingError("missing", pricePath, "a price needs a value");
  const rawPrice = decimalAt(priceObj.value, pricePath, "bad-price");
  // price per unit of the item (per unit·hour for power) → per kWh
  const price = toPrice(
    terminating(rawPrice.mul(1000n).div(unit.scale), pricePath, "bad-price"),
    pricePath,
  );
  const qPath = `${tPath}/quantity`;
  if (temix.quantity === undefined) {
    if (options.zeroQuantity) return { index, side: p.side, price, quantity: 0 as Quantity };
    throw bindingError("missing", qPath, "a quantity is required");
  }
  const rawQuantity = decimalAt(temix.quantity, qPath, "bad-quantity");
  if (rawQuantity.sign() < 0 || (rawQuantity.sign() === 0 && !options.zeroQuantity))
    throw bindingError("bad-quantity", qPath, "a quantity must be more than 0", temix.quantity);
  let energy = rawQuantity.mul(unit.scale).div(1000n);
  if (unit.power) energy = energy.mul(BigInt(terms.seconds)).div(3600n);
  const quantity = toQuantity(terminating(energy, qPath, "bad-quantity"), qPath);
  if (quantity <= 0 && !(options.zeroQuantity && rawQuantity.isZero()))
    throw bindingError("bad-quantity", qPath, "a quantity must be more than 0", temix.quantity);
  return { index, side: p.side, price, quantity };
}

/** A value with a finite decimal expansion, or the refusal a non-terminating one gets. */
function terminating(d: Decimal, path: string, code: "bad-price" | "bad-quantity"): Decimal {
  if (!d.isTerminating())
    throw bindingError(
      code,
      path,
      `${code === "bad-price" ? "the price per kWh" : "the energy in kWh"} is ${d.toFraction()}, not a finite decimal`,
      d.toFraction(),
    );
  return d;
}

function decimalAt(value: unknown, path: string, code: "bad-price" | "bad-quantity"): Decimal {
  try {
    return Decimal.of(value as string, path);
  } catch {
    throw bindingError(code, path, `${JSON.stringify(value)} is not a decimal number`, value);
  }
}

function readUnit(temix: Obj, path: string): { scale: bigint; power: boolean } {
  const keys = ["energyReal", "powerReal", "energyItem", "powerItem"].filter(
    (k) => temix[k] !== undefined,
  );
  const other = [
    "energyApparent",
    "energyReactive",
    "powerApparent",
    "powerReactive",
    "itemBase",
  ].find((k) => temix[k] !== undefined);
  if (other !== undefined)
    throw bindingError(
      "item-units",
      `${path}/${other}`,
      `${other} is not traded here: real energy (energyReal) or real power (powerReal) only`,
    );
  const key = keys[0];
  if (key === undefined) return { scale: 1000n, power: false };
  const item = temix[key] as Obj;
  const type = String(item["@xsi:type"] ?? "");
  const power = key === "powerReal" || (key === "powerItem" && /PowerRealType$/.test(type));
  const energy = key === "energyReal" || (key === "energyItem" && /EnergyRealType$/.test(type));
  if (!power && !energy)
    throw bindingError(
      "item-units",
      `${path}/${key}`,
      `${key} of type ${type || "(none)"} is not traded here: real energy or real power only`,
    );
  const units = item.itemUnits;
  if (power ? units !== "W" && units !== "J/s" : units !== "Wh")
    throw bindingError(
      "item-units",
      `${path}/${key}/itemUnits`,
      `${key} is counted in ${power ? "W" : "Wh"}, not ${String(units)}`,
      units,
    );
  const scale = SCALES[String(item.siScaleCode)];
  if (scale === undefined)
    throw bindingError(
      "item-units",
      `${path}/${key}/siScaleCode`,
      `SI scale ${JSON.stringify(item.siScaleCode)} is not taken here: none, k or M`,
      item.siScaleCode,
    );
  return { scale, power };
}

/** The index of the delivery interval a product names (dtStart + duration). */
function readInterval(p: Obj, path: string, terms: MarketTerms): number {
  const dtPath = `${path}/dtStart/dateTime`;
  const dt = (p.dtStart as Obj | undefined)?.dateTime;
  if (typeof dt !== "string")
    throw bindingError(
      "missing",
      dtPath,
      "a product needs its delivery interval's start (dtStart/dateTime)",
    );
  if (!DATE_TIME.test(dt))
    throw bindingError(
      "bad-date-time",
      dtPath,
      `${JSON.stringify(dt)} is not a date-time with a time zone (floating times are not delivery intervals)`,
      dt,
    );
  const startMs = Date.parse(dt);
  if (!Number.isSafeInteger(startMs))
    throw bindingError("bad-date-time", dtPath, `${JSON.stringify(dt)} is not a date-time`, dt);
  const duration = typeof p.duration === "string" ? p.duration : (p.duration as Obj)?.duration;
  if (typeof duration !== "string")
    throw bindingError("missing", `${path}/duration`, "a product needs its duration");
  const seconds = durationOrUndefined(duration);
  if (seconds !== terms.seconds)
    throw bindingError(
      "interval-outside-schedule",
      `${path}/duration`,
      `${duration} is not the length of a delivery interval of ${terms.marketContext} (${terms.interval})`,
      duration,
    );
  const ms = terms.seconds * 1000;
  const offset = startMs - terms.epochMs;
  if (offset % ms !== 0)
    throw bindingError(
      "interval-outside-schedule",
      dtPath,
      `no delivery interval of ${terms.marketContext} starts at ${dt}: intervals are ${terms.interval} from ${new Date(terms.epochMs).toISOString()}`,
      dt,
    );
  return offset / ms;
}

const DURATION = /^PT(?:(\d{1,6})H)?(?:(\d{1,6})M)?(?:(\d{1,6})S)?$/;

function durationOrUndefined(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (m === null || (m[1] ?? m[2] ?? m[3]) === undefined) return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/** xs:dateTime in UTC without milliseconds when they are 0. */
export function dateTimeOf(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, "Z");
}

/**
 * The EMIX product of one interval, side, price and energy, as this market writes it: energyReal in
 * kWh, the price per kWh as an exact decimal string, the quantity as the exact decimal value
 * (emix:quantity is an xs:float: a JS number written in its shortest round-trip form, exact for
 * up to 15 significant digits).
 */
export function productOf(
  terms: MarketTerms,
  interval: DeliveryInterval,
  side: Side,
  price: Price | undefined,
  quantity: Quantity | undefined,
  uid: string,
  state: "tender" | "transaction" | "publication",
): ProductType {
  const product = {
    dtStart: { dateTime: dateTimeOf(interval.startMs) },
    duration: terms.interval,
    temixPower: {
      ...(price !== undefined ? { price: { value: priceToString(price) } } : {}),
      energyReal: { itemDescription: "RealEnergy", itemUnits: "Wh", siScaleCode: "k" },
      ...(quantity !== undefined ? { quantity: quantityNumber(quantity) } : {}),
    },
    uid,
    transactiveState: state,
    integralOnly: false,
    currency: terms.currency,
    marketContext: terms.marketContext,
    side,
  };
  return product as unknown as ProductType;
}

/** A quantity as the JS number whose shortest form is its exact decimal (refused when there is none). */
export function quantityNumber(q: Quantity): number {
  const text = quantityToString(q);
  const n = Number(text);
  if (!Decimal.of(n).eq(Decimal.of(text)))
    throw bindingError(
      "overflow",
      "/quantity",
      `${text} kWh has more significant digits than an emix:quantity (xs:float) can carry exactly`,
      text,
    );
  return n;
}
