/**
 * The raw client of the HTTP binding (@transactive/ei's EiClient), on fetch. A message is a CodecDocument (encoded as XML or
 * JSON), or XML/JSON text or bytes sent as they are; the answer comes back decoded with the codec
 * when it is an EI document. TLS with a client certificate goes through an undici Agent, since
 * Node's fetch takes no TLS options.
 */
import {
  type CodecDocument,
  CodecError,
  decodeXml,
  encodeXml,
  fromJson,
  type Issue,
  type Registry,
  toJson,
} from "@transactive/codec";
import {
  type ClientFormat,
  type EiClient,
  type EiMessage,
  type EiReply,
  registry as eiRegistry,
  formatOf,
  fromCtsJson,
  isCtsJson,
  parseMediaType,
  toCtsJson,
  type WireFormat,
} from "@transactive/ei";
import { Agent, fetch as undiciFetch } from "undici";
import { type SignOptions, signOadrPayload } from "./signature/sign.js";
import { type VerifyOptions, type VerifyResult, verifyOadrPayload } from "./signature/verify.js";

export interface EiClientTls {
  /** CA certificate(s) (PEM) the server's certificate must chain to */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** the client's certificate (PEM), for servers that require one */
  readonly cert?: string | Buffer;
  /** the client's private key (PEM) */
  readonly key?: string | Buffer;
  /** server name to check the certificate against, when it differs from the URL's host */
  readonly servername?: string;
}

export interface EiClientOptions {
  /** the server's origin, e.g. "http://127.0.0.1:8080" or "https://vtn.example:8443" */
  readonly baseUrl: string | URL;
  /** the wire profile whose service paths to use (default openadr2b) */
  readonly profile?: "openadr2b" | "cts";
  /** explicit service paths (name -> path), e.g. from a Dispatcher's `services`; override `profile` */
  readonly services?: readonly { readonly name: string; readonly path: string }[];
  /**
   * format of CodecDocument messages (default xml): our canonical JSON, or for CTS documents also
   * "cts-json", the qualified-name JSON of the CTS REST implementations; text and bytes are sent
   * in their own format
   */
  readonly format?: ClientFormat;
  /**
   * OpenADR 2.0b: sign every oadrPayload CodecDocument sent (XML only: a signature cannot travel
   * in JSON, so a JSON request with signing on is refused with a RangeError before sending)
   */
  readonly signing?: SignOptions;
  /**
   * OpenADR 2.0b: verify the ds:Signature of every XML oadrPayload answer on its bytes as
   * received; the result is in EiReply.signature (the typed methods throw when it is not ok)
   */
  readonly verify?: VerifyOptions;
  readonly tls?: EiClientTls;
  /** per-request time limit in ms (default 30 000) */
  readonly timeoutMs?: number;
  /** codec registry to encode and decode with (default: @transactive/ei's) */
  readonly registry?: Registry;
}

/** An EiReply whose signature check carries the verifier's details (certificate, ReplayProtect). */
export interface NodeEiReply extends EiReply {
  /** with the `verify` option: the verification of an XML oadrPayload answer */
  readonly signature?: VerifyResult;
}

export interface NodeEiClient extends EiClient {
  send(
    service: string,
    message: EiMessage,
    options?: { readonly format?: ClientFormat },
  ): Promise<NodeEiReply>;
}

export function createEiClient(options: EiClientOptions): NodeEiClient {
  const registry = options.registry ?? eiRegistry;
  const base = new URL(options.baseUrl);
  const profile = options.profile ?? "openadr2b";
  const paths = new Map(options.services?.map((s) => [s.name, s.path]));
  const timeoutMs = options.timeoutMs ?? 30_000;
  const agent = options.tls
    ? new Agent({
        connect: {
          ...(options.tls.ca === undefined
            ? {}
            : { ca: options.tls.ca as string | Buffer | (string | Buffer)[] }),
          ...(options.tls.cert === undefined ? {} : { cert: options.tls.cert }),
          ...(options.tls.key === undefined ? {} : { key: options.tls.key }),
          ...(options.tls.servername === undefined ? {} : { servername: options.tls.servername }),
        },
      })
    : undefined;

  return {
    async send(service, message, sendOptions = {}) {
      const path =
        paths.get(service) ?? (options.services ? undefined : servicePath(profile, service));
      if (path === undefined)
        throw new RangeError(
          `unknown service "${service}"; known: ${[...paths.keys()].join(", ")}`,
        );
      const { body, format } = encode(
        registry,
        message,
        sendOptions.format ?? options.format ?? "xml",
        options.signing,
      );
      const url = new URL(path, base);
      const init = {
        method: "POST",
        headers: {
          "content-type": format === "json" ? "application/json" : "application/xml",
          accept: format === "json" ? "application/json" : "application/xml",
        },
        // a Uint8Array is sent as is; Node's fetch types it as BodyInit through ArrayBufferView
        body: body as string | Uint8Array<ArrayBuffer>,
        signal: AbortSignal.timeout(timeoutMs),
      };
      const response = agent
        ? await undiciFetch(url, { ...init, dispatcher: agent })
        : await fetch(url, init);
      // the bytes as received: a signature is verified on them, never on a re-encoding
      const bytes = new Uint8Array(await response.arrayBuffer());
      const text = new TextDecoder("utf-8").decode(bytes);
      const contentType = parseMediaType(response.headers.get("content-type") ?? undefined);
      const wire = formatOf(contentType);
      const decoded = decode(registry, text, wire);
      const signature =
        options.verify && wire === "xml" && decoded.document?.element === "oadr:oadrPayload"
          ? verifyOadrPayload(bytes, options.verify)
          : undefined;
      return {
        status: response.status,
        contentType: contentType?.essence ?? "",
        body: text,
        ...decoded,
        ...(signature ? { signature } : {}),
      };
    },
    async close() {
      await agent?.close();
    },
  };
}

/** The service paths of the reference dispatcher (dispatch.ts): OpenADR 2.0b's simple HTTP paths, /cts/<service>. */
function servicePath(profile: "openadr2b" | "cts", service: string): string {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(service))
    throw new RangeError(`a service name is letters and digits, got "${service}"`);
  return profile === "cts" ? `/cts/${service}` : `/OpenADR2/Simple/2.0b/${service}`;
}

function encode(
  registry: Registry,
  message: EiMessage,
  format: ClientFormat,
  signing: SignOptions | undefined,
): { body: string | Uint8Array; format: WireFormat } {
  if (typeof message === "string")
    return { body: message, format: sniff(message.charCodeAt(firstNonSpace(message))) };
  if (message instanceof Uint8Array) return { body: message, format: sniffBytes(message) };
  const signed = signing !== undefined && message.element === "oadr:oadrPayload";
  if (signed && format !== "xml")
    throw new RangeError(
      `a signed oadrPayload travels as XML only (XML Signature covers XML bytes), not as ${format}`,
    );
  if (format === "cts-json") {
    if (message.profile !== "cts")
      throw new RangeError(`the CTS REST JSON form is for CTS documents, not ${message.profile}`);
    return { body: JSON.stringify(toCtsJson(message)), format: "json" };
  }
  if (format === "json") return { body: toJson(message), format };
  const xml = encodeXml(registry, message);
  return { body: signed ? signOadrPayload(xml, signing) : xml, format };
}

function firstNonSpace(s: string): number {
  const m = /[^\s\uFEFF]/.exec(s);
  return m ? m.index : 0;
}
const sniff = (code: number): WireFormat => (code === 0x7b ? "json" : "xml");
function sniffBytes(b: Uint8Array): WireFormat {
  let i = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  while (b[i] === 0x20 || b[i] === 0x09 || b[i] === 0x0a || b[i] === 0x0d) i++;
  return sniff(b[i] ?? 0);
}

function decode(
  registry: Registry,
  text: string,
  format: WireFormat | undefined,
): { document?: CodecDocument; issues: readonly Issue[] } {
  if (format === undefined || text.trim() === "") return { issues: [] };
  try {
    if (format === "xml") return { document: decodeXml(registry, text), issues: [] };
    const parsed: unknown = JSON.parse(text);
    // the CTS REST form ("pyld:…" keys) or our canonical JSON
    return {
      document: isCtsJson(parsed) ? fromCtsJson(parsed) : fromJson(registry, parsed as object),
      issues: [],
    };
  } catch (e) {
    if (e instanceof CodecError) return { issues: e.issues };
    if (e instanceof SyntaxError)
      return { issues: [{ code: "bad-json", path: "", message: `not valid JSON: ${e.message}` }] };
    throw e;
  }
}
