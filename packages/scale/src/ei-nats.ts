/**
 * Energy Interoperation over NATS request/reply: a market's EI dispatcher (createMarketDispatcher
 * of @transactive/market/ei, or any CTS dispatcher) answers on `<prefix>.market.<market>.ei.<Service>`,
 * and `natsEiClient` is an EiClient whose `send` is a NATS request there. Bodies are the EI
 * message exactly as over HTTP (XML, or JSON / CTS-JSON); the NATS headers `Content-Type` and
 * `EI-Status` (the HTTP status the dispatcher gave) travel with them. A typed client
 * (`typedEiClient(natsEiClient(nc, …), { profile: "cts" })`) is what a party, an agent submitting
 * tenders or a RemoteParent uses.
 */

import { headers, type Msg, type NatsConnection, type Subscription } from "@nats-io/transport-node";
import {
  type CodecDocument,
  CodecError,
  decodeXml,
  encodeXml,
  fromJson,
  type Issue,
  toJson,
} from "@transactive/codec";
import {
  type ClientFormat,
  type Dispatcher,
  type EiClient,
  type EiMessage,
  type EiReply,
  fromCtsJson,
  isCtsJson,
  registry,
  toCtsJson,
} from "@transactive/ei";
import { ScaleError } from "./errors.js";
import { DEFAULT_PREFIX, eiSubject } from "./subjects.js";

/** Where a market answers EI over NATS. */
export interface EiNatsOptions {
  /** the market's ID (its subject token; usually the MarketNode's id) */
  readonly market: string;
  /** first subject token (default "transactive") */
  readonly prefix?: string;
}

/** A market's EI endpoint on NATS. */
export interface EiNatsServer {
  /** the wildcard subject served, `<prefix>.market.<market>.ei.*` */
  readonly subject: string;
  /** requests answered so far */
  readonly answered: number;
  /** Stops answering (drains the subscription). */
  close(): Promise<void>;
}

/**
 * Serves `dispatcher` on `<prefix>.market.<market>.ei.<Service>` (see the module comment);
 * resolves once the server has the subscription (a request sent after it finds a responder).
 */
export async function serveEiOverNats(
  nc: NatsConnection,
  dispatcher: Dispatcher,
  options: EiNatsOptions & { readonly queue?: string },
): Promise<EiNatsServer> {
  const base = eiSubject(options.market, "x", options.prefix ?? DEFAULT_PREFIX);
  const subject = `${base.slice(0, -1)}*`;
  const maxBytes = dispatcher.maxBytes ?? 1024 * 1024;
  dispatcher.prepare?.();
  let answered = 0;
  const sub: Subscription = nc.subscribe(subject, {
    ...(options.queue !== undefined ? { queue: options.queue } : {}),
    callback: (err, msg) => {
      if (err || msg.reply === undefined) return;
      answer(msg).then(
        () => answered++,
        () => {},
      );
    },
  });
  async function answer(msg: Msg): Promise<void> {
    const service = msg.subject.slice(msg.subject.lastIndexOf(".") + 1);
    if (msg.data.length > maxBytes) {
      reply(msg, 413, "application/json", errorJson("too-large", `bodies up to ${maxBytes} bytes`));
      return;
    }
    const contentType = msg.headers?.get("Content-Type") || undefined;
    try {
      const res = await dispatcher.dispatch({
        body: msg.data,
        service,
        ...(contentType !== undefined ? { contentType } : {}),
      });
      reply(msg, res.status, res.contentType, res.body);
    } catch (e) {
      reply(msg, 500, "application/json", errorJson("internal", (e as Error).message));
    }
  }
  await nc.flush();
  return {
    subject,
    get answered() {
      return answered;
    },
    close: () => sub.drain(),
  };
}

function reply(msg: Msg, status: number, contentType: string, body: string): void {
  const h = headers();
  h.set("Content-Type", contentType);
  h.set("EI-Status", String(status));
  msg.respond(body, { headers: h });
}

function errorJson(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

/** Options of `natsEiClient`. */
export interface EiNatsClientOptions extends EiNatsOptions {
  /** encoding of messages sent (default "xml") */
  readonly format?: ClientFormat;
  /** milliseconds to wait for an answer (default 10 000) */
  readonly timeoutMs?: number;
}

/**
 * An EiClient that sends each message as a NATS request to the market's service subject and
 * decodes the answer. A request no one answers in time rejects with ScaleError "transport".
 */
export function natsEiClient(nc: NatsConnection, options: EiNatsClientOptions): EiClient {
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  eiSubject(options.market, "x", prefix); // checks the market and prefix now
  return {
    async send(service, message: EiMessage, call = {}): Promise<EiReply> {
      const format = call.format ?? options.format ?? "xml";
      const body =
        typeof message === "string" || message instanceof Uint8Array
          ? message
          : format === "xml"
            ? encodeXml(registry, message)
            : format === "cts-json"
              ? JSON.stringify(toCtsJson(message))
              : toJson(message);
      const h = headers();
      h.set(
        "Content-Type",
        typeof body === "string" && body.trimStart().startsWith("<")
          ? "application/xml"
          : typeof body === "string"
            ? "application/json"
            : "application/octet-stream",
      );
      const subject = eiSubject(options.market, service, prefix);
      let res: Msg;
      try {
        res = await nc.request(subject, body, { timeout: options.timeoutMs ?? 10_000, headers: h });
      } catch (e) {
        throw new ScaleError(
          "transport",
          subject,
          `no answer on ${subject}: ${(e as Error).message}`,
        );
      }
      const text = res.string();
      const contentType = res.headers?.get("Content-Type") || "application/json";
      const status = Number(res.headers?.get("EI-Status") || 200);
      return { status, contentType, body: text, ...decode(contentType, text) };
    },
    close: async () => {},
  };
}

/** The answer decoded like an HTTP client does: an EI document, or the codec's issues. */
export function decode(
  contentType: string,
  body: string,
): { document?: CodecDocument; issues: readonly Issue[] } {
  try {
    if (contentType === "application/xml") {
      if (body.includes("<error ")) return { issues: [] };
      return { document: decodeXml(registry, body), issues: [] };
    }
    const parsed = JSON.parse(body) as Record<string, unknown>;
    if ("error" in parsed) return { issues: [] };
    return {
      document: isCtsJson(parsed) ? fromCtsJson(parsed) : fromJson(registry, parsed),
      issues: [],
    };
  } catch (e) {
    if (e instanceof CodecError) return { issues: e.issues };
    if (e instanceof SyntaxError) return { issues: [] };
    throw e;
  }
}
