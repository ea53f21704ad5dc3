export { canonicalize, type Json, parseCanonical } from "./canonical.js";
export {
  contractDigest,
  type Fill,
  fillTransaction,
  signContract,
  signedContract,
  type TransactionTerms,
  transactionTerms,
  type UnsignedContract,
  verifyContractSignature,
} from "./contract.js";
export {
  type EquivocationProof,
  equivocationProof,
  verifyEquivocationProof,
} from "./equivocation.js";
export { LedgerError, type LedgerErrorCode } from "./errors.js";
export {
  generateIdentity,
  type Identity,
  type IdentityJson,
  identityFromJson,
  identityToJson,
  isPartyId,
  partyIdOf,
} from "./identity.js";
export {
  type Appended,
  type AppendOutcome,
  type Head,
  type InitOptions,
  Ledger,
  type LedgerConfig,
} from "./ledger.js";
export { formatMicroUnits, MICRO_UNITS, parseMicroUnits, toMicroUnits } from "./money.js";
export {
  type BodyOf,
  type ClearingPrice,
  type ContractBody,
  type DeliveryBody,
  decodeRecord,
  hashRecord,
  type KeyBody,
  type LedgerRecord,
  MAX_RECORD_BYTES,
  type MeteredInterval,
  type NetChange,
  type PaymentBody,
  type RecordKind,
  type RegisterBody,
  type SettlementBody,
  type SignedRecord,
} from "./record.js";
export {
  SETTLEMENT_PART_BYTES,
  type SettleDayInput,
  type SettleDayResult,
  type SettlementPart,
  type SettlementPlan,
  settleDay,
  settlementParts,
} from "./settle-day.js";
export {
  type ContractInterval,
  type ContractTerms,
  type Delivered,
  type IntervalPrice,
  type SettlementInput,
  type SettlementLine,
  type SettlementResult,
  settle,
} from "./settlement.js";
export type { AuthorState, WorkRule } from "./state.js";
export {
  type ApplyCounts,
  type LedgerServer,
  type SyncResult,
  startLedgerServer,
  syncLedger,
} from "./sync.js";
export {
  type VerifyOptions,
  type VerifyProblem,
  type VerifyReport,
  verifyLedger,
} from "./verify.js";
