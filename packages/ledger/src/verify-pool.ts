/**
 * Ed25519 verification on worker threads, one per core: the ledger's hot path (every record is
 * one verify). The worker is a few lines of plain JavaScript run with `eval`, so the same code
 * works from the TypeScript sources (tests) and from dist.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

const WORKER = `
const { parentPort } = require("node:worker_threads");
const { createPublicKey, verify } = require("node:crypto");
const keys = new Map();
parentPort.on("message", ({ id, keys: ks, items }) => {
  const out = new Uint8Array(items.length / 3);
  for (let i = 0; i < out.length; i++) {
    const key = ks[items[3 * i]];
    let k = keys.get(key);
    if (k === undefined) {
      k = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: key }, format: "jwk" });
      if (keys.size > 100000) keys.clear();
      keys.set(key, k);
    }
    try { out[i] = verify(null, items[3 * i + 1], k, items[3 * i + 2]) ? 1 : 0; } catch { out[i] = 0; }
  }
  parentPort.postMessage({ id, out }, [out.buffer]);
});
`;

/** One signature to check: raw base64url public key, message, signature bytes. */
export interface VerifyItem {
  readonly key: string;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

/** A pool of verification workers. */
export class VerifyPool {
  private readonly workers: Worker[];
  private next = 0;
  private seq = 0;
  private readonly waiting = new Map<number, (out: Uint8Array) => void>();

  constructor(size = Math.max(1, availableParallelism())) {
    this.workers = Array.from({ length: size }, () => {
      const w = new Worker(WORKER, { eval: true });
      w.unref();
      w.on("message", ({ id, out }: { id: number; out: Uint8Array }) => {
        this.waiting.get(id)?.(out);
        this.waiting.delete(id);
      });
      return w;
    });
  }

  /** Number of workers. */
  get size(): number {
    return this.workers.length;
  }

  /** Verifies a batch, split over the workers; resolves with one boolean per item. */
  async verify(items: readonly VerifyItem[]): Promise<boolean[]> {
    const n = this.workers.length;
    const per = Math.ceil(items.length / n);
    const parts: Promise<Uint8Array>[] = [];
    for (let s = 0; s < items.length; s += per) parts.push(this.run(items.slice(s, s + per)));
    const outs = await Promise.all(parts);
    return outs.flatMap((o) => Array.from(o, (v) => v === 1));
  }

  private run(items: readonly VerifyItem[]): Promise<Uint8Array> {
    const keyIndex = new Map<string, number>();
    const keys: string[] = [];
    const flat: unknown[] = [];
    for (const it of items) {
      let k = keyIndex.get(it.key);
      if (k === undefined) {
        k = keys.length;
        keys.push(it.key);
        keyIndex.set(it.key, k);
      }
      flat.push(k, it.message, it.signature);
    }
    const id = this.seq++;
    const w = this.workers[this.next++ % this.workers.length] as Worker;
    w.ref();
    return new Promise((resolve) => {
      this.waiting.set(id, (out) => {
        if (this.waiting.size <= 1) for (const x of this.workers) x.unref();
        resolve(out);
      });
      w.postMessage({ id, keys, items: flat });
    });
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
