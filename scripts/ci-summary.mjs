// Prints the single closing line CI expects ("N passed, N failed"), adding up vitest's JSON report
// and the reports of the CI check scripts (same keys; see scripts/lib/checks.mjs), and exits
// non-zero when a report is missing, empty, or records a failure.
import { readFileSync } from "node:fs";

const paths = process.argv.slice(2);
if (paths.length === 0) paths.push(".vitest-report.json");
let passed = 0;
let failed = 0;
let bad = false;
for (const path of paths) {
  let report;
  try {
    report = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    console.error(
      `ci-summary: cannot read ${path}: ${error instanceof Error ? error.message : error}`,
    );
    bad = true;
    continue;
  }
  const { numPassedTests = 0, numFailedTests = 0, numTotalTests = 0 } = report;
  if (numTotalTests === 0) {
    console.error(`ci-summary: no tests ran (${path})`);
    bad = true;
  }
  passed += numPassedTests;
  failed += numFailedTests;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || bad ? 1 : 0);
