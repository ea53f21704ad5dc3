import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  generateIdentity,
  identityToJson,
  Ledger,
  startLedgerServer,
  syncLedger,
  verifyEquivocationProof,
  verifyLedger,
} from "./index.js";

const FIXTURES = join(import.meta.dirname, "../tests/fixtures");
const dirs: string[] = [];
const children: ChildProcess[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "ledger-sync-"));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function run(script: string, args: string[]): { child: ChildProcess; line: () => Promise<string> } {
  const child = spawn(
    process.execPath,
    ["--conditions=@transactive/source", "--import", "tsx", join(FIXTURES, script), ...args],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  children.push(child);
  let out = "";
  let err = "";
  child.stdout?.on("data", (c: Buffer) => (out += c));
  child.stderr?.on("data", (c: Buffer) => (err += c));
  const line = () =>
    new Promise<string>((resolve, reject) => {
      const poll = setInterval(() => {
        const nl = out.indexOf("\n");
        if (nl >= 0) {
          clearInterval(poll);
          const l = out.slice(0, nl);
          out = out.slice(nl + 1);
          resolve(l);
        } else if (child.exitCode !== null) {
          clearInterval(poll);
          reject(new Error(`${script} exited ${child.exitCode}: ${err}`));
        }
      }, 20);
    });
  return { child, line };
}

const iv = (start: string, energy: string) => ({
  intervals: [{ start, duration: "PT15M", energy }],
});
const quarter = (i: number) =>
  new Date(Date.parse("2026-09-01T00:00:00Z") + i * 900_000).toISOString().replace(".000Z", "Z");

/** Every record envelope the node holds, as it sends them. */
async function allRecords(url: string): Promise<string[]> {
  const res = await fetch(`${url}/pull`, {
    method: "POST",
    body: JSON.stringify({ heads: {}, proofs: [] }),
  });
  return (await res.text()).split("\n").filter((l) => l.startsWith('{"record"'));
}

describe("replication between two processes over HTTP", () => {
  it("converges after a partition where both sides appended; the cross-partition fork is proven on both", async () => {
    const remoteDir = tempDir();
    const node = run("node.ts", [remoteDir]);
    const url = (await node.line()).replace("listening ", "");
    const localDir = tempDir();
    Ledger.init(localDir, { difficulty: 0, registrationExtra: 0 });
    const local = await Ledger.open(localDir);
    const [a, b, forker] = [generateIdentity(), generateIdentity(), generateIdentity()];
    for (const [p, ei] of [
      [a, "a"],
      [b, "b"],
      [forker, "f"],
    ] as const)
      await local.append(local.register(p, ei));
    // before the partition: both hold the registrations
    let r = await syncLedger(local, url);
    expect(r.sent.stored).toBe(3);

    // partition: the remote side receives b's and the forker's records from devices next to it
    const remoteView = Ledger.inMemory({ difficulty: 0, registrationExtra: 0 });
    await syncLedger(remoteView, url);
    const post = async (rec: { bytes: Uint8Array }) =>
      (await fetch(`${url}/append`, { method: "POST", body: rec.bytes })).status;
    for (let i = 0; i < 5; i++) {
      const rec = remoteView.draft(b, "delivery", iv(quarter(i), `${i}.25`));
      await remoteView.append(rec);
      expect(await post(rec)).toBe(200);
    }
    const forkRemote = remoteView.draft(forker, "delivery", iv(quarter(0), "2"));
    expect(await post(forkRemote)).toBe(200);
    // ... while this side takes a's records and the forker's other record with the same seq
    for (let i = 0; i < 7; i++)
      await local.append(local.draft(a, "delivery", iv(quarter(i), `-${i}.5`)));
    const forkLocal = local.draft(forker, "delivery", iv(quarter(0), "3"));
    await local.append(forkLocal);
    expect(forkLocal.record.seq).toBe(forkRemote.record.seq);

    // the partition heals
    r = await syncLedger(local, url);
    expect(r.received.stored).toBe(5);
    expect(r.received.equivocations).toBe(1);
    expect(r.sent.stored).toBe(7);
    // a second round has nothing left to exchange, and brings the proof across
    r = await syncLedger(local, url);
    expect(r.received.stored + r.sent.stored).toBe(0);

    const heads = (await (await fetch(`${url}/heads`)).json()) as {
      heads: Record<string, { seq: number; hash: string }>;
      proofs: string[];
    };
    expect(heads.proofs).toEqual([forker.partyId]);
    expect([...local.proofs.keys()]).toEqual([forker.partyId]);
    verifyEquivocationProof(local.proofs.get(forker.partyId) as never);
    for (const p of [a, b]) expect(heads.heads[p.partyId]).toEqual(local.heads().get(p.partyId));

    // the same records of every honest author on both sides, each once
    const remoteLines = await allRecords(url);
    const localLines = [...local.records()].map((x) => Buffer.from(x.bytes).toString("utf8"));
    const honest = (lines: string[]) =>
      lines.filter((l) => !l.includes(forker.partyId) || l.includes('"kind":"register"')).sort();
    expect(honest(remoteLines)).toEqual(honest(localLines));
    expect(new Set(remoteLines).size).toBe(remoteLines.length);
    expect(honest(localLines)).toHaveLength(3 + 5 + 7);

    // the forker's later records are refused on both sides
    const later = local.draft(forker, "delivery", iv(quarter(1), "1"));
    await expect(local.append(later)).rejects.toMatchObject({ code: "equivocator" });
    expect(await post(later)).toBe(409);

    await local.close();
    node.child.kill("SIGTERM");
    await new Promise((res) => node.child.once("exit", res));
    expect((await verifyLedger(remoteDir)).ok).toBe(true);
    const again = await Ledger.open(remoteDir);
    expect(again.proofs.has(forker.partyId)).toBe(true);
    await again.close();
  });
});

describe("equivocation by a forging process", () => {
  it("keeps a verifiable proof and refuses the forger's later records", async () => {
    const dir = tempDir();
    Ledger.init(dir, { difficulty: 0, registrationExtra: 0 });
    const ledger = await Ledger.open(dir);
    const forger = generateIdentity();
    await ledger.append(ledger.register(forger, "device-7"));
    const server = await startLedgerServer(ledger);
    const idFile = join(dir, "forger.json");
    writeFileSync(idFile, JSON.stringify(identityToJson(forger)));
    const child = run("forger.ts", [server.url, idFile]);
    const answers = JSON.parse(await child.line()) as {
      status: number;
      body: { error?: { code: string } };
      seq: number;
    }[];
    expect(answers.map((x) => x.status)).toEqual([200, 409, 409]);
    expect(answers[1]?.body.error?.code).toBe("equivocation");
    expect(answers[2]?.body.error?.code).toBe("equivocator");
    const proof = ledger.proofs.get(forger.partyId);
    expect(proof).toMatchObject({ author: forger.partyId, seq: 1, publicKey: forger.publicKey });
    const [x, y] = verifyEquivocationProof(proof as never);
    expect(x.hash).not.toBe(y.hash);
    // a tampered proof proves nothing
    const tampered = {
      ...(proof as object),
      records: [
        (proof as { records: readonly string[] }).records[0],
        (proof as { records: readonly string[] }).records[0],
      ],
    };
    expect(() => verifyEquivocationProof(tampered as never)).toThrow(/same record/);
    expect(ledger.size).toBe(2);
    await server.close();
    await ledger.close();
    const again = await Ledger.open(dir);
    expect(again.proofs.get(forger.partyId)).toEqual(proof);
    await again.close();
  });
});
