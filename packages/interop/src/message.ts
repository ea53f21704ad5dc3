/**
 * A transcript entry's body read once with our codec: the document, its validation issues, and for
 * OpenADR 2.0b the message inside oadrPayload/oadrSignedObject. The checks share one reading per
 * entry (a WeakMap), so a transcript of hundreds of messages is decoded once.
 */
import { type CodecDocument, CodecError, decodeXml, validate } from "@transactive/codec";
import { findRequestId, registry } from "@transactive/ei";
import type { TranscriptEntry } from "./types.js";

/** A problem found in a message: where (a path such as /oadrPayload/...) and what. */
export interface Problem {
  readonly path: string;
  readonly message: string;
}

/** What a body is, as far as the checks care. */
export interface ReadMessage {
  /** the document decoded (absent when the body is not a message our codec reads) */
  readonly doc?: CodecDocument;
  /** why it did not decode, or what validation found (empty: a valid message) */
  readonly issues: readonly Problem[];
  /** the message's local name: the payload inside oadrPayload for OpenADR 2.0b, else the root */
  readonly element?: string;
  /** the same, qualified as the service catalog names it (oadr:oadrPoll, pyld:eiCreateTender) */
  readonly qname?: string;
  /** the message's value (the payload inside oadrSignedObject for OpenADR 2.0b) */
  readonly value?: Record<string, unknown>;
  /** whether the body carries a ds:Signature element */
  readonly signed: boolean;
}

const cache = new WeakMap<TranscriptEntry, ReadMessage>();

const local = (qname: string): string => qname.slice(qname.indexOf(":") + 1);

/** Reads an entry's body (cached per entry object). Never throws. */
export function readMessage(entry: TranscriptEntry): ReadMessage {
  const hit = cache.get(entry);
  if (hit) return hit;
  const read = readBody(entry.body);
  cache.set(entry, read);
  return read;
}

function readBody(body: string): ReadMessage {
  const signed = /<(?:[\w.-]+:)?Signature[\s>]/.test(body);
  const text = body.replace(/^\uFEFF/, "").trimStart();
  if (text === "") return { issues: [{ path: "", message: "the body is empty" }], signed };
  if (!text.startsWith("<"))
    return {
      issues: [
        {
          path: "",
          message: `the body is not XML (it starts with ${JSON.stringify(text.slice(0, 20))})`,
        },
      ],
      signed,
    };
  let doc: CodecDocument;
  try {
    doc = decodeXml(registry, text);
  } catch (e) {
    if (e instanceof CodecError) return { issues: e.issues, signed };
    return {
      issues: [{ path: "", message: (e as Error).message }],
      signed,
    };
  }
  const issues = validate(registry, doc);
  let element = local(doc.element);
  let qname = doc.element;
  let value = doc.value as Record<string, unknown>;
  if (doc.element === "oadr:oadrPayload") {
    const object = (value.oadrSignedObject ?? {}) as Record<string, unknown>;
    const inner = Object.keys(object).find((k) => !k.startsWith("@"));
    if (inner === undefined)
      return {
        doc,
        issues: [
          ...issues,
          {
            path: "/oadrPayload/oadrSignedObject",
            message: "oadrSignedObject holds no message",
          },
        ],
        signed,
      };
    element = inner;
    qname = `oadr:${inner}`;
    value = object[inner] as Record<string, unknown>;
  }
  return { doc, issues, element, qname, value, signed };
}

/** One sentence for the first issues of a reading. */
export function describeIssues(issues: readonly Problem[], max = 3): string {
  const shown = issues.slice(0, max).map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
  const more = issues.length > max ? ` (and ${issues.length - max} more)` : "";
  return `${shown.join("; ")}${more}`;
}

/** The value at a path of property names (arrays: their first element), or undefined. */
export function at(value: unknown, ...path: string[]): unknown {
  let v = value;
  for (const key of path) {
    if (Array.isArray(v)) v = v[0];
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** An element that may repeat, always as an array. */
export function many<T = Record<string, unknown>>(value: unknown): T[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as T[];
}

/** The requestID a message carries at its top (a request's own), or undefined. */
export function ownRequestId(value: Record<string, unknown> | undefined): string | undefined {
  const v = value?.requestID;
  return typeof v === "string" ? v : undefined;
}

/** The eiResponse of an answer (also inside eiCreatedEvent), or undefined. CTS echoes in refID. */
export function eiResponseOf(
  value: Record<string, unknown> | undefined,
):
  | { responseCode?: string; responseDescription?: string; requestID?: string; refID?: string }
  | undefined {
  if (!value) return undefined;
  const direct = value.eiResponse ?? at(value, "eiCreatedEvent", "eiResponse");
  return typeof direct === "object" && direct !== null
    ? (direct as { responseCode?: string; requestID?: string })
    : undefined;
}

/** Any requestID in the message (own or echoed), as the dispatcher finds it. */
export const anyRequestId = (value: unknown): string | undefined => findRequestId(value);

/** The venID a message carries (top level or in eiCreatedEvent), or undefined. */
export function venIdOf(value: Record<string, unknown> | undefined): string | undefined {
  if (!value) return undefined;
  const v = value.venID ?? at(value, "eiCreatedEvent", "venID");
  return typeof v === "string" ? v : undefined;
}
