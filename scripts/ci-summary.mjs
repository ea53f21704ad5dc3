// Prints the single closing line CI expects ("N passed, N failed") from vitest's JSON report,
// and exits non-zero when the report is missing, empty, or records a failure.
import { readFileSync } from "node:fs";

const path = process.argv[2] ?? ".vitest-report.json";
let report;
try {
  report = JSON.parse(readFileSync(path, "utf8"));
} catch (error) {
  console.error(
    `ci-summary: cannot read ${path}: ${error instanceof Error ? error.message : error}`,
  );
  console.log("0 passed, 0 failed");
  process.exit(1);
}
const { numPassedTests = 0, numFailedTests = 0, numTotalTests = 0 } = report;
if (numTotalTests === 0) console.error("ci-summary: no tests ran");
console.log(`${numPassedTests} passed, ${numFailedTests} failed`);
process.exit(numFailedTests > 0 || numTotalTests === 0 ? 1 : 0);
