/**
 * `transactive conformance [--testee CMD | --files DIR | --endpoint URL] [--junit FILE] [--html FILE]`:
 * the conformance suite (@transactive/conformance) against our own codecs (no target), a testee
 * speaking the line protocol, a folder of payloads, or a live EI HTTP endpoint. Progress goes to
 * stderr, the summary to stdout; exit 0 only when every required case passes.
 */
import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  CaseFileError,
  type CaseResult,
  checkFiles,
  consoleSummary,
  htmlReport,
  junitReport,
  type KnownFailure,
  loadSuite,
  oasisDir,
  ownKnownFailures,
  ownTesteeCommand,
  parseKnownFailures,
  runEndpoint,
  runTestee,
  type Score,
  score,
  type XsdEngine,
  xsdOracle,
} from "@transactive/conformance";
import { EXIT, type ExitCode, type Io, UsageError } from "./io.js";

export const CONFORMANCE_HELP = `Usage: transactive conformance [target] [options]

Targets (at most one; none = our own codecs, run as a testee through the protocol):
  --testee "COMMAND"   run COMMAND (through the shell) as a testee speaking the line
                       protocol of docs/conformance.md, and score every case
  --files DIR          check every .xml/.json payload under DIR: profile detection,
                       our schema checks and the official XSD
  --endpoint URL       drive a live Energy Interoperation HTTP endpoint through
                       every operation it claims

Options:
  --junit FILE         also write a JUnit XML report
  --html FILE          also write a self-contained HTML report
  --known-failures F   a known-failures list (default for our codecs:
                       conformance/known-failures.txt; none for other targets)
  --standard S         only cases of ws-calendar, emix or ei
  --no-xsd             leave out the XSD rule (when the official XSDs are absent)
  --xsd-engine E       xmllint or xmllint-wasm (default: xmllint when installed)
  --timeout MS         per request (default 30000)

Exit codes: 0 every required case passes, 1 some do not, 2 usage or environment problem.
`;

export async function conformanceCommand(args: readonly string[], io: Io): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      testee: { type: "string" },
      files: { type: "string" },
      endpoint: { type: "string" },
      junit: { type: "string" },
      html: { type: "string" },
      "known-failures": { type: "string" },
      standard: { type: "string" },
      "no-xsd": { type: "boolean" },
      "xsd-engine": { type: "string" },
      timeout: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(CONFORMANCE_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 0)
    throw new UsageError(`conformance takes no arguments, got ${positionals.join(" ")}`);
  const targets = (["testee", "files", "endpoint"] as const).filter((t) => values[t] !== undefined);
  if (targets.length > 1)
    throw new UsageError(`choose one target, got --${targets.join(" and --")}`);
  const engine = values["xsd-engine"];
  if (engine !== undefined && engine !== "xmllint" && engine !== "xmllint-wasm")
    throw new UsageError(`--xsd-engine must be xmllint or xmllint-wasm, got "${engine}"`);
  const standard = values.standard;
  if (standard !== undefined && !["ws-calendar", "emix", "ei"].includes(standard))
    throw new UsageError(`--standard must be ws-calendar, emix or ei, got "${standard}"`);
  const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0))
    throw new UsageError(
      `--timeout must be a positive number of milliseconds, got "${values.timeout}"`,
    );
  const xsd = values["no-xsd"] ? false : await xsdOracle(engine as XsdEngine | undefined);
  if (xsd === false) io.stderr("note: --no-xsd: the XSD rule is left out of this run\n");

  let title: string;
  let result: Score;
  const started = performance.now();
  if (values.files !== undefined) {
    if (!existsSync(values.files)) throw new UsageError(`no such folder: ${values.files}`);
    title = `payloads in ${values.files}`;
    const results = await checkFiles(values.files, io.registry, xsd);
    if (results.length === 0) throw new UsageError(`no .xml or .json files under ${values.files}`);
    result = score(filterStandard(results, standard));
  } else {
    const cases = loadCases(io).filter((c) => standard === undefined || c.standard === standard);
    const known = knownFailures(values["known-failures"], targets.length === 0);
    const progress = (done: number, total: number) => {
      if (done === total || done % 25 === 0) io.stderr(`  ${done}/${total} cases\n`);
    };
    if (values.endpoint !== undefined) {
      title = `EI endpoint ${values.endpoint}`;
      const run = await runEndpoint(values.endpoint, cases, {
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
        onProgress: progress,
      });
      for (const u of run.unclaimed) io.stderr(`not claimed: ${u.case.id}: ${u.why}\n`);
      if (run.results.length === 0)
        throw new UsageError(
          `${values.endpoint} serves none of the services of the ${cases.length} cases`,
        );
      result = score(run.results, known);
    } else {
      const command = values.testee ?? ownTesteeCommand();
      title =
        values.testee === undefined
          ? "@transactive codecs (transactive-testee)"
          : `testee ${values.testee}`;
      io.stderr(`Running ${cases.length} cases against ${title}\n`);
      const run = await runTestee({
        cases,
        command,
        xsd,
        knownFailures: known,
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
        onProgress: progress,
      });
      for (const p of run.protocolProblems) io.stderr(`protocol: ${p}\n`);
      result = run.score;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  io.stdout(consoleSummary(result, title));
  if (values.junit !== undefined) await writeReport(values.junit, junitReport(result, seconds));
  if (values.html !== undefined)
    await writeReport(values.html, htmlReport(result, `Conformance: ${title}`));
  return result.ok ? EXIT.ok : EXIT.invalid;
}

function filterStandard(results: CaseResult[], standard: string | undefined): CaseResult[] {
  return standard === undefined ? results : results.filter((r) => r.case.standard === standard);
}

function loadCases(io: Io) {
  if (!existsSync(join(oasisDir(), "validation.tsv")))
    io.stderr(
      `note: OASIS samples not found at ${oasisDir()} (set TRANSACTIVE_OASIS_DIR); their cases are left out\n`,
    );
  try {
    return loadSuite();
  } catch (e) {
    if (e instanceof CaseFileError)
      throw new UsageError(`bad conformance case files:\n${e.message}`);
    throw e;
  }
}

function knownFailures(file: string | undefined, own: boolean): KnownFailure[] {
  if (file === undefined) return own ? ownKnownFailures() : [];
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return parseKnownFailures(text, file);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

async function writeReport(file: string, text: string): Promise<void> {
  try {
    await writeFile(file, text);
  } catch (e) {
    throw new UsageError(`cannot write ${file}: ${(e as Error).message}`);
  }
}
