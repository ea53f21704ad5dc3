/**
 * Ledger replication through a real nats-server with JetStream: three nodes with durable ledgers
 * converge; a node that was offline catches up; appends made while the server is down are
 * published when it returns; a forged record published straight into the stream is refused by
 * every node. Nothing lost, nothing duplicated: every node ends with the same heads and count.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstream } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { generateIdentity, type Identity, Ledger, verifyLedger } from "@transactive/ledger";
import { afterAll, describe, expect, it } from "vitest";
import { HAVE_NATS, requireNats } from "../tests/nats.js";
import { LedgerReplica } from "./ledger-replica.js";
import { type NatsServer, startNatsServer } from "./server.js";
import { ledgerSubject } from "./subjects.js";

const dirs: string[] = [];
const servers: NatsServer[] = [];
const conns: NatsConnection[] = [];
function tempDir(name: string): string {
  const d = mkdtempSync(join(tmpdir(), `scale-${name}-`));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const c of conns) await c.close().catch(() => {});
  for (const s of servers) await s.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const WORK = { difficulty: 2, registrationExtra: 2 };

interface Node {
  readonly dir: string;
  ledger: Ledger;
  replica: LedgerReplica;
  nc: NatsConnection;
  readonly meters: Identity[];
}

async function openNode(
  name: string,
  url: string,
  dir?: string,
  meters: Identity[] = [],
): Promise<Node> {
  const d = dir ?? tempDir(name);
  if (dir === undefined) Ledger.init(d, WORK);
  const ledger = await Ledger.open(d);
  const nc = await connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  conns.push(nc);
  const replica = await LedgerReplica.start(nc, ledger, { node: name });
  return { dir: d, ledger, replica, nc, meters };
}

async function closeNode(n: Node): Promise<void> {
  await n.replica.close();
  await n.nc.close();
  await n.ledger.close();
}

/** A meter registers, then reports `count` quarter hours. */
async function meterDay(n: Node, tag: string, count: number): Promise<void> {
  let id = n.meters.find((m) => m.partyId.length > 0 && (m as { tag?: string }).tag === tag);
  if (id === undefined) {
    id = Object.assign(generateIdentity(), { tag });
    n.meters.push(id);
    await n.replica.append(n.ledger.register(id, `meter-${tag}`));
  }
  for (let i = 0; i < count; i++) {
    const seq = n.ledger.author(id.partyId)?.seq ?? 0;
    const start = new Date(Date.parse("2026-09-01T00:00:00Z") + seq * 900_000)
      .toISOString()
      .replace(".000Z", "Z");
    await n.replica.append(
      n.ledger.draft(id, "delivery", {
        intervals: [{ start, duration: "PT15M", energy: `0.${seq % 10}` }],
      }),
    );
  }
}

function headsOf(l: Ledger): Record<string, string> {
  return Object.fromEntries([...l.heads()].map(([a, h]) => [a, `${h.seq}:${h.hash}`]).sort());
}

describe.skipIf(!HAVE_NATS && process.env.CI !== "true")(
  "ledger replication over JetStream",
  () => {
    it("three nodes converge; an offline node catches up; appends during a server outage are not lost", async () => {
      requireNats();
      const store = tempDir("js");
      let server = await startNatsServer({ storeDir: store });
      servers.push(server);
      const a = await openNode("a", server.url);
      const b = await openNode("b", server.url);
      let c = await openNode("c", server.url);

      await Promise.all([meterDay(a, "a1", 6), meterDay(b, "b1", 6), meterDay(c, "c1", 3)]);
      for (const n of [a, b, c]) await n.replica.flush();
      for (const n of [a, b, c]) await n.replica.caughtUp();
      expect(a.ledger.size).toBe(3 + 6 + 6 + 3);
      expect(headsOf(b.ledger)).toEqual(headsOf(a.ledger));
      expect(headsOf(c.ledger)).toEqual(headsOf(a.ledger));

      // c goes offline (process gone: ledger closed); a and b keep appending
      const cMeters = c.meters;
      await closeNode(c);
      await meterDay(a, "a1", 4);
      await meterDay(b, "b2", 5);
      for (const n of [a, b]) await n.replica.flush();

      // the server crashes; a appends meanwhile (durable locally, published when it is back)
      await server.kill();
      await meterDay(a, "a1", 3);
      server = await startNatsServer({ storeDir: store, port: server.port });
      servers.push(server);
      await a.replica.flush().catch(async () => {
        await new Promise((r) => setTimeout(r, 500));
        await a.replica.flush();
      });

      // c comes back on its own directory and catches up from its durable consumer
      c = await openNode("c", server.url, c.dir, cMeters);
      for (const n of [a, b, c]) await n.replica.flush();
      for (const n of [a, b, c]) await n.replica.caughtUp();
      const total = 3 + (6 + 4 + 3) + (6 + 1 + 5) + 3;
      for (const n of [a, b, c]) expect(n.ledger.size).toBe(total);
      expect(headsOf(b.ledger)).toEqual(headsOf(a.ledger));
      expect(headsOf(c.ledger)).toEqual(headsOf(a.ledger));
      for (const n of [a, b, c]) expect(n.replica.stats.refused).toEqual([]);
      // every record stored once per node: received + own = total
      expect(c.replica.stats.stored).toBe(4 + 3 + 6);

      // the stream holds each record once (Nats-Msg-Id = hash), and every ledger verifies
      const info = await (await import("@nats-io/jetstream"))
        .jetstreamManager(a.nc)
        .then((m) => m.streams.info("TRANSACTIVE_LEDGER"));
      expect(info.state.messages).toBe(total);
      for (const n of [a, b, c]) await closeNode(n);
      for (const n of [a, b, c]) {
        const report = await verifyLedger(n.dir);
        expect(report.ok).toBe(true);
        expect(report.records).toBe(total);
      }
    }, 120_000);

    it("a forged record published into the stream is refused by the replicas and never stored", async () => {
      requireNats();
      const server = await startNatsServer();
      servers.push(server);
      const a = await openNode("a", server.url);
      const b = await openNode("b", server.url);
      await meterDay(a, "x", 2);
      await a.replica.flush();
      await b.replica.caughtUp();
      // a copy of a's last record with another energy value: its signature no longer verifies
      const last = [...a.ledger.records()].at(-1);
      const forged = Buffer.from(last?.bytes ?? [])
        .toString("utf8")
        .replace(/"energy":"0\.\d"/, '"energy":"9.9"');
      const js = jetstream(a.nc);
      await js.publish(ledgerSubject("TRANSACTIVE_LEDGER", last?.record.author ?? ""), forged, {
        msgID: "forged",
      });
      await meterDay(a, "x", 1);
      await a.replica.flush();
      await b.replica.caughtUp();
      expect(b.replica.stats.refused.map((r) => r.code)).toEqual(["bad-signature"]);
      expect(a.replica.stats.refused.map((r) => r.code)).toEqual(["bad-signature"]);
      expect(headsOf(b.ledger)).toEqual(headsOf(a.ledger));
      expect(b.ledger.size).toBe(4);
      for (const n of [a, b]) await closeNode(n);
    }, 120_000);
  },
);
