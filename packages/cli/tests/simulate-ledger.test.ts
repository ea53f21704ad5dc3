/** `transactive simulate --ledger`: the day's trades written into a ledger, settled, verified. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Decimal } from "@transactive/emix";
import { Ledger } from "@transactive/ledger";
import { createScenario, marketEngine, runSimulation } from "@transactive/sim";
import { afterAll, describe, expect, it } from "vitest";
import { type LedgerInterval, writeDayToLedger } from "../src/simulate-ledger.js";
import { REPO, run } from "./helpers.js";

const BIN = join(REPO, "packages/cli/src/bin.ts");
const scratch = mkdtempSync(join(tmpdir(), "transactive-simulate-ledger-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const SMALL = ["--agents", "12", "--hours", "2", "--interval", "PT15M", "--seed", "5"];

/** A real `transactive` process (the source through tsx). */
function cli(args: readonly string[]) {
  const r = spawnSync(
    process.execPath,
    ["--conditions=@transactive/source", "--import", "tsx", BIN, ...args],
    { cwd: REPO, encoding: "utf8" },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("transactive simulate --ledger", () => {
  const ledgerDir = join(scratch, "ledger");
  const out = join(scratch, "out");

  it("writes the trades into a ledger that verifies, and settles the day to exactly zero", {
    timeout: 240_000,
  }, async () => {
    const r = await run(["simulate", ...SMALL, "--out", out, "--ledger", ledgerDir]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    const l = summary.ledger;
    expect(l.directory).toBe(ledgerDir);
    expect(l.settlement.total).toBe("0");
    expect(l.settlement.contracts).toBeGreaterThan(0);
    expect(l.settlement.deliveries).toBeGreaterThan(0);
    expect(l.settlement.partiesSettled).toBeGreaterThan(1);
    // registrations of the parties settled (the market included), the contracts, the meters and
    // the settlement records: nothing else is written; a day is one period
    expect(l.settlement.periods).toBe(1);
    expect(l.settlement.parts).toBeGreaterThanOrEqual(1);
    expect(l.records).toBe(
      l.settlement.partiesSettled +
        l.settlement.contracts +
        l.settlement.deliveries +
        l.settlement.parts,
    );
    // every transaction of an agent with the market is one contract
    expect(l.settlement.contracts).toBeGreaterThanOrEqual(summary.market.transactionCount);
    expect(l.medianTransactionValue).toMatch(/^\d+(\.\d+)?$/);
    expect(Decimal.of(l.medianTransactionValue).sign()).toBe(1);

    // a real process verifies every signature and link
    const v = cli(["ledger", "verify", ledgerDir]);
    expect(v.stderr + v.stdout).toContain(`OK: ${l.records} records`);
    expect(v.code).toBe(0);

    // the ledger's own balances: every party settled, and they add up to zero
    const ledger = await Ledger.open(ledgerDir);
    try {
      let sum = 0n;
      let parties = 0;
      for (const byCurrency of ledger.balances().values()) {
        const b = byCurrency.get(summary.scenario.currency);
        if (b === undefined) continue;
        sum += b;
        parties++;
      }
      expect(sum).toBe(0n);
      expect(parties).toBeGreaterThan(1);
      expect(ledger.size).toBe(l.records);
    } finally {
      await ledger.close();
    }

    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html).toContain('<table id="ledger">');
    expect(html).toContain(`<td data-ledger="records">${l.records}</td>`);
    expect(html).toContain(`<td data-ledger="total">0</td>`);
    expect(html).toContain(
      `<td data-ledger="medianTransactionValue">${l.medianTransactionValue}</td>`,
    );
  });

  it("refuses a directory that holds a ledger already, writing nothing", {
    timeout: 120_000,
  }, async () => {
    const before = readFileSync(join(ledgerDir, "ledger.log"));
    const again = join(scratch, "out-again");
    const r = cli(["simulate", ...SMALL, "--out", again, "--ledger", ledgerDir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("a ledger exists there already");
    expect(r.stdout).toBe("");
    expect(existsSync(again)).toBe(false);
    expect(readFileSync(join(ledgerDir, "ledger.log")).equals(before)).toBe(true);
  });

  it("without --ledger the summary has no ledger and the report no ledger table", {
    timeout: 120_000,
  }, async () => {
    const plain = join(scratch, "plain");
    const r = await run(["simulate", ...SMALL, "--out", plain]);
    expect(r.code).toBe(0);
    const summary = JSON.parse(readFileSync(join(plain, "summary.json"), "utf8"));
    expect(summary.ledger).toBeUndefined();
    expect(readFileSync(join(plain, "report.html"), "utf8")).not.toContain('id="ledger"');
  });

  it("refuses an empty --ledger", async () => {
    const r = await run(["simulate", ...SMALL, "--out", join(scratch, "x"), "--ledger", ""]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--ledger must name a folder");
  });

  it("settles a day in parts, and in several periods when an agent has too many fills", {
    timeout: 240_000,
  }, async () => {
    const scenario = createScenario({ agents: 8, hours: 2, interval: "PT15M", seed: 11 });
    const day: LedgerInterval[] = [];
    await runSimulation(scenario, {
      market: marketEngine,
      onMarketOutcome: (interval, outcome) => day.push({ interval, outcome }),
    });
    const fills = day.reduce((n, d) => n + (d.outcome.fills?.length ?? 0), 0);
    const agents = new Set(day.flatMap((d) => (d.outcome.fills ?? []).map((f) => f.party)));
    const dir = join(scratch, "parts");
    // a small part budget: the day in one period of several parts
    const l = await writeDayToLedger(dir, day, scenario.currency, { maxPartBytes: 3500 });
    expect(l.settlement.contracts).toBe(fills);
    expect(l.settlement.periods).toBe(1);
    expect(l.settlement.parts).toBeGreaterThan(1);
    expect(l.settlement.total).toBe("0");
    expect(l.settlement.partiesSettled).toBe(agents.size + 1);
    expect(l.records).toBe(
      l.settlement.partiesSettled + fills + l.settlement.deliveries + l.settlement.parts,
    );
    const ledger = await Ledger.open(dir);
    try {
      let sum = 0n;
      for (const byCurrency of ledger.balances().values())
        sum += byCurrency.get(scenario.currency) ?? 0n;
      expect(sum).toBe(0n);
      // nothing left unsettled: every contract is marked settled
      expect([...ledger.state.contracts.values()].every((c) => c.settled)).toBe(true);
      // every part is a settlement record under the budget
      let parts = 0;
      for (const r of ledger.records())
        if (r.record.kind === "settlement") {
          parts++;
          expect(JSON.stringify(r.record.body).length).toBeLessThanOrEqual(3500);
        }
      expect(parts).toBe(l.settlement.parts);
    } finally {
      await ledger.close();
    }
    expect(cli(["ledger", "verify", dir]).code).toBe(0);

    // at most 3 fills of an agent per period: several periods, each agent's one delivery record
    // settled over all of them, counted once
    const dir2 = join(scratch, "periods");
    const p = await writeDayToLedger(dir2, day, scenario.currency, { maxAgentFills: 3 });
    expect(p.settlement.periods).toBeGreaterThan(1);
    expect(p.settlement.parts).toBeGreaterThanOrEqual(p.settlement.periods);
    expect(p.settlement.contracts).toBe(fills);
    expect(p.settlement.total).toBe("0");
    expect(p.records).toBe(
      p.settlement.partiesSettled + fills + p.settlement.deliveries + p.settlement.parts,
    );
    expect(cli(["ledger", "verify", dir2]).code).toBe(0);
  });

  it("settles an interval of 3,001 trading agents (once refused: one record could not hold it)", {
    timeout: 600_000,
  }, async () => {
    const dir = join(scratch, "many");
    const fills = Array.from({ length: 3001 }, (_, k) => ({
      party: `agent-${k}`,
      side: k % 2 === 0 ? ("buy" as const) : ("sell" as const),
      quantity: Decimal.of("0.001"),
      price: Decimal.of("0.1"),
    }));
    const interval = {
      index: 0,
      start: "2026-07-15T00:00:00-06:00",
      end: "2026-07-15T00:15:00-06:00",
      startMs: Date.UTC(2026, 6, 15, 6),
      seconds: 900,
    };
    const zero = Decimal.ZERO;
    const outcome = {
      clearingPrice: Decimal.of("0.1"),
      supply: zero,
      demand: zero,
      load: zero,
      batteryEnergy: zero,
      gridImport: zero,
      gridExport: zero,
      trades: [],
      fills,
    };
    // no proof of work, to keep 9,000 records quick
    const l = await writeDayToLedger(dir, [{ interval, outcome }], "USD", {
      init: { difficulty: 0, registrationExtra: 0 },
    });
    expect(l.settlement.contracts).toBe(3001);
    expect(l.settlement.partiesSettled).toBe(3002);
    expect(l.settlement.periods).toBe(1);
    expect(l.settlement.parts).toBeGreaterThan(1);
    expect(l.settlement.total).toBe("0");
    expect(l.records).toBe(3002 + 3001 + 3001 + l.settlement.parts);
  });
});
