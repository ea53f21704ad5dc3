/**
 * Real market-day traffic through a recording relay: our live market and two of our agents, each in
 * its own process, trade over three intervals; every exchange the relay saw passes the CTS checks.
 * (The harness's own proxy does the recording in real runs; this relay keeps the test independent.)
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { checkCtsExchange, checkCtsSequence } from "./checks-cts.js";
import { type StartedCtsPlayer, startCtsPlayer } from "./players-cts.js";
import type { TranscriptEntry } from "./types.js";

const started: StartedCtsPlayer[] = [];
let relay: Server | undefined;
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  await new Promise((r) => relay?.close(r) ?? r(undefined));
});

/** Forwards each POST to `target`, recording both bodies. */
async function startRelay(target: string, transcript: TranscriptEntry[]): Promise<string> {
  let seq = 0;
  relay = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const request: TranscriptEntry = {
      seq: ++seq,
      at: new Date().toISOString(),
      from: "agent",
      to: "market",
      direction: "request",
      http: { method: req.method ?? "POST", path: req.url ?? "/" },
      body,
    };
    transcript.push(request);
    const answer = await fetch(`${target}${req.url}`, {
      method: "POST",
      headers: { "content-type": req.headers["content-type"] ?? "application/xml" },
      body,
    });
    const text = await answer.text();
    transcript.push({
      seq: ++seq,
      at: new Date().toISOString(),
      from: "market",
      to: "agent",
      direction: "response",
      inReplyTo: request.seq,
      http: { status: answer.status },
      body: text,
    });
    res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "" });
    res.end(text);
  });
  await new Promise<void>((r) => relay?.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(relay.address() as AddressInfo).port}`;
}

describe("a market day, ours against ours", () => {
  it("two agents tender and settle three intervals, and every CTS check passes", async () => {
    const transcript: TranscriptEntry[] = [];
    const market = await startCtsPlayer("market", { kind: "ours" }, { ours: { interval: "PT2S" } });
    started.push(market);
    const url = await startRelay(market.url as string, transcript);
    const agents = await startCtsPlayer(
      "agent",
      { kind: "ours" },
      {
        marketUrl: url,
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
    const results = [
      ...transcript
        .filter((e) => e.direction === "response")
        .flatMap((res) =>
          checkCtsExchange(transcript.find((e) => e.seq === res.inReplyTo) as TranscriptEntry, res),
        ),
      ...checkCtsSequence(transcript),
    ];
    expect(results.filter((r) => !r.ok)).toEqual([]);
    const count = (rule: string) => results.filter((r) => r.rule === rule).length;
    // 2 agents × 3 intervals: 6 tenders; each interval clears one trade per agent
    expect(count("cts-created-tenders")).toBe(6);
    expect(count("cts-transaction-tender")).toBe(6);
    expect(count("cts-transaction-price")).toBe(6);
    expect(count("cts-transaction-quantity")).toBe(6);
  }, 120_000);
});
