/**
 * The client side of the HTTP binding as an interface: what a raw client sends and what it gives
 * back. @transactive/ei-node implements it on fetch (`createEiClient`); the typed client
 * (typed-client.ts) builds its methods over any implementation.
 */
import type { CodecDocument, Issue } from "@transactive/codec";
import type { SignatureCheck } from "../dispatch.js";
import type { WireFormat } from "./errors.js";

/** Wire format of CodecDocument messages: XML, our canonical JSON, or CTS REST JSON (CTS only). */
export type ClientFormat = WireFormat | "cts-json";

/** A message to send: a CodecDocument (encoded in the chosen format), or XML or JSON already written, as text or bytes. */
export type EiMessage = CodecDocument | string | Uint8Array;

/** The HTTP answer to a sent message: its status, media type and body, decoded when it is an EI document. */
export interface EiReply {
  readonly status: number;
  /** the media type of the answer, without parameters */
  readonly contentType: string;
  readonly body: string;
  /** the answer decoded with the codec, when it is an EI document */
  readonly document?: CodecDocument;
  /** why the answer could not be decoded (empty when it was, or when it is not XML/JSON) */
  readonly issues: readonly Issue[];
  /** when the client verifies answers: the check of an XML oadrPayload answer's signature */
  readonly signature?: SignatureCheck;
}

/** A raw HTTP binding client: sends messages to services by name; the typed client is built over it. */
export interface EiClient {
  /** POSTs a message to a service (by name, e.g. "EiEvent") and returns the decoded answer. */
  send(
    service: string,
    message: EiMessage,
    options?: { readonly format?: ClientFormat },
  ): Promise<EiReply>;
  /** releases the transport's connections */
  close(): Promise<void>;
}
