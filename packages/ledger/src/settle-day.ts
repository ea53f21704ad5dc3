/**
 * Settling a period from what a ledger holds: the market's unsettled contracts inside the
 * period and the metered deliveries of the period, at the clearing prices the market gives.
 *
 * A period is settled in parts, so a day of thousands of parties fits in records of bounded size:
 * the parties other than the market are grouped so that two parties of a contract without the
 * market land in the same group (union-find), and whole groups are packed into parts under a byte
 * budget. Each part is an ordinary settlement record: its contracts, its parties' deliveries and
 * their net changes, the market (counterparty of every imbalance) included, summing to zero. Every
 * node recomputes each part (settle) from the records it names and refuses it when a figure
 * differs.
 */
import { Decimal } from "@transactive/emix";
import { canonicalize } from "./canonical.js";
import { fail, LedgerError } from "./errors.js";
import type { Identity } from "./identity.js";
import type { Ledger } from "./ledger.js";
import {
  type ClearingPrice,
  durationSeconds,
  MAX_RECORD_BYTES,
  type SettlementBody,
  type SignedRecord,
  utcMillis,
} from "./record.js";
import {
  type ContractTerms,
  type Delivered,
  type IntervalPrice,
  type SettlementResult,
  settle,
} from "./settlement.js";

/**
 * Default budget of one part's body, bytes: half the record limit, so the envelope (author,
 * links, refs, signature) never brings a part near the 256 KiB a record may have.
 */
export const SETTLEMENT_PART_BYTES = 128 * 1024;

/** Room a record needs around its body: fields, up to 16 refs, signature (generous). */
const ENVELOPE_BYTES = 4096;
/** A hash in a body list: quoted, with its comma. */
const HASH_ENTRY = 67;
/** A net entry without its party and amount. */
const NET_ENTRY = '{"amount":"","party":""},'.length;
/** The market's net entry of a part, at its widest (a party ID, 31 digits and a sign). */
const MARKET_ENTRY = NET_ENTRY + 42 + 32;

/** What to settle: the market's period, currency and clearing price per interval. */
export interface SettleDayInput {
  /** the market's identity (it signs the settlement) */
  readonly market: Identity;
  /** UTC "YYYY-MM-DDTHH:MM:SSZ", end exclusive */
  readonly period: { readonly start: string; readonly end: string };
  readonly currency: string;
  /** one per delivery interval of the period, in time order */
  readonly prices: readonly ClearingPrice[];
  /** most bytes of one part's body (default SETTLEMENT_PART_BYTES) */
  readonly maxPartBytes?: number;
}

/** One part of a period's settlement: one record's body and what it settles. */
export interface SettlementPart {
  readonly body: SettlementBody;
  readonly result: SettlementResult;
  /** the parties it settles, the market left out, sorted */
  readonly parties: readonly string[];
}

/** A period's settlement, planned in parts. */
export interface SettlementPlan {
  /** at least one; an empty period gives one part that settles nothing */
  readonly parts: readonly SettlementPart[];
  /** the period as one settlement: every part's lines, the net changes summed per party */
  readonly result: SettlementResult;
  /** open records of the period the plan leaves open (docs/ledger.md, settlement in parts) */
  readonly left: {
    /** hashes of contracts of which a party's interval an earlier settlement closed */
    readonly contracts: readonly string[];
    /** hashes of delivery records of parties without a contract in the period, or partly settled */
    readonly deliveries: readonly string[];
  };
}

/** The settlement records appended and what they settled. */
export interface SettleDayResult {
  /** one settlement record per part, in the order appended */
  readonly records: readonly SignedRecord<"settlement">[];
  /** the period as one settlement: every part's lines, the net changes summed per party */
  readonly result: SettlementResult;
  /** number of parts (settlement records) */
  readonly parts: number;
  /** contracts and delivery records settled, over all parts */
  readonly contracts: number;
  readonly deliveries: number;
  /** what the settlement leaves open (SettlementPlan.left) */
  readonly left: SettlementPlan["left"];
}

interface Group {
  readonly root: string;
  readonly parties: string[];
  readonly contracts: (ContractTerms & { settled: boolean })[];
  readonly deliveries: { hash: string; rows: readonly Delivered[] }[];
  result?: SettlementResult;
  bytes: number;
}

/**
 * Plans the settlement of a period in parts, computed from the ledger's records; appends nothing.
 * Throws `settlement-too-large` naming a group (by its first party) that alone exceeds the part
 * budget, and `settlement-mismatch` when the records cannot be settled (e.g. a missing reading).
 */
export function settlementParts(ledger: Ledger, input: SettleDayInput): SettlementPlan {
  const maxBytes = input.maxPartBytes ?? SETTLEMENT_PART_BYTES;
  if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > MAX_RECORD_BYTES - ENVELOPE_BYTES)
    fail(
      "malformed",
      "/maxPartBytes",
      `an integer of bytes from 1 to ${MAX_RECORD_BYTES - ENVELOPE_BYTES}`,
    );
  const start = utcMillis(input.period.start);
  const end = utcMillis(input.period.end);
  const market = input.market.partyId;
  const settled = ledger.state.settled;
  const prices: IntervalPrice[] = input.prices.map((p) => {
    const s = utcMillis(p.start);
    return { start: s, end: s + durationSeconds(p.duration) * 1000, price: Decimal.of(p.price) };
  });
  const left = { contracts: [] as string[], deliveries: [] as string[] };

  // union-find over the parties other than the market; a root is its group's smallest party ID
  const parent = new Map<string, string>();
  const find = (p: string): string => {
    let root = p;
    while (parent.get(root) !== root) root = parent.get(root) as string;
    for (let q = p; q !== root; ) {
      const next = parent.get(q) as string;
      parent.set(q, root);
      q = next;
    }
    return root;
  };
  const join = (a: string, b: string) => {
    const x = find(a);
    const y = find(b);
    if (x < y) parent.set(y, x);
    else if (y < x) parent.set(x, y);
  };
  const contracts = [];
  for (const c of ledger.state.contracts.values()) {
    if (
      c.market !== market ||
      c.settled ||
      c.currency !== input.currency ||
      !c.intervals.every((iv) => iv.start >= start && iv.end <= end)
    )
      continue;
    const parties = [c.seller, c.buyer].filter((p) => p !== market);
    if (c.intervals.some((iv) => parties.some((p) => settled.has(`${p}|${iv.start}`)))) {
      left.contracts.push(c.id);
      continue;
    }
    for (const p of parties) if (!parent.has(p)) parent.set(p, p);
    if (parties.length === 2) join(parties[0] as string, parties[1] as string);
    contracts.push(c);
  }

  const groups = new Map<string, Group>();
  const group = (root: string): Group => {
    let g = groups.get(root);
    if (g === undefined)
      groups.set(root, (g = { root, parties: [], contracts: [], deliveries: [], bytes: 0 }));
    return g;
  };
  for (const p of parent.keys()) group(find(p)).parties.push(p);
  for (const c of contracts) {
    const p = c.seller !== market ? c.seller : c.buyer;
    // a contract of the market with itself has no other party: it goes with the market's own group
    group(p === market ? market : find(p)).contracts.push(c);
  }
  for (const [hash, rows] of ledger.state.deliveries) {
    const party = rows[0]?.party;
    if (party === undefined || party === market) continue; // the market has no imbalance
    const inPeriod = rows.filter((d) => d.start >= start && d.end <= end);
    const open = inPeriod.filter((d) => !settled.has(`${d.party}|${d.start}`));
    if (open.length === 0) continue;
    // only a market the party contracted with settles its readings; a record with some of its
    // readings settled already cannot be named again (those intervals are closed)
    if (!parent.has(party) || open.length !== inPeriod.length) {
      left.deliveries.push(hash);
      continue;
    }
    group(find(party)).deliveries.push({ hash, rows });
  }

  // each group settled on its own (exact sizes), then packed in order into parts
  const base: Omit<SettlementBody, "contracts" | "deliveries" | "net"> = {
    period: { start: input.period.start, end: input.period.end },
    currency: input.currency,
    prices: input.prices.map((p) => ({ start: p.start, duration: p.duration, price: p.price })),
  };
  const baseBytes =
    canonicalize({ ...base, contracts: [], deliveries: [], net: [] }).length + MARKET_ENTRY;
  const sorted = [...groups.values()].sort((a, b) => (a.root < b.root ? -1 : 1));
  const packed: Group[][] = [];
  let room = 0;
  for (const g of sorted) {
    try {
      g.result = settle({
        period: { start, end },
        currency: input.currency,
        market,
        prices,
        contracts: g.contracts,
        deliveries: g.deliveries.flatMap((d) => d.rows),
      });
    } catch (e) {
      if (!(e instanceof LedgerError)) throw e;
      throw new LedgerError(
        e.code,
        e.field,
        `${e.message.slice(e.field === "" ? 0 : e.field.length + 2)} (the group of ${g.root})`,
      );
    }
    g.bytes = HASH_ENTRY * (g.contracts.length + g.deliveries.length);
    for (const [party, amount] of g.result.net)
      if (party !== market) g.bytes += NET_ENTRY + party.length + String(amount).length;
    if (baseBytes + g.bytes > maxBytes)
      fail(
        "settlement-too-large",
        `/groups/${g.root}`,
        `the group of ${g.root} (${g.parties.length} parties linked by contracts without the market, ${g.contracts.length} contracts, ${g.deliveries.length} delivery records) needs about ${baseBytes + g.bytes} bytes, over the ${maxBytes} of one part`,
      );
    if (packed.length === 0 || g.bytes > room) {
      packed.push([]);
      room = maxBytes - baseBytes;
    }
    (packed[packed.length - 1] as Group[]).push(g);
    room -= g.bytes;
  }
  if (packed.length === 0) packed.push([]);

  const parts = packed.map((gs): SettlementPart => {
    const result = merge(gs.map((g) => g.result as SettlementResult));
    return {
      body: {
        ...base,
        contracts: gs.flatMap((g) => g.contracts.map((c) => c.id)).sort(),
        deliveries: gs.flatMap((g) => g.deliveries.map((d) => d.hash)).sort(),
        net: [...result.net].map(([party, amount]) => ({ party, amount: amount.toString() })),
      },
      result,
      parties: gs.flatMap((g) => g.parties).sort(),
    };
  });
  left.contracts.sort();
  left.deliveries.sort();
  return {
    parts,
    result: merge(parts.map((p) => p.result)),
    left,
  };
}

/** Settlements of disjoint parties as one: lines joined, net changes summed per party. */
function merge(results: readonly SettlementResult[]): SettlementResult {
  if (results.length === 1) return results[0] as SettlementResult;
  const net = new Map<string, bigint>();
  for (const r of results)
    for (const [party, amount] of r.net) net.set(party, (net.get(party) ?? 0n) + amount);
  return {
    lines: results.flatMap((r) => r.lines),
    net: new Map([...net].filter(([, v]) => v !== 0n).sort(([a], [b]) => (a < b ? -1 : 1))),
    imbalances: results.reduce((n, r) => n + r.imbalances, 0),
    settledIntervals: results.flatMap((r) => r.settledIntervals),
  };
}

/**
 * Computes, signs and appends the settlement of a period, part by part; resolves once every part
 * is durable. A refused part stops it: the parts before it stay (each settles its parties
 * completely) and a second call settles what is still open.
 */
export async function settleDay(ledger: Ledger, input: SettleDayInput): Promise<SettleDayResult> {
  const plan = settlementParts(ledger, input);
  const records: SignedRecord<"settlement">[] = [];
  for (const part of plan.parts) {
    const record = ledger.draft(input.market, "settlement", part.body);
    await ledger.append(record);
    records.push(record);
  }
  return {
    records,
    result: plan.result,
    parts: plan.parts.length,
    contracts: plan.parts.reduce((n, p) => n + p.body.contracts.length, 0),
    deliveries: plan.parts.reduce((n, p) => n + p.body.deliveries.length, 0),
    left: plan.left,
  };
}
