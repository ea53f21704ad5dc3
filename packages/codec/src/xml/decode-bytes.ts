/**
 * Bytes to text for XML input: byte order mark, then the XML declaration's `encoding`
 * (XML 1.0 appendix F), then a strict decode. Supported: UTF-8, UTF-16 (LE/BE), ISO-8859-1, US-ASCII.
 */
import { XmlError } from "./types.js";

type Encoding = "utf-8" | "utf-16le" | "utf-16be" | "latin1" | "ascii";

const LABELS: Readonly<Record<string, Encoding | "utf-16">> = {
  "utf-8": "utf-8",
  utf8: "utf-8",
  "utf-16": "utf-16",
  utf16: "utf-16",
  "utf-16le": "utf-16le",
  "utf-16be": "utf-16be",
  "iso-8859-1": "latin1",
  iso_8859_1: "latin1",
  "iso_8859-1": "latin1",
  "iso-ir-100": "latin1",
  latin1: "latin1",
  "latin-1": "latin1",
  l1: "latin1",
  cp819: "latin1",
  ibm819: "latin1",
  "us-ascii": "ascii",
  ascii: "ascii",
  "iso646-us": "ascii",
};

/** `encoding="…"` of a declaration at the very start of the (provisionally decoded) text. */
const DECL_ENCODING =
  /^<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(?:"[^"]*"|'[^']*')[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(?:"([^"]*)"|'([^']*)')/;

/** How many leading bytes are decoded provisionally to read the declaration. */
const DECL_WINDOW = 512;

/**
 * Decoders are stateless between `decode` calls (no `stream` option), so one of each is reused:
 * constructing a TextDecoder costs more than decoding a small document.
 */
const decoders = new Map<string, InstanceType<typeof TextDecoder>>();

function decoder(label: "utf-8" | "utf-16le" | "utf-16be" | "windows-1252", fatal: boolean) {
  const key = `${label}${fatal ? "!" : ""}`;
  let d = decoders.get(key);
  if (d === undefined) {
    // ignoreBOM: the mark (if any) is already skipped; a second one stays and is rejected later.
    d = new TextDecoder(label, { fatal, ignoreBOM: true });
    decoders.set(key, d);
  }
  return d;
}

export function decodeXmlBytes(bytes: Uint8Array): string {
  const b0 = bytes[0] ?? -1;
  const b1 = bytes[1] ?? -1;
  const b2 = bytes[2] ?? -1;
  const b3 = bytes[3] ?? -1;

  // 1. Byte order mark, or the shape of "<?" in a BOM-less UTF-16 document.
  let family: "utf-8" | "utf-16le" | "utf-16be" | "ascii-compatible";
  let start = 0;
  let hasBom = false;
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) {
    family = "utf-8";
    start = 3;
    hasBom = true;
  } else if (b0 === 0xff && b1 === 0xfe) {
    if (b2 === 0 && b3 === 0) throw unsupported("UTF-32LE");
    family = "utf-16le";
    start = 2;
    hasBom = true;
  } else if (b0 === 0xfe && b1 === 0xff) {
    family = "utf-16be";
    start = 2;
    hasBom = true;
  } else if (b0 === 0 && b1 === 0) {
    throw unsupported("UTF-32");
  } else if (b0 === 0x3c && b1 === 0 && b2 === 0 && b3 === 0) {
    throw unsupported("UTF-32LE");
  } else if (b0 === 0x3c && b1 === 0 && b2 === 0x3f && b3 === 0) {
    family = "utf-16le";
  } else if (b0 === 0 && b1 === 0x3c && b2 === 0 && b3 === 0x3f) {
    family = "utf-16be";
  } else if (b0 === 0x4c && b1 === 0x6f && b2 === 0xa7 && b3 === 0x94) {
    throw unsupported("EBCDIC");
  } else {
    family = "ascii-compatible";
  }

  // 2. The declared encoding, read from a provisional decode of the first bytes.
  const head = bytes.subarray(start, Math.min(bytes.length, start + DECL_WINDOW));
  let label: string | undefined;
  if (family === "utf-16le" || family === "utf-16be") {
    const match = DECL_ENCODING.exec(
      decoder(family, false).decode(head.subarray(0, head.length & ~1)),
    );
    label = match === null ? undefined : (match[1] ?? match[2] ?? "");
  } else if (head[0] === 0x3c && head[1] === 0x3f) {
    // Only ASCII matters in the declaration; windows-1252 maps every other byte to a non-ASCII
    // character, as ISO-8859-1 would.
    const match = DECL_ENCODING.exec(decoder("windows-1252", false).decode(head));
    label = match === null ? undefined : (match[1] ?? match[2] ?? "");
  }

  // 3. Reconcile the two.
  let encoding: Encoding;
  if (label === undefined) {
    encoding = family === "ascii-compatible" ? "utf-8" : family;
  } else {
    const declared = LABELS[label.toLowerCase()];
    if (declared === undefined) {
      throw new XmlError("encoding", `unsupported encoding "${label}" in the XML declaration`);
    }
    if (family === "utf-16le" || family === "utf-16be") {
      if (declared !== "utf-16" && declared !== family) {
        throw mismatch(label, family === "utf-16le" ? "UTF-16LE" : "UTF-16BE");
      }
      encoding = family;
    } else if (declared === "utf-16" || declared === "utf-16le" || declared === "utf-16be") {
      throw new XmlError(
        "encoding",
        `the XML declaration says "${label}" but the bytes are not UTF-16 (no byte order mark)`,
      );
    } else if (family === "utf-8" && hasBom && declared !== "utf-8") {
      throw mismatch(label, "UTF-8 (byte order mark)");
    } else {
      encoding = declared;
    }
  }

  // 4. Strict decode of everything after the byte order mark.
  const body = bytes.subarray(start);
  switch (encoding) {
    case "latin1":
      return latin1(body);
    case "ascii": {
      const bad = body.findIndex((b) => b > 0x7f);
      if (bad !== -1) {
        throw new XmlError(
          "encoding",
          `byte 0x${hex(body[bad] ?? 0)} at offset ${bad + start} is not US-ASCII`,
        );
      }
      return latin1(body);
    }
    default:
      try {
        return decoder(encoding, true).decode(body);
      } catch {
        throw new XmlError("encoding", `the input is not valid ${encoding.toUpperCase()}`);
      }
  }
}

/** ISO-8859-1: every byte is the code point of the same value. (TextDecoder's "latin1" is windows-1252.) */
function latin1(bytes: Uint8Array): string {
  const CHUNK = 0x2000;
  if (bytes.length <= CHUNK) return String.fromCharCode(...bytes);
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += CHUNK) {
    parts.push(String.fromCharCode(...bytes.subarray(i, i + CHUNK)));
  }
  return parts.join("");
}

function hex(b: number): string {
  return b.toString(16).padStart(2, "0");
}

function unsupported(what: string): XmlError {
  return new XmlError("encoding", `unsupported encoding: the input looks like ${what}`);
}

function mismatch(label: string, actual: string): XmlError {
  return new XmlError("encoding", `the XML declaration says "${label}" but the input is ${actual}`);
}
