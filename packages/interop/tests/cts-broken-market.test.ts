/**
 * A negative test per CTS rule a market can break: a deliberately broken market
 * (tests/broken-peers-cts/broken-market.mjs, started as a `command` player in front of our live
 * market) breaks exactly one thing, two of our agents trade one interval through it, and exactly
 * that check fails, with a clear message.
 */
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { type StartedCtsPlayer, startCtsPlayer } from "../src/players-cts.js";
import { checkAll, type Relay, startRelay } from "./cts-relay.js";

const BROKEN = fileURLToPath(new URL("broken-peers-cts/broken-market.mjs", import.meta.url));

const started: StartedCtsPlayer[] = [];
const relays: Relay[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.stop()));
  await Promise.all(relays.splice(0).map((r) => r.close()));
});

describe("a broken CTS market fails exactly its check", () => {
  it.each([
    ["overprice", "cts-transaction-price", /at 0\.35 is above the buy tender's limit 0\.3/],
    [
      "foreign-tender",
      "cts-created-tenders",
      /names tender\(s\) someone-else:0:0 that the eiCreateTender did not send/,
    ],
    [
      "wrong-answer",
      "cts-response-type",
      /eiRequestQuote must be answered by eiReplyQuote, got eiReplyTransaction/,
    ],
    [
      "other-interval",
      "cts-transaction-tender",
      /answers no tender: load-1 made none for that interval/,
    ],
  ])(
    "%s → %s",
    async (mode, rule, message) => {
      const market = await startCtsPlayer(
        "market",
        { kind: "ours" },
        { ours: { interval: "PT2S" } },
      );
      started.push(market);
      const broken = await startCtsPlayer("market", {
        kind: "command",
        command: `"${process.execPath}" "${BROKEN}" ${market.url} ${mode}`,
      });
      started.push(broken);
      const relay = await startRelay(broken.url as string);
      relays.push(relay);
      const agents = await startCtsPlayer(
        "agent",
        { kind: "ours" },
        {
          marketUrl: relay.url,
          ours: {
            intervals: 1,
            agents: [
              { personality: "pv", partyID: "pv-1" },
              { personality: "load", partyID: "load-1" },
            ],
          },
        },
      );
      started.push(agents);
      await agents.exited;
      const failed = checkAll(relay.transcript).filter((r) => !r.ok);
      expect([...new Set(failed.map((r) => r.rule))]).toEqual([rule]);
      expect(failed.map((r) => r.message)).toContainEqual(expect.stringMatching(message));
    },
    120_000,
  );
});
