/**
 * Input bytes to text, the one way every entry point does it (the CLI's files and standard input,
 * the HTTP dispatcher's request bodies): XML or JSON told apart by the first character, then
 * XML through the XML reader's own byte decoder (byte order mark, the declaration's encoding,
 * strict; `xml/decode-bytes.ts`) and JSON as strict UTF-8 (RFC 8259 §8.1: a UTF-8 byte order mark
 * is skipped; UTF-16/UTF-32 JSON and invalid UTF-8 are refused, never patched with U+FFFD).
 */
import { CodecError, type Issue, xmlIssue } from "./errors.js";
import { decodeXmlBytes } from "./xml/decode-bytes.js";
import { XmlError } from "./xml/types.js";

/** The text format of an input: XML or JSON. */
export type TextFormat = "xml" | "json";

/** An input decoded to text, with the format it was sniffed as. */
export interface DecodedText {
  readonly format: TextFormat;
  readonly text: string;
}

/**
 * "xml" or "json" by the first character after a byte order mark and white space ("<" or "{"),
 * read in the encoding the byte order mark (or a BOM-less UTF-16 "<") shows; undefined otherwise.
 */
export function sniffFormat(input: Uint8Array | string): TextFormat | undefined {
  if (typeof input === "string") {
    const m = /[^\uFEFF \t\r\n]/.exec(input);
    return formatOf(m ? m[0].charCodeAt(0) : -1);
  }
  const b = input;
  let i = 0;
  let width = 1;
  let bigEndian = false;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) i = 3;
  else if (b[0] === 0xff && b[1] === 0xfe) {
    i = 2;
    width = 2;
  } else if (b[0] === 0xfe && b[1] === 0xff) {
    i = 2;
    width = 2;
    bigEndian = true;
  } else if (b[0] === 0x3c && b[1] === 0 && b[2] === 0x3f && b[3] === 0) return "xml";
  else if (b[0] === 0 && b[1] === 0x3c && b[2] === 0 && b[3] === 0x3f) return "xml";
  for (; i + width <= b.length; i += width) {
    const c =
      width === 1
        ? (b[i] as number)
        : bigEndian
          ? ((b[i] as number) << 8) | (b[i + 1] as number)
          : (b[i] as number) | ((b[i + 1] as number) << 8);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return formatOf(c);
  }
  return undefined;
}

const formatOf = (c: number): TextFormat | undefined =>
  c === 0x3c ? "xml" : c === 0x7b ? "json" : undefined;

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The text of an XML or JSON input and its format. Throws a CodecError naming the problem:
 * "xml" for an XML encoding problem (unsupported or mismatched declared encoding, bytes invalid in
 * it), "bad-json" for JSON that is not UTF-8 and for input that is neither XML nor JSON.
 */
export function decodeText(bytes: Uint8Array): DecodedText {
  const format = sniffFormat(bytes);
  if (format === undefined) throw new CodecError([neither(bytes)]);
  if (format === "xml") {
    try {
      return { format, text: decodeXmlBytes(bytes) };
    } catch (e) {
      if (e instanceof XmlError) throw xmlIssue(e);
      throw e;
    }
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
    throw jsonIssue("JSON must be UTF-8 (RFC 8259), but the input is UTF-16 (byte order mark)");
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  try {
    return { format, text: strictUtf8.decode(bytes.subarray(start)) };
  } catch {
    const at = firstInvalidUtf8(bytes, start);
    throw jsonIssue(
      `JSON must be UTF-8 (RFC 8259): byte 0x${(bytes[at] ?? 0).toString(16).padStart(2, "0")} at offset ${at} is not valid UTF-8`,
    );
  }
}

function jsonIssue(message: string): CodecError {
  return new CodecError([{ code: "bad-json", path: "", message }]);
}

function neither(bytes: Uint8Array): Issue {
  const head = new TextDecoder("utf-8").decode(bytes.subarray(0, 64)).replace(/^\uFEFF/, "");
  const first = head.trim().charAt(0);
  return {
    code: "bad-json",
    path: "",
    message: first
      ? `neither XML nor JSON: starts with ${JSON.stringify(first)}, expected "<" or "{"`
      : "empty input",
  };
}

/** Offset of the first byte that starts no valid UTF-8 sequence (only called after a failed decode). */
function firstInvalidUtf8(b: Uint8Array, from: number): number {
  let i = from;
  while (i < b.length) {
    const c = b[i] as number;
    const n =
      c < 0x80
        ? 0
        : c >= 0xc2 && c <= 0xdf
          ? 1
          : c >= 0xe0 && c <= 0xef
            ? 2
            : c >= 0xf0 && c <= 0xf4
              ? 3
              : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      // overlong three/four-byte forms, surrogates, and code points above U+10FFFF
      if (
        k === 1 &&
        ((c === 0xe0 && d < 0xa0) ||
          (c === 0xed && d > 0x9f) ||
          (c === 0xf0 && d < 0x90) ||
          (c === 0xf4 && d > 0x8f))
      )
        return i;
    }
    i += n + 1;
  }
  return b.length;
}
