/**
 * Test helper: a recording relay between CTS agents and a market (127.0.0.1, port 0). It forwards
 * each POST and records both bodies as transcript entries, as the harness's proxy does in real
 * runs; the CTS tests use it to stay independent of the runner.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { checkCtsExchange, checkCtsSequence } from "../src/checks-cts.js";
import type { CheckResult, TranscriptEntry } from "../src/types.js";

/** A started relay: its URL, what it recorded, and close(). */
export interface Relay {
  readonly url: string;
  readonly transcript: TranscriptEntry[];
  close(): Promise<void>;
}

/** Starts a relay forwarding to `target` (a market's EI base URL). */
export async function startRelay(target: string): Promise<Relay> {
  const transcript: TranscriptEntry[] = [];
  let seq = 0;
  const server = createServer(async (req, res) => {
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
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    transcript,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** Every CTS check over a recorded transcript: each exchange, then the sequence. */
export function checkAll(transcript: readonly TranscriptEntry[]): CheckResult[] {
  return [
    ...transcript
      .filter((e) => e.direction === "response")
      .flatMap((res) =>
        checkCtsExchange(transcript.find((e) => e.seq === res.inReplyTo) as TranscriptEntry, res),
      ),
    ...checkCtsSequence(transcript),
  ];
}
