/**
 * Exact decimal arithmetic over bigint fractions. Every value a message carries (xs:decimal, and
 * the shortest lexical form of an xs:float) is a finite decimal, and so are sums and products of
 * them. Quotients (energy over a 5-minute interval is 1/12 of an hour) can have no finite decimal
 * form: they stay exact fractions, and rounding happens only where the caller asks, to a number of
 * places or to an increment (such as half a cent), with a named rounding mode. No float is used.
 */
import { emixError } from "./errors.js";

export type RoundingMode =
  | "half-even"
  | "half-up"
  | "half-down"
  | "up"
  | "down"
  | "floor"
  | "ceiling";

export type DecimalInput = Decimal | string | number | bigint;

const LEXICAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const TEN = 10n;

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) {
    const r = x % y;
    x = y;
    y = r;
  }
  return x;
}

/** 10^0 … 10^63, the powers decimal strings and SI scales need */
const POW10: readonly bigint[] = Array.from({ length: 64 }, (_, i) => TEN ** BigInt(i));

function pow10(n: number): bigint {
  return POW10[n] ?? TEN ** BigInt(n);
}

export class Decimal {
  /** numerator; the sign lives here */
  readonly num: bigint;
  /** denominator, > 0, coprime with num */
  readonly den: bigint;

  private constructor(num: bigint, den: bigint) {
    this.num = num;
    this.den = den;
  }

  static readonly ZERO = new Decimal(0n, 1n);
  static readonly ONE = new Decimal(1n, 1n);

  /** A fraction num/den, reduced. */
  static fraction(num: bigint, den: bigint, path = ""): Decimal {
    if (den === 0n) throw emixError("division-by-zero", path, "division by zero");
    if (den < 0n) {
      num = -num;
      den = -den;
    }
    if (den === 1n) return new Decimal(num, 1n);
    const g = gcd(num, den);
    return g === 1n || g === 0n ? new Decimal(num, den) : new Decimal(num / g, den / g);
  }

  /**
   * Reads a decimal: a Decimal, a bigint, a lexical xs:decimal or xs:float string ("12.50",
   * "-.5", "1.5E3"), or a JS number through its shortest round-trip form (what the codec gives
   * for xs:float values). INF, NaN and anything else fail with a "bad-decimal" error at `path`.
   */
  static of(value: DecimalInput, path = ""): Decimal {
    if (value instanceof Decimal) return value;
    if (typeof value === "bigint") return new Decimal(value, 1n);
    if (typeof value === "number") {
      if (!Number.isFinite(value))
        throw emixError("bad-decimal", path, `${value} is not a finite number`, value);
      return Decimal.of(String(value), path);
    }
    if (typeof value !== "string")
      throw emixError("bad-decimal", path, `expected a decimal, got ${typeof value}`, value);
    const m = LEXICAL.exec(value.trim());
    const int = m?.[2] ?? "";
    const frac = m?.[3] ?? "";
    if (m === null || int.length + frac.length === 0)
      throw emixError("bad-decimal", path, `"${value}" is not a decimal number`, value);
    const exp = m[4] === undefined ? 0 : Number(m[4]);
    if (!Number.isSafeInteger(exp) || Math.abs(exp) > 10000)
      throw emixError("bad-decimal", path, `exponent of "${value}" is out of range`, value);
    const digits = int + frac;
    let num = BigInt(digits || "0");
    if (m[1] === "-") num = -num;
    const scale = frac.length - exp;
    if (scale < 0) return new Decimal(num * pow10(-scale), 1n);
    // digits ending in 1, 3, 7 or 9: num has no factor 2 or 5, num / 10^scale is already reduced
    const last = digits.charCodeAt(digits.length - 1) - 48;
    return last % 2 === 1 && last !== 5
      ? new Decimal(num, pow10(scale))
      : Decimal.fraction(num, pow10(scale));
  }

  add(other: DecimalInput): Decimal {
    const o = Decimal.of(other);
    if (this.den === o.den) return Decimal.fraction(this.num + o.num, this.den);
    return Decimal.fraction(this.num * o.den + o.num * this.den, this.den * o.den);
  }

  sub(other: DecimalInput): Decimal {
    return this.add(Decimal.of(other).neg());
  }

  mul(other: DecimalInput): Decimal {
    const o = Decimal.of(other);
    return Decimal.fraction(this.num * o.num, this.den * o.den);
  }

  div(other: DecimalInput, path = ""): Decimal {
    const o = Decimal.of(other);
    if (o.num === 0n) throw emixError("division-by-zero", path, "division by zero");
    return Decimal.fraction(this.num * o.den, this.den * o.num);
  }

  /** this × 10^n, exactly */
  shift(n: number): Decimal {
    return n >= 0
      ? Decimal.fraction(this.num * pow10(n), this.den)
      : Decimal.fraction(this.num, this.den * pow10(-n));
  }

  neg(): Decimal {
    return new Decimal(-this.num, this.den);
  }

  abs(): Decimal {
    return this.num < 0n ? this.neg() : this;
  }

  sign(): -1 | 0 | 1 {
    return this.num < 0n ? -1 : this.num > 0n ? 1 : 0;
  }

  cmp(other: DecimalInput): -1 | 0 | 1 {
    const o = Decimal.of(other);
    const d = this.num * o.den - o.num * this.den;
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  }

  eq(other: DecimalInput): boolean {
    return this.cmp(other) === 0;
  }

  isZero(): boolean {
    return this.num === 0n;
  }

  isInteger(): boolean {
    return this.den === 1n;
  }

  /** Whether the value has a finite decimal form (the denominator has no prime but 2 and 5). */
  isTerminating(): boolean {
    return decimalPlaces(this.den) !== undefined;
  }

  /**
   * The exact decimal form, without exponent and without trailing zeros ("0.0520", "5", "-0.005").
   * Throws "not-terminating" when there is none: use toFixed or roundTo first.
   */
  toString(): string {
    const places = decimalPlaces(this.den);
    if (places === undefined)
      throw emixError(
        "not-terminating",
        "",
        `${this.toFraction()} has no finite decimal form; round it with toFixed(places, mode) or roundTo(increment, mode)`,
      );
    return format(this.num * (pow10(places) / this.den), places);
  }

  /** The value as "num/den" (or "num" for an integer): always exact. */
  toFraction(): string {
    return this.den === 1n ? String(this.num) : `${this.num}/${this.den}`;
  }

  /** Rounded to `places` decimal places (places >= 0), written with exactly that many. */
  toFixed(places: number, mode: RoundingMode = "half-even"): string {
    if (!Number.isInteger(places) || places < 0)
      throw emixError("bad-decimal", "", `places must be a non-negative integer, got ${places}`);
    const scaled = roundQuotient(this.num * pow10(places), this.den, mode);
    return format(scaled, places, true);
  }

  /** Rounded to a multiple of `increment` (e.g. "0.005" for half cents), exactly. */
  roundTo(increment: DecimalInput, mode: RoundingMode = "half-even"): Decimal {
    const inc = Decimal.of(increment);
    if (inc.sign() <= 0)
      throw emixError(
        "bad-decimal",
        "",
        `rounding increment must be positive, got ${inc.toFraction()}`,
      );
    const q = this.div(inc);
    return inc.mul(roundQuotient(q.num, q.den, mode));
  }

  /** Nearest double: for display and charts only, never for further arithmetic. */
  toNumber(): number {
    return this.isTerminating() ? Number(this.toString()) : Number(this.toFixed(20));
  }

  toJSON(): string {
    return this.isTerminating() ? this.toString() : this.toFraction();
  }
}

/** Sum of decimals, exactly. */
export function sum(values: Iterable<DecimalInput>): Decimal {
  let total = Decimal.ZERO;
  for (const v of values) total = total.add(v);
  return total;
}

/** Places of the finite decimal form of 1/den, or undefined when it has none. */
function decimalPlaces(den: bigint): number | undefined {
  let d = den;
  let twos = 0;
  let fives = 0;
  while (d % 2n === 0n) {
    d /= 2n;
    twos++;
  }
  while (d % 5n === 0n) {
    d /= 5n;
    fives++;
  }
  return d === 1n ? Math.max(twos, fives) : undefined;
}

/** Integer n/d rounded by mode. */
function roundQuotient(n: bigint, d: bigint, mode: RoundingMode): bigint {
  const q = n / d; // truncates toward zero
  const r = n % d;
  if (r === 0n) return q;
  const negative = n < 0n !== d < 0n;
  const away = negative ? q - 1n : q + 1n;
  const twice = (r < 0n ? -r : r) * 2n;
  const half = twice === (d < 0n ? -d : d) ? 0 : twice > (d < 0n ? -d : d) ? 1 : -1;
  switch (mode) {
    case "down":
      return q;
    case "up":
      return away;
    case "floor":
      return negative ? away : q;
    case "ceiling":
      return negative ? q : away;
    case "half-up":
      return half >= 0 ? away : q;
    case "half-down":
      return half > 0 ? away : q;
    case "half-even":
      return half > 0 || (half === 0 && q % 2n !== 0n) ? away : q;
  }
}

/** Writes scaled / 10^places; trims trailing zeros unless `fixed`. */
function format(scaled: bigint, places: number, fixed = false): string {
  const negative = scaled < 0n;
  let digits = (negative ? -scaled : scaled).toString();
  if (places > 0) {
    digits = digits.padStart(places + 1, "0");
    let int = digits.slice(0, -places);
    let frac = digits.slice(-places);
    if (!fixed) frac = frac.replace(/0+$/, "");
    if (int === "") int = "0";
    digits = frac ? `${int}.${frac}` : int;
  }
  const zero = /^[0.]*$/.test(digits);
  return negative && !zero ? `-${digits}` : digits;
}
