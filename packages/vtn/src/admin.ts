/**
 * The admin HTTP API of the operable VTN: JSON under /admin/, for the operator only. Every request
 * is authenticated before its body is read: a bearer token (`Authorization: Bearer <token>`), or
 * a TLS client certificate whose SHA-256 fingerprint is on the admin list. A missing credential is
 * 401, a wrong one 403, and nothing is stored. docs/vtn-ven.md is the reference.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import type { PushOutcome } from "@transactive/ei-node";
import { VtnError, type VtnErrorCode } from "./errors.js";
import { type EventInput, readEventInput } from "./event-input.js";
import type { OperableVtn } from "./vtn.js";

/** Who may use the admin API. */
export interface AdminAuth {
  /** bearer tokens that grant access */
  readonly tokens?: readonly string[];
  /** SHA-256 fingerprints (hex, colons optional) of client certificates that grant access (HTTPS with client certificates) */
  readonly certificateFingerprints?: readonly string[];
  /** no credential needed: only for a loopback listener (startVtn refuses it on any other host) */
  readonly unauthenticated?: boolean;
}

/** What the admin handler needs besides the VTN. */
export interface AdminOptions {
  readonly auth: AdminAuth;
  /** largest request body, bytes; default 1 MiB */
  readonly maxBodyBytes?: number;
  /** delivers queued messages to push-mode VENs after an action; its outcomes are in the answer */
  readonly flush?: () => Promise<readonly PushOutcome[]>;
  /** facts about the running VTN for GET /admin/vtn (URL, poll frequency…) */
  readonly info?: () => Record<string, unknown>;
}

/** The path prefix of the admin API. */
export const ADMIN_PREFIX = "/admin";

type Handler = (
  m: RegExpExecArray,
  body: () => Promise<Uint8Array>,
  req: IncomingMessage,
) => Promise<[number, unknown]> | [number, unknown];

const STATUS: Record<VtnErrorCode, number> = {
  "invalid-event": 400,
  "invalid-request": 400,
  "not-found": 404,
  conflict: 409,
  "no-sampling-rate": 409,
};

const digest = (s: string): Buffer => createHash("sha256").update(s).digest();
const normalFingerprint = (f: string): string => f.replace(/:/g, "").toUpperCase();

/** Creates the request handler of the admin API (mount it for paths under ADMIN_PREFIX). */
export function createAdminHandler(
  vtn: OperableVtn,
  options: AdminOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const tokens = (options.auth.tokens ?? []).map(digest);
  const prints = new Set((options.auth.certificateFingerprints ?? []).map(normalFingerprint));
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;

  const mutate = async (result: unknown): Promise<unknown> => {
    const pushed = options.flush ? await options.flush() : [];
    return pushed.length ? { ...(result as object), pushed } : result;
  };

  const routes: [string, RegExp, Handler][] = [
    ["GET", /^\/vtn$/, () => [200, { vtnID: vtn.vtnID, ...(options.info?.() ?? {}) }]],
    ["GET", /^\/events$/, () => [200, vtn.events()]],
    ["GET", /^\/events\/([^/]+)$/, (m) => [200, vtn.event(id(m[1]))]],
    [
      "POST",
      /^\/events$/,
      async (_m, body, req) => {
        const inputs = readInputs(await body(), req);
        // check every event first, so a file of several is published whole or not at all
        const views = vtn.publishEvents(inputs);
        return [201, await mutate(views.length === 1 ? views[0] : { events: views })];
      },
    ],
    [
      "POST",
      /^\/events\/([^/]+)\/modify$/,
      async (m, body, req) => {
        const bytes = await body();
        const change = modification(bytes, req);
        return [200, await mutate(vtn.modifyEvent(id(m[1]), change))];
      },
    ],
    [
      "POST",
      /^\/events\/([^/]+)\/cancel$/,
      async (m) => [200, await mutate(vtn.cancelEvent(id(m[1])))],
    ],
    ["GET", /^\/vens$/, () => [200, vtn.vens()]],
    ["GET", /^\/vens\/([^/]+)$/, (m) => [200, vtn.ven(id(m[1]))]],
    [
      "POST",
      /^\/vens\/([^/]+)\/reports$/,
      async (m, body) => {
        const o = jsonObject(await body());
        const known = new Set(["reportSpecifierID", "granularity", "reportBackDuration", "rIDs"]);
        for (const k of Object.keys(o))
          if (!known.has(k))
            throw new VtnError(
              "invalid-request",
              `unknown field "${k}" (known: ${[...known].join(", ")})`,
              `/${k}`,
            );
        if (typeof o.reportSpecifierID !== "string" || !o.reportSpecifierID)
          throw new VtnError(
            "invalid-request",
            "is required (one of the reportSpecifierIDs the VEN registered)",
            "/reportSpecifierID",
          );
        for (const k of ["granularity", "reportBackDuration"] as const)
          if (o[k] !== undefined && typeof o[k] !== "string")
            throw new VtnError("invalid-request", "must be a duration such as PT10S", `/${k}`);
        if (
          o.rIDs !== undefined &&
          (!Array.isArray(o.rIDs) || o.rIDs.some((r) => typeof r !== "string"))
        )
          throw new VtnError("invalid-request", "must be a list of rIDs", "/rIDs");
        const view = vtn.requestReport(id(m[1]), o.reportSpecifierID, {
          ...(o.granularity !== undefined ? { granularity: o.granularity as string } : {}),
          ...(o.reportBackDuration !== undefined
            ? { reportBackDuration: o.reportBackDuration as string }
            : {}),
          ...(o.rIDs !== undefined ? { rIDs: o.rIDs as string[] } : {}),
        });
        return [201, await mutate(view)];
      },
    ],
    ["GET", /^\/vens\/([^/]+)\/reports$/, (m) => [200, vtn.ven(id(m[1])).reportRequests]],
    [
      "POST",
      /^\/vens\/([^/]+)\/reregister$/,
      async (m) => [200, await mutate(vtn.requestReregistration(id(m[1])))],
    ],
    [
      "POST",
      /^\/vens\/([^/]+)\/cancel-registration$/,
      async (m) => [200, await mutate(vtn.cancelRegistration(id(m[1])))],
    ],
    [
      "GET",
      /^\/reports\/([^/]+)$/,
      (m) => [200, { ...vtn.reportRequest(id(m[1])), data: vtn.reportData(id(m[1])) }],
    ],
    [
      "POST",
      /^\/reports\/([^/]+)\/cancel$/,
      async (m) => [200, await mutate(vtn.cancelReportRequest(id(m[1])))],
    ],
  ];

  function authorized(req: IncomingMessage): "ok" | "missing" | "wrong" {
    if (options.auth.unauthenticated) return "ok";
    const socket = req.socket as Partial<TLSSocket>;
    if (prints.size && socket.authorized && typeof socket.getPeerCertificate === "function") {
      const cert = socket.getPeerCertificate();
      if (cert?.fingerprint256 && prints.has(normalFingerprint(cert.fingerprint256))) return "ok";
    }
    const header = req.headers.authorization;
    if (header === undefined) return "missing";
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) return "wrong";
    const given = digest(m[1] as string);
    // compare with every token, in constant time per comparison
    let found = false;
    for (const t of tokens) if (timingSafeEqual(t, given)) found = true;
    return found ? "ok" : "wrong";
  }

  return (req, res) => {
    const url = new URL(req.url ?? "/", "http://admin");
    const path = url.pathname.slice(ADMIN_PREFIX.length) || "/";
    const send = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      if (res.headersSent) return;
      const body = `${JSON.stringify(value, null, 2)}\n`;
      res.writeHead(status, {
        "Content-Type": "application/json; charset=utf-8",
        "Content-Length": Buffer.byteLength(body),
        "Cache-Control": "no-store",
        ...headers,
      });
      res.end(body);
    };
    const refuse = (
      status: number,
      code: string,
      message: string,
      extra: object = {},
      headers = {},
    ) => send(status, { error: { code, message, ...extra } }, headers);

    const who = authorized(req);
    if (who !== "ok") {
      req.resume();
      if (who === "missing")
        return refuse(
          401,
          "unauthenticated",
          "the admin API needs Authorization: Bearer <token> (or an admin client certificate)",
          {},
          {
            "WWW-Authenticate": 'Bearer realm="transactive-vtn-admin"',
          },
        );
      return refuse(403, "forbidden", "the admin credential is not accepted");
    }
    const route = routes.find(([method, re]) => re.test(path) && method === req.method);
    if (!route) {
      req.resume();
      const other = routes.find(([, re]) => re.test(path));
      if (other)
        return refuse(
          405,
          "method-not-allowed",
          `${req.method} is not allowed on ${ADMIN_PREFIX}${path}`,
          {},
          { Allow: other[0] },
        );
      return refuse(
        404,
        "not-found",
        `no admin resource ${ADMIN_PREFIX}${path} (see docs/vtn-ven.md)`,
      );
    }
    const body = () => readBody(req, maxBody);
    Promise.resolve()
      .then(() => route[2](route[1].exec(path) as RegExpExecArray, body, req))
      .then(
        ([status, value]) => send(status, value),
        (e: unknown) => {
          req.resume();
          if (e instanceof VtnError)
            return refuse(STATUS[e.code], e.code, e.message, {
              ...(e.path ? { path: e.path } : {}),
              ...(e.reasons.length ? { reasons: e.reasons } : {}),
            });
          if (e instanceof BodyError) return refuse(e.status, e.code, e.message);
          return refuse(500, "internal-error", (e as Error)?.message ?? String(e));
        },
      );
  };
}

const id = (s: string | undefined): string => {
  try {
    return decodeURIComponent(s ?? "");
  } catch {
    throw new VtnError("invalid-request", `"${s}" is not a valid percent-encoded ID`, "");
  }
};

class BodyError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage, max: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > max) over = true;
      else chunks.push(c);
    });
    req.on("end", () =>
      over
        ? reject(new BodyError(413, "payload-too-large", `the request body exceeds ${max} bytes`))
        : resolve(Buffer.concat(chunks)),
    );
    req.on("error", reject);
  });
}

function isXml(req: IncomingMessage): boolean {
  return /^(application|text)\/xml\b/i.test(req.headers["content-type"] ?? "");
}

function jsonObject(bytes: Uint8Array): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder().decode(bytes) || "{}");
  } catch (e) {
    throw new VtnError("invalid-request", `the body is not JSON: ${(e as Error).message}`, "");
  }
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new VtnError("invalid-request", "the body is a JSON object", "");
  return v as Record<string, unknown>;
}

function readInputs(bytes: Uint8Array, _req: IncomingMessage): EventInput[] {
  if (bytes.length === 0)
    throw new VtnError(
      "invalid-request",
      "the body is empty: send an event description or payload",
      "",
    );
  return readEventInput(bytes, new Date());
}

/** A modification: a full event (XML, payload JSON) or the description fields that change. */
function modification(
  bytes: Uint8Array,
  req: IncomingMessage,
): EventInput | Record<string, unknown> {
  if (isXml(req) || new TextDecoder().decode(bytes.subarray(0, 64)).trimStart().startsWith("<")) {
    const inputs = readEventInput(bytes, new Date());
    if (inputs.length !== 1)
      throw new VtnError("invalid-event", "a modification holds one event", "");
    return inputs[0] as EventInput;
  }
  const o = jsonObject(bytes);
  if (Object.keys(o).some((k) => k === "$profile" || k.includes(":"))) {
    const inputs = readEventInput(bytes, new Date());
    if (inputs.length !== 1)
      throw new VtnError("invalid-event", "a modification holds one event", "");
    return inputs[0] as EventInput;
  }
  return o;
}
