/**
 * Canonical infoset comparison of two XML trees, as docs/json-mapping.md defines "same infoset":
 * names compared as {namespace}local (prefixes ignored), namespace declarations ignored,
 * whitespace-only text between elements ignored, whitespace collapsed in text, xsi:type values compared as expanded names, and
 * text compared by value where the lexical forms differ only as numbers or booleans.
 */
import { XSI } from "./compile.js";
import { isXmlElement, type XmlElement } from "./xml/types.js";

const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const BOOLEANS: Record<string, string> = {
  true: "true",
  "1": "true",
  false: "false",
  "0": "false",
};

function sameText(a: string, b: string): boolean {
  if (a === b) return true;
  // token-like types are compared in their value space: whitespace collapsed
  const x = a.replace(/[\t\n\r ]+/g, " ").trim();
  const y = b.replace(/[\t\n\r ]+/g, " ").trim();
  if (x === y) return true;
  if (NUMERIC.test(x) && NUMERIC.test(y)) return Number(x) === Number(y);
  const bx = BOOLEANS[x];
  return bx !== undefined && bx === BOOLEANS[y];
}

function expandQName(el: XmlElement, value: string): string {
  const v = value.trim();
  const colon = v.indexOf(":");
  const prefix = colon < 0 ? "" : v.slice(0, colon);
  return `{${el.scope.get(prefix) ?? ""}}${colon < 0 ? v : v.slice(colon + 1)}`;
}

/** Returns undefined when the trees carry the same infoset, else the path and nature of the first difference. */
export function infosetDiff(a: XmlElement, b: XmlElement, path = ""): string | undefined {
  const here = `${path}/${a.local}`;
  if (a.ns !== b.ns || a.local !== b.local)
    return `${here}: element {${a.ns}}${a.local} vs {${b.ns}}${b.local}`;
  const attrsA = new Map(
    a.attrs.map((x) => [
      `{${x.ns}}${x.local}`,
      x.ns === XSI && x.local === "type" ? expandQName(a, x.value) : x.value,
    ]),
  );
  const attrsB = new Map(
    b.attrs.map((x) => [
      `{${x.ns}}${x.local}`,
      x.ns === XSI && x.local === "type" ? expandQName(b, x.value) : x.value,
    ]),
  );
  for (const [k, v] of attrsA) {
    const w = attrsB.get(k);
    if (w === undefined) return `${here}/@${k}: missing on the right`;
    if (!sameText(v, w)) return `${here}/@${k}: "${v}" vs "${w}"`;
  }
  for (const k of attrsB.keys()) if (!attrsA.has(k)) return `${here}/@${k}: missing on the left`;
  const kidsA = a.children.filter(isXmlElement);
  const kidsB = b.children.filter(isXmlElement);
  const text = (e: XmlElement): string =>
    e.children.map((c) => (isXmlElement(c) ? "" : c.text)).join("");
  const ta = text(a);
  const tb = text(b);
  const elementOnly = kidsA.length > 0 || kidsB.length > 0;
  if (elementOnly ? ta.trim() !== tb.trim() : !sameText(ta, tb))
    return `${here}: text "${ta.slice(0, 60)}" vs "${tb.slice(0, 60)}"`;
  if (kidsA.length !== kidsB.length)
    return `${here}: ${kidsA.length} child elements vs ${kidsB.length}`;
  for (let i = 0; i < kidsA.length; i++) {
    const d = infosetDiff(kidsA[i] as XmlElement, kidsB[i] as XmlElement, here);
    if (d) return d;
  }
  return undefined;
}
