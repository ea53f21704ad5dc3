/**
 * The bodies of the HTTP binding's own 4xx/5xx answers (unknown path, wrong method, wrong media
 * type, oversized body…): requests that never reach the dispatcher, so no EI response can be formed.
 * JSON for callers that speak JSON, XML otherwise; both name the problem, the request path and the
 * HTTP status.
 */

/** Machine-readable reason of an HTTP-level refusal. */
export type HttpErrorCode =
  | "not-found"
  | "method-not-allowed"
  | "unsupported-media-type"
  | "payload-too-large"
  | "bad-request"
  | "internal-error";

export interface HttpErrorBody {
  readonly status: number;
  readonly code: HttpErrorCode;
  readonly message: string;
  /** the request path the problem concerns */
  readonly path: string;
}

export type WireFormat = "xml" | "json";

export interface RenderedError {
  readonly contentType: "application/json" | "application/xml";
  readonly body: string;
}

const escapeXml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** `{"error":{status,code,message,path}}` or `<error status=… code=… path=…><message>…</message></error>`. */
export function renderError(error: HttpErrorBody, format: WireFormat): RenderedError {
  if (format === "json")
    return { contentType: "application/json", body: `${JSON.stringify({ error })}\n` };
  return {
    contentType: "application/xml",
    body:
      `<?xml version="1.0" encoding="UTF-8"?>\n<error status="${error.status}" code="${error.code}"` +
      ` path="${escapeXml(error.path)}"><message>${escapeXml(error.message)}</message></error>\n`,
  };
}
