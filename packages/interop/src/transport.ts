/**
 * The harness's side of the wire: POST a message over HTTP or HTTPS (with a client certificate),
 * signing it with OpenADR 2.0b XML Signature when the run is signed, and verifying the signature of
 * the answer. The recording proxy forwards with the same function.
 */
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { signOadrPayload, type VerifyResult, verifyOadrPayload } from "@transactive/ei-node";

/** TLS material of a client leg (PEM text). */
export interface ClientTls {
  /** CA(s) the server's certificate must chain to */
  readonly ca?: string | readonly string[];
  /** the client certificate, for servers that require one */
  readonly cert?: string;
  readonly key?: string;
}

/** An XML Signature credential: the signer's key and certificate (PEM). */
export interface SigningCredential {
  readonly key: string;
  readonly cert: string;
}

/** Options of one exchange. */
export interface ExchangeOptions {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly tls?: ClientTls;
  /** per-request time limit, ms (default 30 000) */
  readonly timeoutMs?: number;
}

/** What came back. */
export interface ExchangeResult {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** A transport failure (no answer): refused connection, TLS refusal, time limit. */
export class TransportError extends Error {
  override readonly name = "TransportError";
  constructor(
    readonly url: string,
    message: string,
    /** the system error code (ECONNREFUSED…), when there is one */
    readonly code?: string,
  ) {
    super(`${url}: ${message}`);
  }
}

/** One HTTP(S) request with its body; resolves to the answer, rejects with TransportError. */
export function exchange(
  url: string,
  body: Buffer | string | undefined,
  options: ExchangeOptions = {},
): Promise<ExchangeResult> {
  const u = new URL(url);
  const https = u.protocol === "https:";
  if (!https && u.protocol !== "http:")
    return Promise.reject(new TransportError(url, `unsupported protocol ${u.protocol}`));
  const bytes = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body);
  const headers: Record<string, string> = { ...options.headers };
  if (bytes) headers["content-length"] = String(bytes.length);
  const tls = options.tls;
  return new Promise((resolve, reject) => {
    const req = (https ? httpsRequest : httpRequest)(
      u,
      {
        method: options.method ?? "POST",
        headers,
        timeout: options.timeoutMs ?? 30_000,
        ...(https && tls
          ? {
              ...(tls.ca ? { ca: tls.ca as string | string[] } : {}),
              ...(tls.cert ? { cert: tls.cert } : {}),
              ...(tls.key ? { key: tls.key } : {}),
            }
          : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
        res.on("error", (e: NodeJS.ErrnoException) =>
          reject(new TransportError(url, e.message, e.code)),
        );
      },
    );
    req.on("timeout", () => {
      req.destroy(
        new TransportError(url, `no answer within ${options.timeoutMs ?? 30_000} ms`, "ETIMEDOUT"),
      );
    });
    req.on("error", (e: NodeJS.ErrnoException) =>
      reject(e instanceof TransportError ? e : new TransportError(url, e.message, e.code)),
    );
    req.end(bytes);
  });
}

/** Signs an oadrPayload (XML text) with the credential; the text unchanged when there is none. */
export function signIfAsked(xml: string, signing: SigningCredential | undefined): string {
  return signing
    ? signOadrPayload(xml, { privateKey: signing.key, certificate: signing.cert })
    : xml;
}

/** Verifies the XML Signature of a message against trust anchors (PEM). */
export function verifySignature(xml: string | Buffer, trust: readonly string[]): VerifyResult {
  return verifyOadrPayload(xml, { trustedCertificates: [...trust] });
}

/** POSTs an XML message (signed when `signing` is given) or a JSON one; the answer as text. */
export async function postXml(
  url: string,
  xml: string,
  options: ExchangeOptions & { readonly signing?: SigningCredential } = {},
): Promise<{ readonly status: number; readonly body: string; readonly sent: string }> {
  // a JSON message (the CTS JSON of REST implementations) goes as JSON, and cannot be signed
  const json = xml.trimStart().startsWith("{");
  const sent = json ? xml : signIfAsked(xml, options.signing);
  const res = await exchange(url, sent, {
    ...options,
    headers: { "content-type": json ? "application/json" : "application/xml", ...options.headers },
  });
  return { status: res.status, body: res.body.toString("utf8"), sent };
}
