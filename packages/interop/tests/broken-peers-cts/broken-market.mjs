#!/usr/bin/env node
/**
 * A deliberately broken CTS market for the negative tests: it forwards every request to a real
 * market (TARGET) and breaks exactly one thing in the answers, chosen by BREAK:
 *   overprice        an EiReplyTransaction's buy transactions at 0.35 (above a 0.30 buy limit)
 *   foreign-tender   an EiCreatedTender names tender "someone-else:0:0" instead of those sent
 *   wrong-answer     an EiRequestQuote answered by the EiReplyTransaction of the same party
 *   other-interval   an EiReplyTransaction's transactions moved one day later
 * Usage: node broken-market.mjs TARGET BREAK. Prints "broken market on URL" (127.0.0.1, port 0).
 */
import { createServer } from "node:http";

const [target, mode] = process.argv.slice(2);
const MODES = ["overprice", "foreign-tender", "wrong-answer", "other-interval"];
if (!target || !MODES.includes(mode)) {
  process.stderr.write(`usage: broken-market.mjs TARGET ${MODES.join("|")}\n`);
  process.exit(2);
}

async function forward(path, contentType, body) {
  const res = await fetch(`${target}${path}`, {
    method: "POST",
    headers: { "content-type": contentType },
    body,
  });
  return {
    status: res.status,
    type: res.headers.get("content-type") ?? "",
    text: await res.text(),
  };
}

function breakAnswer(answer) {
  const t = answer.text;
  if (mode === "overprice" && t.includes("eiReplyTransaction"))
    return t.replace(/<ei:eiTransaction>.*?<\/ei:eiTransaction>/gs, (x) =>
      x.includes(">buy<") ? x.replace(/(<emix:value>)[^<]*/, "$10.35") : x,
    );
  if (mode === "foreign-tender" && t.includes("eiCreatedTender"))
    return t.replace(/(<ei:tenderID>)[^<]*/g, "$1someone-else:0:0");
  if (mode === "other-interval" && t.includes("eiReplyTransaction"))
    return t.replace(/(<xcalmin:dateTime>)([^<]*)/g, (_, open, at) => {
      const next = new Date(Date.parse(at) + 86_400_000).toISOString().replace(".000Z", "Z");
      return `${open}${next}`;
    });
  return t;
}

const server = createServer(async (req, res) => {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const body = Buffer.concat(chunks).toString("utf8");
  const type = req.headers["content-type"] ?? "application/xml";
  try {
    let answer;
    if (mode === "wrong-answer" && body.includes("eiRequestQuote")) {
      const party = /<ei:requestorPartyID>([^<]*)</.exec(body)?.[1] ?? "";
      const ask = `<pyld:eiRequestTransaction xmlns:pyld="http://docs.oasis-open.org/ns/energyinterop/201110/payloads/cts.04" xmlns:ei="http://docs.oasis-open.org/ns/energyinterop/201110/cts.04"><pyld:requestID>broken-1</pyld:requestID><ei:partyID>${party}</ei:partyID><ei:requestorPartyID>${party}</ei:requestorPartyID></pyld:eiRequestTransaction>`;
      answer = await forward("/cts/EiTransaction", "application/xml", ask);
    } else answer = await forward(req.url ?? "/", type, body);
    res.writeHead(answer.status, { "content-type": answer.type });
    res.end(breakAnswer(answer));
  } catch (e) {
    res.writeHead(502, { "content-type": "text/plain" });
    res.end(`broken market: ${e.message}`);
  }
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`broken market on http://127.0.0.1:${server.address().port}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
