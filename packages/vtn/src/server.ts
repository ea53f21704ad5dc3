/**
 * The operable VTN on HTTP(S): the OpenADR 2.0b services of @transactive/ei-node's server, the
 * admin API under /admin on the same listener, and push delivery (createVtnPush) to the VENs that
 * registered with oadrHttpPullModel false and an oadrTransportAddress. Pull-mode VENs collect
 * their messages with oadrPoll as usual.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { isIP } from "node:net";
import { createDispatcher, type DispatcherSignature } from "@transactive/ei";
import {
  createEiRequestListener,
  createVtnPush,
  type EiServerTls,
  type PushOutcome,
  type ServiceEndpoint,
  startEiServer,
  type VtnPushOptions,
} from "@transactive/ei-node";
import { ADMIN_PREFIX, type AdminAuth, createAdminHandler } from "./admin.js";
import { durationSeconds } from "./duration.js";
import { VtnError } from "./errors.js";
import type { EventInput } from "./event-input.js";
import { createOperableVtn, type OperableVtn, type OperableVtnOptions } from "./vtn.js";

/** What startVtn runs. */
export interface VtnServerOptions extends OperableVtnOptions {
  /** default 0 (a free port) */
  readonly port?: number;
  /** default 127.0.0.1 */
  readonly host?: string;
  readonly tls?: EiServerTls;
  /** request body limit of both the services and the admin API; default 1 MiB */
  readonly maxBodyBytes?: number;
  /** OpenADR 2.0b XML Signature of the services (xmlSignature() of @transactive/ei-node) */
  readonly signature?: DispatcherSignature;
  /** the admin API's credentials; absent: the admin API is off */
  readonly admin?: AdminAuth;
  /** client options for pushing to push-mode VENs (TLS, signing, timeout) */
  readonly push?: VtnPushOptions;
  /** events published before the server listens */
  readonly events?: readonly EventInput[];
  /** one line per notable happening (push failures…); default none */
  readonly log?: (line: string) => void;
}

/** A running VTN. */
export interface RunningVtn {
  readonly vtn: OperableVtn;
  /** e.g. "http://127.0.0.1:8080" */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  readonly services: readonly ServiceEndpoint[];
  /** the admin API's base URL, when it is on */
  readonly adminUrl?: string;
  /** Delivers queued messages to the push-mode VENs now. */
  flush(): Promise<readonly PushOutcome[]>;
  /** Stops pushing and listening. */
  close(): Promise<void>;
}

/** True for 127.0.0.0/8, ::1 and "localhost": the only hosts where an admin API without credentials may run. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "");
  if (h === "localhost") return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  return h === "::1" || h === "::ffff:127.0.0.1";
}

/**
 * Starts the VTN. Throws VtnError("invalid-request") for an admin API without credentials on a
 * non-loopback host, or a bad startup event; Node's listen errors (EADDRINUSE…) as they come.
 */
export async function startVtn(options: VtnServerOptions = {}): Promise<RunningVtn> {
  const host = options.host ?? "127.0.0.1";
  const admin = options.admin;
  if (admin) {
    const hasCredential =
      (admin.tokens?.length ?? 0) > 0 || (admin.certificateFingerprints?.length ?? 0) > 0;
    if (admin.unauthenticated && !isLoopbackHost(host))
      throw new VtnError(
        "invalid-request",
        `an admin API without credentials is allowed on a loopback host only, not on ${host}: give an admin token or admin client certificates`,
        "/admin",
      );
    if (!admin.unauthenticated && !hasCredential)
      throw new VtnError(
        "invalid-request",
        "the admin API needs a token or admin client certificates",
        "/admin",
      );
    if ((admin.certificateFingerprints?.length ?? 0) > 0 && options.tls?.ca === undefined)
      throw new VtnError(
        "invalid-request",
        "admin client certificates need HTTPS with client certificates (a tls.ca)",
        "/admin/certificateFingerprints",
      );
  }
  const vtn = createOperableVtn(options);
  if (options.events?.length) vtn.publishEvents(options.events);
  const log = options.log ?? (() => {});

  const dispatcher = createDispatcher({
    profile: "openadr2b",
    role: "vtn",
    vtnID: vtn.vtnID,
    implementations: vtn.implementations,
    ...(options.maxBodyBytes !== undefined ? { maxBytes: options.maxBodyBytes } : {}),
    ...(options.signature ? { signature: options.signature } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });

  // push: one delivery at a time, so a message is never sent twice by overlapping flushes
  const push = createVtnPush(vtn.reference, options.push ?? {});
  const attached = new Set<string>();
  let chain: Promise<readonly PushOutcome[]> = Promise.resolve([]);
  const flush = (): Promise<readonly PushOutcome[]> => {
    if (attached.size === 0) return Promise.resolve([]);
    chain = chain.then(
      async () => {
        const outcomes = await push.flush();
        for (const o of outcomes)
          if (o.error)
            log(
              `push to VEN ${o.venID}: ${o.sent} not delivered (kept for the next try): ${o.error}`,
            );
        return outcomes;
      },
      () => [],
    );
    return chain;
  };
  let deferred: NodeJS.Timeout | undefined;
  const flushSoon = () => {
    // after the answer to the VEN's own request has gone out
    if (deferred || attached.size === 0) return;
    deferred = setTimeout(() => {
      deferred = undefined;
      void flush();
    }, 50);
    deferred.unref();
  };
  vtn.subscribe((change) => {
    if (change.kind === "registered") {
      if (change.pushUrl !== undefined) {
        push.attach(change.venID, change.pushUrl);
        attached.add(change.venID);
        log(`VEN ${change.venID} registered for push at ${change.pushUrl}`);
      } else if (attached.delete(change.venID)) void push.detach(change.venID);
      flushSoon();
    } else if (change.kind === "unregistered") {
      if (attached.delete(change.venID)) void push.detach(change.venID);
    } else if (change.venIDs.some((v) => attached.has(v))) flushSoon();
  });
  // undelivered pushes are retried at the poll frequency
  const retrySeconds = durationSeconds(options.pollFrequency ?? "PT10S") ?? 10;
  const retry = setInterval(() => void flush(), Math.max(1, retrySeconds) * 1000);
  retry.unref();

  const running = await startEiServer({
    dispatcher,
    port: options.port ?? 0,
    host,
    ...(options.tls ? { tls: options.tls } : {}),
    ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
  });
  const ei = createEiRequestListener(dispatcher, {
    ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
  });
  const adminHandler = admin
    ? createAdminHandler(vtn, {
        auth: admin,
        ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
        flush,
        info: () => ({
          url: running.url,
          pollFrequency: options.pollFrequency ?? "PT10S",
          services: running.services.map((s) => ({ name: s.name, url: s.url })),
        }),
      })
    : undefined;
  // the admin API shares the listener: requests under /admin go to it, the rest to the services
  running.server.removeAllListeners("request");
  running.server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split(/[?#]/)[0] as string;
    if (path !== ADMIN_PREFIX && !path.startsWith(`${ADMIN_PREFIX}/`)) return ei(req, res);
    if (adminHandler) return adminHandler(req, res);
    req.resume();
    const body = `${JSON.stringify({ error: { code: "admin-off", message: "the admin API is off: start the VTN with an admin token (or admin client certificates)" } })}\n`;
    res.writeHead(404, {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Length": Buffer.byteLength(body),
    });
    res.end(body);
  });

  return {
    vtn,
    url: running.url,
    port: running.port,
    host: running.host,
    services: running.services,
    ...(adminHandler ? { adminUrl: `${running.url}${ADMIN_PREFIX}` } : {}),
    flush,
    async close() {
      clearInterval(retry);
      if (deferred) clearTimeout(deferred);
      await chain.catch(() => {});
      await push.close();
      await running.close();
    },
  };
}
