/**
 * The XML reader proper: one linear pass over the decoded text that checks well-formedness and the
 * limits and builds the namespace-resolved tree at the same time.
 *
 * Refused or checked here:
 * - any `<!DOCTYPE` (no DTD, so no entity declarations and no expansion), other `<!…>` markup
 *   besides comments and CDATA, `--` inside comments, CDATA outside the document element;
 * - text before or after the document element, a second document element, an XML declaration
 *   that is malformed or not at the very start;
 * - characters outside the XML 1.0 `Char` production (control characters, lone surrogates);
 * - element and attribute names outside the XML 1.0 `Name` production; start-tag syntax
 *   (whitespace before each attribute, `=`, quoted values, nothing but `/>` or `>` at the end),
 *   duplicate attributes, `<` in attribute values, `]]>` in character data;
 * - end tags that do not match their start tag, unclosed elements;
 * - references: only the five predefined entities and character references of XML characters;
 * - Namespaces in XML: undeclared prefixes, QName syntax, illegal bindings of `xml`/`xmlns`,
 *   prefix undeclaration, one expanded attribute name twice, a colon in a processing
 *   instruction target.
 *
 * Processing instructions end at the first `?>` (their content is free text; quotes in it mean
 * nothing). fast-xml-parser skips a quoted `?>` instead: the one place the oracle is not XML.
 *
 * Order of errors: limits and well-formedness are reported at the first offending position;
 * reference and namespace errors are held back until the whole document has proved well-formed
 * (so the path of such an error can count the following siblings too), then the first is thrown.
 *
 * Line ends are normalized first (`\r\n` and lone `\r` become `\n`, XML 1.0 §2.11); attribute
 * values are then normalized (tab and newline become spaces) before references are decoded.
 * Comments and processing instructions are dropped; CDATA sections become text (`cdata: true`
 * when a merged text consists of CDATA only); adjacent text is merged; whitespace-only text
 * inside the document element is kept.
 *
 * fast-xml-parser 5.12.1 (XMLValidator, then XMLParser) did this job before; it is the oracle of
 * `differential.test.ts`, which checks that both read random and real documents to the same tree.
 */
import {
  XML_NS,
  XMLNS_NS,
  type XmlAttribute,
  type XmlElement,
  XmlError,
  type XmlErrorCode,
  type XmlLimits,
  type XmlNode,
  type XmlPosition,
} from "./types.js";

/** Anything outside XML 1.0 `Char` (#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]). */
const NOT_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
/** The same and every surrogate, without the `u` flag: 2-5x faster than NOT_CHAR. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the control characters XML forbids
const NOT_BMP_CHAR = /[\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/;

/** Offset of the first character outside XML 1.0 `Char`, or -1. */
function badCharIndex(s: string): number {
  const candidate = NOT_BMP_CHAR.exec(s);
  if (candidate === null) return -1;
  // Surrogate pairs are fine; look further from the first surrogate (or bad character).
  NOT_CHAR.lastIndex = candidate.index;
  const bad = NOT_CHAR.exec(s);
  return bad === null ? -1 : bad.index;
}

const XML_DECL =
  /<\?xml[ \t\n]+version[ \t\n]*=[ \t\n]*(?:"1\.[0-9]+"|'1\.[0-9]+')(?:[ \t\n]+encoding[ \t\n]*=[ \t\n]*(?:"[A-Za-z][A-Za-z0-9._-]*"|'[A-Za-z][A-Za-z0-9._-]*'))?(?:[ \t\n]+standalone[ \t\n]*=[ \t\n]*(?:"(?:yes|no)"|'(?:yes|no)'))?[ \t\n]*\?>/y;

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const EQUALS = 0x3d;
const COLON = 0x3a;

/** Slots of the name cache of one document (a power of two). */
const NAME_CACHE_SIZE = 256;
/** Names are interned from this element on: below, the cache costs more than it saves. */
const INTERN_AFTER = 64;

/** Attributes past this count are checked for duplicates with a set instead of a linear scan. */
const LINEAR_DUPLICATE_CHECK = 16;

/** `xml` is bound in every document. */
const ROOT_SCOPE: ReadonlyMap<string, string> = new Map([["xml", XML_NS]]);

const NO_ATTRIBUTES: readonly XmlAttribute[] = Object.freeze([]);

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

// ---------------------------------------------------------------------------------------------
// Names (XML 1.0 fifth edition, productions 4, 4a and 5)

const NAME_START = 1;
const NAME_CHAR = 2;

/** ASCII part of NameStartChar and NameChar, as bit flags. */
const ASCII_NAME = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const start = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === COLON;
  const other = (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
  ASCII_NAME[c] = start ? NAME_START | NAME_CHAR : other ? NAME_CHAR : 0;
}

function isNameStartBmp(c: number): boolean {
  return (
    (c >= 0xc0 && c <= 0xd6) ||
    (c >= 0xd8 && c <= 0xf6) ||
    (c >= 0xf8 && c <= 0x2ff) ||
    (c >= 0x370 && c <= 0x37d) ||
    (c >= 0x37f && c <= 0x1fff) ||
    c === 0x200c ||
    c === 0x200d ||
    (c >= 0x2070 && c <= 0x218f) ||
    (c >= 0x2c00 && c <= 0x2fef) ||
    (c >= 0x3001 && c <= 0xd7ff) ||
    (c >= 0xf900 && c <= 0xfdcf) ||
    (c >= 0xfdf0 && c <= 0xfffd)
  );
}

function isNameCharBmp(c: number): boolean {
  return (
    isNameStartBmp(c) || c === 0xb7 || (c >= 0x300 && c <= 0x36f) || c === 0x203f || c === 0x2040
  );
}

/**
 * End of the `Name` starting at `i`, or `i` when no name starts there. Supplementary characters
 * up to U+EFFFF are name characters; their surrogates are paired (the Char check ran first).
 */
function nameEnd(s: string, i: number): number {
  let c = s.charCodeAt(i);
  if (c < 128) {
    if (((ASCII_NAME[c] as number) & NAME_START) === 0) return i;
    i++;
  } else if (isNameStartBmp(c)) i++;
  else if (c >= 0xd800 && c <= 0xdb7f) i += 2;
  else return i; // also NaN past the end
  for (;;) {
    c = s.charCodeAt(i);
    if (c < 128) {
      if (((ASCII_NAME[c] as number) & NAME_CHAR) === 0) return i;
      i++;
    } else if (isNameCharBmp(c)) i++;
    else if (c >= 0xd800 && c <= 0xdb7f) i += 2;
    else return i;
  }
}

// ---------------------------------------------------------------------------------------------
// Positions and paths

/** 1-based line and column of a code-unit offset. */
function positionAt(s: string, offset: number): XmlPosition {
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

/** A name as written, its prefix ("" when it has no colon) and the rest. */
type QName = readonly [name: string, prefix: string, local: string];

interface MutableElement {
  ns: string;
  local: string;
  prefix: string;
  attrs: readonly XmlAttribute[];
  children: XmlNode[];
  scope: ReadonlyMap<string, string>;
}

function isElement(node: XmlNode): node is MutableElement {
  return (node as Partial<MutableElement>).local !== undefined;
}

/** A path step: `local`, or `local[n]` when `total` (> 1) siblings share the local name. */
function step(local: string, n: number, total: number): string {
  return total > 1 ? `${local}[${n}]` : local;
}

/** How many elements of that local name `siblings[from..to)` holds. */
function countLocal(local: string, siblings: readonly XmlNode[], from: number, to: number): number {
  let n = 0;
  for (let k = from; k < to; k++) {
    const node = siblings[k] as XmlNode;
    if (isElement(node) && node.local === local) n++;
  }
  return n;
}

/** Path of the last element of `chain` (document element first), once all are closed. */
function pathOf(chain: readonly MutableElement[]): string {
  let path = `/${(chain[0] as MutableElement).local}`;
  for (let k = 1; k < chain.length; k++) {
    const el = chain[k] as MutableElement;
    const siblings = (chain[k - 1] as MutableElement).children;
    const n = countLocal(el.local, siblings, 0, siblings.indexOf(el) + 1);
    path += `/${step(el.local, n, countLocal(el.local, siblings, 0, siblings.length))}`;
  }
  return path;
}

// ---------------------------------------------------------------------------------------------
// References

/** A reference that cannot be decoded: the reason and the offset of its `&`. */
class BadReference {
  constructor(
    readonly reason: string,
    readonly index: number,
  ) {}
}

const PREDEFINED: ReadonlyMap<string, string> = new Map([
  ["lt", "<"],
  ["gt", ">"],
  ["amp", "&"],
  ["quot", '"'],
  ["apos", "'"],
]);

/** Decodes `&lt; &gt; &amp; &quot; &apos; &#N; &#xH;`; anything else is a {@link BadReference}. */
function decodeReferences(s: string): string | BadReference {
  let amp = s.indexOf("&");
  if (amp === -1) return s;
  let out = "";
  let last = 0;
  while (amp !== -1) {
    const semi = s.indexOf(";", amp + 1);
    if (semi === -1 || semi - amp > 40) {
      return new BadReference('bare "&" (not a reference; write &amp;)', amp);
    }
    const ref = s.slice(amp + 1, semi);
    let ch: string;
    if (ref.charCodeAt(0) === 0x23) {
      const hex = ref.charCodeAt(1) === 0x78;
      const digits = ref.slice(hex ? 2 : 1);
      if (!(hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(digits)) {
        return new BadReference(`invalid character reference &${ref};`, amp);
      }
      const cp = Number.parseInt(digits, hex ? 16 : 10);
      if (!isXmlChar(cp)) {
        return new BadReference(`character reference &${ref}; is not an XML character`, amp);
      }
      ch = String.fromCodePoint(cp);
    } else {
      const named = PREDEFINED.get(ref);
      if (named === undefined) {
        return new BadReference(
          `undefined entity &${ref}; (only lt, gt, amp, quot, apos and character references are allowed)`,
          amp,
        );
      }
      ch = named;
    }
    out += s.slice(last, amp) + ch;
    last = semi + 1;
    amp = s.indexOf("&", last);
  }
  return out + s.slice(last);
}

function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/** Characters that make an attribute value need normalization or decoding. */
const ATTRIBUTE_SPECIAL = /[\t\n&]/;

// ---------------------------------------------------------------------------------------------
// The pass

/** An error found inside the document; thrown by {@link Reader.run} as an XmlError. */
class Failure {
  constructor(
    readonly code: XmlErrorCode,
    readonly reason: string,
    readonly path: string,
    readonly offset: number,
  ) {}
}

/** A reference or namespace error, thrown once the document has proved well-formed. */
interface Held {
  readonly code: XmlErrorCode;
  readonly reason: string;
  /** The element, with its ancestors before it; empty outside the document element. */
  readonly chain: readonly MutableElement[];
  readonly attribute: string | undefined;
  readonly offset: number;
}

/**
 * Parses `input` (the decoded document, byte order mark removed) to its document element, or
 * throws {@link XmlError} for the first problem.
 */
export function parseXml(input: string, limits: XmlLimits): XmlElement {
  const s = input.indexOf("\r") === -1 ? input : input.replace(/\r\n?/g, "\n");
  const bad = badCharIndex(s);
  if (bad !== -1) {
    const cp = s.codePointAt(bad) ?? 0;
    throw new XmlError(
      "malformed",
      `character U+${cp.toString(16).toUpperCase().padStart(4, "0")} is not allowed in XML`,
      "",
      positionAt(s, bad),
    );
  }
  const result = new Reader(s, limits).run();
  if (result instanceof Failure) {
    throw new XmlError(result.code, result.reason, result.path, positionAt(s, result.offset));
  }
  return result;
}

class Reader {
  private readonly s: string;
  private readonly limits: XmlLimits;
  /** Open elements, outermost first, and their names as written. */
  private readonly open: MutableElement[] = [];
  private readonly openNames: string[] = [];
  /**
   * Children of the open elements, one after the other: those of `open[d]` start at `starts[d]`
   * and end at `top` (innermost) or just before `open[d + 1]`. An element gets an array of
   * exactly its children when it closes (a growing array would keep 17 slots for one text).
   */
  private readonly nodes: XmlNode[] = [];
  private readonly starts: number[] = [];
  private top = 0;
  /** Recently seen names (see {@link Reader.intern}). */
  private nameCache: (QName | undefined)[] | undefined;
  /** Attribute names of the start tag being read, split. */
  private readonly qnames: QName[] = [];
  /** Attributes of the element being created. */
  private readonly attrs: XmlAttribute[] = [];
  private root: MutableElement | undefined;
  private elements = 0;
  /** Text not yet added to the innermost open element, to merge adjacent pieces. */
  private text = "";
  private hasText = false;
  private allCdata = true;
  /** Cached `s.indexOf("]]>", …)` and `s.indexOf("<", …)`; -2 = not computed yet. */
  private nextCdataEnd = -2;
  private nextLt = -2;
  /** Attributes of the start tag being read: names and values as written, value offsets. */
  private readonly names: string[] = [];
  private readonly values: string[] = [];
  private readonly offsets: number[] = [];
  private seen: Set<string> | undefined;
  private held: Held | undefined;

  constructor(s: string, limits: XmlLimits) {
    this.s = s;
    this.limits = limits;
  }

  run(): XmlElement | Failure {
    const s = this.s;
    const len = s.length;
    const open = this.open;
    let rootClosed = false;
    let i = 0;

    if (s.startsWith("<?xml") && (isSpace(s.charCodeAt(5)) || s.charCodeAt(5) === QUESTION)) {
      XML_DECL.lastIndex = 0;
      if (!XML_DECL.test(s)) return this.fail("malformed", "invalid XML declaration", 0);
      i = XML_DECL.lastIndex;
    }

    while (i < len) {
      const lt = s.indexOf("<", i);
      const textEnd = lt === -1 ? len : lt;
      if (textEnd > i) {
        if (open.length === 0) {
          for (let k = i; k < textEnd; k++) {
            if (!isSpace(s.charCodeAt(k))) {
              return this.fail(
                "malformed",
                rootClosed ? "text after the document element" : "text before the document element",
                k,
              );
            }
          }
        } else {
          if (this.nextCdataEnd !== -1 && this.nextCdataEnd < i) {
            this.nextCdataEnd = s.indexOf("]]>", i);
          }
          if (this.nextCdataEnd !== -1 && this.nextCdataEnd < textEnd) {
            return this.fail(
              "malformed",
              '"]]>" is not allowed in character data',
              this.nextCdataEnd,
            );
          }
          this.addText(s.slice(i, textEnd), i);
        }
      }
      if (lt === -1) break;

      const c1 = s.charCodeAt(lt + 1);
      let next: number | Failure;
      if (c1 === BANG) next = this.bang(lt);
      else if (c1 === QUESTION) next = this.processingInstruction(lt);
      else if (c1 === SLASH) {
        next = this.endTag(lt);
        if (open.length === 0) rootClosed = true;
      } else {
        if (rootClosed) return this.fail("malformed", "more than one document element", lt);
        next = this.startTag(lt);
        if (open.length === 0) rootClosed = true;
      }
      if (next instanceof Failure) return next;
      i = next;
    }

    if (open.length > 0) {
      return this.fail("malformed", `unclosed element <${this.openNames[open.length - 1]}>`, len);
    }
    if (this.root === undefined || !rootClosed) {
      return this.fail("malformed", "no document element", len);
    }
    const held = this.held;
    if (held !== undefined) {
      let path = held.chain.length === 0 ? "" : pathOf(held.chain);
      if (held.attribute !== undefined) path += `/@${held.attribute}`;
      return new Failure(held.code, held.reason, path, held.offset);
    }
    return this.root;
  }

  /**
   * A failure at `offset`; `pending` names a start tag being read (it is on the path). Sibling
   * positions count the preceding siblings only: the rest is not read.
   */
  private fail(code: XmlErrorCode, reason: string, offset: number, pending?: string): Failure {
    const { open, starts, nodes } = this;
    let path = "";
    for (let d = 0; d < open.length; d++) {
      const { local } = open[d] as MutableElement;
      // open[d] is the last node before its own children, among those of open[d - 1].
      const n =
        d === 0 ? 1 : countLocal(local, nodes, starts[d - 1] as number, starts[d] as number);
      path += `/${step(local, n, n)}`;
    }
    if (pending !== undefined) {
      const local = localOf(pending);
      const d = open.length - 1;
      const n = d < 0 ? 1 : countLocal(local, nodes, starts[d] as number, this.top) + 1;
      path += `/${step(local, n, n)}`;
    }
    return new Failure(code, reason, path, offset);
  }

  /** Holds back the first reference or namespace error (see the module comment). */
  private hold(
    code: XmlErrorCode,
    reason: string,
    el: MutableElement | undefined,
    attribute: string | undefined,
    offset: number,
  ): void {
    if (this.held !== undefined) return;
    const chain = this.open.slice();
    if (el !== undefined && chain[chain.length - 1] !== el) chain.push(el);
    this.held = { code, reason, chain, attribute, offset };
  }

  private addText(raw: string, offset: number): void {
    let text = raw;
    if (raw.indexOf("&") !== -1) {
      const decoded = decodeReferences(raw);
      if (decoded instanceof BadReference) {
        const el = this.open[this.open.length - 1] as MutableElement;
        this.hold("malformed", decoded.reason, el, undefined, offset + decoded.index);
      } else text = decoded;
    }
    this.text = this.hasText ? this.text + text : text;
    this.hasText = true;
    this.allCdata = false;
  }

  private addCdata(text: string): void {
    this.text = this.hasText ? this.text + text : text;
    this.hasText = true;
  }

  /** Adds the pending text to the innermost open element. */
  private flushText(): void {
    if (!this.hasText) return;
    if (this.open.length > 0 && this.text.length > 0) {
      this.nodes[this.top++] = this.allCdata
        ? { text: this.text, cdata: true }
        : { text: this.text };
    }
    this.text = "";
    this.hasText = false;
    this.allCdata = true;
  }

  /** `<!--…-->`, `<![CDATA[…]]>`; anything else after `<!` is refused. */
  private bang(lt: number): number | Failure {
    const s = this.s;
    if (s.startsWith("<!--", lt)) {
      const end = s.indexOf("-->", lt + 4);
      if (end === -1) return this.fail("malformed", "unclosed comment", lt);
      const dashes = s.indexOf("--", lt + 4);
      if (dashes < end) {
        return this.fail("malformed", '"--" is not allowed inside a comment', dashes);
      }
      return end + 3;
    }
    if (s.startsWith("<![CDATA[", lt)) {
      if (this.open.length === 0) {
        return this.fail("malformed", "CDATA section outside the document element", lt);
      }
      const end = s.indexOf("]]>", lt + 9);
      if (end === -1) return this.fail("malformed", "unclosed CDATA section", lt);
      this.addCdata(s.slice(lt + 9, end));
      return end + 3;
    }
    if (s.startsWith("<!DOCTYPE", lt)) {
      return this.fail(
        "doctype",
        "DOCTYPE declarations are not allowed (no DTDs, no entity declarations)",
        lt,
      );
    }
    return this.fail("malformed", 'unexpected "<!" markup', lt);
  }

  private processingInstruction(lt: number): number | Failure {
    const s = this.s;
    const end = s.indexOf("?>", lt + 2);
    if (end === -1) return this.fail("malformed", "unclosed processing instruction", lt);
    const t = nameEnd(s, lt + 2);
    if (t === lt + 2 || (t !== end && !isSpace(s.charCodeAt(t)))) {
      return this.fail("malformed", "processing instruction without a valid target name", lt);
    }
    const target = s.slice(lt + 2, t);
    if (target.toLowerCase() === "xml") {
      return this.fail("malformed", "the XML declaration is only allowed at the very start", lt);
    }
    // The content is free text up to the first "?>": quotes in it mean nothing.
    if (target.indexOf(":") !== -1) {
      this.hold(
        "namespace",
        `processing instruction target "${target}" contains a colon`,
        this.open[this.open.length - 1],
        undefined,
        lt,
      );
    }
    return end + 2;
  }

  private endTag(lt: number): number | Failure {
    const s = this.s;
    const name = this.openNames[this.openNames.length - 1];
    let j = lt + 2;
    if (name !== undefined && s.startsWith(name, j)) {
      j += name.length;
      while (isSpace(s.charCodeAt(j))) j++;
      if (s.charCodeAt(j) === GT) {
        this.flushText();
        const el = this.open.pop() as MutableElement;
        this.openNames.pop();
        const start = this.starts.pop() as number;
        if (this.top > start) {
          el.children = this.nodes.slice(start, this.top);
          this.top = start;
        }
        return j + 1;
      }
    }
    // Not the expected end tag: say what it is.
    const gt = s.indexOf(">", lt + 2);
    if (gt === -1) return this.fail("malformed", "unclosed end tag", lt);
    let e = gt;
    while (e > lt + 2 && isSpace(s.charCodeAt(e - 1))) e--;
    const written = s.slice(lt + 2, e);
    if (name === undefined) {
      return this.fail("malformed", `end tag </${written}> without a start tag`, lt);
    }
    return this.fail("malformed", `end tag </${written}> does not match <${name}>`, lt);
  }

  private startTag(lt: number): number | Failure {
    const s = this.s;
    const limits = this.limits;
    const ne = nameEnd(s, lt + 1);
    let j = ne;
    let c = s.charCodeAt(j);
    if (ne === lt + 1 || !(c === GT || c === SLASH || isSpace(c))) {
      if (Number.isNaN(c)) return this.fail("malformed", "unclosed start tag", lt);
      if (ne === lt + 1 && (isSpace(c) || c === GT || c === SLASH || c === LT)) {
        return this.fail("malformed", 'invalid "<"', lt);
      }
      return this.fail("malformed", `invalid element name "${tokenAt(s, lt + 1)}"`, lt);
    }
    const qname = this.intern(lt + 1, ne);
    const raw = qname[0];
    if (++this.elements > limits.maxElements) {
      return this.fail("limit", `more than ${limits.maxElements} elements`, lt, raw);
    }

    // Attributes: (S Name S? "=" S? quoted-value)* S? ("/>" | ">")
    const names = this.names;
    let n = 0;
    let empty = false;
    let gt: number;
    for (;;) {
      const ws = j;
      while (isSpace(c)) c = s.charCodeAt(++j);
      if (c === GT) {
        gt = j;
        break;
      }
      if (c === SLASH) {
        if (s.charCodeAt(j + 1) !== GT) {
          return this.fail("malformed", `"/" not followed by ">" in <${raw}>`, j, raw);
        }
        empty = true;
        gt = j + 1;
        break;
      }
      if (Number.isNaN(c) || c === LT) {
        return this.fail("malformed", `unclosed start tag <${raw}>`, lt, raw);
      }
      const an = j;
      const ae = nameEnd(s, j);
      if (ae === an) {
        return this.fail(
          "malformed",
          `invalid attribute name "${tokenAt(s, an)}" in <${raw}>`,
          an,
          raw,
        );
      }
      if (an === ws) {
        return this.fail("malformed", `no whitespace before attribute in <${raw}>`, an, raw);
      }
      const aq = this.intern(an, ae);
      const name = aq[0];
      j = ae;
      c = s.charCodeAt(j);
      while (isSpace(c)) c = s.charCodeAt(++j);
      if (c !== EQUALS) {
        return this.fail(
          "malformed",
          `attribute "${name}" in <${raw}> has no "=" and value`,
          j === ae ? ae : an,
          raw,
        );
      }
      c = s.charCodeAt(++j);
      while (isSpace(c)) c = s.charCodeAt(++j);
      if (c !== DQUOTE && c !== SQUOTE) {
        return this.fail(
          "malformed",
          `value of attribute "${name}" in <${raw}> is not quoted`,
          j,
          raw,
        );
      }
      const q = s.indexOf(c === DQUOTE ? '"' : "'", j + 1);
      if (q === -1) return this.fail("malformed", "unterminated attribute value", j, raw);
      if (q - j - 1 > limits.maxAttributeLength) {
        return this.fail(
          "limit",
          `attribute value longer than ${limits.maxAttributeLength} characters`,
          j,
          raw,
        );
      }
      if (this.nextLt !== -1 && this.nextLt <= j) this.nextLt = s.indexOf("<", j + 1);
      if (this.nextLt !== -1 && this.nextLt < q) {
        return this.fail("malformed", '"<" is not allowed in an attribute value', this.nextLt, raw);
      }
      if (n === limits.maxAttributes) {
        return this.fail(
          "limit",
          `more than ${limits.maxAttributes} attributes on <${raw}>`,
          j,
          raw,
        );
      }
      if (this.isDuplicate(name, n)) {
        return this.fail("malformed", `attribute "${name}" appears twice in <${raw}>`, an, raw);
      }
      names[n] = name;
      this.qnames[n] = aq;
      this.values[n] = s.slice(j + 1, q);
      this.offsets[n] = j + 1;
      n++;
      j = q + 1;
      c = s.charCodeAt(j);
    }

    if (this.open.length >= limits.maxDepth) {
      return this.fail("too-deep", `elements nested deeper than ${limits.maxDepth}`, lt, raw);
    }
    this.flushText();
    const el = this.element(qname, n, lt);
    if (!empty) {
      this.open.push(el);
      this.openNames.push(qname[0]);
      this.starts.push(this.top);
    }
    return gt + 1;
  }

  /** Whether `name` is among the first `n` attribute names of this start tag. */
  private isDuplicate(name: string, n: number): boolean {
    const names = this.names;
    if (n < LINEAR_DUPLICATE_CHECK) {
      for (let k = 0; k < n; k++) if (names[k] === name) return true;
      return false;
    }
    this.seen ??= new Set();
    const seen = this.seen;
    if (n === LINEAR_DUPLICATE_CHECK) {
      seen.clear();
      for (let k = 0; k < n; k++) seen.add(names[k] as string);
    }
    if (seen.has(name)) return true;
    seen.add(name);
    return false;
  }

  /**
   * The name `s[from..to)` split as `[name, prefix, local]` (`prefix` "" when there is no colon).
   * A small direct-mapped cache keyed by length and three characters finds a name seen before
   * without slicing it: most names repeat, and the tree then shares their strings (less to
   * allocate, and less for the garbage collector to promote).
   */
  private intern(from: number, to: number): QName {
    const s = this.s;
    if (this.elements < INTERN_AFTER) return split(s.slice(from, to));
    this.nameCache ??= new Array(NAME_CACHE_SIZE).fill(undefined);
    const len = to - from;
    const slot =
      (len * 61 +
        s.charCodeAt(from) * 31 +
        s.charCodeAt(to - 1) * 7 +
        s.charCodeAt(from + (len >> 1))) &
      (NAME_CACHE_SIZE - 1);
    const cached = this.nameCache[slot];
    if (cached !== undefined && cached[0].length === len && s.startsWith(cached[0], from)) {
      return cached;
    }
    const q = split(s.slice(from, to));
    this.nameCache[slot] = q;
    return q;
  }

  /** Creates the element of a start tag (its `n` attributes are in the scratch arrays). */
  private element(qname: QName, n: number, lt: number): MutableElement {
    const raw = qname[0];
    const elPrefix = qname[1];
    const elLocal = qname[2];
    const parent = this.open[this.open.length - 1];
    const parentScope = parent === undefined ? ROOT_SCOPE : parent.scope;
    const el: MutableElement = {
      ns: "",
      local: elLocal,
      prefix: elPrefix,
      attrs: NO_ATTRIBUTES,
      children: [],
      scope: parentScope,
    };
    if (parent === undefined) this.root = el;
    else this.nodes[this.top++] = el;

    // 1. Namespace declarations.
    const names = this.names;
    let declarations = 0;
    if (n > 0) {
      let scope: Map<string, string> | undefined;
      for (let k = 0; k < n; k++) {
        const name = names[k] as string;
        if (!isDeclaration(name)) continue;
        declarations++;
        const uri = this.attributeValue(k, el);
        scope ??= new Map(parentScope);
        if (name.length === 5) {
          if (uri === XML_NS || uri === XMLNS_NS) {
            this.hold("namespace", `the default namespace cannot be ${uri}`, el, undefined, lt);
          }
          if (uri === "") scope.delete("");
          else scope.set("", uri);
        } else {
          const prefix = name.slice(6);
          if (prefix.length === 0 || prefix.includes(":")) {
            this.hold(
              "namespace",
              `"${name}" is not a valid namespace declaration`,
              el,
              undefined,
              lt,
            );
          } else if (prefix === "xmlns") {
            this.hold("namespace", 'the prefix "xmlns" cannot be declared', el, undefined, lt);
          } else if ((prefix === "xml") !== (uri === XML_NS)) {
            this.hold(
              "namespace",
              `the prefix "xml" is bound only to ${XML_NS}, and that namespace only to "xml"`,
              el,
              undefined,
              lt,
            );
          } else if (uri === XMLNS_NS) {
            this.hold("namespace", `no prefix can be bound to ${XMLNS_NS}`, el, undefined, lt);
          } else if (uri === "") {
            this.hold(
              "namespace",
              `the prefix "${prefix}" cannot be undeclared`,
              el,
              undefined,
              lt,
            );
          }
          scope.set(prefix, uri);
        }
      }
      if (scope !== undefined) el.scope = scope;
    }
    const scope = el.scope;

    // 2. The element's own name.
    if (elPrefix === "" && elLocal === raw) {
      el.ns = scope.get("") ?? "";
    } else {
      if (!isQName(el.prefix, el.local)) {
        this.hold("namespace", `"${raw}" is not a valid qualified name`, el, undefined, lt);
      }
      const bound = scope.get(el.prefix);
      if (bound === undefined) {
        this.hold(
          "namespace",
          `undeclared prefix "${el.prefix}" in element name "${raw}"`,
          el,
          undefined,
          lt,
        );
      } else el.ns = bound;
    }

    // 3. Attributes.
    if (n > declarations) {
      const attrs = this.attrs;
      let m = 0;
      let prefixed = 0;
      for (let k = 0; k < n; k++) {
        const name = names[k] as string;
        if (declarations > 0 && isDeclaration(name)) continue;
        const value = this.attributeValue(k, el);
        const aq = this.qnames[k] as QName;
        const ap = aq[1];
        const al = aq[2];
        if (ap === "" && al === name) {
          attrs[m++] = { ns: "", local: name, prefix: "", value };
          continue;
        }
        if (!isQName(ap, al)) {
          this.hold("namespace", `"${name}" is not a valid qualified name`, el, undefined, lt);
        }
        const bound = scope.get(ap);
        if (bound === undefined) {
          this.hold(
            "namespace",
            `undeclared prefix "${ap}" in attribute "${name}"`,
            el,
            undefined,
            lt,
          );
        }
        attrs[m++] = { ns: bound ?? "", local: al, prefix: ap, value };
        prefixed++;
      }
      el.attrs = attrs.slice(0, m);
      if (prefixed > 1) this.checkExpandedNames(el.attrs, el, lt);
    }
    return el;
  }

  /** One expanded name twice, e.g. `p:x` and `q:x` with `p` and `q` bound to one namespace. */
  private checkExpandedNames(attrs: readonly XmlAttribute[], el: MutableElement, lt: number): void {
    const seen = attrs.length > LINEAR_DUPLICATE_CHECK ? new Set<string>() : undefined;
    for (let k = 0; k < attrs.length; k++) {
      const a = attrs[k] as XmlAttribute;
      if (a.ns === "") continue;
      let twice = false;
      if (seen === undefined) {
        for (let m = 0; m < k && !twice; m++) {
          const b = attrs[m] as XmlAttribute;
          twice = b.local === a.local && b.ns === a.ns;
        }
      } else {
        const id = `${a.ns}\u0000${a.local}`;
        twice = seen.has(id);
        seen.add(id);
      }
      if (twice) {
        this.hold(
          "namespace",
          `attribute {${a.ns}}${a.local} appears twice (under different prefixes)`,
          el,
          undefined,
          lt,
        );
        return;
      }
    }
  }

  /** Attribute-value normalization (tab and newline become spaces), then reference decoding. */
  private attributeValue(k: number, el: MutableElement): string {
    const raw = this.values[k] as string;
    if (!ATTRIBUTE_SPECIAL.test(raw)) return raw;
    const normalized =
      raw.indexOf("\t") === -1 && raw.indexOf("\n") === -1 ? raw : raw.replace(/[\t\n]/g, " ");
    const decoded = decodeReferences(normalized);
    if (decoded instanceof BadReference) {
      const offset = (this.offsets[k] as number) + decoded.index;
      this.hold("malformed", decoded.reason, el, this.names[k], offset);
      return raw;
    }
    return decoded;
  }
}

function split(name: string): QName {
  const colon = name.indexOf(":");
  return colon === -1 ? [name, "", name] : [name, name.slice(0, colon), name.slice(colon + 1)];
}

function isDeclaration(name: string): boolean {
  return (
    name.charCodeAt(0) === 0x78 &&
    name.startsWith("xmlns") &&
    (name.length === 5 || name.charCodeAt(5) === COLON)
  );
}

function isQName(prefix: string, local: string): boolean {
  return prefix.length > 0 && local.length > 0 && !local.includes(":");
}

/** The token at `i` (up to whitespace, `>` or `/`), shortened, for messages. */
function tokenAt(s: string, i: number): string {
  let e = i;
  while (e < s.length && e - i < 40) {
    const c = s.charCodeAt(e);
    if (isSpace(c) || c === GT || c === SLASH) break;
    e++;
  }
  return s.slice(i, e);
}
