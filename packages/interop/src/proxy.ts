/**
 * The recording proxy: a listener on 127.0.0.1 (a random port) in front of one side's endpoint.
 * The other side talks to the proxy, which forwards each request unchanged (same path, body and
 * content type) to the real endpoint and hands back its answer unchanged, recording both with
 * timestamps. One leg per direction: VEN -> proxy -> VTN, and for push VTN -> proxy -> VEN.
 *
 * TLS: the front listens on HTTPS when given a server credential (and asks for client
 * certificates when given a CA); the forward leg uses HTTPS when the target URL is https, with
 * the client credential given. The bytes pass unchanged, so XML signatures verify end to end; a
 * peer that checks that the TLS client certificate of a request matches its XML signer cannot be
 * proxied (the proxy presents its own certificate).
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { Transcript } from "./transcript.js";
import { type ClientTls, exchange, TransportError } from "./transport.js";
import type { Role } from "./types.js";

/** The TLS of the proxy's listener (PEM). */
export interface ServerTls {
  readonly key: string;
  readonly cert: string;
  /** CA of the client certificates to require; without it no client certificate is asked */
  readonly ca?: string;
}

/** Options of one proxy leg. */
export interface ProxyOptions {
  /** the role that sends requests to the proxy */
  readonly from: Role;
  /** the role whose endpoint the proxy forwards to */
  readonly to: Role;
  readonly transcript: Transcript;
  /** the real endpoint's base URL; may be set later with setTarget (a VEN's push listener) */
  readonly target?: string;
  /** HTTPS on the listener */
  readonly tls?: ServerTls;
  /** TLS of the forward leg (an https target) */
  readonly targetTls?: ClientTls;
  /** time limit of the forward leg, ms (default 30 000) */
  readonly timeoutMs?: number;
}

/** A running proxy leg. */
export interface ProxyLeg {
  /** the proxy's base URL (give it to the `from` side as the `to` side's URL) */
  readonly url: string;
  /** sets or changes where requests go */
  setTarget(url: string): void;
  /** stops listening and closes open connections */
  close(): Promise<void>;
}

/** The header by which the harness tags a message it sends with its step's name (not forwarded). */
export const STEP_HEADER = "x-interop-step";

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "host",
  "content-length",
]);

/** Starts a proxy leg on 127.0.0.1 at a free port. */
export async function startProxy(o: ProxyOptions): Promise<ProxyLeg> {
  let target = o.target;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => void forward(req, Buffer.concat(chunks), res));
  };
  async function forward(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const path = req.url ?? "/";
    // the harness names the step of a message it sends through the proxy
    const step = req.headers[STEP_HEADER];
    const request = o.transcript.add({
      ...(typeof step === "string" ? { step } : {}),
      from: o.from,
      to: o.to,
      direction: "request",
      http: { method: req.method ?? "POST", path },
      body: body.toString("utf8"),
    });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (!HOP_BY_HOP.has(k) && k !== STEP_HEADER && typeof v === "string") headers[k] = v;
    let status: number;
    let answer: Buffer;
    let answerHeaders: Record<string, string> = {};
    if (!target) {
      status = 502;
      answer = Buffer.from(`interop proxy: no endpoint known yet for the ${o.to}\n`);
    } else {
      try {
        const r = await exchange(`${target.replace(/\/+$/, "")}${path}`, body, {
          method: req.method ?? "POST",
          headers,
          ...(o.targetTls ? { tls: o.targetTls } : {}),
          ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
        });
        status = r.status;
        answer = r.body;
        for (const [k, v] of Object.entries(r.headers))
          if (!HOP_BY_HOP.has(k) && typeof v === "string") answerHeaders[k] = v;
      } catch (e) {
        status = 502;
        answer = Buffer.from(
          `interop proxy: the ${o.to} did not answer: ${e instanceof TransportError ? e.message : String(e)}\n`,
        );
        answerHeaders = { "content-type": "text/plain" };
      }
    }
    o.transcript.add({
      from: o.to,
      to: o.from,
      direction: "response",
      inReplyTo: request.seq,
      http: { status },
      body: answer.toString("utf8"),
    });
    res.writeHead(status, { ...answerHeaders, "content-length": String(answer.length) });
    res.end(answer);
  }
  const server = o.tls
    ? createHttpsServer(
        {
          key: o.tls.key,
          cert: o.tls.cert,
          ...(o.tls.ca ? { ca: o.tls.ca, requestCert: true, rejectUnauthorized: true } : {}),
        },
        handler,
      )
    : createHttpServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${o.tls ? "https" : "http"}://127.0.0.1:${port}`,
    setTarget(url) {
      target = url;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
