/**
 * NATS subjects of the scale-out layer (docs/scale-out.md "Subjects"). Every market ID, party ID
 * and interval becomes one subject token; characters NATS gives a meaning to ('.', '*', '>',
 * whitespace) and '%' itself are percent-encoded, so "grid.0" is the token "grid%2E0".
 */
import { ScaleError } from "./errors.js";

/** The default first token of every subject. */
export const DEFAULT_PREFIX = "transactive";

/** One subject token for an ID (see the module comment). */
export function subjectToken(id: string): string {
  if (typeof id !== "string" || id === "")
    throw new ScaleError("bad-option", "/id", "a subject token needs a non-empty ID");
  return id.replace(
    /[.*>%\s]/gu,
    (c) => `%${c.codePointAt(0)?.toString(16).toUpperCase().padStart(2, "0")}`,
  );
}

function checkPrefix(prefix: string): string {
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(prefix))
    throw new ScaleError(
      "bad-option",
      "/prefix",
      `the subject prefix ${JSON.stringify(prefix)} must be dot-separated tokens of letters, digits, '_' and '-'`,
    );
  return prefix;
}

/** `<prefix>.market.<market>.ei.<Service>`: EI request/reply of a market (tenders, quotes…). */
export function eiSubject(market: string, service: string, prefix = DEFAULT_PREFIX): string {
  return `${checkPrefix(prefix)}.market.${subjectToken(market)}.ei.${subjectToken(service)}`;
}

/** `<prefix>.market.<market>.interval.<index>.<what>`: one interval's nesting messages. */
export function intervalSubject(
  market: string,
  index: number,
  what: "tender" | "quote" | "transaction",
  prefix = DEFAULT_PREFIX,
): string {
  if (!Number.isSafeInteger(index) || index < 0)
    throw new ScaleError(
      "bad-option",
      "/index",
      `an interval index must be a whole number ≥ 0, got ${index}`,
    );
  return `${checkPrefix(prefix)}.market.${subjectToken(market)}.interval.${index}.${what}`;
}

/** `<prefix>.ledger.<stream>.record.<author>`: a ledger record of one author, in a JetStream stream. */
export function ledgerSubject(stream: string, author: string, prefix = DEFAULT_PREFIX): string {
  return `${checkPrefix(prefix)}.ledger.${subjectToken(stream)}.record.${subjectToken(author)}`;
}

/**
 * `<prefix>.sim.<what>`: control of a simulation split over processes ("ready", "tally"; JSON
 * bookkeeping of the simulation, not market data). A run's prefix carries its ID.
 */
export function simSubject(what: "ready" | "tally", prefix = DEFAULT_PREFIX): string {
  return `${checkPrefix(prefix)}.sim.${what}`;
}
