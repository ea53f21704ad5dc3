/**
 * Equivocation: two different records signed by one author with the same sequence number (a
 * fork of its chain: the way to spend twice). The proof is the two signed envelopes and the key
 * that signed them; anyone can check it without the rest of the ledger (and, with the ledger,
 * that the key was the author's at that seq).
 */
import { fail } from "./errors.js";
import { partyIdOf, verifyBytes } from "./identity.js";
import { decodeRecord, type SignedRecord, signedMessage } from "./record.js";

/** A compact, self-contained proof that `author` signed two different records at `seq`. */
export interface EquivocationProof {
  readonly author: string;
  readonly seq: number;
  /** the key (base64url) that signed both */
  readonly publicKey: string;
  /** the two envelopes (canonical JSON text), in hash order */
  readonly records: readonly [string, string];
}

/** Builds the proof from two conflicting signed records. */
export function equivocationProof(
  a: SignedRecord,
  b: SignedRecord,
  publicKey: string,
): EquivocationProof {
  const [x, y] = a.hash < b.hash ? [a, b] : [b, a];
  return {
    author: a.record.author,
    seq: a.record.seq,
    publicKey,
    records: [Buffer.from(x.bytes).toString("utf8"), Buffer.from(y.bytes).toString("utf8")],
  };
}

/**
 * Checks a proof on its own: both records decode, share author and seq, differ, and both
 * signatures verify with `publicKey`; at seq 0 the key must be the one the party ID derives from.
 * Throws `bad-proof`; returns the two decoded records.
 */
export function verifyEquivocationProof(proof: EquivocationProof): [SignedRecord, SignedRecord] {
  const p = proof as Partial<EquivocationProof>;
  if (!Array.isArray(p.records) || p.records.length !== 2 || typeof p.publicKey !== "string")
    fail("bad-proof", "", "a proof has two records and a public key");
  let recs: [SignedRecord, SignedRecord];
  try {
    recs = [decodeRecord(Buffer.from(p.records[0])), decodeRecord(Buffer.from(p.records[1]))];
  } catch (e) {
    return fail("bad-proof", "/records", `a record does not decode: ${(e as Error).message}`);
  }
  const [a, b] = recs;
  if (a.record.author !== p.author || b.record.author !== p.author)
    fail("bad-proof", "/author", "the records are not both by the author");
  if (a.record.seq !== p.seq || b.record.seq !== p.seq)
    fail("bad-proof", "/seq", "the records do not both have the seq");
  if (a.hash === b.hash) fail("bad-proof", "/records", "the two records are the same record");
  if (p.seq === 0 && partyIdOf(p.publicKey) !== p.author)
    fail("bad-proof", "/publicKey", "not the key the party ID derives from");
  for (const [i, r] of recs.entries())
    if (!verifyBytes(p.publicKey, signedMessage(r.hash), r.sig))
      fail("bad-proof", `/records/${i}`, "the signature does not verify with the key");
  return recs;
}
