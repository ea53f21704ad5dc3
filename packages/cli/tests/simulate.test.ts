import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "./helpers.js";

const scratch = mkdtempSync(join(tmpdir(), "transactive-simulate-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const SMALL = ["--agents", "12", "--hours", "4", "--interval", "PT15M", "--seed", "9"];

describe("transactive simulate", () => {
  it("writes report.html and summary.json into --out and prints the report's path", async () => {
    const out = join(scratch, "a");
    const r = await run([
      "simulate",
      ...SMALL,
      "--levels",
      "2",
      "--mechanism",
      "cda",
      "--out",
      out,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${join(out, "report.html")}\n`);
    expect(r.stderr).not.toContain("no market engine");
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(summary.format).toBe("transactive-simulation-summary/1");
    expect(summary.scenario).toMatchObject({ seed: "9", agents: 12, interval: "PT15M", count: 16 });
    expect(summary.levels).toBe(2);
    expect(summary.mechanism).toBe("cda");
    expect(summary.engines).toEqual({
      market: "continuous double auction, 2 levels",
      baseline: "no market",
    });
    expect(summary.market.transactionCount).toBeGreaterThan(0);
    expect(summary.market.peakImportKw).toMatch(/^\d+(\.\d+)?$/);
    expect(summary.baseline.peakImportKw).toMatch(/^\d+(\.\d+)?$/);
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toContain('id="no-market"');
  });

  it("the same seed gives byte-identical files; another seed other figures", async () => {
    const files = async (dir: string, seed: string) => {
      const args = ["simulate", ...SMALL.slice(0, -1), seed, "--out", join(scratch, dir)];
      expect((await run(args)).code).toBe(0);
      return ["summary.json", "report.html"].map((f) =>
        readFileSync(join(scratch, dir, f), "utf8"),
      );
    };
    const [s1, h1] = await files("b1", "9");
    const [s2, h2] = await files("b2", "9");
    const [s3] = await files("b3", "10");
    expect(s2).toBe(s1);
    expect(h2).toBe(h1);
    expect(s3).not.toBe(s1);
  });

  it("usage errors exit 2 and name the option", async () => {
    const file = join(scratch, "a-file");
    writeFileSync(file, "x");
    const cases: [string[], RegExp][] = [
      [["--agents", "0"], /--agents must be an integer from 1 to 1000000, not "0"/],
      [["--agents", "ten"], /--agents must be an integer/],
      [["--levels", "9"], /--levels must be an integer from 1 to 8/],
      [["--hours", "0"], /--hours must be an integer from 1 to 168/],
      [
        ["--interval", "PT7M"],
        /--interval: PT7M \(420 s\) must be at least 1 minute and divide 24 hours/,
      ],
      [["--interval", "5 minutes"], /--interval: "5 minutes" is not an ISO 8601 duration/],
      [
        ["--hours", "3", "--interval", "PT2H"],
        /--hours: 3 h is not a whole number of PT2H intervals/,
      ],
      [
        ["--seed", "18446744073709551616"],
        /--seed: the seed must be a decimal integer from 0 to 18446744073709551615/,
      ],
      [["--seed", "abc"], /--seed: the seed must be a decimal integer/],
      [["--mechanism", "pay-as-bid"], /--mechanism must be cda or call, not "pay-as-bid"/],
      [["extra"], /simulate takes no file arguments, got extra/],
      [["--frobnicate"], /Unknown option '--frobnicate'/],
      [["--agents", "3", "--hours", "1", "--out", file], /--out .*a-file: cannot write there/],
      [["--out", ""], /--out must name a folder/],
    ];
    for (const [args, message] of cases) {
      const r = await run(["simulate", ...args]);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe("");
    }
  });

  it("--help shows its options; the top-level help lists the command", async () => {
    const r = await run(["simulate", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("--mechanism cda|call");
    expect(r.stdout).toContain(
      "Defaults: 100 agents, 1 level, PT5M, 24 hours, seed 1, call, ./sim-out.",
    );
    const help = await run(["--help"]);
    expect(help.stdout).toContain("simulate [--agents N] [--levels L]");
  });
});
