/**
 * Problems as data, for every package of the project: one `Issue` type, a discriminated union by
 * `code` (kebab-case), each with the path where the problem was found (element and property names
 * from the document root, array positions as [i]), a message, the offending input when there is
 * one, the position in the source text when the input had one, and typed extras per code.
 *
 * The standard packages (ws-calendar, emix, ei) report their semantic problems with codes listed
 * here too, so a caller handles every problem of the project with one `switch (issue.code)`.
 * Errors that cross a package boundary are `CodecError`s (or subclasses) carrying issues.
 */
import type { XmlError, XmlErrorCode, XmlPosition } from "./xml/types.js";

/** Extras per code: what an issue of that code carries besides code, path, message. */
export interface IssueExtras {
  // --- codec: reading, decoding, encoding, validating
  /** not well-formed, hostile or over a limit: `reason` is the XML reader's own code */
  readonly xml: { readonly reason: XmlErrorCode };
  /** no profile declares the document element */
  readonly "unknown-root": object;
  /** an element the content model does not allow here: `expected` lists what it allowed */
  readonly "unexpected-element": { readonly expected?: readonly string[] };
  /** a required element is absent: `expected` lists what was required there */
  readonly "missing-element": { readonly expected?: readonly string[] };
  readonly "unknown-attribute": object;
  readonly "missing-attribute": object;
  /** character data in element-only content */
  readonly "text-not-allowed": object;
  /** a value that is not in the lexical or value space of its type */
  readonly "bad-value": object;
  /** xsi:type naming a type that is unknown or not derived from the declared one */
  readonly "unknown-type": object;
  /** a JSON property the type does not have */
  readonly "unknown-property": object;
  /** part of the canonical model that the chosen wire profile cannot carry */
  readonly "not-in-profile": object;
  readonly "bad-json": object;
  /** a JSON Schema constraint (facet, enumeration, bound, required property): `keyword` names it */
  readonly schema: { readonly keyword?: string };

  // --- ws-calendar: resolving schedules
  readonly "unknown-uid": object;
  readonly "duplicate-uid": object;
  readonly "relation-cycle": object;
  readonly "lineage-cycle": object;
  readonly "conflicting-times": object;
  readonly "two-designated-intervals": object;
  readonly "partition-mismatch": object;
  readonly unbound: object;
  readonly "missing-duration": object;
  readonly "bad-duration": object;
  readonly "bad-date-time": object;
  readonly "bad-time-zone": object;
  readonly "bad-relation": object;
  readonly "no-intervals": object;

  // --- emix: exact arithmetic and product rules
  /** not an exact decimal (or an INF/NaN float where a number is needed) */
  readonly "bad-decimal": object;
  readonly "division-by-zero": object;
  /** an exact result that has no finite decimal form: round it explicitly */
  readonly "not-terminating": object;
  /** arithmetic across items of different kinds (power + energy, W + V) */
  readonly "incompatible-items": object;
  readonly "unknown-item": object;
  /** itemUnits/itemDescription not what the item's type fixes */
  readonly "item-units": object;
  readonly "bad-scale": object;
  /** not an ISO 4217 alpha code of the clm5ISO42173A list */
  readonly "bad-currency": object;
  readonly "currency-mismatch": object;
  /** not a dateTime, or a date/time form that cannot anchor an interval */
  readonly "bad-date": object;
  /** a value a rule needs is absent */
  readonly missing: object;
  readonly "interval-outside-schedule": object;
  /** an option whose parts do not fit together */
  readonly "bad-option": object;

  // --- ei: XML Signature (OpenADR 2.0b)
  /** the document element is not oadr:oadrPayload */
  readonly "not-oadr-payload": object;
  /** no ds:Signature in the oadrPayload */
  readonly unsigned: object;
  /** a Signature, oadrSignedObject or Id where OpenADR does not allow it */
  readonly structure: object;
  /** a signature method the OpenADR 2.0b profile does not accept */
  readonly algorithm: object;
  /** no trusted key or certificate for the signer */
  readonly "untrusted-key": object;
  /** a Reference's digest does not match the referenced content (tampering) */
  readonly digest: object;
  /** the SignatureValue does not verify over SignedInfo */
  readonly "signature-value": object;
  /** ReplayProtect missing, too old, in the future, or its nonce seen before */
  readonly replay: object;

  // --- ei: exchanges with a peer
  /** a peer answered without an EI response (an HTTP error, a body that is not a message) */
  readonly transport: { readonly status?: number };

  // --- market: orders, curves, clearing
  /** a price that is not an exact decimal within the market's fixed-point range and places */
  readonly "bad-price": object;
  /** a quantity that is not a positive exact decimal within the fixed-point range and places */
  readonly "bad-quantity": object;
  /** an order, bid or curve whose fields do not fit together (side, owner, monotonicity...) */
  readonly "bad-order": object;
  /** an order id that is already resting in the book */
  readonly "duplicate-order": object;
  /** cancel or replace of an order id the book does not hold */
  readonly "unknown-order": object;
  /** a result too large for the fixed-point representation: refused, never wrapped */
  readonly overflow: object;
  /** a tender or curve for a delivery interval whose gate has closed (or that was already cleared) */
  readonly "gate-closed": object;

  // --- any package
  /** a part of a standard that this implementation does not handle (yet): said, never dropped */
  readonly "not-supported": object;
}

/** Every issue code of the project (the keys of IssueExtras), e.g. "xml" or "replay". */
export type IssueCode = keyof IssueExtras;

/** Where in the source text a problem is (when the input was text). */
export type SourcePosition = XmlPosition;

interface IssueBase<C extends IssueCode> {
  readonly code: C;
  /** where: "/root/child[0]/@attr" (XML-like), "" or "/" for the whole input */
  readonly path: string;
  readonly message: string;
  /** the offending input, shortened */
  readonly input?: string;
  /** line and column in the source text, when the input was text and the problem has a place */
  readonly position?: SourcePosition;
}

/** One problem: a discriminated union by `code`. */
export type Issue = { [C in IssueCode]: IssueBase<C> & IssueExtras[C] }[IssueCode];

/** The issue type of one code, e.g. `IssueOf<"xml">` has `reason`. */
export type IssueOf<C extends IssueCode> = Extract<Issue, { readonly code: C }>;

/** The one error class thrown across package boundaries: it carries every issue found. */
export class CodecError extends Error {
  override name = "CodecError";
  readonly issues: readonly Issue[];
  constructor(issues: readonly Issue[]) {
    super(formatIssues(issues, "\n"));
    this.issues = issues;
  }
  /** the first issue's code */
  get code(): IssueCode {
    return (this.issues[0] as Issue).code;
  }
  /** the first issue's path */
  get path(): string {
    return (this.issues[0] as Issue).path;
  }
}

/** The extras an issue of code C needs, optional when it needs none. */
type ExtrasArg<C extends IssueCode> = Partial<IssueBase<C>> &
  (object extends IssueExtras[C] ? Partial<IssueExtras[C]> : IssueExtras[C]);

/** Builds one issue. */
export function makeIssue<C extends IssueCode>(
  code: C,
  path: string,
  message: string,
  ...extra: object extends IssueExtras[C] ? [ExtrasArg<C>?] : [ExtrasArg<C>]
): IssueOf<C> {
  return { ...extra[0], code, path, message } as unknown as IssueOf<C>;
}

/** A CodecError with one issue. */
export function issue<C extends IssueCode>(
  code: C,
  path: string,
  message: string,
  ...extra: object extends IssueExtras[C] ? [ExtrasArg<C>?] : [ExtrasArg<C>]
): CodecError {
  return new CodecError([makeIssue(code, path, message, ...extra)]);
}

/** The issue of an XML reader error, keeping its code, path, line and column. */
export function xmlIssue(e: XmlError): CodecError {
  const position =
    e.line !== undefined && e.column !== undefined ? { line: e.line, column: e.column } : undefined;
  return issue("xml", e.path, e.reason, { reason: e.code, ...(position ? { position } : {}) });
}

/** The message with the source position, when there is one: "reason (line L, column C)". */
export function describeIssue(i: Issue): string {
  return i.position
    ? `${i.message} (line ${i.position.line}, column ${i.position.column})`
    : i.message;
}

/** "path: message (line L, column C)": one line per issue, the form every CLI command prints. */
export function formatIssue(i: Issue): string {
  return `${i.path || "/"}: ${describeIssue(i)}`;
}

/** Every issue formatted, joined by `separator`. */
export function formatIssues(issues: readonly Issue[], separator = "\n"): string {
  return issues.map(formatIssue).join(separator);
}

/** An input shortened for a message or an issue's `input`. */
export function shorten(s: string, max = 80): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** Appends a property name or an array position to a path: at("/a", "b") = "/a/b", at("/a", 2) = "/a[2]". */
export function at(path: string, key: string | number): string {
  return typeof key === "number" ? `${path}[${key}]` : `${path}/${key}`;
}
