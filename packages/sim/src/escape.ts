/**
 * Escaping for what the report embeds. Text goes through escapeHtml; data goes into a
 * `<script type="application/json">` through jsonForScript, which writes <, >, &, U+2028 and
 * U+2029 as \u escapes: JSON.parse reads them back unchanged, and no value can close the script
 * element ("</script>"), open a comment ("<!--") or end a line in older JavaScript parsers.
 */

const HTML: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text or an attribute value, safe inside HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML[c] as string);
}

/** JSON that is safe as the whole content of a script element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * Checks that JavaScript source can be the content of a script element as it is: it must not
 * contain "</script" or "<!--" (either would change how the HTML parser ends the element).
 * Rewriting them is not safe in general (a regular expression with the u flag refuses "<\!"),
 * so a library that contains them is refused by name instead.
 */
export function scriptSafe(source: string, what: string): string {
  const bad = /<\/script|<!--/i.exec(source);
  if (bad !== null)
    throw new Error(
      `${what} contains "${bad[0]}" at ${bad.index}: it cannot be inlined in a script element`,
    );
  return source;
}
