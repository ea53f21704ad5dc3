/**
 * Settling a period from what a ledger holds: the market's unsettled contracts inside the
 * period and the metered deliveries of the period, at the clearing prices the market gives.
 * The settlement record carries the net change per party; every node recomputes it (settle)
 * from the same records and refuses it when a figure differs.
 */
import { Decimal } from "@transactive/emix";
import type { Identity } from "./identity.js";
import type { Ledger } from "./ledger.js";
import {
  type ClearingPrice,
  durationSeconds,
  type SettlementBody,
  type SignedRecord,
  utcMillis,
} from "./record.js";
import { type SettlementResult, settle } from "./settlement.js";

/** What to settle: the market's period, currency and clearing price per interval. */
export interface SettleDayInput {
  /** the market's identity (it signs the settlement) */
  readonly market: Identity;
  /** UTC "YYYY-MM-DDTHH:MM:SSZ", end exclusive */
  readonly period: { readonly start: string; readonly end: string };
  readonly currency: string;
  /** one per delivery interval of the period, in time order */
  readonly prices: readonly ClearingPrice[];
}

/** The settlement record and what it settled. */
export interface SettleDayResult {
  readonly record: SignedRecord<"settlement">;
  readonly result: SettlementResult;
  readonly contracts: number;
  readonly deliveries: number;
}

/** The settlement body of a period, computed from the ledger's records. */
export function settlementBody(
  ledger: Ledger,
  input: SettleDayInput,
): { body: SettlementBody; result: SettlementResult } {
  const start = utcMillis(input.period.start);
  const end = utcMillis(input.period.end);
  const market = input.market.partyId;
  const contracts = [...ledger.state.contracts.values()].filter(
    (c) =>
      c.market === market &&
      !c.settled &&
      c.currency === input.currency &&
      c.intervals.every((iv) => iv.start >= start && iv.end <= end),
  );
  const deliveryHashes: string[] = [];
  const deliveries = [];
  for (const [hash, rows] of ledger.state.deliveries) {
    const open = rows.filter(
      (d) => d.start >= start && d.end <= end && !ledger.state.settled.has(`${d.party}|${d.start}`),
    );
    if (
      open.length === 0 ||
      open.length !== rows.filter((d) => d.start >= start && d.end <= end).length
    )
      continue;
    deliveryHashes.push(hash);
    deliveries.push(...rows);
  }
  const result = settle({
    period: { start, end },
    currency: input.currency,
    market,
    prices: input.prices.map((p) => {
      const s = utcMillis(p.start);
      return { start: s, end: s + durationSeconds(p.duration) * 1000, price: Decimal.of(p.price) };
    }),
    contracts,
    deliveries,
  });
  const body: SettlementBody = {
    period: { start: input.period.start, end: input.period.end },
    currency: input.currency,
    prices: input.prices.map((p) => ({ start: p.start, duration: p.duration, price: p.price })),
    contracts: contracts.map((c) => c.id).sort(),
    deliveries: deliveryHashes.sort(),
    net: [...result.net].map(([party, amount]) => ({ party, amount: amount.toString() })),
  };
  return { body, result };
}

/** Computes, signs and appends the settlement of a period; resolves once it is durable. */
export async function settleDay(ledger: Ledger, input: SettleDayInput): Promise<SettleDayResult> {
  const { body, result } = settlementBody(ledger, input);
  const record = ledger.draft(input.market, "settlement", body);
  await ledger.append(record);
  return { record, result, contracts: body.contracts.length, deliveries: body.deliveries.length };
}
