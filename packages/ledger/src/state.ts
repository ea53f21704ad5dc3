/**
 * The rules every node enforces, as a state machine over records. `check` reads the state and
 * throws a LedgerError on any broken rule, changing nothing; it returns the change, which
 * `apply` makes once the record is stored. Balances, contract terms, the deliveries and what is
 * settled are all derived from the records.
 */
import { Decimal } from "@transactive/emix";
import { type TransactionTerms, transactionTerms, verifyContractSignature } from "./contract.js";
import { type EquivocationProof, equivocationProof } from "./equivocation.js";
import { fail, LedgerError } from "./errors.js";
import { partyIdOf, verifyBytes } from "./identity.js";
import {
  type ContractBody,
  type DeliveryBody,
  durationSeconds,
  type KeyBody,
  leadingZeroBits,
  MAX_RECORD_BYTES,
  type PaymentBody,
  type RegisterBody,
  type SettlementBody,
  type SignedRecord,
  signedMessage,
  utcMillis,
} from "./record.js";
import { type ContractTerms, type Delivered, settle } from "./settlement.js";

/** Spam bound: leading zero bits of every record hash; registrations need more. */
export interface WorkRule {
  /** bits for every record (default 8: about 256 hashes, well under a millisecond) */
  readonly difficulty: number;
  /** extra bits for a registration, so identities are dearer than records (default 8) */
  readonly registrationExtra: number;
}

/** What the ledger knows of one author. */
export interface AuthorState {
  readonly partyId: string;
  readonly eiPartyID: string;
  readonly venID?: string;
  /** the current key */
  key: string;
  /** keys by the seq from which they sign: [[0, k0], [5, k1]…] */
  readonly keys: [number, string][];
  seq: number;
  head: string;
  /** the hash of each record, by seq */
  readonly hashes: string[];
  revoked: boolean;
  equivocated: boolean;
}

/** A record's effect, computed by check, made by apply. */
export interface Change {
  readonly record: SignedRecord;
  readonly run: () => void;
}

/** The refusal of a record that revealed an equivocation, with the proof to keep. */
export class EquivocationError extends LedgerError {
  constructor(readonly proof: EquivocationProof) {
    super(
      "equivocation",
      "/record/seq",
      `${proof.author} signed two different records with seq ${proof.seq}: proof kept, its later records are refused`,
    );
  }
}

/** Reads a stored record of an author by seq (to tell a duplicate from a fork). */
export type RecordReader = (author: string, seq: number) => SignedRecord | undefined;

/** `check`'s token for records read back from the node's own log (checked when appended). */
export const TRUSTED = "\u0000trusted";

/** In-memory state of a ledger, rebuilt from its records. */
export class LedgerState {
  readonly authors = new Map<string, AuthorState>();
  readonly balances = new Map<string, Map<string, bigint>>();
  readonly contracts = new Map<string, ContractTerms & { settled: boolean }>();
  readonly deliveries = new Map<string, Delivered[]>();
  readonly delivered = new Set<string>();
  readonly settled = new Set<string>();
  readonly proofs = new Map<string, EquivocationProof>();
  /** recent heads (author → hash), most recent last, for the refs of new records */
  readonly recent = new Map<string, string>();
  count = 0;

  constructor(
    readonly work: WorkRule,
    private readonly read: RecordReader,
  ) {}

  balance(party: string, currency: string): bigint {
    return this.balances.get(party)?.get(currency) ?? 0n;
  }

  /** The key that signs the author's record `seq`. */
  keyAt(a: AuthorState, seq: number): string {
    let key = a.keys[0]?.[1] as string;
    for (const [from, k] of a.keys) if (from <= seq) key = k;
    return key;
  }

  /**
   * Checks every rule. `verified` is the key a worker already verified the signature with, if
   * any. Throws on a refusal (an EquivocationError carries its proof); changes nothing.
   */
  check(sr: SignedRecord, verified?: string): Change {
    const r = sr.record;
    // a SignedRecord made in process never went through decodeRecord's size limit: a record the
    // ledger stored must also read back, so the limit is a rule here too
    if (sr.bytes.length > MAX_RECORD_BYTES)
      fail(
        "malformed",
        "",
        `a record has at most ${MAX_RECORD_BYTES} bytes, got ${sr.bytes.length}`,
      );
    const a = this.authors.get(r.author);
    const sigOk = (key: string) =>
      verified === TRUSTED || verified === key || verifyBytes(key, signedMessage(sr.hash), sr.sig);
    if (a !== undefined && (a.equivocated || this.proofs.has(r.author)))
      fail("equivocator", "/record/author", `${r.author} has equivocated: its records are refused`);
    if (a === undefined && r.kind !== "register")
      fail("unknown-author", "/record/author", `${r.author} has no registration on this ledger`);
    if (a !== undefined && r.seq <= a.seq) {
      const key = this.keyAt(a, r.seq);
      if (!sigOk(key)) fail("bad-signature", "/sig", "does not verify with the author's key");
      if (a.hashes[r.seq] === sr.hash)
        fail(
          "sequence-reuse",
          "/record/seq",
          `the ledger already holds ${r.author}'s record ${r.seq}`,
        );
      const mine = this.read(r.author, r.seq);
      if (mine === undefined)
        fail("store-unavailable", "/record/seq", "cannot read the stored record");
      throw new EquivocationError(equivocationProof(mine, sr, key));
    }
    if (a?.revoked) fail("revoked", "/record/author", `${r.author} revoked its key`);
    if (a !== undefined && r.seq > a.seq + 1)
      fail(
        "sequence-gap",
        "/record/seq",
        `expected ${a.seq + 1}, got ${r.seq}: records are missing`,
      );
    if (a !== undefined && r.prev !== a.head)
      fail("bad-hash-link", "/record/prev", `is not the hash of ${r.author}'s record ${a.seq}`);
    const bits = this.work.difficulty + (r.kind === "register" ? this.work.registrationExtra : 0);
    if (leadingZeroBits(sr.hash) < bits)
      fail("insufficient-work", "/record/nonce", `the hash needs ${bits} leading zero bits`);
    const key = r.kind === "register" ? (r.body as RegisterBody).publicKey : (a as AuthorState).key;
    if (r.kind === "register" && partyIdOf(key) !== r.author)
      fail(
        "malformed",
        "/record/body/publicKey",
        "the author's party ID does not derive from this key",
      );
    if (!sigOk(key)) fail("bad-signature", "/sig", "does not verify with the author's key");
    const effect = this.kindRule(sr, a);
    return {
      record: sr,
      run: () => {
        if (r.kind !== "register") {
          const s = a as AuthorState;
          s.seq = r.seq;
          s.head = sr.hash;
          s.hashes.push(sr.hash);
        }
        effect();
        this.count++;
        this.recent.delete(r.author);
        this.recent.set(r.author, sr.hash);
        if (this.recent.size > 64) this.recent.delete(this.recent.keys().next().value as string);
      },
    };
  }

  /** Applies a checked change. */
  apply(change: Change): void {
    change.run();
  }

  /** Marks an author as an equivocator, keeping the proof. */
  addProof(proof: EquivocationProof): void {
    if (this.proofs.has(proof.author)) return;
    this.proofs.set(proof.author, proof);
    const a = this.authors.get(proof.author);
    if (a !== undefined) a.equivocated = true;
  }

  private kindRule(sr: SignedRecord, a: AuthorState | undefined): () => void {
    const r = sr.record;
    const b = "/record/body";
    switch (r.kind) {
      case "register": {
        const body = r.body as RegisterBody;
        return () =>
          this.authors.set(r.author, {
            partyId: r.author,
            eiPartyID: body.eiPartyID,
            ...(body.venID === undefined ? {} : { venID: body.venID }),
            key: body.publicKey,
            keys: [[0, body.publicKey]],
            seq: 0,
            head: sr.hash,
            hashes: [sr.hash],
            revoked: false,
            equivocated: false,
          });
      }
      case "payment": {
        const body = r.body as PaymentBody;
        if (!this.authors.has(body.to))
          fail("unknown-reference", `${b}/to`, `${body.to} is not registered`);
        if (body.to === r.author) fail("malformed", `${b}/to`, "a payment to oneself");
        const amount = BigInt(body.amount);
        const have = this.balance(r.author, body.currency);
        if (have < amount)
          fail(
            "overdraw",
            `${b}/amount`,
            `pays ${amount} µ${body.currency}, the balance is ${have}`,
          );
        return () => {
          this.credit(r.author, body.currency, -amount);
          this.credit(body.to, body.currency, amount);
        };
      }
      case "contract":
        return this.contractRule(sr);
      case "delivery": {
        const body = r.body as DeliveryBody;
        const rows: Delivered[] = [];
        const seen = new Set<string>();
        body.intervals.forEach((iv, i) => {
          const start = utcMillis(iv.start);
          const key = `${r.author}|${start}`;
          if (this.delivered.has(key) || seen.has(key))
            fail(
              "duplicate-delivery",
              `${b}/intervals/${i}/start`,
              `${r.author} already reported ${iv.start}`,
            );
          seen.add(key);
          rows.push({
            party: r.author,
            start,
            end: start + durationSeconds(iv.duration) * 1000,
            energy: Decimal.of(iv.energy),
          });
        });
        return () => {
          this.deliveries.set(sr.hash, rows);
          for (const k of seen) this.delivered.add(k);
        };
      }
      case "settlement":
        return this.settlementRule(sr);
      case "key": {
        const body = r.body as KeyBody;
        const s = a as AuthorState;
        if (body.action === "rotate") {
          if (
            !verifyBytes(
              body.publicKey,
              rotationMessage(r.author, r.seq, body.publicKey),
              body.proof,
            )
          )
            fail("bad-signature", `${b}/proof`, "the new key did not sign the rotation");
          return () => {
            s.key = body.publicKey;
            s.keys.push([r.seq + 1, body.publicKey]);
          };
        }
        return () => {
          s.revoked = true;
        };
      }
    }
  }

  private contractRule(sr: SignedRecord): () => void {
    const r = sr.record;
    const body = r.body as ContractBody;
    const b = "/record/body";
    if (r.author !== body.seller && r.author !== body.buyer)
      fail("contract-parties", `${b}`, "the author of a contract is its seller or its buyer");
    const parties = { seller: body.seller, buyer: body.buyer, market: body.market };
    for (const [k, p] of Object.entries(parties))
      if (!this.authors.has(p)) fail("unknown-reference", `${b}/${k}`, `${p} is not registered`);
    for (const k of Object.keys(body.signatures))
      if (k !== body.seller && k !== body.buyer)
        fail("malformed", `${b}/signatures/${k}`, "only seller and buyer sign a contract");
    const { signatures, ...unsigned } = body;
    for (const k of ["seller", "buyer"] as const) {
      const party = body[k];
      const sig = signatures[party];
      const key = (this.authors.get(party) as AuthorState).key;
      if (sig === undefined || !verifyContractSignature(key, unsigned, sig))
        fail(
          "missing-counterparty-signature",
          `${b}/signatures/${party}`,
          `no valid signature of the ${k} ${party}`,
        );
    }
    const terms: TransactionTerms = transactionTerms(body.ei);
    const sellerEi = (this.authors.get(body.seller) as AuthorState).eiPartyID;
    const buyerEi = (this.authors.get(body.buyer) as AuthorState).eiPartyID;
    if (terms.eiSeller !== sellerEi)
      fail(
        "contract-parties",
        `${b}/seller`,
        `registered as EI party ${sellerEi}, the transaction's seller is ${terms.eiSeller}`,
      );
    if (terms.eiBuyer !== buyerEi)
      fail(
        "contract-parties",
        `${b}/buyer`,
        `registered as EI party ${buyerEi}, the transaction's buyer is ${terms.eiBuyer}`,
      );
    return () =>
      this.contracts.set(sr.hash, {
        id: sr.hash,
        seller: body.seller,
        buyer: body.buyer,
        market: body.market,
        currency: terms.currency,
        intervals: terms.intervals,
        settled: false,
      });
  }

  private settlementRule(sr: SignedRecord): () => void {
    const r = sr.record;
    const body = r.body as SettlementBody;
    const b = "/record/body";
    const contracts = body.contracts.map((h, i) => {
      const c = this.contracts.get(h);
      if (c === undefined)
        fail("unknown-reference", `${b}/contracts/${i}`, `no contract record ${h}`);
      if (c.market !== r.author)
        fail(
          "settlement-mismatch",
          `${b}/contracts/${i}`,
          `the contract is settled by its market ${c.market}`,
        );
      if (c.settled) fail("already-settled", `${b}/contracts/${i}`, `contract ${h} is settled`);
      // a closed interval never changes: a contract left out of the part that closed one of its
      // parties' intervals can no longer be settled
      for (const iv of c.intervals)
        for (const party of [c.seller, c.buyer])
          if (party !== r.author && this.settled.has(`${party}|${iv.start}`))
            fail(
              "already-settled",
              `${b}/contracts/${i}`,
              `${party}'s interval ${new Date(iv.start).toISOString()} is settled without contract ${h}`,
            );
      return c;
    });
    const deliveries = body.deliveries.flatMap((h, i) => {
      const d = this.deliveries.get(h);
      if (d === undefined)
        fail("unknown-reference", `${b}/deliveries/${i}`, `no delivery record ${h}`);
      return d;
    });
    let result: ReturnType<typeof settle>;
    try {
      result = settle({
        period: { start: utcMillis(body.period.start), end: utcMillis(body.period.end) },
        currency: body.currency,
        market: r.author,
        prices: body.prices.map((p) => {
          const start = utcMillis(p.start);
          return {
            start,
            end: start + durationSeconds(p.duration) * 1000,
            price: Decimal.of(p.price),
          };
        }),
        contracts,
        deliveries,
      });
    } catch (e) {
      if (e instanceof LedgerError)
        throw new LedgerError(e.code, `${b}${e.field}`, e.message.replace(/^[^:]*: /, ""));
      throw e;
    }
    for (const k of result.settledIntervals)
      if (this.settled.has(k)) {
        const [party, start] = k.split("|") as [string, string];
        fail(
          "already-settled",
          `${b}/deliveries`,
          `${party}'s interval ${new Date(Number(start)).toISOString()} is settled`,
        );
      }
    // only a market a party contracted with settles its intervals: a settlement may not close the
    // meter readings of a party without one of its contracts
    const contracted = new Set(contracts.flatMap((c) => [c.seller, c.buyer]));
    for (const k of result.settledIntervals) {
      const party = k.slice(0, k.indexOf("|"));
      if (!contracted.has(party))
        fail(
          "settlement-mismatch",
          `${b}/deliveries`,
          `closes intervals of ${party}, who is party to none of the contracts it settles`,
        );
    }
    const net = new Map(body.net.map((n) => [n.party, BigInt(n.amount)]));
    for (const [party, amount] of result.net)
      if (net.get(party) !== amount)
        fail(
          "settlement-mismatch",
          `${b}/net`,
          `${party}: the records give ${amount}, the settlement ${net.get(party) ?? "nothing"}`,
        );
    for (const [party, amount] of net)
      if (!result.net.has(party))
        fail(
          "settlement-mismatch",
          `${b}/net`,
          `${party}: the records give nothing, the settlement ${amount}`,
        );
    return () => {
      for (const c of contracts) c.settled = true;
      for (const k of result.settledIntervals) this.settled.add(k);
      for (const [party, amount] of result.net) this.credit(party, body.currency, amount);
    };
  }

  private credit(party: string, currency: string, amount: bigint): void {
    let row = this.balances.get(party);
    if (row === undefined) this.balances.set(party, (row = new Map()));
    row.set(currency, (row.get(currency) ?? 0n) + amount);
  }
}

/** What the new key signs in a rotation: the author, the rotation's seq and the new key. */
export function rotationMessage(author: string, seq: number, publicKey: string): Buffer {
  return Buffer.from(`transactive-ledger/v1/rotate\n${author}\n${seq}\n${publicKey}`);
}
