/**
 * Settlement of one period, a pure function of its inputs. Per delivery interval, the two-
 * settlement rule: each contract is paid at its own price for the contracted energy (buyer to
 * seller); each party's imbalance, delivered minus contracted net energy, is paid at the
 * market's clearing price of the interval between the party and the market (the party is paid
 * for a surplus and pays for a shortfall). Every line is one transfer between two parties, so
 * the net changes, summed per party, add up to exactly zero.
 */
import type { Decimal } from "@transactive/emix";
import { fail } from "./errors.js";
import { toMicroUnits } from "./money.js";

/** One delivery interval of a contract: energy the seller delivers to the buyer, at a price. */
export interface ContractInterval {
  /** epoch milliseconds */
  readonly start: number;
  readonly end: number;
  /** energy (kWh for a kW product), exact */
  readonly energy: Decimal;
  /** currency units per unit of energy, exact */
  readonly price: Decimal;
}

/** What a contract commits its parties to, as settlement reads it. */
export interface ContractTerms {
  /** the contract record's hash */
  readonly id: string;
  readonly seller: string;
  readonly buyer: string;
  readonly market: string;
  readonly currency: string;
  readonly intervals: readonly ContractInterval[];
}

/** Net energy a party delivered to the grid over one interval (negative: it took energy). */
export interface Delivered {
  readonly party: string;
  readonly start: number;
  readonly end: number;
  readonly energy: Decimal;
}

/** The market's clearing price of one interval. */
export interface IntervalPrice {
  readonly start: number;
  readonly end: number;
  readonly price: Decimal;
}

/** Everything a settlement of one period reads. */
export interface SettlementInput {
  /** epoch milliseconds, end exclusive */
  readonly period: { readonly start: number; readonly end: number };
  readonly currency: string;
  /** the market: settles, and is the counterparty of every imbalance */
  readonly market: string;
  readonly prices: readonly IntervalPrice[];
  readonly contracts: readonly ContractTerms[];
  /** metered deliveries; intervals outside the period are ignored */
  readonly deliveries: readonly Delivered[];
}

/** One transfer of a settlement. */
export interface SettlementLine {
  readonly kind: "contract" | "imbalance";
  readonly start: number;
  readonly from: string;
  readonly to: string;
  /** micro-units, >= 0 */
  readonly amount: bigint;
  /** the contract's ID, for a contract line */
  readonly contract?: string;
}

/** The result: every line, and the net change per party (sorted by party, zeros left out). */
export interface SettlementResult {
  readonly lines: readonly SettlementLine[];
  readonly net: ReadonlyMap<string, bigint>;
  /** number of (party, interval) imbalances settled */
  readonly imbalances: number;
  /** the (party, interval start) pairs this settlement closes, the market's never */
  readonly settledIntervals: readonly string[];
}

/** Settles one period. Throws `settlement-mismatch` (naming the input) when it cannot be settled. */
export function settle(input: SettlementInput): SettlementResult {
  const { period, market } = input;
  const prices = new Map<number, IntervalPrice>();
  let last = period.start;
  input.prices.forEach((p, i) => {
    if (p.start < last || p.end <= p.start || p.end > period.end)
      fail(
        "settlement-mismatch",
        `/prices/${i}`,
        "prices cover the period in time order, without overlap",
      );
    prices.set(p.start, p);
    last = p.end;
  });
  const priceOf = (start: number, end: number, field: string): Decimal => {
    const p = prices.get(start);
    if (p === undefined || p.end !== end)
      fail(
        "settlement-mismatch",
        field,
        `no clearing price for the interval ${iso(start)}/${iso(end)}`,
      );
    return p.price;
  };

  const lines: SettlementLine[] = [];
  // party → interval start → contracted net energy delivered (sold minus bought)
  const position = new Map<string, Map<number, Decimal>>();
  const add = (m: Map<string, Map<number, Decimal>>, party: string, start: number, e: Decimal) => {
    let row = m.get(party);
    if (row === undefined) m.set(party, (row = new Map()));
    const had = row.get(start);
    row.set(start, had === undefined ? e : had.add(e));
  };
  input.contracts.forEach((c, ci) => {
    const f = `/contracts/${ci}`;
    if (c.market !== market)
      fail("settlement-mismatch", f, `settled by ${c.market}, not ${market}`);
    if (c.currency !== input.currency)
      fail("settlement-mismatch", f, `contract in ${c.currency}, settlement in ${input.currency}`);
    c.intervals.forEach((iv, ii) => {
      const g = `${f}/intervals/${ii}`;
      if (iv.start < period.start || iv.end > period.end)
        fail("settlement-mismatch", g, `interval ${iso(iv.start)} lies outside the period`);
      priceOf(iv.start, iv.end, g);
      const amount = toMicroUnits(iv.energy.mul(iv.price));
      if (amount !== 0n)
        lines.push(
          amount > 0n
            ? {
                kind: "contract",
                start: iv.start,
                from: c.buyer,
                to: c.seller,
                amount,
                contract: c.id,
              }
            : {
                kind: "contract",
                start: iv.start,
                from: c.seller,
                to: c.buyer,
                amount: -amount,
                contract: c.id,
              },
        );
      add(position, c.seller, iv.start, iv.energy);
      add(position, c.buyer, iv.start, iv.energy.neg());
    });
  });

  const metered = new Map<string, Map<number, Decimal>>();
  input.deliveries.forEach((d, di) => {
    if (d.start < period.start || d.end > period.end) return;
    const f = `/deliveries/${di}`;
    priceOf(d.start, d.end, f);
    if (metered.get(d.party)?.has(d.start))
      fail("duplicate-delivery", f, `a second delivery of ${d.party} for ${iso(d.start)}`);
    add(metered, d.party, d.start, d.energy);
  });

  const settledIntervals: string[] = [];
  let imbalances = 0;
  const parties = new Set([...position.keys(), ...metered.keys()]);
  for (const party of [...parties].sort()) {
    const pos = position.get(party);
    const met = metered.get(party);
    const starts = new Set([...(pos?.keys() ?? []), ...(met?.keys() ?? [])]);
    for (const start of [...starts].sort((a, b) => a - b)) {
      const contracted = pos?.get(start);
      const delivered = met?.get(start);
      if (delivered === undefined && party !== market)
        fail(
          "settlement-mismatch",
          "/deliveries",
          `no metered delivery of ${party} for the interval starting ${iso(start)}`,
        );
      // the market has no imbalance (it would be a payment to itself) and nothing of it is closed:
      // it is the counterparty in every part of a period
      if (party === market) continue;
      settledIntervals.push(`${party}|${start}`);
      imbalances++;
      const p = prices.get(start) as IntervalPrice;
      const surplus = (delivered as Decimal).sub(contracted ?? ZERO(delivered as Decimal));
      const amount = toMicroUnits(surplus.mul(p.price));
      if (amount > 0n) lines.push({ kind: "imbalance", start, from: market, to: party, amount });
      else if (amount < 0n)
        lines.push({ kind: "imbalance", start, from: party, to: market, amount: -amount });
    }
  }

  const net = new Map<string, bigint>();
  for (const l of lines) {
    net.set(l.from, (net.get(l.from) ?? 0n) - l.amount);
    net.set(l.to, (net.get(l.to) ?? 0n) + l.amount);
  }
  const sorted = new Map([...net].filter(([, v]) => v !== 0n).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { lines, net: sorted, imbalances, settledIntervals };
}

const ZERO = (d: Decimal): Decimal => d.sub(d);

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}
