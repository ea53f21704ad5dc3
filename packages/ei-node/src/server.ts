/**
 * The HTTP binding's server: each service of a Dispatcher at its own path (ServiceInfo.path), on
 * Node's own http/https modules. POST only; application/xml, text/xml or application/json in, the
 * dispatcher's answer (in the caller's format) out. Bad requests get a clear 4xx body
 * (@transactive/ei's renderError) and never disturb later requests. The body goes to the dispatcher
 * as bytes: it decodes them with the codec's byte decoder, as the CLI does.
 */
import { once } from "node:events";
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import {
  type Dispatcher,
  errorFormat,
  formatOf,
  type HttpErrorBody,
  type HttpErrorCode,
  parseMediaType,
  renderError,
  type ServiceInfo,
  type WireFormat,
} from "@transactive/ei";

/** 1 MiB: the default request body limit. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** The server's request body limit and timeouts, each with a safe default. */
export interface EiServerLimits {
  /**
   * largest accepted request body in bytes, enforced from Content-Length and while streaming (413
   * above it); default: the dispatcher's own limit (`maxBytes`), else 1 MiB. It may not exceed
   * the dispatcher's limit (a RangeError says so): give both the same value.
   */
  readonly maxBodyBytes?: number;
  /** time to receive the request headers, ms (Node answers 408 after it); default 10 000 */
  readonly headersTimeoutMs?: number;
  /** time to receive the whole request, ms (408 after it); default 30 000 */
  readonly requestTimeoutMs?: number;
  /** idle time before a kept-alive connection is closed, ms; default 5 000 */
  readonly keepAliveTimeoutMs?: number;
}

/** TLS settings: with `ca`, clients must present a certificate issued by it (mutual TLS). */
export interface EiServerTls {
  /** the server's private key (PEM) */
  readonly key: string | Buffer;
  /** the server's certificate chain (PEM) */
  readonly cert: string | Buffer;
  /** CA certificate(s) (PEM) that client certificates must chain to */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** ask for a client certificate; default true when `ca` is given */
  readonly requestCert?: boolean;
  /** refuse clients without a valid certificate; default true when a certificate is requested */
  readonly rejectUnauthorized?: boolean;
}

/** What startEiServer serves: the dispatcher's services, its limits and, for HTTPS, its TLS settings. */
export interface EiServerOptions extends EiServerLimits {
  readonly dispatcher: Dispatcher;
  readonly tls?: EiServerTls;
}

/** One service the running server answers, with the full URL a client posts its messages to. */
export interface ServiceEndpoint {
  readonly name: string;
  readonly profile: string;
  readonly path: string;
  readonly url: string;
  readonly operations: readonly string[];
}

/** A started server: where it listens, the services it answers, and how to stop it. */
export interface RunningEiServer {
  /** e.g. "http://127.0.0.1:41234" */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  readonly services: readonly ServiceEndpoint[];
  readonly server: Server;
  /**
   * Stops accepting connections and closes idle ones; requests in progress get `graceMs`
   * (default 1 000) to finish before their connections are cut. Resolves when all are closed.
   */
  close(graceMs?: number): Promise<void>;
}

/** How much of a refused body is read and discarded so the client gets to read the 413. */
const DRAIN_BYTES = 16 * 1024 * 1024;
/** How long a refused body is drained before the connection is closed anyway. */
const DRAIN_MS = 10_000;

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The request listener, to mount on a server of your own; its `checkContinue` handles requests
 * with `Expect: 100-continue` (`server.on("checkContinue", listener.checkContinue)`): 100 Continue
 * only when the request will be read, else the refusal at once, without inviting the body.
 */
export function createEiRequestListener(
  dispatcher: Dispatcher,
  limits: Pick<EiServerLimits, "maxBodyBytes"> = {},
): Listener & { readonly checkContinue: Listener } {
  const maxBodyBytes = limits.maxBodyBytes ?? dispatcher.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes <= 0)
    throw new RangeError(`maxBodyBytes must be a positive integer, got ${maxBodyBytes}`);
  if (dispatcher.maxBytes !== undefined && maxBodyBytes > dispatcher.maxBytes)
    throw new RangeError(
      `maxBodyBytes ${maxBodyBytes} exceeds the dispatcher's own limit of ${dispatcher.maxBytes} bytes: create the dispatcher with maxBytes: ${maxBodyBytes}`,
    );
  const byPath = new Map<string, ServiceInfo>();
  for (const service of dispatcher.services) byPath.set(service.path, service);
  const known = [...byPath.keys()].sort().join(", ");

  const handle = (req: IncomingMessage, res: ServerResponse, expectContinue: boolean) => {
    const path = pathOf(req.url);
    const fail = (status: number, code: HttpErrorCode, message: string, format?: WireFormat) => {
      // a client waiting for 100 Continue is refused before it sends: the body is never read
      if (expectContinue) res.setHeader("Connection", "close");
      sendError(
        res,
        { status, code, message, path },
        format ?? errorFormat(req.headers["content-type"], req.headers.accept),
      );
    };

    const service = byPath.get(path);
    if (!service) {
      drain(req);
      return fail(
        404,
        "not-found",
        `no Energy Interoperation service at ${path}; services: ${known}`,
      );
    }
    if (req.method !== "POST") {
      drain(req);
      res.setHeader("Allow", "POST");
      return fail(405, "method-not-allowed", `${req.method} is not allowed on ${path}; use POST`);
    }
    const media = parseMediaType(req.headers["content-type"]);
    const format = formatOf(media);
    if (!media || !format) {
      drain(req);
      return fail(
        415,
        "unsupported-media-type",
        media
          ? `content type ${media.essence} is not accepted on ${path}; use application/xml, text/xml or application/json`
          : `a Content-Type header is required on ${path}: application/xml, text/xml or application/json`,
      );
    }
    if (format === "json" && media.charset !== undefined && media.charset !== "utf-8") {
      drain(req);
      return fail(
        415,
        "unsupported-media-type",
        `JSON must be UTF-8, not charset=${media.charset}`,
      );
    }
    const declared = Number(req.headers["content-length"] ?? Number.NaN);
    if (declared > maxBodyBytes) {
      const error = {
        status: 413,
        code: "payload-too-large",
        message: tooLarge(path, maxBodyBytes),
        path,
      } as const;
      // answered before any of the body is read
      if (expectContinue) return fail(413, error.code, error.message, format);
      return refuseBody(req, res, error, format);
    }
    if (expectContinue) res.writeContinue();

    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on("data", (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > maxBodyBytes) {
        refused = true;
        chunks.length = 0;
        refuseBody(
          req,
          res,
          { status: 413, code: "payload-too-large", message: tooLarge(path, maxBodyBytes), path },
          format,
        );
        return;
      }
      chunks.push(chunk);
    });
    req.on("error", () => req.destroy());
    req.on("end", () => {
      if (refused || req.destroyed) return;
      const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      dispatcher
        .dispatch({
          body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
          contentType: media.essence,
          service: service.name,
        })
        .then(
          (answer) => {
            if (res.headersSent || res.destroyed) return;
            res.writeHead(answer.status, {
              "Content-Type": `${answer.contentType}; charset=utf-8`,
              "Content-Length": Buffer.byteLength(answer.body),
            });
            res.end(answer.body);
          },
          (e: unknown) =>
            // the dispatcher's contract is never to throw; if it does, the server keeps serving
            fail(
              500,
              "internal-error",
              `the ${service.name} service failed: ${(e as Error)?.message ?? String(e)}`,
              format,
            ),
        );
    });
  };

  const listener: Listener = (req, res) => handle(req, res, false);
  return Object.assign(listener, {
    checkContinue: ((req, res) => handle(req, res, true)) as Listener,
  });
}

/** Starts a server for the dispatcher's services; `port` 0 (default) takes an ephemeral port. */
export async function startEiServer(
  options: EiServerOptions & { readonly port?: number; readonly host?: string },
): Promise<RunningEiServer> {
  const listener = createEiRequestListener(options.dispatcher, options);
  // the one-time work (codec plans, validators) before the first client waits for it
  options.dispatcher.prepare?.();
  const tls = options.tls;
  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const timing = {
    headersTimeout,
    requestTimeout,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 5_000,
    // how often Node checks the two timeouts above (its default, 30 s, would outlast them)
    connectionsCheckingInterval: Math.max(
      50,
      Math.min(1_000, Math.floor(Math.min(headersTimeout, requestTimeout) / 4)),
    ),
  };
  const server: Server = tls
    ? createHttpsServer(
        {
          ...timing,
          key: tls.key,
          cert: tls.cert,
          ...(tls.ca === undefined ? {} : { ca: tls.ca as string | Buffer | (string | Buffer)[] }),
          requestCert: tls.requestCert ?? tls.ca !== undefined,
          rejectUnauthorized: tls.rejectUnauthorized ?? tls.requestCert ?? tls.ca !== undefined,
        },
        listener,
      )
    : createHttpServer(timing, listener);
  server.on("checkContinue", listener.checkContinue);
  const host = options.host ?? "127.0.0.1";
  server.listen(options.port ?? 0, host);
  await once(server, "listening");
  const address = server.address() as AddressInfo;
  const hostPart = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `${tls ? "https" : "http"}://${hostPart}:${address.port}`;
  return {
    url,
    port: address.port,
    host: address.address,
    server,
    services: options.dispatcher.services.map((s) => ({
      name: s.name,
      profile: s.profile,
      path: s.path,
      url: `${url}${s.path}`,
      operations: s.operations,
    })),
    close: (graceMs = 1_000) =>
      new Promise<void>((resolve, reject) => {
        const cut = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close((e) => {
          clearTimeout(cut);
          if (e) reject(e);
          else resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

function pathOf(url: string | undefined): string {
  const raw = url ?? "/";
  const q = raw.search(/[?#]/);
  return q < 0 ? raw : raw.slice(0, q);
}

const tooLarge = (path: string, limit: number): string =>
  `request body exceeds the limit of ${limit} bytes on ${path}`;

/** Reads and discards the rest of a refused request, so the client sees the answer. */
function drain(req: IncomingMessage): void {
  req.resume();
}

function sendError(res: ServerResponse, error: HttpErrorBody, format: WireFormat): void {
  if (res.headersSent || res.destroyed) return;
  const { contentType, body } = renderError(error, format);
  res.statusCode = error.status;
  res.setHeader("Content-Type", `${contentType}; charset=utf-8`);
  res.setHeader("Content-Length", Buffer.byteLength(body));
  // an oversized body is not read on: the connection ends after the answer
  if (error.status === 413) res.setHeader("Connection", "close");
  res.end(body);
}

/**
 * Refuses a body that is being sent (413) so that the client gets to read the answer: the answer
 * is written at once, the rest of the body is read and discarded (up to DRAIN_BYTES or DRAIN_MS),
 * and only then does the response end and the connection close. Closing on a client still sending
 * makes its TCP stack reset the connection, and the answer is often lost with it.
 */
function refuseBody(
  req: IncomingMessage,
  res: ServerResponse,
  error: HttpErrorBody,
  format: WireFormat,
): void {
  if (res.headersSent || res.destroyed) return;
  const { contentType, body } = renderError(error, format);
  res.writeHead(error.status, {
    "Content-Type": `${contentType}; charset=utf-8`,
    "Content-Length": Buffer.byteLength(body),
    Connection: "close",
  });
  res.write(body);
  let drained = 0;
  const finish = () => {
    clearTimeout(timer);
    req.removeListener("data", count);
    if (!res.writableEnded) res.end();
  };
  const count = (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_BYTES) {
      finish();
      req.destroy();
    }
  };
  const timer = setTimeout(() => {
    finish();
    req.destroy();
  }, DRAIN_MS);
  timer.unref();
  req.on("data", count);
  req.once("end", finish);
  req.once("close", finish);
  req.resume();
}
