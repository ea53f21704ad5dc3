/**
 * Message templates and captures. `${name}` in a template is replaced by the variable's value,
 * XML-escaped (in XML) or as is (in admin paths and JSON bodies); `${now}`, `${uuid}` and `${n}`
 * are always defined. Captures take values out of XML messages by element path.
 */
import { randomUUID } from "node:crypto";
import { DOMParser } from "@xmldom/xmldom";

/** A template that names a variable no step has defined yet, or a capture that found nothing. */
export class TemplateError extends Error {
  override readonly name = "TemplateError";
  constructor(
    message: string,
    /** the variable or element path concerned */
    readonly what: string,
  ) {
    super(message);
  }
}

/** The variables of a run: the scenario's, then the captures of each step as it completes. */
export class Variables {
  private readonly values = new Map<string, string>();
  private counter = 0;
  constructor(initial: Readonly<Record<string, string>> = {}) {
    for (const [k, v] of Object.entries(initial)) this.values.set(k, v);
  }
  /** Sets a variable (a capture or an admin answer). */
  set(name: string, value: string): void {
    this.values.set(name, value);
  }
  /** The value of a variable, built-ins included; undefined when it is not defined. */
  get(name: string): string | undefined {
    if (name === "now") return new Date().toISOString();
    if (name === "uuid") return randomUUID();
    if (name === "n") return String(++this.counter);
    return this.values.get(name);
  }
  /** The defined variables (not the built-ins), for a run's report. */
  snapshot(): Record<string, string> {
    return Object.fromEntries(this.values);
  }
}

const VAR = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Escapes text for XML character data and attribute values. */
export function xmlEscape(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/**
 * Replaces every `${name}` in `text`. `encode` is applied to each value (xmlEscape for XML,
 * encodeURIComponent for URL paths). Throws TemplateError for an undefined variable.
 */
export function substitute(
  text: string,
  vars: Variables,
  encode: (value: string) => string = (v) => v,
): string {
  return text.replace(VAR, (_, name: string) => {
    const value = vars.get(name);
    if (value === undefined)
      throw new TemplateError(
        `variable \${${name}} is not defined (no earlier step captured it and the scenario does not set it)`,
        name,
      );
    return encode(value);
  });
}

/** An XML template with its variables substituted, values XML-escaped. */
export function renderXml(text: string, vars: Variables): string {
  return substitute(text, vars, xmlEscape);
}

/** A JSON value with `${name}`s substituted in every string (keys untouched). */
export function substituteJson(value: unknown, vars: Variables): unknown {
  if (typeof value === "string") return substitute(value, vars);
  if (Array.isArray(value)) return value.map((v) => substituteJson(v, vars));
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substituteJson(v, vars)] as const),
    );
  return value;
}

const OADR_NS = "http://openadr.org/oadr-2.0b/2012/07";

const children = (n: Node): Element[] =>
  Array.from(n.childNodes ?? []).filter((c): c is Element => c.nodeType === 1);

/** Parses XML quietly; undefined when it is not well-formed. */
export function parseXml(xml: string): Document | undefined {
  // a peer's DTD is never read: no entity is expanded, whatever the parser would do with it
  if (/<!DOCTYPE/i.test(xml)) return undefined;
  let failed = false;
  const doc = new DOMParser({
    onError: (level: string) => {
      if (level !== "warning") failed = true;
    },
  } as never).parseFromString(xml, "text/xml");
  return failed || !doc?.documentElement ? undefined : doc;
}

/** The payload element: an oadrPayload's signed object's child, else the root. */
export function payloadElement(doc: Document): Element | undefined {
  const root = doc.documentElement;
  if (!root) return undefined;
  if (root.namespaceURI === OADR_NS && root.localName === "oadrPayload") {
    const signed = children(root).find((c) => c.localName === "oadrSignedObject");
    return signed ? children(signed)[0] : undefined;
  }
  return root;
}

/**
 * The payload element's local name, e.g. "oadrCreatePartyRegistration"; for the CTS JSON of REST
 * implementations (one qualified key, `{"pyld:eiCreateTender": {…}}`) that key's local name;
 * undefined when the text is neither.
 */
export function payloadName(xml: string): string | undefined {
  const text = xml.trim();
  if (text.startsWith("{")) return jsonPayloadName(text);
  const doc = text ? parseXml(text) : undefined;
  return doc ? (payloadElement(doc)?.localName ?? undefined) : undefined;
}

/** Descendants named `local`, nearest first (breadth-first), so "requestID" is a payload's own before an echoed one. */
function descendants(n: Element, local: string): Element[] {
  const out: Element[] = [];
  let level = children(n);
  while (level.length) {
    for (const c of level) if (c.localName === local) out.push(c);
    level = level.flatMap(children);
  }
  return out;
}

/**
 * The text of the element at `path` under the payload element: "/"-separated local names, each
 * found among the descendants of the previous one, nearest first (the first match, or the n-th,
 * 0-based, when a number follows the name: "oadrEvent/1/eventID"). Undefined when absent.
 */
export function capture(xml: string, path: string): string | undefined {
  const doc = parseXml(xml);
  const payload = doc ? payloadElement(doc) : undefined;
  if (!payload) return undefined;
  const segments = path.split("/").filter(Boolean);
  let at: Element | undefined = payload;
  for (let i = 0; i < segments.length && at; i++) {
    const name = segments[i] as string;
    const next = segments[i + 1];
    const index = next !== undefined && /^\d+$/.test(next) ? Number(next) : 0;
    if (index !== 0 || next === "0") i++;
    at = descendants(at, name)[index];
  }
  return at ? (at.textContent ?? "").trim() : undefined;
}

/** Every capture of `captures` (variable -> path) from `xml`; throws TemplateError for a missing one. */
export function captureAll(
  xml: string,
  captures: Readonly<Record<string, string>>,
  vars: Variables,
): void {
  for (const [name, path] of Object.entries(captures)) {
    const value = capture(xml, path);
    if (value === undefined)
      throw new TemplateError(`capture ${name}: the message has no element at ${path}`, path);
    vars.set(name, value);
  }
}

/** The value at a JSON pointer (RFC 6901), or undefined. */
export function jsonPointer(value: unknown, pointer: string): unknown {
  if (pointer === "") return value;
  let at: unknown = value;
  for (const raw of pointer.replace(/^\//, "").split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (at === null || typeof at !== "object") return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

function jsonPayloadName(text: string): string | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
    const keys = Object.keys(value).filter((k) => !k.startsWith("@") && k !== "#");
    const only = keys.length === 1 ? (keys[0] as string) : undefined;
    return only && /^[A-Za-z][\w.-]*:[A-Za-z_][\w.-]*$/.test(only)
      ? only.slice(only.indexOf(":") + 1)
      : undefined;
  } catch {
    return undefined;
  }
}
