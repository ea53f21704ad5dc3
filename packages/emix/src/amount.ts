/**
 * Amounts of a TEMIX product: for each interval, price x quantity x duration in the product's
 * currency, exactly; the total is the exact sum over intervals. A TEMIX power quantity is a rate
 * of delivery (kW) and its price is per unit of energy (per kWh): amount = price x quantity x
 * hours. A quantity of an energy item (kWh) is already energy: amount = price x quantity.
 */
import { Decimal, type DecimalInput, type RoundingMode, sum } from "./decimal.js";
import { at, emixError } from "./errors.js";
import { checkCurrency, findItemKey, type Item, readItem } from "./items.js";
import { type PriceKind, type PriceOptions, priceTypeValue, resolvePrice } from "./price.js";
import { type Inherited, type ResolvedInterval, resolveIntervals } from "./schedule.js";

export interface IntervalAmount {
  readonly uid: string;
  readonly start: string;
  readonly end: string;
  readonly seconds: Decimal;
  /** the quantity as the message gives it (a rate for power items) */
  readonly quantity: Decimal;
  /** energy delivered over the interval, in the item's energy unit at its scale */
  readonly energy: Decimal;
  readonly price: Decimal;
  readonly priceKind: PriceKind;
  readonly amount: Decimal;
}

export interface ProductAmount {
  readonly currency: string;
  readonly side?: string;
  /** the item the quantities count, when the product or the options name one */
  readonly item?: Item;
  readonly intervals: readonly IntervalAmount[];
  /** total energy, sum over intervals */
  readonly energy: Decimal;
  /** total amount, sum over intervals */
  readonly amount: Decimal;
}

export interface AmountOptions extends PriceOptions {
  /** path of the product in its document, for error paths (default "") */
  readonly path?: string;
  /** currency when the product gives none (the market context's) */
  readonly currency?: string;
  /** the item when the product names none (the market context's), e.g. kW of real power */
  readonly item?: Item;
  readonly inherited?: Inherited;
}

/** Amount of a product (emix:product JSON model) with a TEMIX power description. */
export function productAmount(
  product: Readonly<Record<string, unknown>>,
  options: AmountOptions = {},
): ProductAmount {
  const path = options.path ?? "";
  const currencyValue = product.currency ?? options.currency;
  if (currencyValue === undefined)
    throw emixError(
      "missing",
      at(path, "currency"),
      "no currency: the product gives none and no market-context currency was passed",
    );
  const currency = checkCurrency(currencyValue, at(path, "currency"));
  const intervals = resolveIntervals(product, path, options.inherited);
  let item: Item | undefined;
  let itemPath = "";
  const items = itemReader(options.item);
  const hours = hoursOf();
  const rows = intervals.map((iv) => {
    const found = items(iv);
    if (found !== undefined) {
      if (item === undefined) {
        item = found.item;
        itemPath = found.path;
      } else if (!sameItem(item, found.item))
        throw emixError(
          "incompatible-items",
          found.path,
          `interval ${iv.uid} counts ${describe(found.item)}, an earlier one ${describe(item)} (${itemPath})`,
        );
    }
    return intervalAmount(iv, found?.item, hours, options);
  });
  return {
    currency,
    ...(typeof product.side === "string" ? { side: product.side } : {}),
    ...(item === undefined ? {} : { item }),
    intervals: rows,
    energy: sum(rows.map((r) => r.energy)),
    amount: sum(rows.map((r) => r.amount)),
  };
}

type FoundItem = { item: Item; path: string } | undefined;

/**
 * The item of each interval: its payload's item element, else `fallback`. An item the intervals
 * inherit from the stream is one value: it is read once.
 */
function itemReader(fallback: Item | undefined): (iv: ResolvedInterval) => FoundItem {
  let lastValue: unknown;
  let lastPath = "";
  let last: FoundItem;
  return (iv) => {
    const key = findItemKey(iv.payload);
    if (key === undefined) return fallback === undefined ? undefined : { item: fallback, path: "" };
    const value = iv.payload[key];
    const p = at(iv.sources[key] ?? iv.path, key);
    if (last !== undefined && value === lastValue && p === lastPath) return last;
    last = { item: readItem(key, value, p), path: p };
    lastValue = value;
    lastPath = p;
    return last;
  };
}

/** seconds / 3600, computed once for the run of intervals of one length */
function hoursOf(): (seconds: Decimal) => Decimal {
  let lastSeconds: Decimal | undefined;
  let last = Decimal.ZERO;
  return (seconds) => {
    if (seconds !== lastSeconds) {
      last = seconds.div(3600n);
      lastSeconds = seconds;
    }
    return last;
  };
}

function intervalEnergy(
  iv: ResolvedInterval,
  item: Item | undefined,
  hours: (seconds: Decimal) => Decimal,
): { quantity: Decimal; energy: Decimal } {
  if (iv.payloadKey !== "temixPower")
    throw emixError(
      "not-supported",
      at(iv.path, iv.payloadKey),
      `amounts of ${iv.payloadKey} products are not supported yet (only TEMIX power)`,
    );
  const qPath = at(iv.sources.quantity ?? at(iv.path, iv.payloadKey), "quantity");
  if (iv.payload.quantity === undefined)
    throw emixError("missing", qPath, `interval ${iv.uid} has no quantity`);
  const quantity = Decimal.of(iv.payload.quantity as DecimalInput, qPath);
  const definition = item?.definition;
  // no item: TEMIX power, a rate
  if (definition === undefined || definition.energy !== undefined)
    return { quantity, energy: quantity.mul(hours(iv.seconds)) };
  if (definition.dimension.endsWith("Energy")) return { quantity, energy: quantity };
  throw emixError(
    "not-supported",
    qPath,
    `amounts for quantities of ${definition.element} are not supported (power and energy items only)`,
  );
}

function intervalAmount(
  iv: ResolvedInterval,
  item: Item | undefined,
  hours: (seconds: Decimal) => Decimal,
  options: PriceOptions,
): IntervalAmount {
  const { quantity, energy } = intervalEnergy(iv, item, hours);
  const pricePath =
    iv.sources.price ??
    iv.sources.priceRelative ??
    iv.sources.priceMultiplier ??
    at(iv.path, iv.payloadKey);
  const price = resolvePrice(iv.payload, pricePath, options);
  return {
    uid: iv.uid,
    start: iv.start,
    end: iv.end,
    seconds: iv.seconds,
    quantity,
    energy,
    price: price.value,
    priceKind: price.kind,
    amount: price.value.mul(energy),
  };
}

function sameItem(a: Item, b: Item): boolean {
  return (
    a.definition.dimension === b.definition.dimension &&
    a.scale === b.scale &&
    (a.units === b.units || (a.definition.units?.includes(b.units) ?? false))
  );
}

function describe(i: Item): string {
  return `${i.definition.element} in ${i.scale === "none" ? "" : i.scale}${i.units}`;
}

export interface AmountJsonOptions {
  /** decimal places of the rounded amounts (default 6) */
  readonly places?: number;
  readonly mode?: RoundingMode;
}

/**
 * The JSON form of an amount (the `expect.amount` files of the conformance vectors): exact values
 * as decimals, or as "num/den" fractions where they have no finite decimal form, plus the total
 * rounded to `places`.
 */
export function amountToJson(
  a: ProductAmount,
  options: AmountJsonOptions = {},
): Record<string, unknown> {
  const places = options.places ?? 6;
  const mode = options.mode ?? "half-even";
  return {
    currency: a.currency,
    ...(a.side === undefined ? {} : { side: a.side }),
    ...(a.item === undefined
      ? {}
      : {
          item: {
            element: a.item.definition.element,
            units: a.item.units,
            siScaleCode: a.item.scale,
          },
        }),
    intervals: a.intervals.map((r) => ({
      uid: r.uid,
      start: r.start,
      end: r.end,
      seconds: r.seconds.toJSON(),
      quantity: r.quantity.toJSON(),
      energy: r.energy.toJSON(),
      price: r.price.toJSON(),
      amount: r.amount.toJSON(),
    })),
    energy: a.energy.toJSON(),
    amount: a.amount.toJSON(),
    rounded: {
      places,
      mode,
      energy: a.energy.toFixed(places, mode),
      amount: a.amount.toFixed(places, mode),
    },
  };
}

/** Premium and strike amounts of an emix:emixOption: each price per unit x the energy of its product. */
export function optionAmounts(
  option: Readonly<Record<string, unknown>>,
  options: AmountOptions = {},
): { premium: Decimal; strike: Decimal; energy: Decimal; currency: string } {
  const path = options.path ?? "";
  const currencyValue = option.currency ?? options.currency;
  if (currencyValue === undefined)
    throw emixError(
      "missing",
      at(path, "currency"),
      "no currency: the option gives none and no market-context currency was passed",
    );
  const currency = checkCurrency(currencyValue, at(path, "currency"));
  const items = itemReader(options.item);
  const hours = hoursOf();
  const energy = sum(
    resolveIntervals(option, path, options.inherited).map(
      (iv) => intervalEnergy(iv, items(iv)?.item, hours).energy,
    ),
  );
  const premium = priceTypeValue(option.optionPremium, at(path, "optionPremium"));
  const strike = priceTypeValue(option.optionStrikePrice, at(path, "optionStrikePrice"));
  return { premium: premium.mul(energy), strike: strike.mul(energy), energy, currency };
}
