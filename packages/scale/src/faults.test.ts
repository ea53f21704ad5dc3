/**
 * Faults, with real processes: the parent market "city" (this process, on the hub server with
 * JetStream) and the child market "microgrid-a" (a separate process on its own leaf-node server).
 * Mid-day the child process is killed (SIGKILL) and later restarted; later its leaf server is
 * killed and restarted. The parent keeps clearing every interval, bidding the child's last known
 * aggregate curve while it is gone; the child settles the intervals it missed from the awards the
 * parent kept and goes on; both ledgers (durable, replicated through the hub's stream) end with
 * the same records: each interval's record of each node exactly once, nothing lost.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { generateIdentity, Ledger, verifyLedger } from "@transactive/ledger";
import { MarketNode, quantityToString, toPrice, toQuantity } from "@transactive/market";
import { createMarketDispatcher } from "@transactive/market/ei";
import { afterAll, describe, expect, it } from "vitest";
import { HAVE_NATS, requireNats } from "../tests/nats.js";
import { serveEiOverNats } from "./ei-nats.js";
import { LedgerReplica } from "./ledger-replica.js";
import { NatsChildren } from "./nesting.js";
import { type NatsServer, startNatsServer } from "./server.js";

const FIXTURE = join(import.meta.dirname, "../tests/fixtures/child-node.ts");
const EPOCH = Date.parse("2026-09-01T00:00:00Z");
const WORK = { difficulty: 2, registrationExtra: 2 };
const N = 12;
const dirs: string[] = [];
const servers: NatsServer[] = [];
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  for (const s of servers) await s.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(name: string): string {
  const d = mkdtempSync(join(tmpdir(), `scale-faults-${name}-`));
  dirs.push(d);
  return d;
}

/** The child market process; `lines` collects its stdout lines. */
function startChild(url: string, dir: string) {
  const child = spawn(
    process.execPath,
    ["--conditions=@transactive/source", "--import", "tsx", FIXTURE, url, dir, String(N)],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  children.push(child);
  const lines: string[] = [];
  let err = "";
  let buf = "";
  child.stdout?.on("data", (c: Buffer) => {
    buf += c.toString("utf8");
    const parts = buf.split("\n");
    buf = parts.pop() ?? "";
    lines.push(...parts);
  });
  child.stderr?.on("data", (c: Buffer) => (err += c));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return { child, lines, exited, stderr: () => err };
}

describe.skipIf(!HAVE_NATS && process.env.CI !== "true")(
  "faults: a child market process or its server dies mid-day",
  () => {
    it("the parent keeps clearing with the child's last known curve; the child catches up; the ledgers converge", async () => {
      requireNats();
      const hub = await startNatsServer({
        name: "hub",
        domain: "hub",
        leafListen: true,
        storeDir: tempDir("hub-js"),
      });
      servers.push(hub);
      const startLeaf = (port?: number) =>
        startNatsServer({
          name: "microgrid-a",
          jetStream: false,
          leafRemotes: [hub.leafUrl as string],
          ...(port !== undefined ? { port } : {}),
        });
      let leaf = await startLeaf();
      servers.push(leaf);

      // the parent: a supplier member and the remote child, its ledger replicated on the hub
      const nc: NatsConnection = await connect({ servers: hub.url });
      const parentDir = tempDir("city");
      Ledger.init(parentDir, WORK);
      const ledger = await Ledger.open(parentDir);
      const replica = await LedgerReplica.start(nc, ledger, { node: "city", domain: "hub" });
      const me = generateIdentity();
      await replica.append(ledger.register(me, "city"));
      const city = new MarketNode({
        id: "city",
        marketContext: "urn:transactive:city",
        currency: "USD",
        interval: "PT15M",
        epochMs: EPOCH,
        mechanism: "call",
      });
      const supplied: number[] = [];
      city.addMember({
        id: "supplier",
        bid: () => [{ side: "sell", price: toPrice("0.10"), quantity: toQuantity("5") }],
        award: (a) => supplied.push(a.sold),
      });
      const remote = new NatsChildren(nc, city);
      remote.addChild("microgrid-a");
      await remote.start();
      const served = await serveEiOverNats(nc, createMarketDispatcher(city), { market: "city" });

      const childDir = tempDir("microgrid-a");
      let proc = startChild(leaf.url, childDir);
      const curveSeen: number[] = [];
      for (let i = 0; i < N; i++) {
        if (i === 3) {
          proc.child.kill("SIGKILL");
          await proc.exited;
        }
        if (i === 6) proc = startChild(leaf.url, childDir);
        if (i === 8) await leaf.kill();
        if (i === 10) {
          leaf = await startLeaf(leaf.port);
          servers.push(leaf);
        }
        const down = (i >= 3 && i < 6) || (i >= 8 && i < 10);
        const missing = await remote.collect(i, down ? 1500 : 90_000);
        if (!down)
          expect(
            missing,
            `interval ${i}: child said ${proc.lines.join("|")} ${proc.stderr()}`,
          ).toEqual([]);
        const result = city.clear(i);
        curveSeen.push(result.quote.quantity);
        const start = new Date(EPOCH + i * 900_000).toISOString().replace(".000Z", "Z");
        await replica.append(
          ledger.draft(me, "delivery", {
            intervals: [
              { start, duration: "PT15M", energy: quantityToString(supplied[i] as never) },
            ],
          }),
        );
      }
      const code = await proc.exited;
      expect(code, proc.stderr()).toBe(0);
      expect(proc.lines.at(-1)).toBe("done");
      expect(proc.lines.at(-2)).toBe("refused []");

      // the parent cleared every interval; while the child was gone it bid its last known curve
      for (let i = 0; i < N; i++) expect(city.quote(i)?.outcome).toBe("cleared");
      const stale = [...remote.stale.keys()];
      expect(stale).toEqual(expect.arrayContaining([4, 5, 9]));
      for (const i of stale) expect(curveSeen[i]).toBeGreaterThan(0);

      // ledgers converge: 1 + N records of each node, each interval once, nothing else
      await replica.flush();
      await replica.caughtUp();
      const total = 2 * (1 + N);
      expect(ledger.size).toBe(total);
      // the child process ended before the parent's last record: its node takes it from the stream
      const childLedger = await Ledger.open(childDir);
      const childReplica = await LedgerReplica.start(nc, childLedger, {
        node: "microgrid-a",
        domain: "hub",
      });
      await childReplica.caughtUp();
      await childReplica.close();
      expect(childReplica.stats.refused).toEqual([]);
      expect(childLedger.size).toBe(total);
      expect([...childLedger.heads()].sort()).toEqual([...ledger.heads()].sort());
      const starts = [...childLedger.records()]
        .filter((r) => r.record.kind === "delivery" && r.record.author !== me.partyId)
        .map(
          (r) =>
            (r.record.body as unknown as { intervals: { start: string }[] }).intervals[0]?.start,
        );
      expect(new Set(starts).size).toBe(N);
      expect(starts.length).toBe(N);
      await childLedger.close();
      const info = await (await jetstreamManager(nc)).streams.info("TRANSACTIVE_LEDGER");
      expect(info.state.messages).toBe(total);
      expect(replica.stats.refused).toEqual([]);

      await served.close();
      await remote.close();
      await replica.close();
      await nc.close();
      await ledger.close();
      for (const d of [parentDir, childDir]) expect((await verifyLedger(d)).ok).toBe(true);
    }, 400_000);
  },
);
