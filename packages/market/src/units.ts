/**
 * Fixed-point numbers of the market. Prices, quantities and money are integers of a fixed unit,
 * so the hot path (order matching, curve sums) is plain integer arithmetic on JS numbers, exact
 * as long as every value stays a safe integer, which every constructor here checks:
 *
 * - Price: 1 unit = 1e-9 currency per kWh (PRICE_DECIMALS = 9); range ±9,007,199.254740991/kWh.
 * - Quantity: 1 unit = 1e-6 kWh = 1 mWh of energy delivered in the interval (QUANTITY_DECIMALS = 6);
 *   range ±9,007,199,254.740991 kWh. Signed: a net demand is negative when the party sells.
 * - Money: a bigint, 1 unit = 1e-15 currency (MONEY_DECIMALS = 15): price units × quantity units
 *   is exact without any rounding, whatever the sizes.
 *
 * The brands make a raw float or a count of the other unit a type error where a price is
 * expected. Values enter from decimal strings or @transactive/emix Decimals, exactly: a value
 * with more places than the unit has is refused unless the caller names a rounding mode.
 */
import { Decimal, type DecimalInput, type RoundingMode } from "@transactive/emix";
import { marketError } from "./errors.js";

declare const PriceBrand: unique symbol;
declare const QuantityBrand: unique symbol;
declare const MoneyBrand: unique symbol;

/** A price: an integer count of 1e-9 currency per kWh (see PRICE_DECIMALS). */
export type Price = number & { readonly [PriceBrand]: true };
/** An energy quantity: an integer count of 1e-6 kWh (1 mWh); signed where it is a net demand. */
export type Quantity = number & { readonly [QuantityBrand]: true };
/** An amount of money: an integer count of 1e-15 currency, as a bigint (price units × quantity units). */
export type Money = bigint & { readonly [MoneyBrand]: true };

/** Decimal places of a price in currency per kWh: 1 price unit = 10^-9 currency/kWh. */
export const PRICE_DECIMALS = 9;
/** Decimal places of a quantity in kWh: 1 quantity unit = 10^-6 kWh = 1 mWh. */
export const QUANTITY_DECIMALS = 6;
/** Decimal places of money in currency: PRICE_DECIMALS + QUANTITY_DECIMALS. */
export const MONEY_DECIMALS = PRICE_DECIMALS + QUANTITY_DECIMALS;

/** Reads a price in currency per kWh ("0.123", "-0.0005", a Decimal): exact, or rounded with `mode`. */
export function toPrice(value: DecimalInput, path = "", mode?: RoundingMode): Price {
  return fromDecimal(value, PRICE_DECIMALS, "bad-price", "price", path, mode) as Price;
}

/** Reads an energy quantity in kWh ("1.5", a Decimal): exact, or rounded with `mode`. */
export function toQuantity(value: DecimalInput, path = "", mode?: RoundingMode): Quantity {
  return fromDecimal(value, QUANTITY_DECIMALS, "bad-quantity", "quantity", path, mode) as Quantity;
}

/** A price from its integer count of units (1e-9 currency per kWh). */
export function priceFromUnits(units: number, path = ""): Price {
  if (!Number.isSafeInteger(units))
    throw marketError(
      "bad-price",
      path,
      `${units} is not a safe integer count of price units`,
      units,
    );
  return units as Price;
}

/** A quantity from its integer count of units (1e-6 kWh). */
export function quantityFromUnits(units: number, path = ""): Quantity {
  if (!Number.isSafeInteger(units))
    throw marketError(
      "bad-quantity",
      path,
      `${units} is not a safe integer count of quantity units`,
      units,
    );
  return units as Quantity;
}

/** The price as an exact Decimal in currency per kWh. */
export function priceToDecimal(p: Price): Decimal {
  return Decimal.fraction(BigInt(p), 10n ** BigInt(PRICE_DECIMALS));
}

/** The quantity as an exact Decimal in kWh. */
export function quantityToDecimal(q: Quantity): Decimal {
  return Decimal.fraction(BigInt(q), 10n ** BigInt(QUANTITY_DECIMALS));
}

/** The money as an exact Decimal in currency. */
export function moneyToDecimal(m: Money): Decimal {
  return Decimal.fraction(m, 10n ** BigInt(MONEY_DECIMALS));
}

/** The price as a decimal string in currency per kWh, without trailing zeros ("0.1205"). */
export function priceToString(p: Price): string {
  return priceToDecimal(p).toString();
}

/** The quantity as a decimal string in kWh, without trailing zeros ("2.5"). */
export function quantityToString(q: Quantity): string {
  return quantityToDecimal(q).toString();
}

/** The money as a decimal string in currency, without trailing zeros ("0.3125"). */
export function moneyToString(m: Money): string {
  return moneyToDecimal(m).toString();
}

/** The value of `quantity` at `price`, exactly: price units × quantity units in 1e-15 currency. */
export function tradeValue(price: Price, quantity: Quantity): Money {
  return (BigInt(price) * BigInt(quantity)) as Money;
}

/** Money from a Decimal in currency: exact, or rounded with `mode`. */
export function toMoney(value: DecimalInput, path = "", mode?: RoundingMode): Money {
  const d = Decimal.of(value, path).shift(MONEY_DECIMALS);
  if (!d.isInteger()) {
    if (mode === undefined)
      throw marketError(
        "bad-value",
        path,
        `${Decimal.of(value).toJSON()} has more than ${MONEY_DECIMALS} decimal places; name a rounding mode`,
        value,
      );
    return BigInt(d.toFixed(0, mode)) as Money;
  }
  return d.num as Money;
}

/** a + b for quantities, refusing a sum outside the safe-integer range (code "overflow"). */
export function addQuantity(a: Quantity, b: Quantity, path = ""): Quantity {
  const s = a + b;
  if (!Number.isSafeInteger(s))
    throw marketError("overflow", path, "quantity sum exceeds the fixed-point range", s);
  return s as Quantity;
}

function fromDecimal(
  value: DecimalInput,
  places: number,
  code: "bad-price" | "bad-quantity",
  what: string,
  path: string,
  mode: RoundingMode | undefined,
): number {
  let d: Decimal;
  try {
    d = Decimal.of(value, path);
  } catch {
    throw marketError(
      code,
      path,
      `${what} ${JSON.stringify(String(value))} is not a decimal number`,
      value,
    );
  }
  const scaled = d.shift(places);
  let units: bigint;
  if (scaled.isInteger()) units = scaled.num;
  else if (mode !== undefined) units = BigInt(scaled.toFixed(0, mode));
  else
    throw marketError(
      code,
      path,
      `${what} ${d.toJSON()} has more than ${places} decimal places; round it first (name a rounding mode)`,
      value,
    );
  const n = Number(units);
  if (!Number.isSafeInteger(n))
    throw marketError(code, path, `${what} ${d.toJSON()} is outside the fixed-point range`, value);
  return n;
}
