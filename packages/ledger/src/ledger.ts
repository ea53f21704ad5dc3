/**
 * A ledger node: the rules (LedgerState) over a durable frame log (FrameLog). An append is
 * checked and applied in memory synchronously, in call order, then acknowledged when its frame
 * is durable (group commit). A refused record changes nothing and stores nothing, except that a
 * detected equivocation stores its proof.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { canonicalize, type Json } from "./canonical.js";
import { type EquivocationProof, verifyEquivocationProof } from "./equivocation.js";
import { fail, LedgerError } from "./errors.js";
import type { Identity } from "./identity.js";
import { signBytes } from "./identity.js";
import { FrameLog } from "./log.js";
import {
  type BodyOf,
  decodeRecord,
  type LedgerRecord,
  MAX_REFS,
  mine,
  type RecordKind,
  type SignedRecord,
  signedMessage,
  signRecord,
} from "./record.js";
import {
  type AuthorState,
  type Change,
  EquivocationError,
  LedgerState,
  rotationMessage,
  TRUSTED,
  type WorkRule,
} from "./state.js";
import { VerifyPool } from "./verify-pool.js";

/** Frame types of the log. */
export const FRAME_RECORD = 1;
export const FRAME_PROOF = 2;

/** A ledger's settings, fixed at init (ledger.json). */
export interface LedgerConfig extends WorkRule {
  readonly format: "transactive-ledger";
  readonly version: 1;
}

/** Options of `Ledger.init`. */
export interface InitOptions {
  /** leading zero bits of every record hash (default 8) */
  readonly difficulty?: number;
  /** extra bits for registrations (default 8) */
  readonly registrationExtra?: number;
}

/** An acknowledged append. */
export interface Appended {
  readonly hash: string;
  readonly author: string;
  readonly seq: number;
}

/** One result of appendMany. */
export type AppendOutcome =
  | { readonly ok: true; readonly hash: string }
  | { readonly ok: false; readonly error: LedgerError };

/** An author's head: its last seq and that record's hash. */
export interface Head {
  readonly seq: number;
  readonly hash: string;
}

const DEFAULT_WORK: WorkRule = { difficulty: 8, registrationExtra: 8 };

/** A ledger node over a directory (ledger.json, ledger.log, LOCK), or in memory. */
export class Ledger {
  readonly state: LedgerState;
  /** per author, the log offset of each record by seq */
  private readonly offsets = new Map<string, number[]>();
  /** log order of records in memory (in-memory ledgers only) */
  private readonly memory: SignedRecord[] | undefined;
  private pool: VerifyPool | undefined;
  private keep = true;

  private constructor(
    readonly config: LedgerConfig,
    private log: FrameLog | undefined,
    private readonly dir: string | undefined,
  ) {
    this.state = new LedgerState(config, (author, seq) => this.recordAt(author, seq));
    this.memory = dir === undefined ? [] : undefined;
  }

  /** Creates a ledger directory (refuses one that exists with a ledger in it). */
  static init(dir: string, options: InitOptions = {}): LedgerConfig {
    const config: LedgerConfig = {
      format: "transactive-ledger",
      version: 1,
      difficulty: options.difficulty ?? DEFAULT_WORK.difficulty,
      registrationExtra: options.registrationExtra ?? DEFAULT_WORK.registrationExtra,
    };
    for (const [k, v] of Object.entries({
      difficulty: config.difficulty,
      registrationExtra: config.registrationExtra,
    }))
      if (!Number.isInteger(v) || v < 0 || v > 32)
        fail("malformed", `/${k}`, "an integer from 0 to 32");
    mkdirSync(dir, { recursive: true });
    if (existsSync(join(dir, "ledger.json")))
      fail("store-unavailable", dir, "a ledger exists here already");
    writeFileSync(join(dir, "ledger.json"), `${JSON.stringify(config, null, 2)}\n`);
    const log = openSync(join(dir, "ledger.log"), "a");
    fsyncSync(log);
    closeSync(log);
    // the new directory entries are durable too
    const d = openSync(dir, "r");
    fsyncSync(d);
    closeSync(d);
    return config;
  }

  /**
   * A ledger held in memory only (tests, verification, simulations). With `keepRecords: false`
   * it keeps the state but not the records (verification of large ledgers).
   */
  static inMemory(options: InitOptions & { readonly keepRecords?: boolean } = {}): Ledger {
    const ledger = new Ledger(
      {
        format: "transactive-ledger",
        version: 1,
        difficulty: options.difficulty ?? DEFAULT_WORK.difficulty,
        registrationExtra: options.registrationExtra ?? DEFAULT_WORK.registrationExtra,
      },
      undefined,
      undefined,
    );
    if (options.keepRecords === false) ledger.keep = false;
    return ledger;
  }

  /**
   * Opens a ledger directory made by `init`: locks it, reads the log (cutting a torn last
   * write) and rebuilds the state. The records were checked when appended; `verifyLedger`
   * checks every signature and link again.
   */
  static async open(dir: string): Promise<Ledger> {
    const config = readConfig(dir);
    lock(dir);
    const ledger = new Ledger(config, undefined, dir);
    try {
      const { log } = await FrameLog.open(join(dir, "ledger.log"), (f) =>
        ledger.replay(f.type, f.payload, f.offset),
      );
      ledger.log = log;
    } catch (e) {
      unlock(dir);
      throw e;
    }
    return ledger;
  }

  private replay(type: number, payload: Buffer, offset: number): void {
    try {
      if (type === FRAME_PROOF) {
        const proof = JSON.parse(payload.toString("utf8")) as EquivocationProof;
        this.state.addProof(proof);
        return;
      }
      const sr = decodeRecord(payload);
      const change = this.state.check(sr, TRUSTED);
      this.state.apply(change);
      this.index(sr, offset);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      fail("store-corrupt", `@${offset}`, `a stored record no longer passes the rules: ${why}`);
    }
  }

  private index(sr: SignedRecord, offset: number): void {
    let list = this.offsets.get(sr.record.author);
    if (list === undefined) this.offsets.set(sr.record.author, (list = []));
    list[sr.record.seq] = offset;
  }

  /** The stored record of `author` at `seq`. */
  recordAt(author: string, seq: number): SignedRecord | undefined {
    const offset = this.offsets.get(author)?.[seq];
    if (offset === undefined) return undefined;
    if (this.memory !== undefined) return this.memory[offset];
    const f = (this.log as FrameLog).read(offset);
    return decodeRecord(f.payload);
  }

  /** Number of records held. */
  get size(): number {
    return this.state.count;
  }

  /**
   * Checks and appends one record (a SignedRecord or its envelope bytes). Resolves when it is
   * durable; rejects with a LedgerError, having stored nothing (an equivocation stores its proof).
   */
  async append(record: SignedRecord | Uint8Array): Promise<Appended> {
    const sr = record instanceof Uint8Array ? decodeRecord(record) : record;
    let change: Change;
    try {
      change = this.state.check(sr);
    } catch (e) {
      if (e instanceof EquivocationError) await this.keepProof(e.proof);
      throw e;
    }
    const durable = this.write(change);
    await durable;
    return { hash: sr.hash, author: sr.record.author, seq: sr.record.seq };
  }

  /**
   * Checks and appends a record whose signature a worker verified with `verifiedKey` (the
   * verification replay). Throws like append.
   */
  async accept(sr: SignedRecord, verifiedKey?: string): Promise<void> {
    let change: Change;
    try {
      change = this.state.check(sr, verifiedKey);
    } catch (e) {
      if (e instanceof EquivocationError) await this.keepProof(e.proof);
      throw e;
    }
    await this.write(change);
  }

  /** Checks and applies a change, queues its frame; returns the durability promise. */
  private write(change: Change): Promise<void> {
    const sr = change.record;
    if (this.log === undefined) {
      this.state.apply(change);
      const mem = this.memory as SignedRecord[];
      if (this.keep) {
        this.index(sr, mem.length);
        mem.push(sr);
      }
      return Promise.resolve();
    }
    const { offset, durable } = this.log.append(FRAME_RECORD, sr.bytes);
    this.state.apply(change);
    this.index(sr, offset);
    return durable;
  }

  /**
   * Appends many records: signatures verified on worker threads (one per core), then each
   * checked and applied in order, all committed in as few flushes as the log needs. A refused
   * record is reported in its slot and does not stop the others.
   */
  async appendMany(records: readonly (SignedRecord | Uint8Array)[]): Promise<AppendOutcome[]> {
    const decoded: (SignedRecord | LedgerError)[] = records.map((r) => {
      try {
        return r instanceof Uint8Array ? decodeRecord(r) : r;
      } catch (e) {
        if (e instanceof LedgerError) return e;
        throw e;
      }
    });
    const keys = this.expectedKeys(decoded);
    const todo = decoded.flatMap((d, i) =>
      d instanceof LedgerError || keys[i] === undefined
        ? []
        : [
            {
              i,
              key: keys[i] as string,
              message: signedMessage(d.hash),
              signature: Buffer.from(d.sig, "base64url"),
            },
          ],
    );
    const ok = todo.length >= 64 ? await this.verifier().verify(todo) : [];
    const verifiedKey = new Map<number, string>();
    todo.forEach((t, j) => {
      if (ok[j]) verifiedKey.set(t.i, t.key);
    });
    const out: AppendOutcome[] = [];
    const waits: Promise<void>[] = [];
    for (const [i, d] of decoded.entries()) {
      if (d instanceof LedgerError) {
        out.push({ ok: false, error: d });
        continue;
      }
      try {
        waits.push(this.write(this.state.check(d, verifiedKey.get(i))));
        out.push({ ok: true, hash: d.hash });
      } catch (e) {
        if (!(e instanceof LedgerError)) throw e;
        if (e instanceof EquivocationError) await this.keepProof(e.proof);
        out.push({ ok: false, error: e });
      }
    }
    await Promise.all(waits);
    return out;
  }

  /** The key each record should verify with, following registrations and rotations in the batch. */
  private expectedKeys(decoded: readonly (SignedRecord | LedgerError)[]): (string | undefined)[] {
    const keys = new Map<string, string>();
    return decoded.map((d) => {
      if (d instanceof LedgerError) return undefined;
      const r = d.record;
      if (r.kind === "register") {
        const k = (r.body as BodyOf["register"]).publicKey;
        keys.set(r.author, k);
        return k;
      }
      const k = keys.get(r.author) ?? this.state.authors.get(r.author)?.key;
      if (r.kind === "key" && (r.body as BodyOf["key"]).action === "rotate")
        keys.set(r.author, (r.body as { publicKey: string }).publicKey);
      return k;
    });
  }

  private verifier(): VerifyPool {
    this.pool ??= new VerifyPool();
    return this.pool;
  }

  /** Stores an equivocation proof (from this node or a peer) once it checks; true when new. */
  async addProof(proof: EquivocationProof): Promise<boolean> {
    if (this.state.proofs.has(proof.author)) return false;
    const [a] = verifyEquivocationProof(proof);
    const author = this.state.authors.get(proof.author);
    if (author !== undefined && this.state.keyAt(author, proof.seq) !== proof.publicKey)
      fail("bad-proof", "/publicKey", `not ${proof.author}'s key at seq ${proof.seq}`);
    if (author === undefined && a.record.seq !== 0)
      fail("bad-proof", "/author", "an author unknown here, and no registration in the proof");
    await this.keepProof(proof);
    return true;
  }

  private async keepProof(proof: EquivocationProof): Promise<void> {
    if (this.state.proofs.has(proof.author)) return;
    this.state.addProof(proof);
    if (this.log !== undefined)
      await this.log.append(FRAME_PROOF, Buffer.from(canonicalize(proof as unknown as Json)))
        .durable;
  }

  /** Equivocation proofs held, by author. */
  get proofs(): ReadonlyMap<string, EquivocationProof> {
    return this.state.proofs;
  }

  /** Every author's head. */
  heads(): Map<string, Head> {
    const out = new Map<string, Head>();
    for (const [id, a] of this.state.authors) out.set(id, { seq: a.seq, hash: a.head });
    return out;
  }

  /** An author's state (key, seq, head, EI party), or undefined. */
  author(partyId: string): Readonly<AuthorState> | undefined {
    return this.state.authors.get(partyId);
  }

  /**
   * The records a peer with `heads` lacks, in this log's order (so each comes after what it
   * depends on). Where the peer's head differs from ours at the same seq, our record at that seq
   * is included: the peer then holds the two and proves the fork.
   */
  missing(heads: ReadonlyMap<string, Head>): SignedRecord[] {
    const wanted: [number, string, number][] = [];
    for (const [author, list] of this.offsets) {
      const theirs = heads.get(author);
      let from = theirs === undefined ? 0 : theirs.seq + 1;
      const mine = this.state.authors.get(author);
      if (
        theirs !== undefined &&
        mine !== undefined &&
        theirs.seq <= mine.seq &&
        mine.hashes[theirs.seq] !== theirs.hash
      )
        from = theirs.seq;
      for (let s = from; s < list.length; s++) wanted.push([list[s] as number, author, s]);
    }
    wanted.sort((x, y) => x[0] - y[0]);
    return wanted.map(([, author, s]) => this.recordAt(author, s) as SignedRecord);
  }

  /** Every record in log order. */
  *records(): Generator<SignedRecord> {
    yield* this.missing(new Map());
  }

  /** A party's balance in micro-units of `currency`. */
  balance(party: string, currency: string): bigint {
    return this.state.balance(party, currency);
  }

  /** All balances: party → currency → micro-units. */
  balances(): ReadonlyMap<string, ReadonlyMap<string, bigint>> {
    return this.state.balances;
  }

  /**
   * A new record of `identity`, next in its chain, referring to recent heads of other parties,
   * mined to this ledger's difficulty and signed. Append it with `append`.
   */
  draft<K extends RecordKind>(
    identity: Identity,
    kind: K,
    body: BodyOf[K],
    options: { refs?: readonly string[] } = {},
  ): SignedRecord<K> {
    const a = this.state.authors.get(identity.partyId);
    const refs =
      options.refs ??
      [...this.state.recent.entries()]
        .filter(([author]) => author !== identity.partyId)
        .slice(-4)
        .map(([, h]) => h);
    const draft: Omit<LedgerRecord<K>, "nonce"> = {
      v: 1,
      kind,
      author: identity.partyId,
      seq: a === undefined ? 0 : a.seq + 1,
      prev: a === undefined ? null : a.head,
      refs: [...new Set(refs)].sort().slice(0, MAX_REFS),
      body,
    };
    const bits = this.config.difficulty + (kind === "register" ? this.config.registrationExtra : 0);
    return signRecord(identity, mine(draft, bits));
  }

  /** The registration record of a new identity, binding it to its EI party ID. */
  register(identity: Identity, eiPartyID: string, venID?: string): SignedRecord<"register"> {
    return this.draft(identity, "register", {
      publicKey: identity.publicKey,
      eiPartyID,
      ...(venID === undefined ? {} : { venID }),
    });
  }

  /** A key rotation record from `current` to `next` (same party); sign later records with `next`. */
  rotateKey(current: Identity, next: Identity): SignedRecord<"key"> {
    const a = this.state.authors.get(current.partyId);
    if (a === undefined)
      fail("unknown-author", "/record/author", `${current.partyId} is not registered`);
    const proof = signBytes(
      next.privateKey,
      rotationMessage(current.partyId, a.seq + 1, next.publicKey),
    );
    return this.draft(current, "key", { action: "rotate", publicKey: next.publicKey, proof });
  }

  /** Waits for every queued append to be durable. */
  async sync(): Promise<void> {
    await this.log?.sync();
  }

  /** Flushes, unlocks and closes; stops the verification workers. */
  async close(): Promise<void> {
    await this.pool?.close();
    this.pool = undefined;
    if (this.log !== undefined) {
      await this.log.close();
      if (this.dir !== undefined) unlock(this.dir);
    }
  }
}

/** The config of a ledger directory (ledger.json). */
export function readConfig(dir: string): LedgerConfig {
  let config: LedgerConfig;
  try {
    config = JSON.parse(readFileSync(join(dir, "ledger.json"), "utf8")) as LedgerConfig;
  } catch (e) {
    return fail(
      "store-unavailable",
      dir,
      `not a ledger directory (ledger.json: ${(e as Error).message})`,
    );
  }
  if (config.format !== "transactive-ledger" || config.version !== 1)
    fail("store-unavailable", join(dir, "ledger.json"), "not a version 1 transactive ledger");
  return config;
}

/** Takes the directory's lock (LOCK, with our pid); a lock left by a dead process is taken over. */
export function lock(dir: string): void {
  const path = join(dir, "LOCK");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const pid = Number(readFileSync(path, "utf8"));
      if (Number.isInteger(pid) && pid > 0 && alive(pid))
        fail("store-unavailable", dir, `the ledger is open in process ${pid}`);
      rmSync(path, { force: true }); // left by a process that died (kill -9)
    }
  }
  fail("store-unavailable", dir, "cannot take the ledger's lock");
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Releases the directory's lock. */
export function unlock(dir: string): void {
  rmSync(join(dir, "LOCK"), { force: true });
}
