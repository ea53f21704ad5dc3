/**
 * The JSON that CTS 0.4 implementations exchange over REST: the qualified-name rendition of the
 * CTS XML described by EnergyMashupLab-CTS-schemas/schemas/json/EIPayloads.json (draft-04). Keys
 * are the XML qualified names ("pyld:requestID", "ei:eiTender", "xcal:dtStart"); a simple value is
 * a string/number/boolean or {"$": value}; attributes are "@name"; "#" (text) and "@xmlns:*" are
 * allowed. It maps to and from our canonical model through the CTS XML, so it is a renaming of the
 * same model, not a second one.
 */
import {
  type CodecDocument,
  CodecError,
  decodeXml,
  encodeXml,
  getProfile,
  isXmlElement,
  readXml,
  type XmlElement,
} from "@transactive/codec";
import { registry } from "./registry.js";

/** Canonical prefix -> the prefix the CTS JSON uses (min-xcal is "xcal" there). */
const JSON_PREFIX: Readonly<Record<string, string>> = { xcalmin: "xcal" };

function bindings(): Map<string, string> {
  const profile = getProfile(registry, "cts");
  const out = new Map<string, string>(); // JSON prefix -> URI
  for (const [prefix, uri] of profile.uriOf) out.set(JSON_PREFIX[prefix] ?? prefix, uri);
  out.set("xsi", "http://www.w3.org/2001/XMLSchema-instance");
  return out;
}

let cached: { byPrefix: Map<string, string>; byUri: Map<string, string> } | undefined;
function ns() {
  if (!cached) {
    const byPrefix = bindings();
    const byUri = new Map<string, string>();
    for (const [p, u] of byPrefix) if (!byUri.has(u) || !p.includes("cts")) byUri.set(u, p);
    cached = { byPrefix, byUri };
  }
  return cached;
}

const QUALIFIED = /^(pyld|ei|emix|strm|xcal|power|scale|clm5ISO42173A):/;

/** Whether a parsed JSON value is in the CTS REST form (qualified child keys, no "$profile"). */
export function isCtsJson(obj: unknown): boolean {
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) return false;
  const rec = obj as Record<string, unknown>;
  if ("$profile" in rec) return false;
  const keys = Object.keys(rec).filter((k) => !k.startsWith("@") && k !== "#");
  if (keys.length !== 1 || !QUALIFIED.test(keys[0] as string)) return false;
  const value = rec[keys[0] as string];
  return (
    typeof value === "object" && value !== null && Object.keys(value).some((k) => QUALIFIED.test(k))
  );
}

/** The canonical model of a CTS JSON value: qualified keys to local names, {"$": v} to v. */
function toCanonical(value: unknown, path: string): unknown {
  if (Array.isArray(value)) return value.map((v, i) => toCanonical(v, `${path}[${i}]`));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  let simple: unknown;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k.startsWith("@xmlns") || k === "#") continue;
    if (k === "$") simple = v;
    else if (k.startsWith("@")) out[k] = v;
    else if (QUALIFIED.test(k)) out[k.slice(k.indexOf(":") + 1)] = toCanonical(v, `${path}/${k}`);
    else
      throw new CodecError([
        {
          code: "unknown-property",
          path: `${path}/${k}`,
          message: `key "${k}" is not a qualified name of the CTS JSON form`,
        },
      ]);
  }
  if (simple === undefined) return out;
  return Object.keys(out).length ? { ...out, $value: simple } : simple;
}

/**
 * Reads the CTS REST JSON form into a canonical CTS document. It goes through the CTS XML (the
 * encoder puts children in schema order and writes values lexically, since JSON key order and
 * number-or-string choices carry no meaning there), so the result is checked like any CTS XML.
 */
export function fromCtsJson(obj: unknown): CodecDocument {
  if (!isCtsJson(obj))
    throw new CodecError([
      {
        code: "bad-json",
        path: "",
        message: "not the CTS JSON form (one qualified root key with qualified children)",
      },
    ]);
  const rec = obj as Record<string, unknown>;
  const key = Object.keys(rec).find((k) => QUALIFIED.test(k)) as string;
  const element = key.startsWith("xcal:") ? `xcalmin:${key.slice(5)}` : key;
  const value = toCanonical(rec[key], `/${key}`);
  return decodeXml(registry, encodeXml(registry, { profile: "cts", element, value }), {
    profile: "cts",
  });
}

/** Writes a canonical CTS document in the CTS REST JSON form. */
export function toCtsJson(doc: CodecDocument): Record<string, unknown> {
  const tree = readXml(encodeXml(registry, doc, { declaration: false }));
  return { [qname(tree)]: convert(tree, doc.value) };
}

function qname(e: XmlElement): string {
  const p = ns().byUri.get(e.ns) ?? e.prefix;
  return p ? `${p}:${e.local}` : e.local;
}

function convert(e: XmlElement, model: unknown): unknown {
  const kids = e.children.filter(isXmlElement);
  const text = e.children
    .filter((c) => !isXmlElement(c))
    .map((c) => (c as { text: string }).text)
    .join("");
  const attrs = e.attrs.map(
    (a) => [a.prefix ? `@${a.prefix}:${a.local}` : `@${a.local}`, a.value] as const,
  );
  if (kids.length === 0 && attrs.length === 0) {
    const m = model as { $value?: unknown } | unknown;
    return typeof m === "number" || typeof m === "boolean" ? m : text;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of attrs) out[k] = v;
  if (kids.length === 0) out.$ = text;
  const rec = (typeof model === "object" && model !== null ? model : {}) as Record<string, unknown>;
  const seen = new Map<string, number>();
  for (const kid of kids) {
    const key = qname(kid);
    const canon = rec[kid.local] ?? rec[key];
    const i = seen.get(key) ?? 0;
    seen.set(key, i + 1);
    if (Array.isArray(canon)) ((out[key] ??= []) as unknown[]).push(convert(kid, canon[i]));
    else out[key] = convert(kid, canon);
  }
  return out;
}
