/**
 * Money is an integer number of micro-units of a currency (1 USD = 1,000,000 µUSD), a bigint:
 * fine enough for trades of a fraction of a cent, and never a float. Exact decimal products
 * (energy x price) are rounded to micro-units half-to-even, once per settlement line.
 */
import { Decimal } from "@transactive/emix";

/** Micro-units per currency unit. */
export const MICRO_UNITS = 1_000_000n;

/** An exact decimal amount of currency, rounded half-to-even to micro-units. */
export function toMicroUnits(amount: Decimal): bigint {
  return BigInt(amount.shift(6).toFixed(0, "half-even"));
}

/** Micro-units as a decimal string of the currency ("-0.000125"). */
export function formatMicroUnits(micro: bigint): string {
  const neg = micro < 0n;
  const abs = neg ? -micro : micro;
  const units = abs / MICRO_UNITS;
  const frac = (abs % MICRO_UNITS).toString().padStart(6, "0");
  return `${neg ? "-" : ""}${units}.${frac}`;
}

/** Parses a currency amount ("0.0042") into micro-units; more than 6 decimals is refused. */
export function parseMicroUnits(text: string): bigint | undefined {
  const m = /^(-?)(\d+)(?:\.(\d{1,6}))?$/.exec(text);
  if (m === null) return undefined;
  const v = BigInt(m[2] as string) * MICRO_UNITS + BigInt((m[3] ?? "").padEnd(6, "0"));
  return m[1] === "-" ? -v : v;
}

export { Decimal };
