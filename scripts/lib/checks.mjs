// A small check recorder for the CI scripts (consumer test, API docs, release dry run): prints one
// line per check and writes the counts in the keys of vitest's JSON report, so that
// scripts/ci-summary.mjs adds them to the closing "N passed, N failed" line.
import { writeFileSync } from "node:fs";

export function createChecks(suite) {
  const results = [];
  return {
    /** records a check; `ok` false prints `detail` (the why) under it */
    check(name, ok, detail = "") {
      results.push({ name, ok });
      const mark = ok ? "ok  " : "FAIL";
      console.log(`${suite}: ${mark} ${name}`);
      if (!ok && detail) console.log(`      ${String(detail).trim().split("\n").join("\n      ")}`);
      return ok;
    },
    get failed() {
      return results.filter((r) => !r.ok).length;
    },
    /** writes {numPassedTests, numFailedTests, numTotalTests} to `path` when given */
    finish(path) {
      const passed = results.filter((r) => r.ok).length;
      const failed = results.length - passed;
      console.log(`${suite}: ${passed} passed, ${failed} failed`);
      if (path)
        writeFileSync(
          path,
          `${JSON.stringify({ suite, numPassedTests: passed, numFailedTests: failed, numTotalTests: results.length, checks: results }, null, 2)}\n`,
        );
      return failed === 0 && results.length > 0;
    },
  };
}

/** `--report FILE` from argv, if any. */
export function reportArg(argv = process.argv) {
  const i = argv.indexOf("--report");
  return i >= 0 ? argv[i + 1] : undefined;
}
