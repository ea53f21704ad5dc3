/**
 * A NonceStore that forgets: each ReplayProtect nonce is remembered for `ttlMs` (at least the
 * verifier's maxAgeMs + maxSkewMs, after which the timestamp check refuses the message anyway),
 * so a long-running server does not grow without bound.
 */
import type { NonceStore } from "./verify.js";

/** An in-memory NonceStore that forgets each nonce `ttlMs` after it was added; `now` is the clock in ms. */
export function createNonceStore(ttlMs: number, now: () => number = Date.now): NonceStore {
  if (!(ttlMs > 0)) throw new RangeError(`a nonce lifetime must be positive, got ${ttlMs}`);
  const seen = new Map<string, number>(); // nonce -> expiry, in insertion (= expiry) order
  const purge = () => {
    const t = now();
    for (const [nonce, expiry] of seen) {
      if (expiry > t) break;
      seen.delete(nonce);
    }
  };
  return {
    has(nonce) {
      purge();
      return seen.has(nonce);
    },
    add(nonce) {
      purge();
      seen.delete(nonce);
      seen.set(nonce, now() + ttlMs);
    },
  };
}
