/**
 * One conformance run against a testee: load the suite, start the testee, run, score against a
 * known-failures list. What `transactive conformance` and the suite's own test call.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { registry } from "@transactive/ei";
import type { Case } from "./cases.js";
import { type KnownFailure, parseKnownFailures, type Score, score } from "./known-failures.js";
import { runCases } from "./run.js";
import { conformanceDir } from "./suite.js";
import { type TesteeCommand, TesteeProcess } from "./testee-process.js";
import type { XsdOracle } from "./xsd-oracle.js";

/** How to start our own testee: the built dist/testee.js, or src/testee.ts through tsx from source. */
export function ownTesteeCommand(): readonly [string, ...string[]] {
  const here = import.meta.dirname;
  const built = resolve(here, "testee.js");
  if (existsSync(built) && import.meta.url.endsWith(".js")) return [process.execPath, built];
  return [
    process.execPath,
    "--conditions=@transactive/source",
    "--import",
    "tsx",
    resolve(here, "testee.ts"),
  ];
}

/** conformance/known-failures.txt: the list for our own implementation. */
export function ownKnownFailures(): KnownFailure[] {
  const file = join(conformanceDir(), "known-failures.txt");
  return existsSync(file) ? parseKnownFailures(readFileSync(file, "utf8"), file) : [];
}

export interface TesteeRunOptions {
  readonly cases: readonly Case[];
  readonly command: TesteeCommand;
  readonly xsd: XsdOracle | false;
  readonly knownFailures?: readonly KnownFailure[];
  readonly timeoutMs?: number;
  readonly onProgress?: (done: number, total: number, c: Case) => void;
}

export interface TesteeRun {
  readonly score: Score;
  readonly seconds: number;
  /** lines the testee wrote that were not protocol responses */
  readonly protocolProblems: readonly string[];
  readonly stderr: string;
}

export async function runTestee(options: TesteeRunOptions): Promise<TesteeRun> {
  const started = performance.now();
  const testee = new TesteeProcess(options.command, {
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  try {
    const results = await runCases(options.cases, {
      testee,
      registry,
      xsd: options.xsd,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    return {
      score: score(results, options.knownFailures ?? []),
      seconds: (performance.now() - started) / 1000,
      protocolProblems: testee.problems,
      stderr: testee.stderr,
    };
  } finally {
    await testee.close();
  }
}
