/**
 * The other process of the nesting benchmark (bench/scale.ts). argv: NATS URL, mode, children K,
 * intervals T, format, payload bytes.
 * - "children": K child markets (two agents each) joined to "bench-parent" over NATS; every
 *   interval each sends its curve and settles its award. Prints the wall milliseconds.
 * - "raw": K concurrent loops of T NATS requests of the given size on "bench.raw" (the baseline).
 */
import { connect } from "@nats-io/transport-node";
import { MarketNode, toPrice, toQuantity } from "@transactive/market";
import { NatsParentLink } from "../src/index.js";

const [url, mode, k, t, format, bytes] = process.argv.slice(2) as string[];
const K = Number(k);
const T = Number(t);
const nc = await connect({ servers: url as string });
const started = performance.now();
if (mode === "raw") {
  const payload = new Uint8Array(Number(bytes)).fill(60);
  await Promise.all(
    Array.from({ length: K }, async () => {
      for (let i = 0; i < T; i++) await nc.request("bench.raw", payload, { timeout: 30_000 });
    }),
  );
} else {
  const links = Array.from({ length: K }, (_, c) => {
    const child = new MarketNode({
      id: `child-${c}`,
      marketContext: `urn:bench:child-${c}`,
      currency: "USD",
      interval: "PT15M",
      mechanism: "call",
    });
    child.addMember({
      id: "load",
      bid: (iv) => [
        { side: "buy", price: toPrice("0.30"), quantity: toQuantity(String(2 + (iv.index % 3))) },
      ],
      award: () => {},
    });
    child.addMember({
      id: "pv",
      bid: () => [{ side: "sell", price: toPrice("0.04"), quantity: toQuantity("1") }],
      award: () => {},
    });
    return new NatsParentLink(nc, child, {
      parent: "bench-parent",
      marketContext: "urn:bench:parent",
      format: format as "xml" | "json",
      timeoutMs: 60_000,
      requestTimeoutMs: 30_000,
    });
  });
  for (const l of links) await l.connect();
  for (let i = 0; i < T; i++) {
    await Promise.all(links.map((l) => l.submit(i)));
    await Promise.all(links.map((l) => l.settle(i)));
  }
}
process.stdout.write(`${performance.now() - started}\n`);
await nc.close();
