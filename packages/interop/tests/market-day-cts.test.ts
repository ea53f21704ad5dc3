/**
 * Real market-day traffic through a recording relay: our live market and two of our agents, each in
 * its own process, trade over three intervals; every exchange the relay saw passes the CTS checks.
 */
import { afterAll, describe, expect, it } from "vitest";
import { type StartedCtsPlayer, startCtsPlayer } from "../src/players-cts.js";
import { checkAll, type Relay, startRelay } from "./cts-relay.js";

const started: StartedCtsPlayer[] = [];
let relay: Relay | undefined;
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  await relay?.close();
});

describe("a market day, ours against ours", () => {
  it("two agents tender and settle three intervals, and every CTS check passes", async () => {
    const market = await startCtsPlayer("market", { kind: "ours" }, { ours: { interval: "PT2S" } });
    started.push(market);
    relay = await startRelay(market.url as string);
    const agents = await startCtsPlayer(
      "agent",
      { kind: "ours" },
      {
        marketUrl: relay.url,
        ours: {
          intervals: 3,
          agents: [
            { personality: "pv", partyID: "pv-1" },
            { personality: "load", partyID: "load-1" },
          ],
        },
      },
    );
    started.push(agents);
    expect(await agents.exited).toEqual([0, 0]);
    const results = checkAll(relay.transcript);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    const count = (rule: string) => results.filter((r) => r.rule === rule).length;
    // 2 agents × 3 intervals: 6 tenders; each interval clears one trade per agent
    expect(count("cts-created-tenders")).toBe(6);
    expect(count("cts-transaction-tender")).toBe(6);
    expect(count("cts-transaction-price")).toBe(6);
    expect(count("cts-transaction-quantity")).toBe(6);
  }, 120_000);
});
