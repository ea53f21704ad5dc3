/**
 * Errors as data: every refusal of the ledger is a LedgerError with a code from one union, the
 * field it concerns (a JSON pointer into the record, or a store offset) and a message. Nothing is
 * stored when one is thrown.
 */

/** Why a record, a store or an input was refused. */
export type LedgerErrorCode =
  /** the bytes are not JSON in the one canonical form (RFC 8785) */
  | "not-canonical"
  /** a field is missing, has the wrong type or an invalid value */
  | "malformed"
  /** the author's signature does not verify with the author's current key */
  | "bad-signature"
  /** `prev` is not the hash of the author's previous record */
  | "bad-hash-link"
  /** `seq` skips numbers: the author's previous records are missing */
  | "sequence-gap"
  /** `seq` is at or below the author's head: the same record again, or an older one */
  | "sequence-reuse"
  /** two different records with the same author and seq: the record is refused, the proof kept */
  | "equivocation"
  /** the author has equivocated before: all its later records are refused */
  | "equivocator"
  /** the author has no registration record on this ledger */
  | "unknown-author"
  /** the author revoked its key: it appends nothing more */
  | "revoked"
  /** the record's hash does not carry the proof of work the ledger asks for */
  | "insufficient-work"
  /** a payment larger than the payer's balance */
  | "overdraw"
  /** a contract without a valid signature of each counterparty */
  | "missing-counterparty-signature"
  /** a contract whose parties do not match the EI transaction it carries */
  | "contract-parties"
  /** a record that names a record this node does not hold */
  | "unknown-reference"
  /** a settlement whose figures differ from the contracts, deliveries and prices it names */
  | "settlement-mismatch"
  /** a contract or a party's interval that is already settled */
  | "already-settled"
  /** a group of parties linked by contracts too large for one settlement record */
  | "settlement-too-large"
  /** a second metered delivery of the same party for the same interval */
  | "duplicate-delivery"
  /** the store on disk is damaged before its tail (not a torn last write) */
  | "store-corrupt"
  /** the store cannot be used: missing, locked, closed or of another format */
  | "store-unavailable"
  /** an equivocation proof that does not prove anything */
  | "bad-proof";

/** A refusal: `code` says why, `field` where (JSON pointer into the record, or a store position). */
export class LedgerError extends Error {
  override readonly name = "LedgerError";
  constructor(
    readonly code: LedgerErrorCode,
    /** JSON pointer of the offending field ("/body/amount"), or "" for the whole record */
    readonly field: string,
    message: string,
  ) {
    super(field === "" ? message : `${field}: ${message}`);
  }
}

/** Shorthand used across the package. */
export function fail(code: LedgerErrorCode, field: string, message: string): never {
  throw new LedgerError(code, field, message);
}
