/**
 * The record format. A record is a JSON object in RFC 8785 canonical form:
 *
 *   {"body":{…},"kind":"payment","nonce":17,"prev":"<hex>","refs":["<hex>"…],"seq":4,"author":"tp…","v":1}
 *
 * and travels and is stored as the canonical envelope {"record":{…},"sig":"<base64url>"}. Its hash
 * (the record's ID, what `prev` and `refs` point at) is SHA-256 of the canonical record; the author
 * signs "transactive-ledger/v1/record\n" followed by the 32 hash bytes with Ed25519.
 */
import { createHash } from "node:crypto";
import { canonicalize, type Json, parseCanonical } from "./canonical.js";
import { fail } from "./errors.js";
import { type Identity, isPartyId, isPublicKey, signBytes } from "./identity.js";

/** The record kinds. */
export type RecordKind = "register" | "contract" | "payment" | "delivery" | "settlement" | "key";

/** Binds a party (its ID derived from `publicKey`) to its EI party ID; always seq 0. */
export interface RegisterBody {
  readonly publicKey: string;
  /** the EI partyID (CTS) of the party */
  readonly eiPartyID: string;
  /** the OpenADR venID, when the party is a VEN */
  readonly venID?: string;
}

/** A contract: the canonical bytes of an EI eiCreateTransaction, signed by both counterparties. */
export interface ContractBody {
  /** base64 of the XML bytes of a pyld:eiCreateTransaction (CTS), in the codec's canonical encoding */
  readonly ei: string;
  readonly seller: string;
  readonly buyer: string;
  /** the market (party ID) that settles the contract and is the counterparty of imbalances */
  readonly market: string;
  /** party ID → signature of the contract digest (contractDigest): seller's and buyer's */
  readonly signatures: Readonly<Record<string, string>>;
}

/** A transfer of money between two parties, in integer minor units (micro-units) of a currency. */
export interface PaymentBody {
  readonly to: string;
  /** ISO 4217 currency code */
  readonly currency: string;
  /** positive integer, micro-units of the currency (1 USD = 1000000) */
  readonly amount: string;
  readonly memo?: string;
}

/** One metered interval: net energy the author delivered to the grid (negative: took from it). */
export interface MeteredInterval {
  /** UTC start, "YYYY-MM-DDTHH:MM:SSZ" */
  readonly start: string;
  /** ISO 8601 duration of hours, minutes and seconds ("PT15M") */
  readonly duration: string;
  /** exact decimal, in the energy unit of the contracts' item (kWh for a kW product) */
  readonly energy: string;
}

/** Metered deliveries of the author, one entry per interval. */
export interface DeliveryBody {
  readonly intervals: readonly MeteredInterval[];
}

/** The market's clearing price of one delivery interval, per unit of energy. */
export interface ClearingPrice {
  readonly start: string;
  readonly duration: string;
  /** exact decimal, currency units per unit of energy */
  readonly price: string;
}

/** One party's net balance change of a settlement, in micro-units. */
export interface NetChange {
  readonly party: string;
  readonly amount: string;
}

/** A settlement of one period by the market: the net balance change of every party. */
export interface SettlementBody {
  readonly period: { readonly start: string; readonly end: string };
  readonly currency: string;
  /** clearing price of every delivery interval of the period, in time order */
  readonly prices: readonly ClearingPrice[];
  /** hashes of the contract records settled, sorted */
  readonly contracts: readonly string[];
  /** hashes of the delivery records read, sorted */
  readonly deliveries: readonly string[];
  /** per party, sorted by party; the amounts sum to zero */
  readonly net: readonly NetChange[];
}

/** A key rotation (the new key signs the proof) or a revocation (the party appends nothing more). */
export type KeyBody =
  | {
      readonly action: "rotate";
      readonly publicKey: string;
      /** signature by the new key of the rotation message (rotationMessage) */
      readonly proof: string;
    }
  | { readonly action: "revoke"; readonly reason?: string };

/** Body type per kind. */
export interface BodyOf {
  register: RegisterBody;
  contract: ContractBody;
  payment: PaymentBody;
  delivery: DeliveryBody;
  settlement: SettlementBody;
  key: KeyBody;
}

/** A record before signing: what the author commits to. */
export interface LedgerRecord<K extends RecordKind = RecordKind> {
  readonly v: 1;
  readonly kind: K;
  readonly author: string;
  /** 0 for the registration, then +1 per record of the author */
  readonly seq: number;
  /** hash of the author's record seq-1, null for seq 0 */
  readonly prev: string | null;
  /** hashes of recent heads of other parties (the DAG), sorted, at most MAX_REFS */
  readonly refs: readonly string[];
  /** proof-of-work nonce */
  readonly nonce: number;
  readonly body: BodyOf[K];
}

/** A signed record with its canonical bytes and hash. */
export interface SignedRecord<K extends RecordKind = RecordKind> {
  readonly record: LedgerRecord<K>;
  /** Ed25519 signature of the record hash, base64url */
  readonly sig: string;
  /** SHA-256 of the canonical record, hex */
  readonly hash: string;
  /** the canonical envelope {"record":…,"sig":…}: what is stored and sent */
  readonly bytes: Uint8Array;
}

/** Most `refs` a record may carry. */
export const MAX_REFS = 16;
/** Largest record envelope accepted, in bytes. */
export const MAX_RECORD_BYTES = 256 * 1024;

const SIG_DOMAIN = Buffer.from("transactive-ledger/v1/record\n");
const HASH = /^[0-9a-f]{64}$/;
const SIG = /^[A-Za-z0-9_-]{86}$/;
const UINT = /^(0|[1-9][0-9]{0,30})$/;
const DECIMAL = /^-?(0|[1-9][0-9]{0,30})(\.[0-9]{1,18})?$/;
const UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const DURATION = /^PT(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/;
const CURRENCY = /^[A-Z]{3}$/;
const KINDS = new Set<RecordKind>([
  "register",
  "contract",
  "payment",
  "delivery",
  "settlement",
  "key",
]);

/** The message an author signs for a record hash. */
export function signedMessage(hash: string): Buffer {
  return Buffer.concat([SIG_DOMAIN, Buffer.from(hash, "hex")]);
}

/** SHA-256 hex of a record's canonical form. */
export function hashRecord(record: LedgerRecord): string {
  return createHash("sha256").update(canonicalize(record)).digest("hex");
}

/** Leading zero bits of a hex hash. */
export function leadingZeroBits(hash: string): number {
  let bits = 0;
  for (let i = 0; i < hash.length; i++) {
    const nibble = Number.parseInt(hash[i] as string, 16);
    if (nibble === 0) {
      bits += 4;
      continue;
    }
    return bits + (Math.clz32(nibble) - 28);
  }
  return bits;
}

/**
 * Finds a nonce giving the record's hash `difficulty` leading zero bits. The canonical text is
 * split around the nonce once, so each attempt hashes only the nonce digits and the tail.
 */
export function mine<K extends RecordKind>(
  draft: Omit<LedgerRecord<K>, "nonce">,
  difficulty: number,
): LedgerRecord<K> {
  const marker = canonicalize({ ...draft, nonce: 0 } as unknown as Json);
  const at = marker.indexOf('"nonce":0') + '"nonce":'.length;
  const head = createHash("sha256").update(marker.slice(0, at));
  const tail = marker.slice(at + 1);
  for (let nonce = 0; ; nonce++) {
    const h = head.copy().update(`${nonce}${tail}`).digest("hex");
    if (leadingZeroBits(h) >= difficulty) return { ...draft, nonce } as LedgerRecord<K>;
  }
}

/** Hashes and signs a mined record. */
export function signRecord<K extends RecordKind>(
  identity: Identity,
  record: LedgerRecord<K>,
): SignedRecord<K> {
  const text = canonicalize(record as unknown as Json);
  const hash = createHash("sha256").update(text).digest("hex");
  const sig = signBytes(identity.privateKey, signedMessage(hash));
  const bytes = Buffer.from(`{"record":${text},"sig":"${sig}"}`);
  return { record, sig, hash, bytes };
}

/**
 * Decodes an envelope: canonical JSON, every field checked (a `malformed` error names the field).
 * The signature and the rules that need the ledger's state are checked by the ledger.
 */
export function decodeRecord(bytes: Uint8Array): SignedRecord {
  if (bytes.length > MAX_RECORD_BYTES)
    fail("malformed", "", `a record has at most ${MAX_RECORD_BYTES} bytes, got ${bytes.length}`);
  const env = parseCanonical(bytes) as Record<string, unknown>;
  if (env === null || typeof env !== "object" || Array.isArray(env))
    fail("malformed", "", "an envelope is a JSON object {record, sig}");
  onlyKeys(env, ["record", "sig"], "");
  if (typeof env.sig !== "string" || !SIG.test(env.sig))
    fail("malformed", "/sig", "not a base64url Ed25519 signature (86 characters)");
  const record = checkRecord(env.record);
  const text = canonicalize(record as unknown as Json);
  const hash = createHash("sha256").update(text).digest("hex");
  return { record, sig: env.sig, hash, bytes };
}

function checkRecord(r: unknown): LedgerRecord {
  const p = "/record";
  const o = obj(r, p);
  onlyKeys(o, ["v", "kind", "author", "seq", "prev", "refs", "nonce", "body"], p);
  if (o.v !== 1) fail("malformed", `${p}/v`, "only version 1 records are defined");
  if (!KINDS.has(o.kind as RecordKind))
    fail("malformed", `${p}/kind`, `unknown kind ${JSON.stringify(o.kind)}`);
  if (!isPartyId(o.author)) fail("malformed", `${p}/author`, "not a party ID (tp + 40 hex digits)");
  const seq = safeUint(o.seq, `${p}/seq`);
  if (seq === 0 ? o.prev !== null : !(typeof o.prev === "string" && HASH.test(o.prev)))
    fail("malformed", `${p}/prev`, seq === 0 ? "must be null at seq 0" : "not a SHA-256 hex hash");
  if (!Array.isArray(o.refs) || o.refs.length > MAX_REFS)
    fail("malformed", `${p}/refs`, `an array of at most ${MAX_REFS} hashes`);
  o.refs.forEach((h: unknown, i: number) => {
    if (typeof h !== "string" || !HASH.test(h)) fail("malformed", `${p}/refs/${i}`, "not a hash");
    if (i > 0 && !(((o.refs as string[])[i - 1] as string) < h))
      fail("malformed", `${p}/refs/${i}`, "refs are sorted and unique");
  });
  safeUint(o.nonce, `${p}/nonce`);
  const kind = o.kind as RecordKind;
  if ((kind === "register") !== (seq === 0))
    fail("malformed", `${p}/kind`, "a party's record seq 0 is its registration, and only it");
  BODY[kind](obj(o.body, `${p}/body`), `${p}/body`);
  return o as unknown as LedgerRecord;
}

type Obj = Record<string, unknown>;

const BODY: Record<RecordKind, (b: Obj, p: string) => void> = {
  register(b, p) {
    onlyKeys(b, ["publicKey", "eiPartyID", "venID"], p);
    if (!isPublicKey(b.publicKey))
      fail("malformed", `${p}/publicKey`, "not a base64url Ed25519 key");
    text(b.eiPartyID, `${p}/eiPartyID`);
    if (b.venID !== undefined) text(b.venID, `${p}/venID`);
  },
  contract(b, p) {
    onlyKeys(b, ["ei", "seller", "buyer", "market", "signatures"], p);
    if (typeof b.ei !== "string" || b.ei.length === 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(b.ei))
      fail("malformed", `${p}/ei`, "base64 of the EI transaction's XML bytes");
    for (const k of ["seller", "buyer", "market"])
      if (!isPartyId(b[k])) fail("malformed", `${p}/${k}`, "not a party ID");
    if (b.seller === b.buyer) fail("malformed", `${p}/buyer`, "seller and buyer are one party");
    const sigs = obj(b.signatures, `${p}/signatures`);
    for (const [k, v] of Object.entries(sigs))
      if (!isPartyId(k) || typeof v !== "string" || !SIG.test(v))
        fail("malformed", `${p}/signatures/${k}`, "party ID → base64url signature");
  },
  payment(b, p) {
    onlyKeys(b, ["to", "currency", "amount", "memo"], p);
    if (!isPartyId(b.to)) fail("malformed", `${p}/to`, "not a party ID");
    currency(b.currency, `${p}/currency`);
    if (typeof b.amount !== "string" || !UINT.test(b.amount) || b.amount === "0")
      fail("malformed", `${p}/amount`, "a positive integer of micro-units, as a string");
    if (b.memo !== undefined) text(b.memo, `${p}/memo`, 1024);
  },
  delivery(b, p) {
    onlyKeys(b, ["intervals"], p);
    const ivs = arr(b.intervals, `${p}/intervals`, 1);
    ivs.forEach((iv, i) => {
      const q = `${p}/intervals/${i}`;
      const o = obj(iv, q);
      onlyKeys(o, ["start", "duration", "energy"], q);
      utc(o.start, `${q}/start`);
      duration(o.duration, `${q}/duration`);
      decimal(o.energy, `${q}/energy`);
    });
  },
  settlement(b, p) {
    onlyKeys(b, ["period", "currency", "prices", "contracts", "deliveries", "net"], p);
    const period = obj(b.period, `${p}/period`);
    onlyKeys(period, ["start", "end"], `${p}/period`);
    const start = utc(period.start, `${p}/period/start`);
    const end = utc(period.end, `${p}/period/end`);
    if (end <= start) fail("malformed", `${p}/period/end`, "the period ends after it starts");
    currency(b.currency, `${p}/currency`);
    arr(b.prices, `${p}/prices`, 1).forEach((iv, i) => {
      const q = `${p}/prices/${i}`;
      const o = obj(iv, q);
      onlyKeys(o, ["start", "duration", "price"], q);
      utc(o.start, `${q}/start`);
      duration(o.duration, `${q}/duration`);
      decimal(o.price, `${q}/price`);
    });
    for (const k of ["contracts", "deliveries"])
      arr(b[k], `${p}/${k}`, 0).forEach((h, i, all) => {
        if (typeof h !== "string" || !HASH.test(h))
          fail("malformed", `${p}/${k}/${i}`, "not a hash");
        if (i > 0 && !((all[i - 1] as string) < h))
          fail("malformed", `${p}/${k}/${i}`, "hashes are sorted and unique");
      });
    arr(b.net, `${p}/net`, 0).forEach((n, i, all) => {
      const q = `${p}/net/${i}`;
      const o = obj(n, q);
      onlyKeys(o, ["party", "amount"], q);
      if (!isPartyId(o.party)) fail("malformed", `${q}/party`, "not a party ID");
      if (i > 0 && !(((all[i - 1] as Obj).party as string) < o.party))
        fail("malformed", `${q}/party`, "net changes are sorted by party, one per party");
      if (typeof o.amount !== "string" || !/^-?(0|[1-9][0-9]{0,30})$/.test(o.amount))
        fail("malformed", `${q}/amount`, "an integer of micro-units, as a string");
    });
  },
  key(b, p) {
    if (b.action === "rotate") {
      onlyKeys(b, ["action", "publicKey", "proof"], p);
      if (!isPublicKey(b.publicKey)) fail("malformed", `${p}/publicKey`, "not a base64url key");
      if (typeof b.proof !== "string" || !SIG.test(b.proof))
        fail("malformed", `${p}/proof`, "not a base64url signature");
    } else if (b.action === "revoke") {
      onlyKeys(b, ["action", "reason"], p);
      if (b.reason !== undefined) text(b.reason, `${p}/reason`, 1024);
    } else fail("malformed", `${p}/action`, 'either "rotate" or "revoke"');
  },
};

function obj(v: unknown, p: string): Obj {
  if (v === null || typeof v !== "object" || Array.isArray(v))
    fail("malformed", p, "not an object");
  return v as Obj;
}
function arr(v: unknown, p: string, min: number): unknown[] {
  if (!Array.isArray(v) || v.length < min)
    fail("malformed", p, min > 0 ? "a non-empty array" : "an array");
  return v;
}
function onlyKeys(o: Obj, allowed: readonly string[], p: string): void {
  for (const k of Object.keys(o))
    if (!allowed.includes(k))
      fail("malformed", `${p}/${k}`, `unknown field (allowed: ${allowed.join(", ")})`);
  for (const k of allowed)
    if (o[k] === undefined && !OPTIONAL.has(k)) fail("malformed", `${p}/${k}`, "missing");
}
const OPTIONAL = new Set(["venID", "memo", "reason"]);
function safeUint(v: unknown, p: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0)
    fail("malformed", p, "a non-negative safe integer");
  return v;
}
function text(v: unknown, p: string, max = 256): void {
  if (typeof v !== "string" || v.length === 0 || v.length > max)
    fail("malformed", p, `a string of 1 to ${max} characters`);
}
function currency(v: unknown, p: string): void {
  if (typeof v !== "string" || !CURRENCY.test(v)) fail("malformed", p, "an ISO 4217 code (USD)");
}
function decimal(v: unknown, p: string): void {
  if (typeof v !== "string" || !DECIMAL.test(v) || v === "-0")
    fail("malformed", p, 'an exact decimal as a string ("-1.25")');
}
function utc(v: unknown, p: string): number {
  const ms = typeof v === "string" && UTC.test(v) ? Date.parse(v) : Number.NaN;
  if (Number.isNaN(ms) || new Date(ms).toISOString().replace(".000Z", "Z") !== v)
    fail("malformed", p, 'a UTC date-time "YYYY-MM-DDTHH:MM:SSZ"');
  return ms;
}
function duration(v: unknown, p: string): number {
  const m = typeof v === "string" ? DURATION.exec(v) : null;
  const s = m === null ? 0 : Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
  if (s <= 0) fail("malformed", p, 'an ISO 8601 duration of hours, minutes, seconds ("PT15M")');
  return s;
}

/** Epoch milliseconds of a checked UTC date-time. */
export function utcMillis(v: string): number {
  return Date.parse(v);
}

/** Seconds of a checked duration. */
export function durationSeconds(v: string): number {
  return duration(v, "");
}

/** A UTC date-time in the record form, from epoch milliseconds. */
export function utcString(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}
