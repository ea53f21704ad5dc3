/**
 * The whole suite: the case files under conformance/ plus the cases generated from the OASIS
 * manifest and the examples/ folder.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { registry } from "@transactive/ei";
import { type Case, CaseFileError, checkUnique, loadCaseFiles } from "./cases.js";
import { exampleCases, oasisCases } from "./generated-cases.js";
import { oasisDir } from "./xsd.js";

/** The conformance/ folder of this package (case files, known-failures.txt). */
export function conformanceDir(): string {
  return resolve(import.meta.dirname, "..");
}

/** The repository's examples/ folder, else the copy an installed package carries (scripts/pack-files.mjs). */
export function examplesDir(): string {
  const repo = resolve(conformanceDir(), "..", "examples");
  return existsSync(repo) ? repo : join(conformanceDir(), "examples");
}

export interface SuiteOptions {
  /** folder of *.case.json files (default: this package's folder) */
  readonly casesDir?: string;
  /** the OASIS artifacts folder (default: oasisDir()); false leaves its samples out */
  readonly oasis?: string | false;
  /** the examples/ folder (default: examplesDir()); false leaves it out */
  readonly examples?: string | false;
}

/** Loads every case; throws CaseFileError listing every problem with the file it is in. */
export function loadSuite(options: SuiteOptions = {}): Case[] {
  const dir = options.casesDir ?? conformanceDir();
  const oasisRoot = options.oasis === false ? oasisDir() : (options.oasis ?? oasisDir());
  const problems: string[] = [];
  let cases: Case[] = [];
  try {
    cases = loadCaseFiles(dir, oasisRoot, resolve(dir, ".."));
  } catch (e) {
    if (!(e instanceof CaseFileError)) throw e;
    problems.push(...e.problems);
  }
  if (options.oasis !== false) cases.push(...oasisCases(oasisRoot, problems));
  const examples = options.examples ?? examplesDir();
  if (examples !== false)
    cases.push(...exampleCases(examples, registry, problems, resolve(examples, "..")));
  checkUnique(cases, problems);
  if (problems.length > 0) throw new CaseFileError([...new Set(problems)]);
  return cases;
}
