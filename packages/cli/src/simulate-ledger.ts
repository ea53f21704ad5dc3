/**
 * `transactive simulate --ledger DIR`: writes the market's day into a new ledger and settles it.
 * Every agent that traded and the market get an identity and a registration; every transaction
 * of an agent with the market becomes a contract (the agent and the market as seller and buyer,
 * both signing the EI transaction); every agent's meter reports what it delivered per interval;
 * the market settles the run at its clearing prices, in periods of whole intervals. Records of different authors go in
 * bulk (appendMany); an author's next record is drafted once its previous one is in, so the
 * contracts go in rounds of one per agent.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { Decimal } from "@transactive/emix";
import {
  type ClearingPrice,
  fillTransaction,
  generateIdentity,
  type Identity,
  Ledger,
  LedgerError,
  type SignedRecord,
  settlementBody,
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

/** The ledger's largest record, bytes (its MAX_RECORD_BYTES). */
const MAX_RECORD_BYTES = 256 * 1024;

/**
 * Entries one settlement record lists at most by the plan: a contract hash per fill, a delivery
 * hash and a net change per party, about 70 bytes each, so about 210 KB under the 256 KiB limit.
 */
export const MAX_SETTLEMENT_ENTRIES = 3000;

/** Entries of one interval's settlement: its fills and twice its parties. */
function entries(d: LedgerInterval): number {
  const fills = d.outcome.fills ?? [];
  return fills.length + 2 * new Set(fills.map((f) => f.party)).size;
}

/**
 * Periods [from, to) of whole intervals, each within `limit` entries; refuses (before anything is
 * written) an interval that alone has more: the ledger could not settle it in one record.
 */
function planPeriods(run: readonly LedgerInterval[], limit: number): [number, number][] {
  const plan: [number, number][] = [];
  let from = 0;
  while (from < run.length) {
    let n = entries(run[from] as LedgerInterval);
    if (n > Math.max(limit, MAX_SETTLEMENT_ENTRIES))
      throw new LedgerError(
        "malformed",
        `/intervals/${(run[from] as LedgerInterval).interval.index}`,
        `${n} settlement entries (fills and twice the trading agents) in one interval: over the ${MAX_SETTLEMENT_ENTRIES} one settlement record holds; write fewer agents into a ledger`,
      );
    let to = from + 1;
    while (to < run.length && n + entries(run[to] as LedgerInterval) <= limit) {
      n += entries(run[to] as LedgerInterval);
      to++;
    }
    plan.push([from, to]);
    from = to;
  }
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
  options: { readonly maxSettlementEntries?: number } = {},
): Promise<LedgerSummary> {
  const limit = options.maxSettlementEntries ?? MAX_SETTLEMENT_ENTRIES;
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

  const plan = planPeriods(run, limit);

  Ledger.init(dir);
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

    // the day in settlement periods of whole intervals, each record under the ledger's record
    // limit (a settlement lists the hashes of its contracts and deliveries and a net per party):
    // planned by an estimate, a period whose record still comes out too big is halved
    let total = 0n;
    const parties = new Set<string>();
    const deliveryRecords = new Set<string>();
    let contracts = 0;
    let periods = 0;
    const settlePeriod = async (from: number, to: number): Promise<void> => {
      const a = run[from] as LedgerInterval;
      const b = run[to - 1] as LedgerInterval;
      const start = utc(a.interval.startMs);
      const end = utc(b.interval.startMs + b.interval.seconds * 1000);
      const input = {
        market,
        currency,
        period: { start, end },
        prices: prices.filter((p) => p.start >= start && p.start < end),
      };
      const { body, result } = settlementBody(ledger, input);
      const record = ledger.draft(market, "settlement", body);
      if (record.bytes.length > MAX_RECORD_BYTES) {
        if (to - from === 1)
          throw new LedgerError(
            "malformed",
            `/intervals/${a.interval.index}`,
            `the settlement of this one interval would be a record of ${record.bytes.length} bytes, over the ledger's ${MAX_RECORD_BYTES}`,
          );
        const mid = from + ((to - from) >> 1);
        await settlePeriod(from, mid);
        await settlePeriod(mid, to);
        return;
      }
      await ledger.append(record);
      for (const v of result.net.values()) total += v;
      for (const s of result.settledIntervals) parties.add(s.split("|")[0] as string);
      for (const h of body.deliveries) deliveryRecords.add(h);
      contracts += body.contracts.length;
      periods++;
    };
    for (const [from, to] of plan) await settlePeriod(from, to);
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
        periods,
      },
    };
  } finally {
    await ledger.close();
  }
}
