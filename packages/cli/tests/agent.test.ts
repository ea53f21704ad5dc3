/**
 * `transactive agent` and the live market of `serve --profile cts --role market --interval D`:
 * help, usage errors (exit 2) and a market that cannot be reached (exit 1, one clear line). The
 * agents trading with a live market, each in its own process, are tested in packages/interop
 * (players-cts.test.ts, market-day-cts.test.ts).
 */
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { run } from "./helpers.js";

/** A port nothing listens on: bound, read, closed. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe("transactive agent", () => {
  it("--help documents every option", async () => {
    const r = await run(["agent", "--help"]);
    expect(r.code).toBe(0);
    for (const flag of [
      "--market",
      "--personality",
      "--party-id",
      "--market-context",
      "--market-party-id",
      "--quantity",
      "--price",
      "--intervals",
      "--settle-delay",
    ])
      expect(r.stdout).toContain(flag);
  });

  it.each([
    [[], /agent needs --market URL/],
    [["--market", "not a url", "--personality", "pv"], /--market must be a URL/],
    [["--market", "http://127.0.0.1:1"], /--personality must be pv, load, battery, not ""/],
    [["--market", "http://127.0.0.1:1", "--personality", "wind"], /not "wind"/],
    [
      ["--market", "http://127.0.0.1:1", "--personality", "pv", "--intervals", "0"],
      /--intervals must be an integer from 1/,
    ],
    [
      ["--market", "http://127.0.0.1:1", "--personality", "pv", "--price", "cheap"],
      /--price must be a decimal number/,
    ],
    [["--market", "http://127.0.0.1:1", "--personality", "pv", "extra"], /takes no file arguments/],
  ])("refuses %j with exit 2", async (args, message) => {
    const r = await run(["agent", ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it("says so in one line (exit 1) when the market cannot be reached", async () => {
    const port = await closedPort();
    const r = await run(["agent", "--market", `http://127.0.0.1:${port}`, "--personality", "pv"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`^transactive agent: the market at http://127\\.0\\.0\\.1:${port}`),
    );
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("transactive serve: the live CTS market's options", () => {
  it("--help documents them", async () => {
    const r = await run(["serve", "--help"]);
    for (const flag of ["--interval", "--mechanism", "--market-party-id", "--currency"])
      expect(r.stdout).toContain(flag);
  });

  it.each([
    [["--profile", "cts", "--mechanism", "cda"], /--mechanism is an option of the live CTS market/],
    [["--interval", "PT5S"], /--interval is an option of the live CTS market/],
    [["--profile", "cts", "--interval", "PT0S"], /--interval must be at least one second/],
    [["--profile", "cts", "--interval", "soon"], /--interval/],
    [
      ["--profile", "cts", "--interval", "PT5S", "--mechanism", "pay-as-bid"],
      /--mechanism must be call or cda/,
    ],
  ])("refuses %j with exit 2", async (args, message) => {
    const r = await run(["serve", ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
