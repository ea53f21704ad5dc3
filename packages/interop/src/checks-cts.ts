/**
 * CTS 0.4 checks of a transcript: what a market and its parties said to each other must add up.
 * Per exchange (a request and its answer): the answer is the operation's response payload, the
 * tenders it says it created were in the request, a quote reply answers the quote request. Over the
 * whole transcript: a transaction answers a tender that was made (by ID, or by the party's tenders
 * in that interval), at a price within the tender's limit, for no more than it tendered, on the
 * matching side and interval, never on a cancelled tender; a delivery refers to a transaction of
 * the party for that interval, in the transaction's direction. Prices and quantities are compared
 * as exact decimals. Rule IDs are documented in docs/interop.md ("CTS rules").
 */
import { decodeXml } from "@transactive/codec";
import { fromCtsJson, isCtsJson, OPERATIONS, registry } from "@transactive/ei";
import type { CheckResult, TranscriptEntry } from "./types.js";

/**
 * What the CTS checks read of a run's context. Structural and open, so the harness's own check
 * context (checks.ts) can be passed as it is.
 */
export interface CtsCheckContext {
  /** the step name used when an entry names none */
  readonly step?: string | undefined;
}

/** The response payload (local name) of each CTS request payload. */
const RESPONSE_OF: ReadonlyMap<string, string | null> = new Map(
  Object.values(OPERATIONS)
    .filter((o) => o.profiles.includes("cts"))
    .map((o) => [local(o.request), o.response === null ? null : local(o.response)]),
);

/**
 * Checks one exchange: `cts-decodes` (both are CTS 0.4 messages), `cts-response-type` (the
 * operation's answer), `cts-created-tenders` (an eiCreatedTender names only tenders of the
 * request, all of them when it says 200), `cts-quote-reply` (an eiReplyQuote returns only the
 * quotes asked for, when IDs were asked for).
 */
export function checkCtsExchange(
  request: TranscriptEntry,
  response: TranscriptEntry,
  ctx: CtsCheckContext = {},
): CheckResult[] {
  const step = request.step ?? response.step ?? ctx.step ?? "";
  const entries = [request.seq, response.seq];
  const out: CheckResult[] = [];
  const req = decode(request);
  const res = decode(response);
  for (const [d, e] of [
    [req, request],
    [res, response],
  ] as const)
    if ("error" in d)
      out.push({
        rule: "cts-decodes",
        step,
        ok: false,
        message: `message ${e.seq} (${e.direction}) is not a CTS 0.4 message: ${d.error}`,
        entries: [e.seq],
      });
  if ("error" in req || "error" in res) return out;

  const expected = RESPONSE_OF.get(req.name);
  if (expected === undefined)
    out.push({
      rule: "cts-response-type",
      step,
      ok: false,
      message: `${req.name} is not a CTS 0.4 request`,
      entries,
    });
  else if (expected !== null)
    out.push({
      rule: "cts-response-type",
      step,
      ok: res.name === expected,
      message:
        res.name === expected
          ? `${req.name} was answered by ${expected}`
          : `${req.name} must be answered by ${expected}, got ${res.name}`,
      entries,
    });

  if (req.name === "eiCreateTender" && res.name === "eiCreatedTender") {
    const asked = list(req.value.eiTender).map((t) => String(field(t, "tenderID")));
    const created = list(res.value.tenderID).map(String);
    const foreign = created.filter((id) => !asked.includes(id));
    const code = responseCode(res.value);
    const missing = code === "200" ? asked.filter((id) => !created.includes(id)) : [];
    const ok = foreign.length === 0 && missing.length === 0;
    out.push({
      rule: "cts-created-tenders",
      step,
      ok,
      message: ok
        ? `eiCreatedTender names the tenders created (${created.join(", ") || "none"}) among those sent`
        : foreign.length
          ? `eiCreatedTender names tender(s) ${foreign.join(", ")} that the eiCreateTender did not send (it sent ${asked.join(", ")})`
          : `eiCreatedTender answers 200 but does not name tender(s) ${missing.join(", ")} it was sent`,
      entries,
    });
  }

  if (req.name === "eiRequestQuote" && res.name === "eiReplyQuote") {
    const asked = list(req.value.quoteID).map(String);
    const got = list(res.value.eiQuote).map((q) => String(field(q, "quoteID")));
    const publisher = String(req.value.publisherPartyID ?? "");
    const foreign = asked.length ? got.filter((id) => !asked.includes(id)) : [];
    out.push({
      rule: "cts-quote-reply",
      step,
      ok: foreign.length === 0,
      message: foreign.length
        ? `eiReplyQuote returns quote(s) ${foreign.join(", ")} that were not asked for (asked: ${asked.join(", ")})`
        : `eiReplyQuote answers the request for ${asked.length ? `quote(s) ${asked.join(", ")}` : `${publisher}'s quotes`} with ${got.length} quote(s)`,
      entries,
    });
  }
  return out;
}

/** A tender as the transcript shows it was made (accepted by the market). */
interface Tender {
  readonly id: string;
  readonly party: string;
  readonly side: string | undefined;
  readonly price: string | undefined;
  readonly quantity: string | undefined;
  readonly start: string | undefined;
  readonly duration: string | undefined;
  readonly seq: number;
  cancelledAt?: number;
}

interface Transaction {
  readonly id: string;
  /** the party whose transaction it is (the one it was reported to or who created it) */
  readonly party: string;
  readonly counterParty: string | undefined;
  readonly tenderID: string | undefined;
  readonly side: string | undefined;
  readonly price: string | undefined;
  readonly quantity: string | undefined;
  readonly start: string | undefined;
  readonly duration: string | undefined;
  readonly seq: number;
}

/**
 * Checks the transcript as a whole (see the module comment): `cts-transaction-tender`,
 * `cts-transaction-side`, `cts-transaction-interval`, `cts-transaction-price`,
 * `cts-transaction-quantity`, `cts-transaction-after-cancel`, `cts-cancel-known-tender`,
 * `cts-delivery-transaction`. One result per transaction and per delivery seen.
 */
export function checkCtsSequence(
  transcript: readonly TranscriptEntry[],
  ctx: CtsCheckContext = {},
): CheckResult[] {
  const out: CheckResult[] = [];
  const bySeq = new Map(transcript.map((e) => [e.seq, e]));
  const answers = new Map<number, TranscriptEntry>();
  for (const e of transcript)
    if (e.direction === "response" && e.inReplyTo !== undefined) answers.set(e.inReplyTo, e);
  const tenders = new Map<string, Tender>();
  const transactions = new Map<string, Transaction>();
  const filled = new Map<string, bigint>();
  const stepOf = (e: TranscriptEntry) => e.step ?? ctx.step ?? "";
  const push = (
    rule: string,
    e: TranscriptEntry,
    ok: boolean,
    message: string,
    more: number[] = [],
  ) => out.push({ rule, step: stepOf(e), ok, message, entries: [e.seq, ...more] });

  for (const entry of transcript) {
    const d = decode(entry);
    if ("error" in d) continue;
    const v = d.value;
    if (entry.direction === "request") {
      const answer = answers.get(entry.seq);
      const a = answer === undefined ? undefined : decode(answer);
      const accepted =
        a !== undefined && !("error" in a) ? acceptedIds(a.value) : { all: false, ids: [] };
      if (d.name === "eiCreateTender") {
        for (const t of list(v.eiTender)) {
          const id = String(field(t, "tenderID"));
          if (!accepted.all && !accepted.ids.includes(id)) continue;
          tenders.set(id, {
            id,
            party: String(v.partyID),
            ...terms(field(t, "product")),
            seq: entry.seq,
          });
        }
      } else if (d.name === "eiCancelTender") {
        for (const raw of list(v.tenderID)) {
          const id = String(raw);
          const t = tenders.get(id);
          const ok = t !== undefined && t.party === String(v.partyID);
          push(
            "cts-cancel-known-tender",
            entry,
            ok,
            ok
              ? `eiCancelTender names tender ${id}, made by ${t.party} (message ${t.seq})`
              : t === undefined
                ? `eiCancelTender names tender ${id}, which no eiCreateTender made earlier`
                : `eiCancelTender by ${String(v.partyID)} names tender ${id} of ${t.party}`,
            t ? [t.seq] : [],
          );
          if (ok && (accepted.all || accepted.ids.includes(id))) t.cancelledAt = entry.seq;
        }
      } else if (d.name === "eiCreateTransaction") {
        for (const x of list(v.eiTransaction)) {
          const id = String(field(x, "transactionID"));
          if (!accepted.all && !accepted.ids.includes(id)) continue;
          see(transactionOf(x, String(v.partyID), opt(v.counterPartyID), entry.seq), entry);
        }
      } else if (d.name === "eiCreateDelivery") {
        const requestor = String(v.requestorPartyID);
        list(v.delivery).forEach((del, i) => {
          checkDelivery(del, i, requestor, entry);
        });
      }
    } else if (d.name === "eiReplyTransaction" || d.name === "eiCreateTransaction") {
      // transactions a market reports to (or pushes at) a party
      const req = entry.inReplyTo === undefined ? undefined : bySeq.get(entry.inReplyTo);
      const rd = req === undefined ? undefined : decode(req);
      const party =
        rd !== undefined && !("error" in rd)
          ? String(rd.value.partyID ?? rd.value.requestorPartyID)
          : String(v.counterPartyID ?? "");
      for (const x of list(v.eiTransaction))
        see(transactionOf(x, party, undefined, entry.seq), entry);
    }
  }
  return out;

  /** Checks a transaction the first time it is seen (replies repeat them). */
  function see(t: Transaction, entry: TranscriptEntry): void {
    if (transactions.has(t.id)) return;
    transactions.set(t.id, t);
    const own = tendersFor(t);
    if (own.length === 0) {
      push(
        "cts-transaction-tender",
        entry,
        false,
        t.tenderID !== undefined
          ? `transaction ${t.id} answers tender ${t.tenderID}, which no accepted eiCreateTender made earlier`
          : `transaction ${t.id} of ${t.party} for ${t.start ?? "?"} answers no tender: ${t.party} made none for that interval`,
      );
      return;
    }
    const refs = own.map((x) => x.seq);
    push(
      "cts-transaction-tender",
      entry,
      true,
      `transaction ${t.id} answers ${t.tenderID !== undefined ? `tender ${t.tenderID}` : `${t.party}'s tender(s) ${own.map((x) => x.id).join(", ")} for that interval`}`,
      refs,
    );
    const first = own[0] as Tender;
    const cancelled = own.filter((x) => x.cancelledAt !== undefined && x.cancelledAt < t.seq);
    if (t.tenderID !== undefined)
      push(
        "cts-transaction-after-cancel",
        entry,
        cancelled.length === 0,
        cancelled.length
          ? `transaction ${t.id} fills tender ${t.tenderID}, cancelled in message ${first.cancelledAt}`
          : `transaction ${t.id} fills tender ${t.tenderID}, which was not cancelled before`,
        refs,
      );
    // the party's own transaction is on its tender's side; a counterparty taking it is opposite
    const mine = t.party === first.party;
    const wantSide = mine ? first.side : opposite(first.side);
    if (t.side !== undefined && wantSide !== undefined)
      push(
        "cts-transaction-side",
        entry,
        t.side === wantSide,
        t.side === wantSide
          ? `transaction ${t.id} is a ${t.side}, ${mine ? "on its own" : "taking the"} ${first.side} tender of ${first.party}`
          : `transaction ${t.id} of ${t.party} is a ${t.side}, but ${mine ? "its own" : `${first.party}'s`} tender ${first.id} is a ${first.side}: expected ${wantSide}`,
        refs,
      );
    const sameInterval = own.every((x) => x.start === t.start && x.duration === t.duration);
    if (t.tenderID !== undefined)
      push(
        "cts-transaction-interval",
        entry,
        sameInterval,
        sameInterval
          ? `transaction ${t.id} is for the tender's interval (${t.start}, ${t.duration})`
          : `transaction ${t.id} is for ${t.start} ${t.duration}, tender ${first.id} for ${first.start} ${first.duration}`,
        refs,
      );
    // price within the limit: a sell tender's at or above its limit, a buy tender's at or below;
    // without a tender ID, within the best limit of the party's tenders on that side
    const limits = own.filter((x) => x.side === first.side && isDecimal(x.price));
    if (isDecimal(t.price) && limits.length && first.side !== undefined) {
      const sell = first.side === "sell";
      const best = limits
        .map((x) => x.price as string)
        .reduce((a, b) => (compare(a, b) < 0 === sell ? a : b));
      const c = compare(t.price, best);
      const ok = sell ? c >= 0 : c <= 0;
      push(
        "cts-transaction-price",
        entry,
        ok,
        ok
          ? `transaction ${t.id} at ${t.price} is within the ${first.side} limit ${best}`
          : `transaction ${t.id} at ${t.price} is ${sell ? "below" : "above"} the ${first.side} tender's limit ${best} (${sell ? "a seller gets at least" : "a buyer pays at most"} its limit)`,
        refs,
      );
    }
    // filled quantity (over every transaction of the tender, or of the party's tenders of that interval)
    if (isDecimal(t.quantity) && own.every((x) => isDecimal(x.quantity))) {
      const key = t.tenderID ?? `${t.party}|${t.start}|${first.side}`;
      const total = (filled.get(key) ?? 0n) + scaled(t.quantity);
      filled.set(key, total);
      const tendered = own
        .filter((x) => x.side === first.side)
        .reduce((s, x) => s + scaled(x.quantity as string), 0n);
      const ok = total <= tendered;
      push(
        "cts-transaction-quantity",
        entry,
        ok,
        ok
          ? `transaction ${t.id}: ${unscaled(total)} filled of ${unscaled(tendered)} tendered`
          : `transaction ${t.id} brings the quantity transacted to ${unscaled(total)}, more than the ${unscaled(tendered)} tendered`,
        refs,
      );
    }
  }

  /** The tenders a transaction answers: its tender, or the party's tenders of that interval. */
  function tendersFor(t: Transaction): Tender[] {
    if (t.tenderID !== undefined) {
      const x = tenders.get(t.tenderID);
      return x !== undefined && x.seq < t.seq ? [x] : [];
    }
    return [...tenders.values()].filter(
      (x) => x.party === t.party && x.start === t.start && x.seq < t.seq,
    );
  }

  function checkDelivery(del: unknown, i: number, requestor: string, entry: TranscriptEntry) {
    const start = opt(field(field(del, "dtStart"), "dateTime"));
    const duration = opt(field(del, "duration"));
    const injection = field(del, "injection") === true || field(del, "injection") === "true";
    const name = `delivery ${i} (${opt(field(del, "uid")) ?? "no uid"}) of ${requestor}`;
    const candidates = [...transactions.values()].filter(
      (t) =>
        (t.party === requestor || t.counterParty === requestor) &&
        t.start !== undefined &&
        start !== undefined &&
        Date.parse(t.start) === Date.parse(start) &&
        t.duration === duration,
    );
    if (candidates.length === 0) {
      push(
        "cts-delivery-transaction",
        entry,
        false,
        `${name} for ${start ?? "?"} ${duration ?? "?"} refers to no transaction: ${requestor} has none for that interval in the transcript`,
      );
      return;
    }
    // injection: the requestor sold (its own sell, or a counterparty's buy of its tender)
    const sold = (t: Transaction) => (t.party === requestor ? t.side === "sell" : t.side === "buy");
    const match = candidates.find((t) => sold(t) === injection);
    push(
      "cts-delivery-transaction",
      entry,
      match !== undefined,
      match
        ? `${name} refers to transaction ${match.id} (${injection ? "injection: it sold" : "withdrawal: it bought"})`
        : `${name} is ${injection ? "an injection" : "a withdrawal"}, but ${requestor}'s transaction(s) ${candidates.map((t) => t.id).join(", ")} for that interval ${injection ? "buy" : "sell"}`,
      candidates.map((t) => t.seq),
    );
  }
}

function transactionOf(
  x: unknown,
  party: string,
  counterParty: string | undefined,
  seq: number,
): Transaction {
  return {
    id: String(field(x, "transactionID")),
    party,
    counterParty,
    tenderID: opt(field(x, "tenderID")),
    ...terms(field(x, "product")),
    seq,
  };
}

/** Side, limit price, quantity and interval of an EMIX product (temixPower), as decimal strings. */
function terms(product: unknown) {
  const power = field(product, "temixPower");
  return {
    side: opt(field(product, "side")),
    price: opt(field(field(power, "price"), "value")),
    quantity: opt(field(power, "quantity")),
    start: opt(field(field(product, "dtStart"), "dateTime")),
    duration: opt(field(product, "duration")),
  };
}

/** The IDs an answer accepted: all when it answers 200, else those of its OK per-item outcomes. */
function acceptedIds(answer: Record<string, unknown>): { all: boolean; ids: string[] } {
  const code = responseCode(answer);
  if (code === "200") return { all: true, ids: [] };
  const ids = [...list(answer.tenderID), ...list(answer.transactionID)].map(String);
  return { all: false, ids };
}

function responseCode(answer: Record<string, unknown>): string | undefined {
  return opt(field(answer.eiResponse, "responseCode"));
}

type Decoded = { name: string; value: Record<string, unknown> } | { error: string };

function decode(entry: TranscriptEntry): Decoded {
  try {
    const body = entry.body.trim();
    if (body.startsWith("{")) {
      const json = JSON.parse(body) as unknown;
      if (!isCtsJson(json)) return { error: "a JSON body that is not CTS 0.4 JSON" };
      const doc = fromCtsJson(json);
      return { name: local(doc.element), value: doc.value as Record<string, unknown> };
    }
    const doc = decodeXml(registry, body, { profile: "cts" });
    return { name: local(doc.element), value: doc.value as Record<string, unknown> };
  } catch (e) {
    return { error: (e as Error).message.split("\n")[0] as string };
  }
}

function local(qname: string): string {
  return qname.slice(qname.indexOf(":") + 1);
}

function field(o: unknown, key: string): unknown {
  return o !== null && typeof o === "object" ? (o as Record<string, unknown>)[key] : undefined;
}

function list(v: unknown): unknown[] {
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
}

function opt(v: unknown): string | undefined {
  return v === undefined || v === null ? undefined : String(v);
}

function opposite(side: string | undefined): string | undefined {
  return side === "buy" ? "sell" : side === "sell" ? "buy" : undefined;
}

const SCALE = 30;
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Whether a value can be compared exactly (a codec-checked xs:decimal or float always can). */
function isDecimal(text: string | undefined): text is string {
  return text !== undefined && /\d/.test(text) && DECIMAL.test(text.trim());
}

/** An xs:decimal (or a number's shortest form) as an integer of 10^-30 units: exact comparison. */
function scaled(text: string): bigint {
  const m = DECIMAL.exec(text.trim());
  if (!m) throw new TypeError(`not a decimal: ${text}`);
  const [, sign, int = "", frac = "", exp = "0"] = m;
  let digits = `${int}${frac}`;
  let point = int.length + Number(exp);
  if (point < 0) {
    digits = "0".repeat(-point) + digits;
    point = 0;
  }
  const whole = digits.slice(0, point).padEnd(point, "0");
  const fraction = digits.slice(point).slice(0, SCALE).padEnd(SCALE, "0");
  const n = BigInt(`${whole || "0"}${fraction}`);
  return sign === "-" ? -n : n;
}

function unscaled(n: bigint): string {
  const neg = n < 0n;
  const s = (neg ? -n : n).toString().padStart(SCALE + 1, "0");
  const frac = s.slice(-SCALE).replace(/0+$/, "");
  return `${neg ? "-" : ""}${s.slice(0, -SCALE)}${frac ? `.${frac}` : ""}`;
}

function compare(a: string, b: string): number {
  const x = scaled(a);
  const y = scaled(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
