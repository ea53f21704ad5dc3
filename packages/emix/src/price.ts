/**
 * EMIX prices: an absolute price (emix:price), a price relative to a reference (emix:priceRelative,
 * added to it) and a multiplier of a reference (emix:priceMultiplier). The reference is the market
 * context's price, which the message does not carry: the caller gives it.
 */
import { Decimal, type DecimalInput } from "./decimal.js";
import { at, emixError } from "./errors.js";

export type PriceKind = "absolute" | "relative" | "multiplier";

export interface ResolvedPrice {
  readonly kind: PriceKind;
  /** price per unit, in the currency */
  readonly value: Decimal;
  /** where it was read */
  readonly path: string;
}

export interface PriceOptions {
  /** the market context's reference price, for relative prices and multipliers */
  readonly referencePrice?: DecimalInput;
}

/** The price an object carries (price, priceRelative or priceMultiplier), resolved to a value. */
export function resolvePrice(
  obj: Readonly<Record<string, unknown>>,
  path: string,
  options: PriceOptions = {},
): ResolvedPrice {
  if (obj.price !== undefined) {
    const p = at(path, "price");
    return {
      kind: "absolute",
      value: Decimal.of(priceValue(obj.price, p), at(p, "value")),
      path: p,
    };
  }
  const reference = (p: string, what: string): Decimal => {
    if (options.referencePrice === undefined)
      throw emixError(
        "missing",
        p,
        `${what} needs the market context's reference price: pass referencePrice`,
      );
    return Decimal.of(options.referencePrice);
  };
  if (obj.priceRelative !== undefined) {
    const p = at(path, "priceRelative");
    const offset = Decimal.of(priceValue(obj.priceRelative, p), at(p, "value"));
    return { kind: "relative", value: reference(p, "a relative price").add(offset), path: p };
  }
  if (obj.priceMultiplier !== undefined) {
    const p = at(path, "priceMultiplier");
    const m = (obj.priceMultiplier as { multiplier?: unknown }).multiplier;
    if (m === undefined)
      throw emixError("missing", at(p, "multiplier"), "priceMultiplier needs a multiplier");
    return {
      kind: "multiplier",
      value: reference(p, "a price multiplier").mul(
        Decimal.of(m as DecimalInput, at(p, "multiplier")),
      ),
      path: p,
    };
  }
  throw emixError(
    "missing",
    at(path, "price"),
    "no price (price, priceRelative or priceMultiplier)",
  );
}

/** The value of an emix:PriceType object (price, optionPremium, optionStrikePrice) at `path`. */
export function priceTypeValue(price: unknown, path: string): Decimal {
  if (price === undefined) throw emixError("missing", path, "price is required");
  return Decimal.of(priceValue(price, path), at(path, "value"));
}

function priceValue(price: unknown, path: string): DecimalInput {
  const v = (price as { value?: unknown } | null)?.value;
  if (v === undefined) throw emixError("missing", at(path, "value"), "a price needs a value");
  return v as DecimalInput;
}
