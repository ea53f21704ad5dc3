/**
 * Contracts are EI transactions. The contract record carries the XML bytes of a CTS
 * pyld:eiCreateTransaction exactly as the codec encodes it (its canonical form: one byte form per
 * message), the ledger parties of seller and buyer, and the market that settles it. Both
 * counterparties sign the contract digest, which covers all four.
 */
import { createHash } from "node:crypto";
import { type CodecDocument, CodecError, decodeXml, encodeXml } from "@transactive/codec";
import { EiCreateTransactionSchema, registry } from "@transactive/ei";
import { type DecimalInput, EmixError, productAmount, temixTransaction } from "@transactive/emix";
import { canonicalize } from "./canonical.js";
import { fail, LedgerError } from "./errors.js";
import { type Identity, signBytes, verifyBytes } from "./identity.js";
import type { ContractBody } from "./record.js";
import type { ContractInterval } from "./settlement.js";

const DIGEST_DOMAIN = "transactive-ledger/v1/contract\n";

/** A contract body before the counterparties sign it. */
export type UnsignedContract = Omit<ContractBody, "signatures">;

/** The bytes both counterparties sign: covers the EI transaction, both parties and the market. */
export function contractDigest(c: UnsignedContract): Buffer {
  const ei = createHash("sha256").update(Buffer.from(c.ei, "base64")).digest("hex");
  const text = canonicalize({ ei, seller: c.seller, buyer: c.buyer, market: c.market });
  return createHash("sha256").update(DIGEST_DOMAIN).update(text).digest();
}

/** One counterparty's signature of a contract. */
export function signContract(identity: Identity, c: UnsignedContract): string {
  return signBytes(identity.privateKey, contractDigest(c));
}

/** Checks a counterparty's contract signature with its public key. */
export function verifyContractSignature(
  publicKey: string,
  c: UnsignedContract,
  sig: string,
): boolean {
  return verifyBytes(publicKey, contractDigest(c), sig);
}

/** A contract body signed by both parties (the identities of seller and buyer). */
export function signedContract(
  c: UnsignedContract,
  seller: Identity,
  buyer: Identity,
): ContractBody {
  return {
    ...c,
    signatures: {
      [seller.partyId]: signContract(seller, c),
      [buyer.partyId]: signContract(buyer, c),
    },
  };
}

/** A trade as a market reports it: one seller, one buyer, energy per interval at a price. */
export interface Fill {
  /** EI transactionID (unique per trade) */
  readonly transactionID: string;
  /** EI party IDs (as registered on the ledger) */
  readonly sellerEiPartyID: string;
  readonly buyerEiPartyID: string;
  /** UTC start of the first interval, "YYYY-MM-DDTHH:MM:SSZ" */
  readonly start: string;
  /** length of each interval ("PT15M") */
  readonly duration: string;
  /**
   * per interval: quantity is the rate of delivery in kW (TEMIX power: energy = quantity x
   * hours, in kWh) and price the currency per kWh, as exact decimals
   */
  readonly intervals: readonly { readonly quantity: DecimalInput; readonly price: DecimalInput }[];
  readonly currency: string;
  readonly marketContext: string;
  readonly tenderID?: string;
}

/**
 * The canonical XML bytes of the pyld:eiCreateTransaction of a fill (sent by the buyer, the
 * seller as counterparty, product side "buy"), ready for a contract record's `ei` (base64).
 */
export function fillTransaction(fill: Fill): Buffer {
  const doc = temixTransaction({
    requestID: `ledger-${fill.transactionID}`,
    partyID: fill.buyerEiPartyID,
    counterPartyID: fill.sellerEiPartyID,
    transactionID: fill.transactionID,
    ...(fill.tenderID === undefined ? {} : { tenderID: fill.tenderID }),
    uid: fill.transactionID,
    start: fill.start,
    interval: fill.duration,
    intervals: fill.intervals,
    side: "buy",
    currency: fill.currency,
    marketContext: fill.marketContext,
  });
  return Buffer.from(encodeXml(registry, doc), "utf8");
}

/** What the ledger reads out of a contract's EI transaction. */
export interface TransactionTerms {
  /** EI party IDs of the two sides */
  readonly eiSeller: string;
  readonly eiBuyer: string;
  readonly currency: string;
  readonly intervals: readonly ContractInterval[];
}

/**
 * Decodes and checks a contract's EI bytes: base64 in its one form, a valid CTS
 * eiCreateTransaction in the codec's canonical encoding, products of one side and currency with
 * TEMIX power intervals. Errors name the field of the record.
 */
export function transactionTerms(ei: string, field = "/record/body/ei"): TransactionTerms {
  const bytes = Buffer.from(ei, "base64");
  if (bytes.toString("base64") !== ei) fail("not-canonical", field, "base64 not in its one form");
  let doc: CodecDocument;
  try {
    doc = decodeXml(EiCreateTransactionSchema, bytes, { validate: true });
  } catch (e) {
    if (e instanceof CodecError)
      fail(
        "malformed",
        field,
        `not a valid CTS eiCreateTransaction: ${e.issues[0]?.path ?? ""} ${e.issues[0]?.message ?? e.message}`,
      );
    throw e;
  }
  if (encodeXml(registry, doc) !== bytes.toString("utf8"))
    fail("not-canonical", field, "the XML is not in the codec's canonical encoding (encodeXml)");
  const value = doc.value as unknown as {
    partyID: string;
    counterPartyID: string;
    eiTransaction: { product?: Record<string, unknown> }[];
  };
  let side: string | undefined;
  let currency: string | undefined;
  const intervals: ContractInterval[] = [];
  value.eiTransaction.forEach((t, i) => {
    const f = `${field}#/eiTransaction/${i}/product`;
    if (t.product === undefined) fail("malformed", f, "a contract's transaction needs a product");
    try {
      const a = productAmount(t.product, { path: f });
      if (side !== undefined && a.side !== side)
        fail("malformed", `${f}/side`, "products of one contract have one side");
      if (currency !== undefined && a.currency !== currency)
        fail("malformed", `${f}/currency`, "products of one contract have one currency");
      if (a.side !== "buy" && a.side !== "sell") fail("malformed", `${f}/side`, "side buy or sell");
      side = a.side;
      currency = a.currency;
      for (const iv of a.intervals)
        intervals.push({
          start: Date.parse(iv.start),
          end: Date.parse(iv.end),
          energy: iv.energy,
          price: iv.price,
        });
    } catch (e) {
      if (e instanceof EmixError) fail("malformed", f, e.message);
      if (e instanceof LedgerError) throw e;
      throw e;
    }
  });
  for (const [i, iv] of intervals.entries())
    if (Number.isNaN(iv.start) || Number.isNaN(iv.end))
      fail(
        "malformed",
        `${field}#/intervals/${i}`,
        "an interval without an absolute start and end",
      );
  const buys = side === "buy";
  return {
    eiBuyer: buys ? value.partyID : value.counterPartyID,
    eiSeller: buys ? value.counterPartyID : value.partyID,
    currency: currency as string,
    intervals,
  };
}
