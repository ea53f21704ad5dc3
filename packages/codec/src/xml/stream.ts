/**
 * `XmlStreamWriter`: writes a document as it is produced, element by element, with no tree in
 * between, to exactly the bytes `writeXml` gives for the tree of the same calls.
 *
 * Why: encoding through a tree allocated a node, a children array and a text node per element,
 * then walked the tree twice (namespace plan, text); at 100k intervals the tree and its garbage
 * cost more than the writing (docs/benchmarks.md).
 *
 * How it stays identical to `writeXml`. Prefixes come from the same {@link Bindings}, asked in
 * the same order (an element, then its attributes, in document order), so each namespace gets the
 * same prefix and the declarations the same order. The document element's start tag is written
 * last, since every declaration goes on it. What a stream cannot know at the start is the seed:
 * the bindings `writeXml` takes from the root's scope before anything else (the prefixes of
 * xsi:type values, known only once they are met). {@link finish} checks that the seed would not
 * have changed any choice made without it (each seeded prefix is unused or bound to its URI, each
 * seeded URI unused or written with its prefix), then puts the seed's declarations first, as
 * `writeXml` does. When that check fails, or on anything `writeXml` would refuse (a character XML
 * cannot hold, a name in the xmlns namespace, a prefixed name in no namespace), `finish` returns
 * undefined and the caller writes through the tree instead, which gives the same text or the same
 * error, in the same order as before.
 */

import {
  isXmlElement,
  XML_NS,
  XMLNS_NS,
  type XmlAttribute,
  type XmlElement,
  type XmlNode,
} from "./types.js";
import {
  Bindings,
  type BindingsMark,
  CHUNK,
  DECLARATION,
  declarationsOf,
  escapeAttribute,
  escapeText,
} from "./write.js";

/** An element's name as the writer needs it. */
export interface XmlName {
  readonly ns: string;
  readonly local: string;
  readonly prefix: string;
  /** `prefix:local` (`local` when unprefixed), if the caller has that string already */
  readonly qname?: string;
}

/** A point to go back to with {@link XmlStreamWriter.rewind}. */
export interface StreamMark {
  readonly chunks: number;
  readonly length: number;
  readonly open: number;
  readonly pending: boolean;
  readonly bindings: BindingsMark;
}

export interface StreamOptions {
  /** Emit the XML declaration. Default true. */
  readonly declaration?: boolean;
  /** Namespace URI to preferred prefix, as for `writeXml`. */
  readonly prefixes?: ReadonlyMap<string, string>;
  /** An xsi:schemaLocation added after the document element's own attributes. */
  readonly schemaLocation?: string;
}

const XSI = "http://www.w3.org/2001/XMLSchema-instance";

export class XmlStreamWriter {
  private readonly bindings: Bindings;
  private readonly chunks: string[] = [];
  private out = "";
  /** qualified names of the open elements, innermost last (up to `open`) */
  private readonly names: string[] = [];
  private open = 0;
  /** the innermost open element's start tag still lacks its ">" (or "/>") */
  private pending = false;
  /** the document element's start tag up to its declarations, and its attributes */
  private rootStart = "";
  private rootAttrs = "";
  /** set when writeXml would not give this text (see the module comment) */
  private abandoned = false;

  constructor(private readonly options: StreamOptions = {}) {
    this.bindings = new Bindings(new Map(), true, options.prefixes);
  }

  /** Opens an element whose attributes are all known. */
  start(name: XmlName, attrs: readonly XmlAttribute[]): void {
    let out = this.out;
    if (this.pending) out += ">";
    if (out.length > CHUNK) {
      // reading a character flattens the rope into one string, so its pieces die young
      out.charCodeAt(0);
      this.chunks.push(out);
      out = "";
    }
    let qname = name.local;
    if (name.ns !== "") {
      if (name.ns === XMLNS_NS) this.abandoned = true;
      const prefix = this.bindings.prefixFor(name.ns, name.prefix, true);
      // the name's own prefix (the usual case): reuse its string rather than build one per element
      if (prefix === name.prefix && name.qname !== undefined) qname = name.qname;
      else if (prefix !== "") qname = `${prefix}:${name.local}`;
    } else if (name.prefix !== "") {
      this.abandoned = true;
    }
    let written = attrs.length === 0 ? "" : this.attributes(attrs);
    if (this.open === 0) {
      const location = this.options.schemaLocation;
      if (location !== undefined) {
        // given twice: writing through the tree reports it
        for (const a of attrs)
          if (a.ns === XSI && a.local === "schemaLocation") this.abandoned = true;
        written += this.attributes([
          { ns: XSI, local: "schemaLocation", prefix: "xsi", value: location },
        ]);
      }
      this.rootStart = `<${qname}`;
      this.rootAttrs = written;
    } else {
      out += `<${qname}${written}`;
    }
    this.out = out;
    this.names[this.open++] = qname;
    this.pending = true;
  }

  private attributes(attrs: readonly XmlAttribute[]): string {
    let written = "";
    for (let k = 0; k < attrs.length; k++) {
      const a = attrs[k] as XmlAttribute;
      let attrName = a.local;
      if (a.ns !== "") {
        if (a.ns === XMLNS_NS) this.abandoned = true;
        attrName = `${this.bindings.prefixFor(a.ns, a.prefix, false)}:${a.local}`;
      } else if (a.local === "xmlns") {
        this.abandoned = true;
      }
      written += ` ${attrName}="${this.escape(a.value, true)}"`;
    }
    return written;
  }

  /** Character data of the innermost open element. */
  text(text: string): void {
    if (this.pending) {
      this.out += ">";
      this.pending = false;
    }
    this.out += this.escape(text, false);
  }

  /** A text node or a whole element subtree (e.g. a parsed wildcard fragment) as the next child. */
  node(node: XmlNode): void {
    if (!isXmlElement(node)) {
      this.text(node.text);
      return;
    }
    // iterative, so the depth of a fragment is not bounded by the call stack
    const elements: XmlElement[] = [node];
    const next: number[] = [0];
    this.start(node, node.attrs);
    while (elements.length > 0) {
      const top = elements.length - 1;
      const el = elements[top] as XmlElement;
      const k = next[top] as number;
      if (k === el.children.length) {
        this.end();
        elements.pop();
        next.pop();
        continue;
      }
      next[top] = k + 1;
      const child = el.children[k] as XmlNode;
      if (isXmlElement(child)) {
        this.start(child, child.attrs);
        elements.push(child);
        next.push(0);
      } else {
        this.text(child.text);
      }
    }
  }

  /** Closes the innermost open element. */
  end(): void {
    const open = --this.open;
    if (this.pending) {
      this.out += "/>";
      this.pending = false;
    } else {
      this.out += `</${this.names[open]}>`;
    }
  }

  mark(): StreamMark {
    return {
      chunks: this.chunks.length,
      length: this.out.length,
      open: this.open,
      pending: this.pending,
      bindings: this.bindings.mark(),
    };
  }

  /** Drops everything written since `m` (an alternative that could not be written). */
  rewind(m: StreamMark): void {
    if (this.chunks.length > m.chunks) {
      this.out = this.chunks[m.chunks] as string;
      this.chunks.length = m.chunks;
    }
    this.out = this.out.slice(0, m.length);
    this.open = m.open;
    this.pending = m.pending;
    this.bindings.rewind(m.bindings);
  }

  /**
   * The document, once its element is closed; `seed` as the root's scope is to `writeXml`.
   * Undefined when `writeXml` would not give this text: write through the tree instead.
   */
  finish(seed: ReadonlyMap<string, string>): string | undefined {
    if (this.abandoned || this.open !== 0 || this.rootStart === "") return undefined;
    let declared: ReadonlyMap<string, string> = this.bindings.declared;
    if (seed.size > 0) {
      const merged = new Map<string, string>();
      for (const [prefix, uri] of seed) {
        // what the Bindings constructor keeps of a seed
        if (prefix === "xml" || prefix === "xmlns" || uri === XML_NS || uri === XMLNS_NS) continue;
        if (uri === "") continue;
        if (prefix === "") return undefined; // a default namespace: let writeXml plan it
        const bound = declared.get(prefix);
        if (bound !== undefined && bound !== uri) return undefined;
        const chosen = this.bindings.chosenFor(uri);
        if (chosen !== undefined && chosen !== prefix) return undefined;
        merged.set(prefix, uri);
      }
      for (const [prefix, uri] of declared) if (!merged.has(prefix)) merged.set(prefix, uri);
      declared = merged;
    }
    const head = `${this.options.declaration === false ? "" : DECLARATION}${this.rootStart}${declarationsOf(declared)}${this.rootAttrs}`;
    const chunks = this.chunks;
    if (chunks.length === 0) return head + this.out;
    chunks[0] = head + (chunks[0] as string);
    chunks.push(this.out);
    return chunks.join("");
  }

  private escape(s: string, attribute: boolean): string {
    try {
      return attribute ? escapeAttribute(s) : escapeText(s);
    } catch {
      // a character XML 1.0 cannot hold: writing through the tree reports it
      this.abandoned = true;
      return "";
    }
  }
}
