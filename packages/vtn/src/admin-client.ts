/**
 * A client of the admin API, for scripts and for `transactive admin`: one method per admin
 * resource, the answer's JSON back, and a VtnAdminError carrying the server's error (status, code,
 * message, path, reasons) when it refuses.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

/** Where the admin API is and how to authenticate. */
export interface VtnAdminClientOptions {
  /** the VTN's base URL, e.g. "http://127.0.0.1:8080" (the /admin prefix is added) */
  readonly url: string | URL;
  /** the bearer token */
  readonly token?: string;
  /** HTTPS: the CA of the VTN's certificate, and an admin client certificate and key */
  readonly tls?: {
    readonly ca?: string | Buffer;
    readonly cert?: string | Buffer;
    readonly key?: string | Buffer;
  };
  /** per-request time limit, ms; default 30 000 */
  readonly timeoutMs?: number;
}

/** A refusal of the admin API (or no answer at all: status 0). */
export class VtnAdminError extends Error {
  override readonly name = "VtnAdminError";
  constructor(
    /** the HTTP status; 0 when the VTN did not answer */
    readonly status: number,
    /** the error code of the answer (unauthenticated, not-found, no-sampling-rate…) */
    readonly code: string,
    message: string,
    /** where in the request the problem is */
    readonly path?: string,
    /** further reasons */
    readonly reasons: readonly string[] = [],
  ) {
    super(message);
  }
}

/** The admin API's resources. Every method resolves to the answer's JSON. */
export interface VtnAdminClient {
  /** GET /admin/vtn: the vtnID, URL, poll frequency and services. */
  vtn(): Promise<unknown>;
  /** GET /admin/events: every event with its VENs' answers. */
  events(): Promise<unknown>;
  /** GET /admin/events/{eventID}. */
  event(eventID: string): Promise<unknown>;
  /** body: an event description (object) or a payload (XML text, or JSON text/object) */
  publishEvent(body: string | object): Promise<unknown>;
  /** body: the description fields that change, or a full event */
  modifyEvent(eventID: string, body: string | object): Promise<unknown>;
  /** POST /admin/events/{eventID}/cancel. */
  cancelEvent(eventID: string): Promise<unknown>;
  /** GET /admin/vens: registration, opt and report state of every VEN. */
  vens(): Promise<unknown>;
  /** GET /admin/vens/{venID}. */
  ven(venID: string): Promise<unknown>;
  /** POST /admin/vens/{venID}/reports: a report request at a rate the VEN offered. */
  requestReport(
    venID: string,
    request: {
      reportSpecifierID: string;
      granularity?: string;
      reportBackDuration?: string;
      rIDs?: string[];
    },
  ): Promise<unknown>;
  /** GET /admin/vens/{venID}/reports: the VTN's report requests to the VEN. */
  reportRequests(venID: string): Promise<unknown>;
  /** GET /admin/reports/{reportRequestID}: the request and the data received. */
  report(reportRequestID: string): Promise<unknown>;
  /** POST /admin/reports/{reportRequestID}/cancel. */
  cancelReport(reportRequestID: string): Promise<unknown>;
  /** POST /admin/vens/{venID}/reregister. */
  requestReregistration(venID: string): Promise<unknown>;
  /** POST /admin/vens/{venID}/cancel-registration. */
  cancelRegistration(venID: string): Promise<unknown>;
}

/** Creates an admin API client. */
export function createVtnAdminClient(options: VtnAdminClientOptions): VtnAdminClient {
  const base = new URL(options.url);
  const e = encodeURIComponent;

  function call(method: "GET" | "POST", path: string, body?: string | object): Promise<unknown> {
    const url = new URL(`${base.pathname.replace(/\/$/, "")}/admin${path}`, base);
    const text =
      body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    const xml = text?.trimStart().startsWith("<") === true;
    const headers: Record<string, string> = {
      Accept: "application/json",
      ...(options.token !== undefined ? { Authorization: `Bearer ${options.token}` } : {}),
      ...(text !== undefined
        ? {
            "Content-Type": xml ? "application/xml" : "application/json",
            "Content-Length": String(Buffer.byteLength(text)),
          }
        : {}),
    };
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        url,
        {
          method,
          headers,
          timeout: options.timeoutMs ?? 30_000,
          ...(url.protocol === "https:" && options.tls ? options.tls : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const raw = Buffer.concat(chunks).toString("utf8");
            let json: unknown;
            try {
              json = raw ? JSON.parse(raw) : undefined;
            } catch {
              return reject(
                new VtnAdminError(
                  res.statusCode ?? 0,
                  "bad-answer",
                  `the VTN answered ${res.statusCode} with no JSON: ${raw.slice(0, 200)}`,
                ),
              );
            }
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) return resolve(json);
            const err = (
              json as {
                error?: { code?: string; message?: string; path?: string; reasons?: string[] };
              }
            )?.error;
            reject(
              new VtnAdminError(
                status,
                err?.code ?? "error",
                err?.message ?? `HTTP ${status}`,
                err?.path,
                err?.reasons ?? [],
              ),
            );
          });
          res.on("error", reject);
        },
      );
      req.on("timeout", () =>
        req.destroy(new Error(`no answer within ${options.timeoutMs ?? 30_000} ms`)),
      );
      req.on("error", (err) =>
        reject(
          new VtnAdminError(
            0,
            "unreachable",
            `cannot reach the VTN at ${url.origin}: ${err.message}`,
          ),
        ),
      );
      req.end(text);
    });
  }

  return {
    vtn: () => call("GET", "/vtn"),
    events: () => call("GET", "/events"),
    event: (id) => call("GET", `/events/${e(id)}`),
    publishEvent: (body) => call("POST", "/events", body),
    modifyEvent: (id, body) => call("POST", `/events/${e(id)}/modify`, body),
    cancelEvent: (id) => call("POST", `/events/${e(id)}/cancel`),
    vens: () => call("GET", "/vens"),
    ven: (id) => call("GET", `/vens/${e(id)}`),
    requestReport: (id, request) => call("POST", `/vens/${e(id)}/reports`, request),
    reportRequests: (id) => call("GET", `/vens/${e(id)}/reports`),
    report: (id) => call("GET", `/reports/${e(id)}`),
    cancelReport: (id) => call("POST", `/reports/${e(id)}/cancel`),
    requestReregistration: (id) => call("POST", `/vens/${e(id)}/reregister`),
    cancelRegistration: (id) => call("POST", `/vens/${e(id)}/cancel-registration`),
  };
}
