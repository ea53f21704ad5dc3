/**
 * Ledger replication over JetStream. Each node keeps its own durable ledger (the ledger's default
 * store: `Ledger.open(dir)`); JetStream carries and replays records between nodes, it is never
 * the only copy:
 *
 * - `append` (and `appendMany`) commit to the local ledger first; that durable commit is what
 *   acknowledges a record. Then the record is published to the stream on its author's subject
 *   `<prefix>.ledger.<stream>.record.<author>` with `Nats-Msg-Id` = the record hash (JetStream
 *   drops a re-publication inside its duplicate window).
 * - A durable pull consumer per node (`ledger-<node>`) delivers every record of the stream in
 *   order. Each batch goes through `Ledger.appendMany`, which verifies every signature, hash link
 *   and rule before it stores; a message is acked only after the local commit is durable. A record
 *   the node holds already is a duplicate (acked, nothing stored); one whose dependencies have not
 *   arrived yet (sequence gap, unknown author or reference) is redelivered later (nak, backing
 *   off up to 5 s, never given up: the missing record is in the stream); one that breaks a rule
 *   is terminated and reported in `stats.refused`, never stored.
 * - On start and after every reconnection, the node compares its ledger with the stream (the last
 *   message of each author's subject) and publishes what the stream lacks: records appended while
 *   the server was unreachable, or by a node that crashed before publishing, are not lost.
 *
 * A node that was offline catches up from its durable consumer (or, new, from the stream's start).
 */
import {
  type Consumer,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import {
  type Appended,
  type AppendOutcome,
  decodeRecord,
  type Head,
  type Ledger,
  type SignedRecord,
} from "@transactive/ledger";
import { ScaleError } from "./errors.js";
import { DEFAULT_PREFIX, ledgerSubject } from "./subjects.js";

/** The default stream name. */
export const DEFAULT_LEDGER_STREAM = "TRANSACTIVE_LEDGER";

/** How a ledger node replicates. */
export interface LedgerReplicaOptions {
  /** this node's name, unique among the nodes: its durable consumer is `ledger-<node>` */
  readonly node: string;
  /** the JetStream stream (created when missing; default "TRANSACTIVE_LEDGER") */
  readonly stream?: string;
  /** first subject token (default "transactive") */
  readonly prefix?: string;
  /** stream replicas in a JetStream cluster (default 1) */
  readonly replicas?: number;
  /** JetStream domain of the server holding the stream (a leaf node's hub), if not the local one */
  readonly domain?: string;
  /** records per verification batch at most (default 512) */
  readonly batch?: number;
}

/** What a replica did so far. */
export interface ReplicaStats {
  /** records this node published to the stream (acked by JetStream) */
  published: number;
  /** records received from the stream, verified and stored */
  stored: number;
  /** records received that the ledger held already (own records coming back, redeliveries) */
  duplicates: number;
  /** equivocations detected among received records (the proof is kept) */
  equivocations: number;
  /** records received that broke a rule: never stored */
  refused: { readonly code: string; readonly field: string; readonly message: string }[];
}

/** Codes that mean "not yet": a dependency has not arrived, the record is redelivered later. */
const LATER = new Set(["sequence-gap", "unknown-author", "unknown-reference"]);

/** A ledger node replicating through a JetStream stream (see the module comment). */
export class LedgerReplica {
  readonly stats: ReplicaStats = {
    published: 0,
    stored: 0,
    duplicates: 0,
    equivocations: 0,
    refused: [],
  };
  private readonly prefix: string;
  private readonly stream: string;
  private readonly consumerName: string;
  private outbox: SignedRecord[] = [];
  private pumping: Promise<void> | undefined;
  private inbox: JsMsg[] = [];
  private applying: Promise<void> = Promise.resolve();
  private messages: ConsumerMessages | undefined;
  private closed = false;
  private failure: Error | undefined;

  private constructor(
    readonly nc: NatsConnection,
    readonly ledger: Ledger,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly options: LedgerReplicaOptions,
  ) {
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.stream = options.stream ?? DEFAULT_LEDGER_STREAM;
    this.consumerName = `ledger-${options.node}`;
  }

  /**
   * Starts replicating `ledger` over `nc`: creates the stream and this node's durable consumer
   * when missing, publishes what the stream lacks, then consumes.
   */
  static async start(
    nc: NatsConnection,
    ledger: Ledger,
    options: LedgerReplicaOptions,
  ): Promise<LedgerReplica> {
    if (typeof options?.node !== "string" || !/^[A-Za-z0-9_-]+$/.test(options.node))
      throw new ScaleError(
        "bad-option",
        "/node",
        "a replica needs a node name of letters, digits, '_' and '-'",
      );
    const stream = options.stream ?? DEFAULT_LEDGER_STREAM;
    if (!/^[A-Za-z0-9_-]+$/.test(stream))
      throw new ScaleError(
        "bad-option",
        "/stream",
        "a stream name is letters, digits, '_' and '-'",
      );
    const jsOpts = options.domain !== undefined ? { domain: options.domain } : {};
    const jsm = await jetstreamManager(nc, jsOpts);
    const js = jetstream(nc, jsOpts);
    const replica = new LedgerReplica(nc, ledger, js, jsm, options);
    await replica.ensureStream();
    await replica.reconcile();
    await replica.consume();
    replica.watchStatus();
    return replica;
  }

  /** The stream's subjects: every author's records, `<prefix>.ledger.<stream>.record.>`. */
  get subjects(): string {
    return `${ledgerSubject(this.stream, "x", this.prefix).slice(0, -1)}>`;
  }

  private async ensureStream(): Promise<void> {
    try {
      await this.jsm.streams.info(this.stream);
    } catch {
      try {
        await this.jsm.streams.add({
          name: this.stream,
          subjects: [this.subjects],
          num_replicas: this.options.replicas ?? 1,
          // the stream is the replay log: records are never dropped by age or count
          duplicate_window: 120 * 1_000_000_000,
        });
      } catch (e) {
        // another node created it in between
        await this.jsm.streams.info(this.stream).catch(() => {
          throw new ScaleError(
            "transport",
            this.stream,
            `cannot create stream ${this.stream}: ${(e as Error).message}`,
          );
        });
      }
    }
    try {
      await this.jsm.consumers.info(this.stream, this.consumerName);
    } catch {
      await this.jsm.consumers.add(this.stream, {
        durable_name: this.consumerName,
        ack_policy: "explicit",
        deliver_policy: "all",
        // a batch is verified and committed well within this; a crashed node's unacked
        // messages come back after it
        ack_wait: 10 * 1_000_000_000,
        max_ack_pending: 20_000,
      });
    }
  }

  /**
   * Appends a record to the local ledger (verified, durable), then publishes it. Resolves at the
   * local durable commit; rejects with the ledger's LedgerError, having published nothing.
   */
  async append(record: SignedRecord | Uint8Array): Promise<Appended> {
    const sr = record instanceof Uint8Array ? decodeRecord(record) : record;
    const a = await this.ledger.append(sr);
    this.enqueue([sr]);
    return a;
  }

  /** Appends many records locally (see Ledger.appendMany), then publishes the stored ones. */
  async appendMany(records: readonly (SignedRecord | Uint8Array)[]): Promise<AppendOutcome[]> {
    const decoded = records.map((r) => (r instanceof Uint8Array ? decodeRecord(r) : r));
    const out = await this.ledger.appendMany(decoded);
    this.enqueue(decoded.filter((_, i) => out[i]?.ok === true));
    return out;
  }

  /** Resolves when every record appended here so far is in the stream (acked by JetStream). */
  async flush(): Promise<void> {
    while (this.outbox.length > 0 || this.pumping !== undefined) {
      this.pump();
      await this.pumping;
      if (this.failure !== undefined && this.outbox.length > 0) {
        const e = this.failure;
        this.failure = undefined;
        throw e;
      }
    }
  }

  /**
   * Resolves when this node has applied everything in the stream up to now (its consumer has no
   * pending or unacked message), or rejects with ScaleError "transport" after `timeoutMs`.
   */
  async caughtUp(timeoutMs = 60_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const info = await this.jsm.consumers
        .info(this.stream, this.consumerName)
        .catch(() => undefined);
      if (
        info !== undefined &&
        info.num_pending === 0 &&
        info.num_ack_pending === 0 &&
        this.inbox.length === 0
      ) {
        await this.applying;
        return;
      }
      if (Date.now() > until)
        throw new ScaleError(
          "transport",
          this.consumerName,
          `not caught up after ${timeoutMs} ms (pending ${info?.num_pending}, unacked ${info?.num_ack_pending})`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Stops consuming and publishing (the ledger stays open: close it yourself). */
  async close(): Promise<void> {
    this.closed = true;
    this.messages?.stop();
    await this.pumping?.catch(() => {});
    await this.applying;
  }

  // ---- publishing ----

  private enqueue(records: readonly SignedRecord[]): void {
    if (records.length === 0) return;
    for (const r of records) this.outbox.push(r);
    this.pump();
  }

  private pump(): void {
    if (this.pumping !== undefined || this.closed) return;
    this.pumping = this.publishAll().finally(() => {
      this.pumping = undefined;
    });
  }

  /** Publishes the outbox in order, pipelined; what fails stays queued for the next attempt. */
  private async publishAll(): Promise<void> {
    while (this.outbox.length > 0 && !this.closed) {
      const batch = this.outbox.slice(0, 256);
      const results = await Promise.allSettled(
        batch.map((sr) =>
          this.js.publish(ledgerSubject(this.stream, sr.record.author, this.prefix), sr.bytes, {
            msgID: sr.hash,
          }),
        ),
      );
      const failed: SignedRecord[] = [];
      results.forEach((r, i) => {
        if (r.status === "fulfilled") {
          if (!r.value.duplicate) this.stats.published++;
        } else failed.push(batch[i] as SignedRecord);
      });
      this.outbox = [...failed, ...this.outbox.slice(batch.length)];
      if (failed.length > 0) {
        const first = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
        this.failure = new ScaleError(
          "transport",
          this.stream,
          `publishing to ${this.stream} failed (${failed.length} records kept for later): ${(first.reason as Error)?.message}`,
        );
        return; // retried on reconnection or the next append/flush
      }
    }
  }

  /** Publishes every local record the stream lacks (its last record per author is the head). */
  private async reconcile(): Promise<void> {
    const theirs = new Map<string, Head>();
    for (const author of this.ledger.heads().keys()) {
      const subject = ledgerSubject(this.stream, author, this.prefix);
      const m = await this.jsm.streams
        .getMessage(this.stream, { last_by_subj: subject })
        .catch(() => null);
      if (m === null) continue;
      try {
        const sr = decodeRecord(m.data);
        theirs.set(author, { seq: sr.record.seq, hash: sr.hash });
      } catch {
        // a malformed message on the subject: publish everything of the author again
      }
    }
    const lacking = this.ledger.missing(theirs);
    this.enqueue(lacking);
    await this.flush().catch(() => {});
  }

  private watchStatus(): void {
    (async () => {
      for await (const s of this.nc.status()) {
        if (this.closed) break;
        if (s.type === "reconnect") await this.reconcile().catch(() => {});
      }
    })().catch(() => {});
  }

  // ---- consuming ----

  private async consume(): Promise<void> {
    const consumer: Consumer = await this.js.consumers.get(this.stream, this.consumerName);
    this.messages = await consumer.consume({
      max_messages: this.options.batch ?? 512,
      callback: (m) => {
        this.inbox.push(m);
        if (this.inbox.length === 1) this.applying = this.applying.then(() => this.applyInbox());
      },
    });
  }

  /** True when the ledger holds exactly this record (same author, seq and hash). */
  private holds(bytes: Uint8Array): boolean {
    let sr: SignedRecord;
    try {
      sr = decodeRecord(bytes);
    } catch {
      return false; // appendMany reports why
    }
    return this.ledger.author(sr.record.author)?.hashes[sr.record.seq] === sr.hash;
  }

  /** Verifies and stores the received messages in batches; acks after the durable commit. */
  private async applyInbox(): Promise<void> {
    while (this.inbox.length > 0) {
      const batch = this.inbox.splice(0, this.options.batch ?? 512);
      // records held already (this node's own, coming back; redeliveries) skip verification
      const records: (Uint8Array | undefined)[] = batch.map((m) => {
        if (this.holds(m.data)) {
          this.stats.duplicates++;
          m.ack();
          return undefined;
        }
        return m.data;
      });
      const valid: Uint8Array[] = [];
      const slot: number[] = [];
      records.forEach((r, i) => {
        if (r !== undefined) {
          valid.push(r);
          slot.push(i);
        }
      });
      let outcomes: AppendOutcome[];
      try {
        outcomes = await this.ledger.appendMany(valid);
      } catch (e) {
        // the store failed: nothing acked, JetStream redelivers after ack_wait
        for (const m of batch) m.nak(1000);
        this.failure = e as Error;
        continue;
      }
      outcomes.forEach((out, j) => {
        const m = batch[slot[j] as number] as JsMsg;
        if (out.ok) {
          this.stats.stored++;
          m.ack();
          return;
        }
        const code = out.error.code;
        if (code === "sequence-reuse") {
          this.stats.duplicates++;
          m.ack();
        } else if (code === "equivocation" || code === "equivocator") {
          this.stats.equivocations++;
          m.ack();
        } else if (LATER.has(code)) {
          // never given up: the missing record is in the stream, maybe still pending to a node
          // that crashed (redelivered after ack_wait); back off up to 5 s between attempts
          m.nak(Math.min(5_000, 100 * 2 ** Math.min(6, m.info.deliveryCount)));
        } else {
          this.stats.refused.push({
            code,
            field: out.error.field,
            message: out.error.message,
          });
          // no reason text: nats-server 2.9 ignores "+TERM <reason>" (2.10 added it)
          m.term();
        }
      });
    }
  }
}
