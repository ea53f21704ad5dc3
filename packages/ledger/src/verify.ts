/**
 * Full verification of a stored ledger: every frame's checksum, every record's canonical form,
 * hash link, sequence, proof of work and signature, and every rule, replayed from an empty state.
 * Records are decoded on the main thread while the previous batch's signatures are verified on
 * worker threads (one per core), so both cores work.
 */
import { closeSync, fstatSync, openSync } from "node:fs";
import { join } from "node:path";
import type { EquivocationProof } from "./equivocation.js";
import { LedgerError } from "./errors.js";
import { FRAME_PROOF, Ledger, type LedgerConfig, lock, readConfig, unlock } from "./ledger.js";
import { readFrames } from "./log.js";
import { type BodyOf, decodeRecord, type SignedRecord, signedMessage } from "./record.js";
import { VerifyPool } from "./verify-pool.js";

/** One refused record or damaged frame. */
export interface VerifyProblem {
  /** byte offset of the frame in ledger.log */
  readonly offset: number;
  readonly code: string;
  readonly field: string;
  readonly message: string;
}

/** What verification found. */
export interface VerifyReport {
  readonly ok: boolean;
  readonly records: number;
  readonly authors: number;
  readonly proofs: number;
  readonly bytes: number;
  /** bytes after the last intact frame (a torn last write, cut when the ledger is next opened) */
  readonly tornTail: number;
  /** the first problems found (at most 100) */
  readonly problems: readonly VerifyProblem[];
  /** the replayed ledger (in memory): balances, heads */
  readonly ledger: Ledger;
}

/** Options of verifyLedger. */
export interface VerifyOptions {
  /** called after each batch with bytes done and total */
  readonly onProgress?: (done: number, total: number) => void;
  /** worker threads (default: one per core) */
  readonly workers?: number;
  /** records per batch (default 4096) */
  readonly batch?: number;
}

/** Verifies a ledger directory without changing it. */
export async function verifyLedger(
  dir: string,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const config = readConfig(dir);
  lock(dir); // no appender may change the log while it is read
  try {
    return await verifyLocked(dir, config, options);
  } finally {
    unlock(dir);
  }
}

async function verifyLocked(
  dir: string,
  config: LedgerConfig,
  options: VerifyOptions,
): Promise<VerifyReport> {
  const replay = Ledger.inMemory({ ...config, keepRecords: false });
  const pool = new VerifyPool(options.workers);
  const fd = openSync(join(dir, "ledger.log"), "r");
  const problems: VerifyProblem[] = [];
  const problem = (offset: number, e: unknown) => {
    if (problems.length >= 100) return;
    if (e instanceof LedgerError)
      problems.push({ offset, code: e.code, field: e.field, message: e.message });
    else problems.push({ offset, code: "internal", field: "", message: String(e) });
  };
  const size = fstatSync(fd).size;
  const scan = { end: 0, frames: 0 };
  // keys by author as the batch being decoded will need them (registrations and rotations)
  const keys = new Map<string, string>();
  type Item = { offset: number; sr?: SignedRecord; proof?: EquivocationProof; key?: string };
  let pending: { items: Item[]; verified: Promise<boolean[]> } | undefined;
  const apply = async (p: NonNullable<typeof pending>) => {
    const ok = await p.verified;
    let j = 0;
    for (const it of p.items) {
      if (it.proof !== undefined) {
        try {
          await replay.addProof(it.proof);
        } catch (e) {
          problem(it.offset, e);
        }
        continue;
      }
      if (it.sr === undefined) continue;
      const verified = it.key !== undefined && ok[j++] ? it.key : undefined;
      try {
        await replay.accept(it.sr, verified);
      } catch (e) {
        problem(it.offset, e);
      }
    }
  };
  let items: Item[] = [];
  const flush = async () => {
    const withKey = items.filter((it) => it.sr !== undefined && it.key !== undefined);
    const verified = pool.verify(
      withKey.map((it) => ({
        key: it.key as string,
        message: signedMessage((it.sr as SignedRecord).hash),
        signature: Buffer.from((it.sr as SignedRecord).sig, "base64url"),
      })),
    );
    if (pending !== undefined) await apply(pending);
    pending = { items, verified };
    items = [];
    options.onProgress?.(scan.end, size);
  };
  try {
    for (const f of readFrames(fd, size, scan)) {
      if (f.type === FRAME_PROOF) {
        items.push({
          offset: f.offset,
          proof: JSON.parse(f.payload.toString("utf8")) as EquivocationProof,
        });
        continue;
      }
      try {
        const sr = decodeRecord(f.payload);
        const r = sr.record;
        let key = keys.get(r.author);
        if (r.kind === "register") {
          key = (r.body as BodyOf["register"]).publicKey;
          keys.set(r.author, key);
        } else if (r.kind === "key" && (r.body as BodyOf["key"]).action === "rotate")
          keys.set(r.author, (r.body as { publicKey: string }).publicKey);
        items.push({ offset: f.offset, sr, ...(key === undefined ? {} : { key }) });
      } catch (e) {
        problem(f.offset, e);
      }
      if (items.length >= (options.batch ?? 4096)) await flush();
    }
  } catch (e) {
    problem(scan.end, e);
  } finally {
    closeSync(fd);
  }
  await flush();
  if (pending !== undefined) await apply(pending);
  await pool.close();
  options.onProgress?.(size, size);
  return {
    ok: problems.length === 0,
    records: replay.size,
    authors: replay.state.authors.size,
    proofs: replay.proofs.size,
    bytes: size,
    tornTail: size - scan.end,
    problems,
    ledger: replay,
  };
}
