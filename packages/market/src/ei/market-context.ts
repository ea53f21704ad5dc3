/**
 * The market context over EI. CTS 0.4's eiReplyEiMarketContext carries only an eiResponse, so the
 * node's terms travel in its responseDescription as `key=value` pairs separated by "; " (the
 * binding's own convention, documented in docs/market.md "EI binding"):
 *
 *   marketContext=http://…; currency=USD; interval=PT15M; epoch=2026-09-01T00:00:00Z;
 *   gateClosureLead=PT5M; mechanism=call; priceUnit=USD/kWh; priceDecimals=9; quantityUnit=kWh;
 *   quantityDecimals=6[; minPrice=…][; maxPrice=…]
 */
import type { MarketNode } from "../node/market-node.js";
import type { ClearingMechanism } from "../node/types.js";
import { PRICE_DECIMALS, priceToString, QUANTITY_DECIMALS } from "../units.js";
import { dateTimeOf } from "./convert.js";
import { bindingError } from "./errors.js";

/** A market context as a party learns it (decimal strings, as described). */
export interface MarketContextTerms {
  readonly marketContext: string;
  readonly currency: string;
  readonly interval: string;
  /** start of interval 0, xs:dateTime */
  readonly epoch: string;
  readonly gateClosureLead: string;
  readonly mechanism: ClearingMechanism;
  readonly priceDecimals: number;
  readonly quantityDecimals: number;
  readonly minPrice?: string;
  readonly maxPrice?: string;
}

/** The node's terms as the responseDescription of an eiReplyEiMarketContext. */
export function describeMarketContext(node: MarketNode): string {
  const zero = node.interval(0);
  const leadSeconds = (zero.startMs - zero.gateClosureMs) / 1000;
  const parts = [
    `marketContext=${node.marketContext}`,
    `currency=${node.currency}`,
    `interval=${node.intervalDuration}`,
    `epoch=${dateTimeOf(zero.startMs)}`,
    `gateClosureLead=PT${leadSeconds}S`,
    `mechanism=${node.parent === undefined ? node.mechanism : "call"}`,
    `priceUnit=${node.currency}/kWh`,
    `priceDecimals=${PRICE_DECIMALS}`,
    "quantityUnit=kWh",
    `quantityDecimals=${QUANTITY_DECIMALS}`,
  ];
  if (node.minPrice !== undefined) parts.push(`minPrice=${priceToString(node.minPrice)}`);
  if (node.maxPrice !== undefined) parts.push(`maxPrice=${priceToString(node.maxPrice)}`);
  return parts.join("; ");
}

/** Reads a description written by describeMarketContext ("bad-value" naming the missing key). */
export function parseMarketContext(
  description: string,
  path = "/responseDescription",
): MarketContextTerms {
  const map = new Map<string, string>();
  for (const part of String(description).split("; ")) {
    const eq = part.indexOf("=");
    if (eq > 0) map.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const need = (key: string): string => {
    const v = map.get(key);
    if (v === undefined)
      throw bindingError(
        "bad-value",
        path,
        `the market context description has no ${key}=…: ${JSON.stringify(description)}`,
        description,
      );
    return v;
  };
  const mechanism = need("mechanism");
  if (mechanism !== "call" && mechanism !== "cda")
    throw bindingError("bad-value", path, `unknown mechanism ${mechanism}`, mechanism);
  const minPrice = map.get("minPrice");
  const maxPrice = map.get("maxPrice");
  return {
    marketContext: need("marketContext"),
    currency: need("currency"),
    interval: need("interval"),
    epoch: need("epoch"),
    gateClosureLead: need("gateClosureLead"),
    mechanism,
    priceDecimals: Number(need("priceDecimals")),
    quantityDecimals: Number(need("quantityDecimals")),
    ...(minPrice !== undefined ? { minPrice } : {}),
    ...(maxPrice !== undefined ? { maxPrice } : {}),
  };
}
