/**
 * Simple values: XML lexical form <-> JSON value, by the XSD primitive a type derives from.
 * Exactness rules: xs:decimal and the unbounded integer types stay strings (no float rounding);
 * the bounded integer and float types become numbers; booleans become booleans.
 *
 * Numbers follow XSD 1.1 Part 2 (the lexical mappings of §3.3.5 and §3.3.13): a float literal too
 * large for a double is INF or -INF (never JavaScript's Infinity, which JSON cannot hold), and a
 * bounded integer literal beyond 2^53 is refused (every bounded integer type lies well inside it).
 */
import { type CodecError, issue, shorten } from "./errors.js";

export type Primitive =
  | "string"
  | "token"
  | "boolean"
  | "decimal"
  | "integer"
  | "int"
  | "float"
  | "dateTime"
  | "date"
  | "time"
  | "duration";

const DATE_TIME =
  /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const DATE = /^(-?\d{4,})-(\d{2})-(\d{2})(Z|[+-]\d{2}:\d{2})?$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const XSD_DURATION = /^-?P(?!$)(\d+Y)?(\d+M)?(\d+D)?(T(?!$)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;

// Numbers are checked by hand rather than by regular expression: they are the most frequent
// values, and a scan of their characters is several times cheaper than a regex test.

const isDigit = (c: number): boolean => c >= 48 && c <= 57; // 0-9 (\d without the u flag)

/** End of the run of digits starting at `i`. */
function digitsFrom(s: string, i: number): number {
  while (i < s.length && isDigit(s.charCodeAt(i))) i++;
  return i;
}

/** End of an optional sign at `i`. */
const signFrom = (s: string, i: number): number => {
  const c = s.charCodeAt(i);
  return c === 43 || c === 45 ? i + 1 : i; // + -
};

/** /^[+-]?\d+$/ */
function isIntegerLexical(s: string): boolean {
  const i = signFrom(s, 0);
  const j = digitsFrom(s, i);
  return j > i && j === s.length;
}

/** End of /[+-]?(\d+(\.\d*)?|\.\d+)/ at the start of `s`, or -1. */
function decimalEnd(s: string): number {
  const i = signFrom(s, 0);
  const j = digitsFrom(s, i);
  if (s.charCodeAt(j) !== 46) return j > i ? j : -1; // no "."
  const k = digitsFrom(s, j + 1);
  return j > i || k > j + 1 ? k : -1;
}

/** /^[+-]?(\d+(\.\d*)?|\.\d+)$/ */
function isDecimalLexical(s: string): boolean {
  return decimalEnd(s) === s.length;
}

/** /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/ */
function isFloatLexical(s: string): boolean {
  const m = decimalEnd(s);
  if (m < 0 || m === s.length) return m === s.length;
  const c = s.charCodeAt(m);
  if (c !== 69 && c !== 101) return false; // E e
  const i = signFrom(s, m + 1);
  const j = digitsFrom(s, i);
  return j > i && j === s.length;
}

function validTimeOfDay(h: string, m: string, s: string, frac?: string): boolean {
  if (h === "24") return m === "00" && s === "00" && (!frac || /^\.0+$/.test(frac));
  return Number(h) < 24 && Number(m) < 60 && Number(s) < 60;
}

function validZone(z: string | undefined): boolean {
  if (!z || z === "Z") return true;
  const [hh, mm] = z.slice(1).split(":").map(Number) as [number, number];
  return mm < 60 && hh * 60 + mm <= 14 * 60;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * A real calendar date (proleptic Gregorian; years up to 0 are accepted as they are). Any number
 * of year digits: 4, 100 and 400 all divide 10000, so the leap-year rule needs only the year's
 * last four digits.
 */
function validDate(y: string, mo: string, d: string): boolean {
  if (Number(y) <= 0) return true;
  const year = Number(y.slice(-4));
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number));
}

/** xs:dateTime: the XSD lexical form, with a real calendar date. */
export function isXsdDateTime(s: string): boolean {
  const m = DATE_TIME.exec(s);
  if (!m) return false;
  const [, y, mo, d, h, mi, se, frac, z] = m as unknown as string[];
  if (!validTimeOfDay(h as string, mi as string, se as string, frac) || !validZone(z)) return false;
  return validDate(y as string, mo as string, d as string);
}

export function isXsdDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const [, y, mo, d, z] = m as unknown as string[];
  return validZone(z) && validDate(y as string, mo as string, d as string);
}

export function isXsdTime(s: string): boolean {
  const m = TIME.exec(s);
  return (
    m !== null &&
    validTimeOfDay(m[1] as string, m[2] as string, m[3] as string, m[4]) &&
    validZone(m[5])
  );
}

/** xs:duration (ISO 8601 without weeks, with an optional leading minus). */
export function isXsdDuration(s: string): boolean {
  return XSD_DURATION.test(s);
}

const collapse = (s: string): string => s.trim();

/**
 * A value outside the lexical or value space of its type. The checks below return one instead
 * of throwing, so that callers build the error's path only when there is an error.
 */
export class LexicalProblem {
  constructor(
    readonly message: string,
    /** the offending input, shortened, when the issue names it */
    readonly input: string | undefined,
  ) {}

  /** The "bad-value" error at `path`. */
  issue(path: string): CodecError {
    return issue(
      "bad-value",
      path,
      this.message,
      this.input === undefined ? {} : { input: this.input },
    );
  }
}

const notA = (what: string, t: string): LexicalProblem =>
  new LexicalProblem(`not ${what}: "${shorten(t)}"`, shorten(t));

/** Is `t` (collapsed) in the lexical space of a date/time primitive? */
function isTemporal(primitive: "dateTime" | "date" | "time" | "duration", t: string): boolean {
  switch (primitive) {
    case "dateTime":
      return isXsdDateTime(t);
    case "date":
      return isXsdDate(t);
    case "time":
      return isXsdTime(t);
    case "duration":
      return isXsdDuration(t);
  }
}

/** XML text -> JSON value, or the problem with it. */
export function parseLexical(primitive: Primitive, text: string): unknown {
  switch (primitive) {
    case "string":
      return text;
    case "token":
      return text.replace(/[\t\n\r ]+/g, " ").trim();
    case "boolean": {
      const t = collapse(text);
      if (t === "true" || t === "1") return true;
      if (t === "false" || t === "0") return false;
      return notA("a boolean", t);
    }
    case "int": {
      const t = collapse(text);
      if (!isIntegerLexical(t)) return notA("an integer", t);
      const n = Number(t);
      return Number.isSafeInteger(n)
        ? n
        : new LexicalProblem(`integer out of range: "${shorten(t)}"`, shorten(t));
    }
    case "float": {
      const t = collapse(text);
      if (t === "INF" || t === "-INF" || t === "NaN") return t;
      if (!isFloatLexical(t)) return notA("a number", t);
      const n = Number(t);
      // a literal beyond the largest double maps to infinity (XSD 1.1 Part 2, floatingPointRound)
      return Number.isFinite(n) ? n : n > 0 ? "INF" : "-INF";
    }
    case "decimal": {
      const t = collapse(text);
      return isDecimalLexical(t) ? t : notA("a decimal", t);
    }
    case "integer": {
      const t = collapse(text);
      return isIntegerLexical(t) ? t : notA("an integer", t);
    }
    case "dateTime":
    case "date":
    case "time":
    case "duration": {
      const t = collapse(text);
      return isTemporal(primitive, t) ? t : notA(`a valid xs:${primitive}`, t);
    }
  }
}

/** XML text -> JSON value. `path` names the element or attribute for the error. */
export function fromLexical(primitive: Primitive, text: string, path: string): unknown {
  const v = parseLexical(primitive, text);
  if (v instanceof LexicalProblem) throw v.issue(path);
  return v;
}

const expected = (what: string, value: unknown): LexicalProblem =>
  new LexicalProblem(
    `expected ${what}, got ${shorten(JSON.stringify(value) ?? String(value))}`,
    undefined,
  );

/** JSON value -> XML text, or the problem with the value (its JSON type or its lexical form). */
export function formatLexical(primitive: Primitive, value: unknown): string | LexicalProblem {
  switch (primitive) {
    case "boolean":
      return typeof value === "boolean" ? String(value) : expected("a boolean", value);
    case "int":
      return typeof value === "number" && Number.isInteger(value)
        ? String(value)
        : expected("an integer number", value);
    case "float":
      if (value === "INF" || value === "-INF" || value === "NaN") return value;
      return typeof value === "number" && Number.isFinite(value)
        ? String(value)
        : expected('a number (or "INF", "-INF", "NaN")', value);
    case "decimal":
    case "integer":
      if (typeof value !== "string")
        return expected(`a string holding an exact ${primitive}`, value);
      return checked(primitive, value);
    case "dateTime":
    case "date":
    case "time":
    case "duration":
      if (typeof value !== "string") return expected(`a string holding an xs:${primitive}`, value);
      return checked(primitive, value);
    case "string":
    case "token":
      if (typeof value !== "string") return expected("a string", value);
      return isXmlText(value) ? value : notXmlText(value);
  }
}

/**
 * Where `s` stops being XML 1.0 text (#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] |
 * [#x10000-#x10FFFF], the last as surrogate pairs): the index of the first character outside
 * that set, or -1. A plain loop: most strings are short and ASCII, and this runs on every string
 * a JSON document holds.
 */
export function firstNonXmlChar(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0xd800) continue;
    if (c < 0x20) {
      if (c === 9 || c === 10 || c === 13) continue;
      return i;
    }
    if (c < 0xdc00) {
      const d = s.charCodeAt(i + 1); // NaN past the end
      if (!(d >= 0xdc00 && d <= 0xdfff)) return i;
      i++;
      continue;
    }
    if (c < 0xe000 || c === 0xfffe || c === 0xffff) return i;
  }
  return -1;
}

/** Any character outside tab, newline, return, U+0020-U+D7FF and U+E000-U+FFFD (pairs included). */
const BEYOND_BMP_TEXT = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD]/;

/** Is `s` XML 1.0 text? A native regex scan first: the character loop runs only past the BMP. */
export const isXmlText = (s: string): boolean => !BEYOND_BMP_TEXT.test(s) || firstNonXmlChar(s) < 0;

/** The problem with a string holding a character XML 1.0 cannot carry. */
export function notXmlText(s: string): LexicalProblem {
  const i = firstNonXmlChar(s);
  const cp = s.charCodeAt(i).toString(16).toUpperCase().padStart(4, "0");
  return new LexicalProblem(`U+${cp} (at character ${i}) is not allowed in XML 1.0`, undefined);
}

/** `value` itself (written as given, not collapsed) when its collapsed form parses. */
function checked(primitive: Primitive, value: string): string | LexicalProblem {
  const p = parseLexical(primitive, value);
  return p instanceof LexicalProblem ? p : value;
}

/** JSON value -> XML text, checking the JSON type. */
export function toLexical(primitive: Primitive, value: unknown, path: string): string {
  const r = formatLexical(primitive, value);
  if (typeof r !== "string") throw r.issue(path);
  return r;
}

/** Compares two exact decimals given as XSD lexical strings: -1, 0 or 1. */
export function compareDecimal(a: string, b: string): number {
  const parse = (s: string): [number, string, string] => {
    let t = s.trim();
    let sign = 1;
    if (t[0] === "-" || t[0] === "+") {
      if (t[0] === "-") sign = -1;
      t = t.slice(1);
    }
    const [int = "", frac = ""] = t.split(".");
    const i = int.replace(/^0+/, "");
    const f = frac.replace(/0+$/, "");
    if (!i && !f) sign = 1;
    return [sign, i, f];
  };
  const [sa, ia, fa] = parse(a);
  const [sb, ib, fb] = parse(b);
  if (sa !== sb) return sa < sb ? -1 : 1;
  let mag =
    ia.length !== ib.length ? (ia.length < ib.length ? -1 : 1) : ia < ib ? -1 : ia > ib ? 1 : 0;
  if (mag === 0) {
    const n = Math.max(fa.length, fb.length);
    const x = fa.padEnd(n, "0");
    const y = fb.padEnd(n, "0");
    mag = x < y ? -1 : x > y ? 1 : 0;
  }
  return sa * mag;
}
