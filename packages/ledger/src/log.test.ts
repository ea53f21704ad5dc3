import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateIdentity, Ledger, LedgerError, verifyLedger } from "./index.js";
import { FrameLog } from "./log.js";

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "ledger-test-"));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function filled(n: number): Promise<{ dir: string; hashes: string[] }> {
  const dir = tempDir();
  Ledger.init(dir, { difficulty: 0, registrationExtra: 0 });
  const ledger = await Ledger.open(dir);
  const a = generateIdentity();
  const hashes: string[] = [];
  const reg = ledger.register(a, "a");
  await ledger.append(reg);
  hashes.push(reg.hash);
  const waits: Promise<unknown>[] = [];
  for (let i = 1; i < n; i++) {
    const start = new Date(Date.parse("2026-01-01T00:00:00Z") + i * 900_000)
      .toISOString()
      .replace(".000Z", "Z");
    const r = ledger.draft(a, "delivery", {
      intervals: [{ start, duration: "PT15M", energy: "1" }],
    });
    hashes.push(r.hash);
    waits.push(ledger.append(r));
  }
  await Promise.all(waits);
  await ledger.close();
  return { dir, hashes };
}

describe("the frame log", () => {
  it("commits a burst of appends in a few flushes, and reads them back after reopening", async () => {
    const { dir, hashes } = await filled(200);
    const ledger = await Ledger.open(dir);
    expect([...ledger.records()].map((r) => r.hash)).toEqual(hashes);
    await ledger.close();
    const report = await verifyLedger(dir);
    expect(report).toMatchObject({ ok: true, records: 200, tornTail: 0 });
  });

  it("cuts a torn last write and keeps every complete record", async () => {
    const { dir, hashes } = await filled(20);
    const log = join(dir, "ledger.log");
    const size = statSync(log).size;
    // a frame header announcing 500 bytes, then only 10 of them
    const torn = Buffer.alloc(18);
    torn.writeUInt32LE(500, 0);
    FrameLog.appendRawForTest(log, torn);
    expect((await verifyLedger(dir)).tornTail).toBe(18);
    const ledger = await Ledger.open(dir);
    expect(ledger.size).toBe(20);
    expect(statSync(log).size).toBe(size);
    expect([...ledger.records()].map((r) => r.hash)).toEqual(hashes);
    await ledger.close();
    // a zero-filled tail (the file grew, the data never came)
    FrameLog.appendRawForTest(log, Buffer.alloc(4096));
    const again = await Ledger.open(dir);
    expect(again.size).toBe(20);
    await again.close();
  });

  it("refuses to open a log damaged before its tail, naming the byte", async () => {
    const { dir } = await filled(20);
    const log = join(dir, "ledger.log");
    const bytes = readFileSync(log);
    bytes[300] = (bytes[300] as number) ^ 0x01;
    writeFileSync(log, bytes);
    const e = await Ledger.open(dir).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LedgerError);
    expect((e as LedgerError).code).toBe("store-corrupt");
    expect((e as LedgerError).field).toMatch(/^@\d+$/);
    const report = await verifyLedger(dir);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ code: "store-corrupt" });
  });

  it("refuses a second opener of the same directory", async () => {
    const { dir } = await filled(2);
    const ledger = await Ledger.open(dir);
    await expect(Ledger.open(dir)).rejects.toMatchObject({ code: "store-unavailable" });
    await ledger.close();
  });
});

describe("kill -9 in the middle of appends", () => {
  it("loses no acknowledged record; the store opens and verifies (3 random kill points)", async () => {
    const dir = tempDir();
    Ledger.init(dir, { difficulty: 0, registrationExtra: 0 });
    const acked: string[] = [];
    for (let round = 0; round < 3; round++) {
      const child = spawn(
        process.execPath,
        [
          "--conditions=@transactive/source",
          "--import",
          "tsx",
          join(import.meta.dirname, "../tests/fixtures/appender.ts"),
          dir,
        ],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      let err = "";
      child.stderr.on("data", (c: Buffer) => (err += c));
      const killAt = acked.length + 50 + Math.floor(Math.random() * 800);
      let buf = "";
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (c: Buffer) => {
          buf += c;
          const lines = buf.split("\n");
          buf = lines.pop() as string;
          for (const l of lines) if (l.startsWith("ack ")) acked.push(l.slice(4));
          if (acked.length >= killAt && child.exitCode === null) child.kill("SIGKILL");
        });
        child.on("exit", (code, signal) =>
          signal === "SIGKILL" ? resolve() : reject(new Error(`child exited ${code}: ${err}`)),
        );
      });
      const ledger = await Ledger.open(dir);
      const stored = new Set([...ledger.records()].map((r) => r.hash));
      expect(acked.filter((h) => !stored.has(h))).toEqual([]);
      await ledger.close();
      const report = await verifyLedger(dir);
      expect(report.problems).toEqual([]);
      expect(report.records).toBe(stored.size);
    }
  });
});
