/**
 * A single linear pass over the decoded text that enforces the limits and the well-formedness
 * rules that fast-xml-parser's parser and XMLValidator do not (measured with 5.12.1):
 *
 * - any `<!DOCTYPE` (refused outright: no DTD, so no entity declarations and no expansion);
 * - `<!…>` markup other than comments and CDATA; `--` inside comments; CDATA outside the root;
 * - text before or after the document element, and a second document element (the validator
 *   misses both when the root is self-closing; the parser silently drops the text);
 * - an XML declaration that is malformed or not at the very start;
 * - `<` inside a start tag or attribute value, `]]>` in character data;
 * - characters outside the XML 1.0 `Char` production (control characters, lone surrogates);
 * - end tags that do not match their start tag, unclosed elements.
 *
 * Tag names, attribute syntax and duplicate attributes are left to XMLValidator; character and
 * entity references are checked when they are decoded. The pass tokenizes exactly as the
 * fast-xml-parser parser does (quote-aware tags, first `-->`/`]]>`), and rejects the one construct
 * where the two would differ (a quote inside a processing instruction that changes where it ends),
 * so the parser cannot be made to see a different tree than the one checked here.
 */
import { XmlError, type XmlErrorCode, type XmlLimits, type XmlPosition } from "./types.js";

/** Anything outside XML 1.0 `Char` (#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]). */
const NOT_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

const XML_DECL =
  /<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(?:"1\.[0-9]+"|'1\.[0-9]+')(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(?:"[A-Za-z][A-Za-z0-9._-]*"|'[A-Za-z][A-Za-z0-9._-]*'))?(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(?:"(?:yes|no)"|'(?:yes|no)'))?[ \t\r\n]*\?>/y;

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const DQUOTE = 0x22;
const SQUOTE = 0x27;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

/** 1-based line and column of a code-unit offset. */
export function positionAt(s: string, offset: number): XmlPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = s.indexOf("\n"); i !== -1 && i < offset; i = s.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function localOf(raw: string): string {
  const colon = raw.indexOf(":");
  return colon === -1 ? raw : raw.slice(colon + 1);
}

class Stop {
  constructor(
    readonly code: XmlErrorCode,
    readonly reason: string,
    readonly offset: number,
  ) {}
}

/**
 * Checks `s` (the decoded document, byte order mark removed) and throws {@link XmlError} on the
 * first problem.
 */
export function checkWellFormed(s: string, limits: XmlLimits): void {
  const bad = NOT_CHAR.exec(s);
  if (bad !== null) {
    const cp = bad[0].codePointAt(0) ?? 0;
    throw new XmlError(
      "malformed",
      `character U+${cp.toString(16).toUpperCase().padStart(4, "0")} is not allowed in XML`,
      "",
      positionAt(s, bad.index),
    );
  }
  const stop = scan(s, limits, undefined);
  if (stop === undefined) return;
  // Second pass over the same prefix, tracking sibling positions, only to name the path.
  const tracker = new PathTracker();
  scan(s, limits, tracker, stop.offset + 1);
  throw new XmlError(stop.code, stop.reason, tracker.path(), positionAt(s, stop.offset));
}

/**
 * The element path open at `offset` (sibling positions counted from the preceding siblings
 * only), for errors reported by position, e.g. by XMLValidator.
 */
export function pathAt(s: string, limits: XmlLimits, offset: number): string {
  const tracker = new PathTracker();
  scan(s, limits, tracker, offset);
  return tracker.path();
}

/** Offset of a 1-based line and column, the inverse of {@link positionAt}. */
export function offsetAt(s: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = s.indexOf("\n", offset);
    if (nl === -1) break;
    offset = nl + 1;
  }
  return Math.min(s.length, offset + Math.max(0, column - 1));
}

/** Open-element stack with sibling counts, maintained only when an error path is wanted. */
class PathTracker {
  private readonly counts: Map<string, number>[] = [new Map()];
  private readonly segments: string[] = [];

  open(raw: string): void {
    const local = localOf(raw);
    const siblings = this.counts[this.counts.length - 1] ?? new Map<string, number>();
    const n = (siblings.get(local) ?? 0) + 1;
    siblings.set(local, n);
    this.segments.push(n > 1 ? `${local}[${n}]` : local);
    this.counts.push(new Map());
  }

  /** A self-closing element: counted as a sibling, never on the path. */
  empty(raw: string): void {
    this.open(raw);
    this.close();
  }

  close(): void {
    this.segments.pop();
    this.counts.pop();
  }

  path(): string {
    return this.segments.length === 0 ? "" : `/${this.segments.join("/")}`;
  }
}

/**
 * The pass itself. With a tracker it also maintains the element path; `until` stops it before the
 * first markup at or after that offset (used to rebuild the path of an error).
 */
function scan(
  s: string,
  limits: XmlLimits,
  tracker: PathTracker | undefined,
  until = Number.POSITIVE_INFINITY,
): Stop | undefined {
  const len = s.length;
  const stack: string[] = [];
  let elements = 0;
  let rootClosed = false;
  let i = 0;
  let nextCdataEnd = -2; // cached s.indexOf("]]>", …); -2 = not computed yet
  let nextLt = -2; // cached s.indexOf("<", …) used for attribute values

  if (s.startsWith("<?xml") && (isSpace(s.charCodeAt(5)) || s.charCodeAt(5) === QUESTION)) {
    XML_DECL.lastIndex = 0;
    if (!XML_DECL.test(s)) return new Stop("malformed", "invalid XML declaration", 0);
    i = XML_DECL.lastIndex;
  }

  while (i < len) {
    const lt = s.indexOf("<", i);
    const textEnd = lt === -1 ? len : lt;
    if (textEnd > i) {
      if (stack.length === 0) {
        for (let k = i; k < textEnd; k++) {
          if (!isSpace(s.charCodeAt(k))) {
            return new Stop(
              "malformed",
              rootClosed ? "text after the document element" : "text before the document element",
              k,
            );
          }
        }
      } else {
        if (nextCdataEnd !== -1 && nextCdataEnd < i) nextCdataEnd = s.indexOf("]]>", i);
        if (nextCdataEnd !== -1 && nextCdataEnd < textEnd) {
          return new Stop("malformed", '"]]>" is not allowed in character data', nextCdataEnd);
        }
      }
    }
    if (lt === -1 || lt >= until) break;

    const c1 = s.charCodeAt(lt + 1);
    if (c1 === BANG) {
      if (s.startsWith("<!--", lt)) {
        const end = s.indexOf("-->", lt + 4);
        if (end === -1) return new Stop("malformed", "unclosed comment", lt);
        const dashes = s.indexOf("--", lt + 4);
        if (dashes < end)
          return new Stop("malformed", '"--" is not allowed inside a comment', dashes);
        i = end + 3;
      } else if (s.startsWith("<![CDATA[", lt)) {
        if (stack.length === 0) {
          return new Stop("malformed", "CDATA section outside the document element", lt);
        }
        const end = s.indexOf("]]>", lt + 9);
        if (end === -1) return new Stop("malformed", "unclosed CDATA section", lt);
        i = end + 3;
      } else if (s.startsWith("<!DOCTYPE", lt)) {
        return new Stop(
          "doctype",
          "DOCTYPE declarations are not allowed (no DTDs, no entity declarations)",
          lt,
        );
      } else {
        return new Stop("malformed", 'unexpected "<!" markup', lt);
      }
    } else if (c1 === QUESTION) {
      const end = s.indexOf("?>", lt + 2);
      if (end === -1) return new Stop("malformed", "unclosed processing instruction", lt);
      let t = lt + 2;
      while (t < end && !isSpace(s.charCodeAt(t))) t++;
      const target = s.slice(lt + 2, t);
      if (target.length === 0)
        return new Stop("malformed", "processing instruction without a target", lt);
      if (target.toLowerCase() === "xml") {
        return new Stop("malformed", "the XML declaration is only allowed at the very start", lt);
      }
      if (quoteAwareEnd(s, lt + 1, end) !== end) {
        return new Stop("malformed", "processing instruction with unbalanced quotes", lt);
      }
      i = end + 2;
    } else if (c1 === SLASH) {
      const gt = s.indexOf(">", lt + 2);
      if (gt === -1) return new Stop("malformed", "unclosed end tag", lt);
      let e = gt;
      while (e > lt + 2 && isSpace(s.charCodeAt(e - 1))) e--;
      const name = s.slice(lt + 2, e);
      const open = stack.pop();
      if (open === undefined) {
        return new Stop("malformed", `end tag </${name}> without a start tag`, lt);
      }
      if (open !== name) {
        stack.push(open);
        return new Stop("malformed", `end tag </${name}> does not match <${open}>`, lt);
      }
      tracker?.close();
      if (stack.length === 0) rootClosed = true;
      i = gt + 1;
    } else {
      // Start tag.
      if (rootClosed) return new Stop("malformed", "more than one document element", lt);
      let j = lt + 1;
      for (; j < len; j++) {
        const c = s.charCodeAt(j);
        if (c === GT || c === SLASH || isSpace(c)) break;
      }
      const name = s.slice(lt + 1, j);
      if (name.length === 0) return new Stop("malformed", 'invalid "<"', lt);
      if (++elements > limits.maxElements) {
        return inTag(tracker, name, "limit", `more than ${limits.maxElements} elements`, lt);
      }
      let attrs = 0;
      let gt = -1;
      for (; j < len; j++) {
        const c = s.charCodeAt(j);
        if (c === GT) {
          gt = j;
          break;
        }
        if (c === DQUOTE || c === SQUOTE) {
          const q = s.indexOf(c === DQUOTE ? '"' : "'", j + 1);
          if (q === -1) return inTag(tracker, name, "malformed", "unterminated attribute value", j);
          if (q - j - 1 > limits.maxAttributeLength) {
            return inTag(
              tracker,
              name,
              "limit",
              `attribute value longer than ${limits.maxAttributeLength} characters`,
              j,
            );
          }
          if (nextLt !== -1 && nextLt <= j) nextLt = s.indexOf("<", j + 1);
          if (nextLt !== -1 && nextLt < q) {
            return inTag(
              tracker,
              name,
              "malformed",
              '"<" is not allowed in an attribute value',
              nextLt,
            );
          }
          if (++attrs > limits.maxAttributes) {
            return inTag(
              tracker,
              name,
              "limit",
              `more than ${limits.maxAttributes} attributes on <${name}>`,
              j,
            );
          }
          j = q;
        } else if (c === LT) {
          return inTag(tracker, name, "malformed", `unclosed start tag <${name}>`, lt);
        }
      }
      if (gt === -1) return inTag(tracker, name, "malformed", `unclosed start tag <${name}>`, lt);
      if (until <= gt) {
        // An error position inside this start tag (XMLValidator's attribute errors): it is on the path.
        tracker?.open(name);
        return undefined;
      }
      if (stack.length >= limits.maxDepth) {
        return inTag(
          tracker,
          name,
          "too-deep",
          `elements nested deeper than ${limits.maxDepth}`,
          lt,
        );
      }
      if (s.charCodeAt(gt - 1) === SLASH) {
        tracker?.empty(name);
        if (stack.length === 0) rootClosed = true;
      } else {
        tracker?.open(name);
        stack.push(name);
      }
      i = gt + 1;
    }
  }

  if (stack.length > 0) {
    return new Stop("malformed", `unclosed element <${stack[stack.length - 1]}>`, len);
  }
  if (!rootClosed) return new Stop("malformed", "no document element", len);
  return undefined;
}

/** A stop inside a start tag: the element itself is on the error path. */
function inTag(
  tracker: PathTracker | undefined,
  name: string,
  code: XmlErrorCode,
  reason: string,
  offset: number,
): Stop {
  tracker?.open(name);
  return new Stop(code, reason, offset);
}

/**
 * Where fast-xml-parser's quote-aware scan (used for processing instructions) finds the closing
 * `?>`, searching from `from`; -1 when it finds none. Compared with the XML rule (first `?>`).
 */
function quoteAwareEnd(s: string, from: number, xmlEnd: number): number {
  // Fast path: no quote before the XML end means both scans stop at the same place.
  const body = s.slice(from, xmlEnd);
  if (body.indexOf('"') === -1 && body.indexOf("'") === -1) return xmlEnd;
  for (let k = from; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c === DQUOTE || c === SQUOTE) {
      k = s.indexOf(c === DQUOTE ? '"' : "'", k + 1);
      if (k === -1) return -1;
    } else if (c === QUESTION && s.charCodeAt(k + 1) === GT) {
      return k;
    }
  }
  return -1;
}
