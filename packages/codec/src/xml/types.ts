/**
 * The namespace-resolved XML tree shared by the reader and the writer.
 *
 * The tree is deliberately small: elements, attributes and text. Comments and processing
 * instructions are not represented (the reader drops them), and CDATA sections are text.
 */

/** The namespace bound to the `xml` prefix by the Namespaces in XML recommendation. */
export const XML_NS = "http://www.w3.org/XML/1998/namespace";
/** The namespace of `xmlns` attributes; never bound to a prefix in a tree. */
export const XMLNS_NS = "http://www.w3.org/2000/xmlns/";

export interface XmlAttribute {
  /** Namespace URI; `""` for an unprefixed attribute (attributes never take the default namespace). */
  readonly ns: string;
  readonly local: string;
  /** The prefix as written, `""` when unprefixed. */
  readonly prefix: string;
  /** The normalized, entity-decoded value. */
  readonly value: string;
}

export interface XmlElement {
  /** Namespace URI; `""` when the element is in no namespace. */
  readonly ns: string;
  readonly local: string;
  /** The prefix as written, `""` when unprefixed. */
  readonly prefix: string;
  /** Attributes in document order; `xmlns` and `xmlns:*` declarations are not listed (see `scope`). */
  readonly attrs: readonly XmlAttribute[];
  readonly children: readonly XmlNode[];
  /**
   * Prefix (`""` for the default namespace) to namespace URI, for every binding in scope at this
   * element, including `xml`. Needed to resolve QName-valued content such as `xsi:type="ei:x"`.
   * Elements that declare nothing share their parent's map.
   */
  readonly scope: ReadonlyMap<string, string>;
}

export interface XmlText {
  readonly text: string;
  /** Present (true) when every piece of this text came from CDATA sections. */
  readonly cdata?: boolean;
}

export type XmlNode = XmlElement | XmlText;

/** True when the node is an element (not text). */
export function isXmlElement(node: XmlNode): node is XmlElement {
  return (node as Partial<XmlElement>).local !== undefined;
}

export type XmlErrorCode =
  /** The input exceeds `maxBytes`. */
  | "too-large"
  /** Elements are nested deeper than `maxDepth`. */
  | "too-deep"
  /** The input has a document type declaration (refused: no DTDs, no entity declarations). */
  | "doctype"
  /** The input is not well-formed XML. */
  | "malformed"
  /** The bytes cannot be decoded: unknown encoding, or bytes invalid in the encoding. */
  | "encoding"
  /**
   * Namespace well-formedness: undeclared prefix, illegal binding, duplicate expanded name, a
   * colon in a processing instruction target.
   */
  | "namespace"
  /** Over `maxAttributes`, `maxAttributeLength` or `maxElements`. */
  | "limit";

export interface XmlPosition {
  /** 1-based line of the decoded text. */
  readonly line: number;
  /** 1-based column, in UTF-16 code units. */
  readonly column: number;
}

/**
 * The only error the XML layer throws for bad input.
 *
 * `path` is XPath-like, built from local names, e.g. `/oadrPayload/oadrSignedObject/oadrEvent[2]/eiEvent`;
 * `[n]` (1-based) appears only when several siblings share that local name. It is `""` when the
 * problem is not inside an element (encoding, size, prolog). A path ending in `/@name` points at
 * an attribute.
 */
export class XmlError extends Error {
  override readonly name = "XmlError";
  readonly code: XmlErrorCode;
  readonly path: string;
  readonly line?: number;
  readonly column?: number;
  /** The message without the path and position suffix. */
  readonly reason: string;

  constructor(code: XmlErrorCode, reason: string, path = "", position?: XmlPosition) {
    let message = reason;
    if (path !== "") message += ` at ${path}`;
    if (position !== undefined) message += ` (line ${position.line}, column ${position.column})`;
    super(message);
    this.code = code;
    this.reason = reason;
    this.path = path;
    if (position !== undefined) {
      this.line = position.line;
      this.column = position.column;
    }
  }
}

/** Resource limits for {@link readXml}. Each limit is checked before the work it bounds. */
export interface XmlLimits {
  /** Input size: bytes for byte input, UTF-16 code units for string input. Default 16 MiB. */
  readonly maxBytes: number;
  /** Maximum element nesting depth (the document element is depth 1). Default 256. */
  readonly maxDepth: number;
  /** Maximum attributes on one element, namespace declarations included. Default 256. */
  readonly maxAttributes: number;
  /** Maximum length of one raw attribute value, in UTF-16 code units. Default 1 MiB. */
  readonly maxAttributeLength: number;
  /** Maximum number of elements in the document. Default 2,000,000. */
  readonly maxElements: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = Object.freeze({
  maxBytes: 16 * 1024 * 1024,
  maxDepth: 256,
  maxAttributes: 256,
  maxAttributeLength: 1024 * 1024,
  maxElements: 2_000_000,
});
