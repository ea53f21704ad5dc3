/**
 * Simple values: XML lexical form <-> JSON value, by the XSD primitive a type derives from.
 * Exactness rules: xs:decimal and the unbounded integer types stay strings (no float rounding);
 * the bounded integer and float types become numbers; booleans become booleans.
 */
import { DateTime } from "luxon";
import { issue, shorten } from "./errors.js";

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

const INT = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const FLOAT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const DATE_TIME =
  /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const DATE = /^(-?\d{4,})-(\d{2})-(\d{2})(Z|[+-]\d{2}:\d{2})?$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const XSD_DURATION = /^-?P(?!$)(\d+Y)?(\d+M)?(\d+D)?(T(?!$)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;

function validTimeOfDay(h: string, m: string, s: string, frac?: string): boolean {
  if (h === "24") return m === "00" && s === "00" && (!frac || /^\.0+$/.test(frac));
  return Number(h) < 24 && Number(m) < 60 && Number(s) < 60;
}

function validZone(z: string | undefined): boolean {
  if (!z || z === "Z") return true;
  const [hh, mm] = z.slice(1).split(":").map(Number) as [number, number];
  return mm < 60 && hh * 60 + mm <= 14 * 60;
}

/** xs:dateTime: the XSD lexical form, with a real calendar date (checked with luxon). */
export function isXsdDateTime(s: string): boolean {
  const m = DATE_TIME.exec(s);
  if (!m) return false;
  const [, y, mo, d, h, mi, se, frac, z] = m as unknown as string[];
  if (!validTimeOfDay(h as string, mi as string, se as string, frac) || !validZone(z)) return false;
  return (
    DateTime.fromObject({ year: Number(y), month: Number(mo), day: Number(d) }).isValid ||
    Number(y) <= 0
  );
}

export function isXsdDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const [, y, mo, d, z] = m as unknown as string[];
  return (
    validZone(z) &&
    (DateTime.fromObject({ year: Number(y), month: Number(mo), day: Number(d) }).isValid ||
      Number(y) <= 0)
  );
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

/** XML text -> JSON value. `path` names the element or attribute for the error. */
export function fromLexical(primitive: Primitive, text: string, path: string): unknown {
  switch (primitive) {
    case "string":
      return text;
    case "token":
      return text.replace(/[\t\n\r ]+/g, " ").trim();
    case "boolean": {
      const t = collapse(text);
      if (t === "true" || t === "1") return true;
      if (t === "false" || t === "0") return false;
      throw issue("bad-value", path, `not a boolean: "${shorten(t)}"`, { input: shorten(t) });
    }
    case "int": {
      const t = collapse(text);
      if (!INT.test(t))
        throw issue("bad-value", path, `not an integer: "${shorten(t)}"`, { input: shorten(t) });
      return Number(t);
    }
    case "float": {
      const t = collapse(text);
      if (t === "INF" || t === "-INF" || t === "NaN") return t;
      if (!FLOAT.test(t))
        throw issue("bad-value", path, `not a number: "${shorten(t)}"`, { input: shorten(t) });
      return Number(t);
    }
    case "decimal":
    case "integer": {
      const t = collapse(text);
      if (!(primitive === "decimal" ? DECIMAL : INT).test(t))
        throw issue(
          "bad-value",
          path,
          `not ${primitive === "decimal" ? "a decimal" : "an integer"}: "${shorten(t)}"`,
          { input: shorten(t) },
        );
      return t;
    }
    case "dateTime":
    case "date":
    case "time":
    case "duration": {
      const t = collapse(text);
      const ok = {
        dateTime: isXsdDateTime,
        date: isXsdDate,
        time: isXsdTime,
        duration: isXsdDuration,
      }[primitive](t);
      if (!ok)
        throw issue("bad-value", path, `not a valid xs:${primitive}: "${shorten(t)}"`, {
          input: shorten(t),
        });
      return t;
    }
  }
}

/** JSON value -> XML text, checking the JSON type. */
export function toLexical(primitive: Primitive, value: unknown, path: string): string {
  const bad = (what: string): never => {
    throw issue(
      "bad-value",
      path,
      `expected ${what}, got ${shorten(JSON.stringify(value) ?? String(value))}`,
    );
  };
  switch (primitive) {
    case "boolean":
      return typeof value === "boolean" ? String(value) : bad("a boolean");
    case "int":
      return typeof value === "number" && Number.isInteger(value)
        ? String(value)
        : bad("an integer number");
    case "float":
      if (value === "INF" || value === "-INF" || value === "NaN") return value;
      return typeof value === "number" && Number.isFinite(value)
        ? String(value)
        : bad('a number (or "INF", "-INF", "NaN")');
    case "decimal":
    case "integer":
      if (typeof value !== "string") return bad(`a string holding an exact ${primitive}`);
      fromLexical(primitive, value, path);
      return value;
    case "dateTime":
    case "date":
    case "time":
    case "duration":
      if (typeof value !== "string") return bad(`a string holding an xs:${primitive}`);
      fromLexical(primitive, value, path);
      return value;
    case "string":
    case "token":
      return typeof value === "string" ? value : bad("a string");
  }
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
