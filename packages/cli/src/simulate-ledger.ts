/**
 * `transactive simulate --ledger DIR`: writes the market's day into a new ledger and settles it.
 * Every agent that traded and the market get an identity and a registration; every transaction
 * of an agent with the market becomes a contract (the agent and the market as seller and buyer,
 * both signing the EI transaction); every agent's meter reports what it delivered per interval;
 * the market settles the run at its clearing prices (a day in one period), each period in parts
 * of bounded size. Records of different authors go in bulk (appendMany); an author's next record
 * is drafted once its previous one is in, so the contracts go in rounds of one per agent.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { Decimal } from "@transactive/emix";
import {
  type ClearingPrice,
  fillTransaction,
  generateIdentity,
  type Identity,
  type InitOptions,
  Ledger,
  LedgerError,
  type SignedRecord,
  settleDay,
  signedContract,
} from "@transactive/ledger";
import {
  type IntervalOutcome,
  type LedgerSummary,
  median,
  type SimInterval,
} from "@transactive/sim";

/** The market's EI party ID in the ledger. */
export const MARKET_EI_PARTY = "microgrid-market";

/**
 * Most intervals in one settlement period: every part of a period lists the clearing price of
 * each of its intervals (about 70 bytes each), so a week of PT5M (2,016 intervals) would not fit
 * in a part; 288 (a day of PT5M) take about 20 KB of a part's 128 KiB.
 */
export const MAX_PERIOD_INTERVALS = 288;

/**
 * Most fills of one agent in one settlement period: an agent and its contracts with the market
 * are one group of a part (a contract hash is 67 bytes), so 1,000 fills take about 67 KB.
 */
export const MAX_AGENT_FILLS = 1000;

/**
 * Periods [from, to) of whole intervals, each within `maxIntervals` intervals and within
 * `maxFills` fills of any one agent (an interval is never split).
 */
function planPeriods(
  run: readonly LedgerInterval[],
  maxIntervals: number,
  maxFills: number,
): [number, number][] {
  const plan: [number, number][] = [];
  let from = 0;
  let fills = new Map<string, number>();
  for (let i = 0; i < run.length; i++) {
    const mine = new Map<string, number>();
    for (const f of (run[i] as LedgerInterval).outcome.fills ?? [])
      mine.set(f.party, (mine.get(f.party) ?? 0) + 1);
    const over = [...mine].some(([party, n]) => (fills.get(party) ?? 0) + n > maxFills);
    if (i > from && (i - from >= maxIntervals || over)) {
      plan.push([from, i]);
      from = i;
      fills = new Map();
    }
    for (const [party, n] of mine) fills.set(party, (fills.get(party) ?? 0) + n);
  }
  if (from < run.length) plan.push([from, run.length]);
  return plan;
}

/** One interval's market outcome, as `runSimulation` reports it. */
export interface LedgerInterval {
  readonly interval: SimInterval;
  readonly outcome: IntervalOutcome;
}

/** A refusal of --ledger before anything is written (the command reports it as a usage error). */
export class LedgerTargetError extends Error {
  override readonly name = "LedgerTargetError";
}

/** Refuses a directory that holds a ledger already: a second day needs a new directory. */
export function checkLedgerTarget(dir: string): void {
  if (existsSync(join(dir, "ledger.json")))
    throw new LedgerTargetError(
      `simulate --ledger ${dir}: a ledger exists there already (one simulated day per ledger: the agents' keys are new in every run); give a new directory`,
    );
}

/** UTC "YYYY-MM-DDTHH:MM:SSZ" of epoch milliseconds (the ledger's time form). */
function utc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** The ISO 8601 duration of an interval in seconds ("PT15M"). */
function duration(seconds: number): string {
  if (seconds % 3600 === 0) return `PT${seconds / 3600}H`;
  if (seconds % 60 === 0) return `PT${seconds / 60}M`;
  return `PT${seconds}S`;
}

interface Pending {
  readonly transactionID: string;
  readonly side: "buy" | "sell";
  readonly start: string;
  /** kW: the EI product is power over the interval */
  readonly kw: Decimal;
  readonly price: Decimal;
}

/**
 * Creates the ledger in `dir`, writes the run into it and settles it. Throws LedgerError on a
 * record the ledger refuses, SimulationError-free: the outcomes were checked by the runner.
 */
export async function writeDayToLedger(
  dir: string,
  run: readonly LedgerInterval[],
  currency: string,
  options: {
    /** most intervals of a settlement period (default MAX_PERIOD_INTERVALS) */
    readonly maxPeriodIntervals?: number;
    /** most fills of one agent in a settlement period (default MAX_AGENT_FILLS) */
    readonly maxAgentFills?: number;
    /** most bytes of a settlement part's body (default: the ledger's SETTLEMENT_PART_BYTES) */
    readonly maxPartBytes?: number;
    /** the new ledger's proof of work (default: the ledger's) */
    readonly init?: InitOptions;
  } = {},
): Promise<LedgerSummary> {
  const marketContext = "urn:transactive:sim:grid";

  // what each agent did, per interval, and the clearing prices
  const perAgent = new Map<string, Pending[]>();
  const delivered = new Map<string, Map<string, Decimal>>();
  const prices: ClearingPrice[] = [];
  const values: Decimal[] = [];
  let seconds = 0;
  for (const { interval, outcome } of run) {
    seconds = interval.seconds;
    const start = utc(interval.startMs);
    const fills = outcome.fills ?? [];
    if (outcome.clearingPrice !== null)
      prices.push({
        start,
        duration: duration(interval.seconds),
        price: outcome.clearingPrice.toString(),
      });
    else if (fills.length > 0)
      throw new LedgerError(
        "settlement-mismatch",
        `/intervals/${interval.index}`,
        "the market reported fills but no clearing price",
      );
    fills.forEach((f, k) => {
      let list = perAgent.get(f.party);
      if (list === undefined) perAgent.set(f.party, (list = []));
      const kw = f.quantity.mul(3600).div(interval.seconds);
      list.push({
        transactionID: `sim-${interval.index}-${f.party}-${k}`,
        side: f.side,
        start,
        kw,
        price: f.price,
      });
      values.push(f.quantity.mul(f.price).abs());
      let meter = delivered.get(f.party);
      if (meter === undefined) delivered.set(f.party, (meter = new Map()));
      const signed = f.side === "sell" ? f.quantity : f.quantity.neg();
      meter.set(start, (meter.get(start) ?? Decimal.ZERO).add(signed));
    });
  }
  if (run.length === 0) throw new LedgerError("malformed", "/intervals", "no intervals to settle");

  const plan = planPeriods(
    run,
    options.maxPeriodIntervals ?? MAX_PERIOD_INTERVALS,
    options.maxAgentFills ?? MAX_AGENT_FILLS,
  );

  Ledger.init(dir, options.init);
  const ledger = await Ledger.open(dir);
  try {
    const bulk = async (records: SignedRecord[]) => {
      const out = await ledger.appendMany(records);
      for (const o of out) if (!o.ok) throw o.error;
    };
    const market = generateIdentity();
    const ids = new Map<string, Identity>();
    for (const party of [...perAgent.keys()].sort()) ids.set(party, generateIdentity());
    const registrations = [ledger.register(market, MARKET_EI_PARTY)];
    for (const [party, id] of ids) registrations.push(ledger.register(id, party));
    await bulk(registrations);

    // contracts in rounds: the k-th transaction of every agent in one bulk append
    const rounds = Math.max(0, ...[...perAgent.values()].map((l) => l.length));
    for (let k = 0; k < rounds; k++) {
      const batch: SignedRecord[] = [];
      for (const [party, list] of perAgent) {
        const p = list[k];
        if (p === undefined) continue;
        const agent = ids.get(party) as Identity;
        const [seller, buyer] = p.side === "sell" ? [agent, market] : [market, agent];
        const ei = fillTransaction({
          transactionID: p.transactionID,
          sellerEiPartyID: p.side === "sell" ? party : MARKET_EI_PARTY,
          buyerEiPartyID: p.side === "sell" ? MARKET_EI_PARTY : party,
          start: p.start,
          duration: duration(seconds),
          intervals: [{ quantity: p.kw, price: p.price }],
          currency,
          marketContext,
        });
        const terms = {
          ei: ei.toString("base64"),
          seller: seller.partyId,
          buyer: buyer.partyId,
          market: market.partyId,
        };
        batch.push(ledger.draft(agent, "contract", signedContract(terms, seller, buyer)));
      }
      await bulk(batch);
    }

    // each agent's meter: it delivered what it was awarded (sold minus bought, kWh)
    const meters: SignedRecord[] = [];
    for (const [party, meter] of delivered)
      meters.push(
        ledger.draft(ids.get(party) as Identity, "delivery", {
          intervals: [...meter].map(([start, energy]) => ({
            start,
            duration: duration(seconds),
            energy: energy.toString(),
          })),
        }),
      );
    await bulk(meters);

    // the run in settlement periods of whole intervals (one for a day), each settled in parts:
    // every agent trades with the market only, so each agent is a group of its own, and the
    // parts pack agents under the part budget
    let total = 0n;
    const parties = new Set<string>([market.partyId]);
    const deliveryRecords = new Set<string>();
    let contracts = 0;
    let parts = 0;
    for (const [from, to] of plan) {
      const a = run[from] as LedgerInterval;
      const b = run[to - 1] as LedgerInterval;
      const start = utc(a.interval.startMs);
      const end = utc(b.interval.startMs + b.interval.seconds * 1000);
      const settled = await settleDay(ledger, {
        market,
        currency,
        period: { start, end },
        prices: prices.filter((p) => p.start >= start && p.start < end),
        ...(options.maxPartBytes === undefined ? {} : { maxPartBytes: options.maxPartBytes }),
      });
      for (const v of settled.result.net.values()) total += v;
      for (const s of settled.result.settledIntervals) parties.add(s.slice(0, s.indexOf("|")));
      for (const r of settled.records)
        for (const h of r.record.body.deliveries) deliveryRecords.add(h);
      contracts += settled.contracts;
      parts += settled.parts;
    }
    await ledger.sync();
    const med = median(values);
    return {
      directory: resolve(dir),
      records: ledger.size,
      medianTransactionValue: med === undefined ? null : med.toString(),
      settlement: {
        total: Decimal.fraction(total, 1_000_000n).toString(),
        partiesSettled: parties.size,
        contracts,
        deliveries: deliveryRecords.size,
        periods: plan.length,
        parts,
      },
    };
  } finally {
    await ledger.close();
  }
}
