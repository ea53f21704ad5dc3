/**
 * Codec errors as data: every problem is an Issue with a code, the path where it was found
 * (element and property names from the document root, array positions as [i]) and a message.
 */
export type IssueCode =
  | "xml" // not well-formed, hostile or over a limit (see XmlError)
  | "unknown-root" // no profile declares the document element
  | "unexpected-element" // an element the content model does not allow here
  | "missing-element" // a required element is absent
  | "unknown-attribute"
  | "missing-attribute"
  | "text-not-allowed" // character data in element-only content
  | "bad-value" // a value that is not in the lexical/value space of its type
  | "unknown-type" // xsi:type naming a type that is unknown or not derived from the declared one
  | "unknown-property" // a JSON property the type does not have
  | "not-in-profile" // part of the canonical model that the chosen wire profile cannot carry
  | "bad-json"
  | "schema"; // JSON Schema validation failure

export interface Issue {
  readonly code: IssueCode;
  readonly path: string;
  readonly message: string;
  /** the offending input, shortened */
  readonly input?: string;
  /** for unexpected/missing elements: what the content model allowed there */
  readonly expected?: readonly string[];
}

export class CodecError extends Error {
  readonly issues: readonly Issue[];
  constructor(issues: readonly Issue[]) {
    super(issues.map(formatIssue).join("\n"));
    this.name = "CodecError";
    this.issues = issues;
  }
  get code(): IssueCode {
    return (this.issues[0] as Issue).code;
  }
  get path(): string {
    return (this.issues[0] as Issue).path;
  }
}

export function issue(
  code: IssueCode,
  path: string,
  message: string,
  extra: Partial<Issue> = {},
): CodecError {
  return new CodecError([{ code, path, message, ...extra }]);
}

export function formatIssue(i: Issue): string {
  return `${i.path || "/"}: ${i.message}`;
}

export function shorten(s: string, max = 80): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
