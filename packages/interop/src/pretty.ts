/**
 * XML pretty-printing for reports: one element per line, indented by depth, text kept on its
 * element's line. It works on the text (tags, comments, CDATA, processing instructions), so a
 * malformed message is still shown, with whatever structure it has; nothing is dropped.
 */

const TOKEN = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<![^>]*>|<\/?[^>]+>|[^<]+/g;

/** The XML text indented two spaces per level; a body that is not XML comes back unchanged. */
export function prettyXml(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith("<")) return text;
  const lines: string[] = [];
  let depth = 0;
  let open: string | undefined; // a start tag whose text may follow on the same line
  for (const token of trimmed.match(TOKEN) ?? []) {
    if (token.startsWith("</")) {
      depth = Math.max(0, depth - 1);
      const last = lines[lines.length - 1];
      if (open !== undefined && last !== undefined) lines[lines.length - 1] = last + token;
      else lines.push("  ".repeat(depth) + token);
      open = undefined;
    } else if (token.startsWith("<")) {
      const selfClosing = token.endsWith("/>") || token.startsWith("<?") || token.startsWith("<!");
      lines.push("  ".repeat(depth) + token);
      if (!selfClosing) {
        depth++;
        open = token;
      } else open = undefined;
    } else {
      const t = token.trim();
      if (t === "") continue;
      const last = lines[lines.length - 1];
      if (open !== undefined && last !== undefined) lines[lines.length - 1] = last + t;
      else lines.push("  ".repeat(depth) + t);
    }
  }
  return lines.join("\n");
}
