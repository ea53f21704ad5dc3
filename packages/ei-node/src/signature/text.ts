/**
 * The text of a signed document, from its original bytes: the byte order mark or UTF-8. The
 * signature is checked on this text as received, never on a re-encoding of the document.
 */
import { readXml } from "@transactive/codec";

export function signedText(input: string | Uint8Array): string {
  // the codec's secure reader refuses DTDs, entity declarations and over-limit documents before
  // any DOM sees them (it decodes bytes by BOM and declaration the same way)
  readXml(input);
  if (typeof input === "string") return input;
  if (input[0] === 0xfe && input[1] === 0xff) return new TextDecoder("utf-16be").decode(input);
  if (input[0] === 0xff && input[1] === 0xfe) return new TextDecoder("utf-16le").decode(input);
  const head = new TextDecoder("latin1").decode(input.subarray(0, 200));
  const declared = /^<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/.exec(head)?.[1]?.toLowerCase();
  if (declared === "iso-8859-1" || declared === "latin1" || declared === "us-ascii")
    return new TextDecoder("latin1").decode(input);
  return new TextDecoder("utf-8", { fatal: true }).decode(input);
}
