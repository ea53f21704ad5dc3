/**
 * A deliberately broken VTN for the harness's negative tests: our real VTN (@transactive/vtn, with
 * its admin API open on loopback) behind a front that rewrites its answers in one way, so each
 * peer breaks exactly one rule. It prints one JSON line on stdout,
 * {"url": <the front's base URL>, "admin": <the VTN's base URL for its admin API>} (also to the
 * file BROKEN_PEER_INFO names, when set), and runs until SIGTERM or SIGINT. As the harness's
 * `command` VTN it listens on TRANSACTIVE_LISTEN_HOST:TRANSACTIVE_LISTEN_PORT. Run it with the source condition from the repository:
 *   node --conditions=@transactive/source --import tsx packages/interop/tests/broken-peers/<peer>.mjs
 */
import { once } from "node:events";
import { writeFileSync } from "node:fs";
import { createServer, request } from "node:http";
import { startVtn } from "@transactive/vtn";

/** Upper-case IDs (VEN_1, REGISTRATION_1, ...), so that a peer changing their case shows. */
export function upperCaseIds() {
  const counters = new Map();
  return (kind) => {
    const n = (counters.get(kind) ?? 0) + 1;
    counters.set(kind, n);
    return `${kind.toUpperCase()}_${n}`;
  };
}

/** The payload element inside oadrSignedObject, or undefined. */
export function payloadOf(xml) {
  return /<(?:[\w.-]+:)?oadrSignedObject\b[^>]*>\s*<(?:[\w.-]+:)?([\w.-]+)/.exec(xml)?.[1];
}

/**
 * Starts the VTN and the front. `rewrite(answer, request)` returns the answer the VEN gets (XML
 * text in, XML text out); `vtn` are extra startVtn options.
 */
export async function runBrokenVtn({ rewrite, vtn = {} }) {
  const inner = await startVtn({
    vtnID: "BROKEN_VTN",
    pollFrequency: "PT1S",
    newId: upperCaseIds(),
    admin: { unauthenticated: true },
    ...vtn,
  });
  const front = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const out = request(
        new URL(req.url ?? "/", inner.url),
        {
          method: req.method,
          headers: { "content-type": req.headers["content-type"] ?? "application/xml" },
        },
        (answer) => {
          const parts = [];
          answer.on("data", (c) => parts.push(c));
          answer.on("end", () => {
            const text = Buffer.concat(parts).toString("utf8");
            const rewritten = text.trimStart().startsWith("<") ? rewrite(text, body) : text;
            res.writeHead(answer.statusCode ?? 502, {
              "content-type": answer.headers["content-type"] ?? "application/xml",
            });
            res.end(rewritten);
          });
        },
      );
      out.on("error", (e) => {
        res.writeHead(502, { "content-type": "text/plain" });
        res.end(`broken VTN: ${e.message}`);
      });
      out.end(body);
    });
  });
  // as a `command` VTN of the harness: where the runner says (TRANSACTIVE_LISTEN_*); else a free port
  const host = process.env.TRANSACTIVE_LISTEN_HOST ?? "127.0.0.1";
  front.listen(Number(process.env.TRANSACTIVE_LISTEN_PORT ?? 0), host);
  await once(front, "listening");
  const { port } = front.address();
  const info = JSON.stringify({ url: `http://${host}:${port}`, admin: inner.url });
  process.stdout.write(`${info}\n`);
  // a test driving it through the runner reads the admin URL here (stdout is the runner's)
  if (process.env.BROKEN_PEER_INFO) writeFileSync(process.env.BROKEN_PEER_INFO, info);
  const stop = async () => {
    front.close();
    front.closeAllConnections();
    await inner.close();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
