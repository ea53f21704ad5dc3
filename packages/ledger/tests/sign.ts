/** Signs an arbitrary (possibly rule-breaking) record, for the refusal tests. */
import type { Identity, LedgerRecord, SignedRecord } from "../src/index.js";
import { signRecord } from "../src/record.js";

export function signRecordForTest(identity: Identity, record: LedgerRecord): SignedRecord {
  return signRecord(identity, record);
}
