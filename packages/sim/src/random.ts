/**
 * A small seeded pseudo-random generator, so a scenario is a pure function of its seed (no
 * Math.random anywhere in the simulation). Draws come from xoshiro128** 1.1 (Blackman & Vigna,
 * "Scrambled linear pseudorandom number generators", ACM TOMS 2021; reference code at
 * prng.di.unimi.it), whose 128-bit state is filled from SplitMix64 (Steele, Lea & Flood, "Fast
 * splittable pseudorandom number generators", OOPSLA 2014), as the xoshiro authors recommend.
 * Each stream is named (`Random.stream(seed, "pv", 12)`): the name is hashed (64-bit FNV-1a) into
 * the SplitMix64 state, so adding an agent or a profile leaves every other stream unchanged.
 */
import { SimulationError } from "./errors.js";

const MASK64 = (1n << 64n) - 1n;
/** the largest seed: seeds are unsigned 64-bit integers */
export const MAX_SEED = MASK64;

/** One SplitMix64 step: the next state and its output, both unsigned 64-bit. */
export function splitMix64(state: bigint): { state: bigint; value: bigint } {
  const next = (state + 0x9e3779b97f4a7c15n) & MASK64;
  let z = next;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return { state: next, value: z ^ (z >> 31n) };
}

function fnv1a64(text: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= BigInt(byte);
    h = (h * 0x100000001b3n) & MASK64;
  }
  return h;
}

/**
 * Reads a seed: a bigint, a safe non-negative integer, or a decimal string of one, in
 * 0 … 2^64−1. Anything else is a "bad-seed" SimulationError at `path`.
 */
export function parseSeed(value: bigint | number | string, path = "seed"): bigint {
  let seed: bigint | undefined;
  if (typeof value === "bigint") seed = value;
  else if (typeof value === "number")
    seed = Number.isSafeInteger(value) ? BigInt(value) : undefined;
  else if (/^\d{1,20}$/.test(value)) seed = BigInt(value);
  if (seed === undefined || seed < 0n || seed > MAX_SEED)
    throw new SimulationError(
      "bad-seed",
      path,
      `the seed must be a decimal integer from 0 to ${MAX_SEED}, got ${JSON.stringify(String(value))}`,
      value,
    );
  return seed;
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

/** A xoshiro128** stream. Floats it returns feed physics and draws, never money or quantities. */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** A generator with this exact 128-bit state (four 32-bit words, not all zero). */
  constructor(s0: number, s1: number, s2: number, s3: number) {
    if ((s0 | s1 | s2 | s3) === 0) throw new RangeError("xoshiro128** state must not be all zero");
    this.s0 = s0 | 0;
    this.s1 = s1 | 0;
    this.s2 = s2 | 0;
    this.s3 = s3 | 0;
  }

  /** The stream named `name` of `seed`: its state comes from two SplitMix64 outputs. */
  static stream(seed: bigint, ...name: readonly (string | number)[]): Random {
    let state = (seed ^ fnv1a64(name.join("\u0000"))) & MASK64;
    const words: number[] = [];
    for (let i = 0; i < 2; i++) {
      const r = splitMix64(state);
      state = r.state;
      words.push(Number(r.value & 0xffffffffn), Number(r.value >> 32n));
    }
    const [a = 0, b = 0, c = 0, d = 0] = words;
    // SplitMix64 never gives two zero outputs in a row, so the state is never all zero
    return new Random(a, b, c, d);
  }

  /** The next 32-bit output, unsigned. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A float in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A float in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** A normal draw (Box–Muller), clamped to [lo, hi] so profiles stay plausible. */
  normal(mean: number, sd: number, lo = -Infinity, hi = Infinity): number {
    const u = 1 - this.next(); // (0, 1]: log(u) is finite
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
    return Math.min(hi, Math.max(lo, mean + sd * z));
  }

  /** One of `items`, by the given weights (all > 0). */
  pick<T>(items: readonly T[], weights: readonly number[]): T {
    const total = weights.reduce((a, b) => a + b, 0);
    let x = this.next() * total;
    for (let i = 0; i < items.length; i++) {
      x -= weights[i] ?? 0;
      if (x < 0) return items[i] as T;
    }
    return items[items.length - 1] as T;
  }
}
