/**
 * The CTS players as real processes on 127.0.0.1 (port 0), exercised with plain HTTP: our reference
 * market answers a tender, our live market clears two agents' tenders (each agent its own process),
 * and what cannot be started says so with a CtsPlayerError.
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { CtsPlayerError, type StartedCtsPlayer, startCtsPlayer } from "./players-cts.js";

const started: StartedCtsPlayer[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.stop()));
});

async function start(...args: Parameters<typeof startCtsPlayer>) {
  const p = await startCtsPlayer(...args);
  started.push(p);
  return p;
}

const tender = readFileSync(
  new URL("../../../conformance/ei/cts/02-createTender.request.xml", import.meta.url),
  "utf8",
);

describe("startCtsPlayer", () => {
  it("starts our reference market in its own process and it answers a tender over HTTP", async () => {
    const market = await start("market", { kind: "ours" });
    expect(market.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(market.pids).toHaveLength(1);
    const res = await fetch(`${market.url}/cts/EiTender`, {
      method: "POST",
      headers: { "content-type": "application/xml" },
      body: tender,
    });
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain("eiCreatedTender");
    expect(body).toContain("<ei:responseCode>200</ei:responseCode>");
    expect(body).toContain("<ei:tenderID>tender-2</ei:tenderID>");
    const { stderrTail } = await market.stop();
    expect(stderrTail).toContain("stopped (SIGTERM)");
    await expect(fetch(`${market.url}/cts/EiTender`, { method: "POST" })).rejects.toThrow();
  });

  it("runs a live market and two agents in their own processes: they tender and settle", async () => {
    const market = await start("market", { kind: "ours" }, { ours: { interval: "PT2S" } });
    const agents = await start(
      "agent",
      { kind: "ours" },
      {
        marketUrl: market.url as string,
        ours: {
          intervals: 2,
          agents: [
            { personality: "pv", partyID: "pv-1" },
            { personality: "load", partyID: "load-1" },
          ],
        },
      },
    );
    expect(agents.pids).toHaveLength(2);
    expect(agents.url).toBeUndefined();
    expect(await agents.exited).toEqual([0, 0]);
    const { stdoutTail } = await agents.stop();
    const lines = stdoutTail
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const settled = lines.filter((l) => "settled" in l);
    expect(settled).toHaveLength(4);
    // the load buys 1.5 kWh of the PV's 2 at one uniform price, each interval
    for (const s of settled) {
      expect(s.price).not.toBeNull();
      expect([s.bought, s.sold]).toContain("1.5");
      expect((s.transactions as string[]).length).toBe(1);
    }
    const { stdoutTail: marketOut } = await market.stop();
    expect(marketOut).toMatch(/cleared interval \d+ .*: cleared, price/);
  }, 120_000);

  it("returns a third party's market URL as given, and starts nothing for the script", async () => {
    const m = await start("market", { kind: "url", url: "http://127.0.0.1:9/" });
    expect(m.url).toBe("http://127.0.0.1:9");
    expect(m.pids).toEqual([]);
    const s = await start("agent", { kind: "script" });
    expect(s.pids).toEqual([]);
  });

  it("refuses what cannot play with a CtsPlayerError naming the role and the reason", async () => {
    await expect(startCtsPlayer("agent", { kind: "url", url: "http://x" })).rejects.toThrow(
      /agent: a CTS agent has no endpoint of its own/,
    );
    await expect(startCtsPlayer("market", { kind: "url", url: "ftp://x" })).rejects.toThrow(
      CtsPlayerError,
    );
    await expect(startCtsPlayer("agent", { kind: "ours" })).rejects.toThrow(
      /needs the market's URL/,
    );
    await expect(
      startCtsPlayer(
        "agent",
        { kind: "ours" },
        { marketUrl: "http://x", ours: { agents: [{ personality: "wind" }] } },
      ),
    ).rejects.toThrow(/personality must be pv, load or battery, not "wind"/);
    // a market command that dies before printing its URL: its stderr comes with the error
    const e = await startCtsPlayer("market", {
      kind: "command",
      command: "echo 'no such market' >&2; exit 3",
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CtsPlayerError);
    expect((e as CtsPlayerError).message).toMatch(/exited \(code 3\) before printing its URL/);
    expect((e as CtsPlayerError).stderrTail).toContain("no such market");
  });

  it("gives an agent command the market's URL in TRANSACTIVE_MARKET_URL", async () => {
    const a = await start(
      "agent",
      { kind: "command", command: 'echo "market=$TRANSACTIVE_MARKET_URL"' },
      { marketUrl: "http://127.0.0.1:1234" },
    );
    await a.exited;
    expect((await a.stop()).stdoutTail).toContain("market=http://127.0.0.1:1234");
  });
});
