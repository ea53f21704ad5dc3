/**
 * `--endpoint URL`: drives a live Energy Interoperation HTTP endpoint (the binding of
 * packages/ei-node (startEiServer): POST the request payload as application/xml to the service's path, get the
 * response payload back). Every EI case whose request belongs to a service the endpoint serves is
 * sent; a 404 means the endpoint does not claim that service, and its cases are left out (listed in
 * the result's `unclaimed`). Checks: a valid request gets 2xx and a response that our codec decodes
 * and validates, naming the same response payload and response code as the case's expected
 * response; an invalid request gets a 4xx or a response with a non-2xx response code.
 */
import { readFileSync } from "node:fs";
import {
  type CodecDocument,
  CodecError,
  decodeXml,
  type Registry,
  validate,
} from "@transactive/codec";
import { registry as eiRegistry } from "@transactive/ei";
import type { Case } from "./cases.js";
import type { CaseResult, Check } from "./run.js";
import { xmlText } from "./xml-text.js";

/** Path prefixes of the HTTP binding per profile (packages/ei/src/http/paths.ts). */
export const SERVICE_PATH_PREFIX: Readonly<Record<string, string>> = {
  openadr2b: "/OpenADR2/Simple/2.0b/",
  cts: "/cts/",
};

export interface EndpointOptions {
  readonly timeoutMs?: number;
  readonly registry?: Registry;
  readonly onProgress?: (done: number, total: number, c: Case) => void;
}

export interface EndpointRun {
  readonly results: CaseResult[];
  /** cases left out: their service answered 404 or has no path in the binding */
  readonly unclaimed: readonly { readonly case: Case; readonly why: string }[];
}

/**
 * No request reached the endpoint: the connection itself failed (refused, unknown host,
 * unreachable). An environment problem, said once, instead of one failed case per request.
 */
export class EndpointUnreachableError extends Error {
  override readonly name = "EndpointUnreachableError";
}

/**
 * Why no connection could be made, when that is what fetch's "fetch failed" TypeError means: the
 * connection was refused, the host is unknown or unreachable, or fetch refuses the port itself
 * (the Fetch standard's "bad ports", such as 1). Undefined for failures after connecting.
 */
function connectionFailure(e: unknown): string | undefined {
  const cause = (
    e as { cause?: { code?: unknown; message?: unknown; errors?: { code?: unknown }[] } } | null
  )?.cause;
  if (cause?.message === "bad port") return "fetch refuses this port";
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  return typeof code === "string" &&
    /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL)$/.test(code)
    ? code
    : undefined;
}

type OperationFor = (profile: string, request: string) => { service: string } | undefined;

/** The request payload's canonical name (inside oadrPayload/oadrSignedObject for OpenADR). */
function payloadElement(doc: CodecDocument): string {
  const signed = (doc.value as { oadrSignedObject?: Record<string, unknown> } | null)
    ?.oadrSignedObject;
  const inner = signed ? Object.keys(signed).find((k) => !k.startsWith("@")) : undefined;
  return inner ? `oadr:${inner}` : doc.element;
}

function responseCodes(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) responseCodes(v, out);
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) {
      if (k === "responseCode" && (typeof v === "string" || typeof v === "number"))
        out.push(String(v));
      else responseCodes(v, out);
    }
  return out;
}

export async function runEndpoint(
  url: string,
  cases: readonly Case[],
  options: EndpointOptions = {},
): Promise<EndpointRun> {
  const registry = options.registry ?? eiRegistry;
  const ei = (await import("@transactive/ei")) as Record<string, unknown>;
  const operationFor = ei.operationFor as OperationFor | undefined;
  if (typeof operationFor !== "function")
    throw new Error(
      "not implemented: @transactive/ei does not export operationFor() (the EI operation catalog) yet",
    );
  const base = url.replace(/\/+$/, "");
  const results: CaseResult[] = [];
  const unclaimed: { case: Case; why: string }[] = [];
  const eiCases = cases.filter(
    (c) => c.standard === "ei" && SERVICE_PATH_PREFIX[c.profile] !== undefined,
  );
  let done = 0;
  // whether any request got an HTTP answer: until then a connection failure ends the run
  let reached = false;
  for (const c of eiCases) {
    options.onProgress?.(++done, eiCases.length, c);
    const text = xmlText(readFileSync(c.xmlPath));
    let request: CodecDocument;
    try {
      request = decodeXml(registry, text, { profile: c.profile });
    } catch {
      // not decodable: only an invalid case can say which service it is for, and it does not
      unclaimed.push({ case: c, why: "the request does not decode, so its service is unknown" });
      continue;
    }
    const operation = operationFor(c.profile, payloadElement(request));
    if (!operation) {
      unclaimed.push({
        case: c,
        why: `${payloadElement(request)} is not a request of any service`,
      });
      continue;
    }
    const target = `${base}${SERVICE_PATH_PREFIX[c.profile]}${operation.service}`;
    let status: number;
    let body: string;
    try {
      const res = await fetch(target, {
        method: "POST",
        headers: { "content-type": "application/xml", accept: "application/xml" },
        body: text,
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
      status = res.status;
      body = await res.text();
      reached = true;
    } catch (e) {
      const code = connectionFailure(e);
      if (!reached && code !== undefined)
        throw new EndpointUnreachableError(`cannot connect to ${base} (${code})`);
      results.push({
        case: c,
        passed: false,
        checks: [
          {
            rule: "response",
            ok: false,
            message: `POST ${target} failed: ${(e as Error).message}`,
          },
        ],
      });
      continue;
    }
    if (status === 404) {
      unclaimed.push({ case: c, why: `${operation.service} is not served (404)` });
      continue;
    }
    const checks =
      c.kind === "invalid"
        ? invalidChecks(status, body, registry)
        : validChecks(c, status, body, registry);
    results.push({ case: c, checks, passed: checks.every((x) => x.ok) });
  }
  return { results, unclaimed };
}

function decodeResponse(body: string, registry: Registry): CodecDocument | string {
  try {
    const doc = decodeXml(registry, body);
    const issues = validate(registry, doc);
    return issues.length === 0 ? doc : issues.map((i) => `${i.path}: ${i.message}`).join("; ");
  } catch (e) {
    if (e instanceof CodecError) return e.message;
    throw e;
  }
}

function validChecks(c: Case, status: number, body: string, registry: Registry): Check[] {
  if (status < 200 || status > 299)
    return [
      {
        rule: "accept",
        ok: false,
        message: `HTTP ${status} for a valid request: ${body.slice(0, 300)}`,
      },
    ];
  const doc = decodeResponse(body, registry);
  if (typeof doc === "string")
    return [
      {
        rule: "response",
        ok: false,
        message: `the response is not a valid payload: ${doc}`,
        actual: body.slice(0, 20000),
      },
    ];
  const checks: Check[] = [{ rule: "accept", ok: true, message: `HTTP ${status}` }];
  if (c.expectPaths.response === undefined) {
    checks.push({ rule: "response", ok: true, message: `a valid ${payloadElement(doc)}` });
    return checks;
  }
  const want = JSON.parse(readFileSync(c.expectPaths.response, "utf8")) as Record<string, unknown>;
  const wantRoot = Object.keys(want).find((k) => !k.startsWith("$")) ?? "";
  const wantCodes = responseCodes(want);
  const gotCodes = responseCodes(doc.value);
  const sameRoot = wantRoot === doc.element;
  const sameCodes = JSON.stringify(wantCodes) === JSON.stringify(gotCodes);
  checks.push({
    rule: "response",
    ok: sameRoot && sameCodes,
    message:
      sameRoot && sameCodes
        ? `${doc.element} with response codes ${gotCodes.join(", ") || "(none)"}`
        : `expected ${wantRoot} with response codes ${wantCodes.join(", ")}, got ${doc.element} with ${gotCodes.join(", ")}`,
  });
  return checks;
}

function invalidChecks(status: number, body: string, registry: Registry): Check[] {
  if (status >= 400 && status < 500)
    return [{ rule: "reject", ok: true, message: `HTTP ${status}` }];
  const doc = decodeResponse(body, registry);
  const codes = typeof doc === "string" ? [] : responseCodes(doc.value);
  const refused = codes.some((code) => !/^2/.test(code));
  return [
    {
      rule: "reject",
      ok: refused,
      message: refused
        ? `refused with response code ${codes.join(", ")}`
        : `an invalid request got HTTP ${status}${codes.length ? ` and response codes ${codes.join(", ")}` : ""}`,
    },
  ];
}
