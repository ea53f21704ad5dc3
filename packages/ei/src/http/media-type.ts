/** Content negotiation of the HTTP binding: which request media types it takes, and how it answers. */
import type { WireFormat } from "./errors.js";

/** Media types accepted on requests, by the wire format they carry. */
export const ACCEPTED_MEDIA_TYPES: Readonly<Record<string, WireFormat>> = {
  "application/xml": "xml",
  "text/xml": "xml",
  "application/json": "json",
};

/** A parsed Content-Type header: the media type and its charset parameter, if any. */
export interface MediaType {
  /** type/subtype, lower case, without parameters */
  readonly essence: string;
  readonly charset?: string;
}

/** Parses a Content-Type header value; undefined when absent or blank. */
export function parseMediaType(header: string | undefined): MediaType | undefined {
  if (header === undefined) return undefined;
  const [essence = "", ...params] = header.split(";");
  const type = essence.trim().toLowerCase();
  if (type === "") return undefined;
  for (const param of params) {
    const eq = param.indexOf("=");
    if (eq < 0) continue;
    if (param.slice(0, eq).trim().toLowerCase() !== "charset") continue;
    const charset = param
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, "$1")
      .toLowerCase();
    return { essence: type, charset };
  }
  return { essence: type };
}

/** The wire format of an accepted media type, undefined for any other. */
export function formatOf(media: MediaType | undefined): WireFormat | undefined {
  return media === undefined ? undefined : ACCEPTED_MEDIA_TYPES[media.essence];
}

/**
 * The format of an error answer: the request's own format when it has an accepted one, else JSON
 * when the Accept header names JSON and not XML, else XML (the format of both wire profiles).
 */
export function errorFormat(
  contentType: string | undefined,
  accept: string | undefined,
): WireFormat {
  const own = formatOf(parseMediaType(contentType));
  if (own) return own;
  const a = (accept ?? "").toLowerCase();
  return a.includes("json") && !a.includes("xml") ? "json" : "xml";
}
