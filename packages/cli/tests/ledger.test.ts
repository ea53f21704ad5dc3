/** `transactive ledger …` end to end through main(): keygen, init, append, verify, balance, export. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "cli-ledger-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("transactive ledger", () => {
  it("creates identities and a ledger, appends, verifies, shows balances and exports", async () => {
    const store = join(dir, "store");
    expect(
      (await run(["ledger", "init", store, "--difficulty", "4", "--registration-extra", "2"])).code,
    ).toBe(0);
    const alice = join(dir, "alice.json");
    const bob = join(dir, "bob.json");
    const k1 = await run(["ledger", "keygen", "--out", alice]);
    expect(k1.stdout).toMatch(/^tp[0-9a-f]{40}\n$/);
    await run(["ledger", "keygen", "--out", bob]);
    const bobId = JSON.parse(readFileSync(bob, "utf8")).partyId as string;
    expect(
      (
        await run([
          "ledger",
          "append",
          store,
          "--identity",
          alice,
          "register",
          "--ei-party",
          "house-1",
        ])
      ).code,
    ).toBe(0);
    expect(
      (
        await run([
          "ledger",
          "append",
          store,
          "--identity",
          bob,
          "register",
          "--ei-party",
          "house-2",
        ])
      ).code,
    ).toBe(0);
    const d = await run([
      "ledger",
      "append",
      store,
      "--identity",
      alice,
      "delivery",
      "--start",
      "2026-09-01T14:00:00Z",
      "--duration",
      "PT15M",
      "--energy=-0.25",
    ]);
    expect(d.stdout).toMatch(/seq 1\n$/);
    // a payment from an empty balance: refused, exit 1, nothing stored
    const pay = await run([
      "ledger",
      "append",
      store,
      "--identity",
      alice,
      "payment",
      "--to",
      bobId,
      "--amount",
      "0.0042",
      "--currency",
      "USD",
    ]);
    expect(pay.code).toBe(1);
    expect(pay.stderr).toMatch(
      /^transactive ledger: overdraw at \/record\/body\/amount: pays 4200 µUSD, the balance is 0\n$/,
    );

    const v = await run(["ledger", "verify", store, "--progress"]);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/OK: 3 records by 2 parties, 0 equivocation proofs/);
    expect(v.stderr).toContain("100%");
    const vj = JSON.parse((await run(["ledger", "verify", store, "--json"])).stdout);
    expect(vj).toMatchObject({ ok: true, records: 3, problems: [] });

    expect((await run(["ledger", "balance", store, "--json"])).stdout).toBe("[]\n");

    const exported = join(dir, "export.ndjson");
    expect((await run(["ledger", "export", store, "--out", exported])).stdout).toBe(
      `3 records written to ${exported}\n`,
    );
    // the export replays into a fresh ledger with the same rules
    const copy = join(dir, "copy");
    await run(["ledger", "init", copy, "--difficulty", "4", "--registration-extra", "2"]);
    const imported = await run(["ledger", "append", copy, "--records", exported]);
    expect(imported.stdout).toBe("3 of 3 records appended\n");
    // again: every record is already there (sequence-reuse), exit 1
    const again = await run(["ledger", "append", copy, "--records", exported]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("sequence-reuse");
  });

  it("reports a damaged store and usage errors", async () => {
    const store = join(dir, "bad");
    await run(["ledger", "init", store, "--difficulty", "0"]);
    const id = join(dir, "c.json");
    await run(["ledger", "keygen", "--out", id]);
    await run(["ledger", "append", store, "--identity", id, "register", "--ei-party", "x"]);
    await run([
      "ledger",
      "append",
      store,
      "--identity",
      id,
      "delivery",
      "--start",
      "2026-09-01T14:00:00Z",
      "--duration",
      "PT15M",
      "--energy",
      "1",
    ]);
    const log = join(store, "ledger.log");
    const bytes = readFileSync(log);
    bytes[20] = (bytes[20] as number) ^ 0xff;
    writeFileSync(log, bytes);
    const v = await run(["ledger", "verify", store]);
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(/store-corrupt/);
    expect((await run(["ledger", "verify"])).code).toBe(2);
    expect((await run(["ledger", "frobnicate"])).stderr).toMatch(/unknown ledger command/);
    expect((await run(["ledger", "verify", join(dir, "nowhere")])).code).toBe(2);
    expect((await run(["ledger", "append", store, "--identity", id, "loan"])).stderr).toMatch(
      /record kind/,
    );
  });
});
