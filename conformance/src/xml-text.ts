/**
 * XML bytes -> the text sent to a testee. The protocol carries XML as JSON strings, so the bytes are
 * decoded here (byte order mark, else the encoding declaration, else UTF-8) and the declaration's
 * encoding is rewritten to UTF-8: a testee that writes the text out as UTF-8 gets a true declaration.
 */
export function xmlText(bytes: Uint8Array): string {
  let label = "utf-8";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) label = "utf-16be";
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) label = "utf-16le";
  else {
    const head = new TextDecoder("latin1").decode(bytes.subarray(0, 200));
    const declared =
      /^(?:\uFEFF|\xEF\xBB\xBF)?<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head);
    if (declared) label = (declared[1] as string).toLowerCase();
  }
  let text: string;
  try {
    text = new TextDecoder(label, { fatal: true }).decode(bytes);
  } catch (e) {
    throw new Error(`cannot decode the XML as ${label}: ${(e as Error).message}`);
  }
  return text.replace(
    /^(<\?xml[^>]*\bencoding\s*=\s*)(["'])[^"']*\2/,
    (_m: string, start: string, q: string) => `${start}${q}UTF-8${q}`,
  );
}
