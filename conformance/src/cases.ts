/**
 * The case loader: every conformance/<standard>/<group>/<id>.case.json file, validated against
 * case.schema.json, plus the cases generated at load time from the OASIS manifest (oasis-cases.ts)
 * and the examples/ folder (example-cases.ts). A bad case file is an error naming the file and the
 * path inside it, never a silent drop.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";

export type Standard = "ws-calendar" | "emix" | "ei";
export const STANDARDS: readonly Standard[] = ["ws-calendar", "emix", "ei"];

/** A case file as written (case.schema.json). */
export interface CaseFile {
  readonly id: string;
  readonly standard: Standard;
  readonly clause: string;
  readonly level: "required" | "recommended";
  readonly kind: "valid" | "invalid";
  readonly profile: "openadr2b" | "openadr2a" | "cts" | "xcal" | "xcal-strict";
  readonly description?: string;
  readonly xml?: string;
  readonly json?: string;
  readonly oasis?: string;
  readonly expect?: {
    readonly resolved?: string;
    readonly amount?: string;
    readonly response?: string;
  };
  readonly reject?: {
    readonly reason: string;
    readonly path?: string;
    readonly code?: string;
    readonly rule?: "xml" | "schema" | "semantic";
  };
}

export type ExpectKind = "resolved" | "amount" | "response";

/** A loaded case: paths resolved to absolute ones, and where it came from. */
export interface Case extends CaseFile {
  /** the case file, or "<manifest>:<line>" for generated cases */
  readonly source: string;
  /** absolute path of the XML form (from `xml` or `oasis`) */
  readonly xmlPath: string;
  /** absolute path of the JSON form, when the case has one */
  readonly jsonPath?: string;
  /** absolute paths of the expected semantic results */
  readonly expectPaths: Partial<Record<ExpectKind, string>>;
}

/** A case file that is not valid: every problem, each naming the file. */
export class CaseFileError extends Error {
  override readonly name = "CaseFileError";
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
  }
}

let validator: ((v: unknown) => boolean) & { errors?: ErrorObject[] | null } = undefined as never;

/** case.schema.json, next to this package's src/ and dist/. */
export function caseSchemaPath(): string {
  return resolve(import.meta.dirname, "..", "case.schema.json");
}

function validateCase(value: unknown): readonly ErrorObject[] {
  if (validator === undefined) {
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
    validator = ajv.compile(JSON.parse(readFileSync(caseSchemaPath(), "utf8")));
  }
  return validator(value) ? [] : (validator.errors ?? []);
}

function formatAjv(file: string, e: ErrorObject): string {
  const where = e.instancePath || "/";
  const extra =
    e.keyword === "additionalProperties"
      ? ` (${(e.params as { additionalProperty: string }).additionalProperty})`
      : e.keyword === "enum"
        ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(", ")})`
        : "";
  return `${file}: ${where}: ${e.message ?? e.keyword}${extra}`;
}

/** Checks a parsed case against case.schema.json; returns the problems, each naming `file`. */
export function caseProblems(file: string, value: unknown): string[] {
  return validateCase(value).map((e) => formatAjv(file, e));
}

/**
 * Resolves a checked case file's paths. `oasisRoot` is where `oasis` references point. Problems
 * (missing files) are pushed to `problems`; returns undefined when the case cannot be used.
 */
export function resolveCase(
  c: CaseFile,
  source: string,
  baseDir: string,
  oasisRoot: string,
  problems: string[],
): Case | undefined {
  const here = (p: string) => resolve(baseDir, p);
  const xmlPath = c.xml !== undefined ? here(c.xml) : join(oasisRoot, c.oasis as string);
  const missing: string[] = [];
  if (!existsSync(xmlPath)) missing.push(`${c.xml !== undefined ? "xml" : "oasis"} ${xmlPath}`);
  const jsonPath = c.json !== undefined ? here(c.json) : undefined;
  if (jsonPath !== undefined && !existsSync(jsonPath)) missing.push(`json ${jsonPath}`);
  const expectPaths: Partial<Record<ExpectKind, string>> = {};
  for (const [k, p] of Object.entries(c.expect ?? {}) as [ExpectKind, string][]) {
    expectPaths[k] = here(p);
    if (!existsSync(expectPaths[k] as string)) missing.push(`expect.${k} ${expectPaths[k]}`);
  }
  if (c.kind === "valid" && c.reject !== undefined)
    missing.push("a valid case has no `reject` (it must be accepted)");
  if (c.kind === "invalid" && c.reject === undefined)
    missing.push("an invalid case needs `reject.reason` (why it must be rejected)");
  if (c.kind === "invalid" && c.expect !== undefined)
    missing.push("an invalid case has no `expect` (it must be rejected)");
  if (missing.length > 0) {
    for (const m of missing) problems.push(`${source}: ${m.startsWith("a") ? m : `missing ${m}`}`);
    return undefined;
  }
  return {
    ...c,
    source,
    xmlPath,
    ...(jsonPath === undefined ? {} : { jsonPath }),
    expectPaths,
  };
}

/** All *.case.json files under `dir` (sorted), skipping build and tooling folders. */
export function findCaseFiles(dir: string): string[] {
  const out: string[] = [];
  const skip = new Set(["node_modules", "dist", "src", "tests", "testees", ".turbo"]);
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      if (entry.isDirectory()) {
        if (!skip.has(entry.name)) walk(join(d, entry.name));
      } else if (entry.name.endsWith(".case.json")) out.push(join(d, entry.name));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/**
 * Reads and checks every case file under `dir`. Throws CaseFileError listing every problem (bad
 * JSON, schema violations, missing payloads, duplicate ids) with the file it is in.
 */
export function loadCaseFiles(dir: string, oasisRoot: string, displayRoot = dir): Case[] {
  const problems: string[] = [];
  const cases: Case[] = [];
  for (const file of findCaseFiles(dir)) {
    const shown = relative(displayRoot, file) || file;
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(file, "utf8"));
    } catch (e) {
      problems.push(`${shown}: not JSON: ${(e as Error).message}`);
      continue;
    }
    const found = caseProblems(shown, value);
    if (found.length > 0) {
      problems.push(...found);
      continue;
    }
    const c = resolveCase(value as CaseFile, shown, dirname(file), oasisRoot, problems);
    if (c !== undefined) cases.push(c);
  }
  checkUnique(cases, problems);
  if (problems.length > 0) throw new CaseFileError(problems);
  return cases;
}

/** Pushes a problem for every id used by more than one case. */
export function checkUnique(cases: readonly Case[], problems: string[]): void {
  const seen = new Map<string, string>();
  for (const c of cases) {
    const first = seen.get(c.id);
    if (first !== undefined) problems.push(`${c.source}: id ${c.id} is already used by ${first}`);
    else seen.set(c.id, c.source);
  }
}
