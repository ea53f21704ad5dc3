export {
  type Case,
  type CaseFile,
  CaseFileError,
  caseProblems,
  caseSchemaPath,
  type ExpectKind,
  loadCaseFiles,
  STANDARDS,
  type Standard,
} from "./cases.js";
export {
  type EndpointOptions,
  type EndpointRun,
  EndpointUnreachableError,
  runEndpoint,
  SERVICE_PATH_PREFIX,
} from "./endpoint.js";
export { checkFiles, payloadFiles } from "./files.js";
export { exampleCases, oasisCases } from "./generated-cases.js";
export { jsonDiff } from "./json-diff.js";
export {
  type KnownFailure,
  type Outcome,
  parseKnownFailures,
  type Score,
  type Scored,
  score,
} from "./known-failures.js";
export { haveOasis, repoRoot } from "./oasis.js";
export {
  type Answer,
  OPERATIONS,
  type Operation,
  responseProblem,
  type TesteeRequest,
  type TesteeResponse,
} from "./protocol.js";
export { consoleSummary, htmlReport, junitReport, lineDiff, tally } from "./reports.js";
export {
  type CaseResult,
  type Check,
  type Rule,
  type RunOptions,
  runCases,
  type Testee,
} from "./run.js";
export {
  ownKnownFailures,
  ownTesteeCommand,
  runTestee,
  type TesteeRun,
  type TesteeRunOptions,
} from "./session.js";
export { conformanceDir, loadSuite, type SuiteOptions } from "./suite.js";
export { type TesteeCommand, TesteeProcess } from "./testee-process.js";
export {
  CTS_EMIX_BASE_MEMBERS,
  hasXmllint,
  OPENADR2B_DRIVER,
  oasisDir,
  patchCtsEmix,
  XSD_ROOTS,
  type XsdError,
  XsdUnavailableError,
  type XsdVerdict,
  xmllintValidate,
  xsdFor,
} from "./xsd.js";
export { type XsdEngine, type XsdOracle, xsdOracle } from "./xsd-oracle.js";
