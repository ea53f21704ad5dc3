export {
  type CheckContext,
  checkExchange,
  checkMessage,
  checkSequence,
  checkTranscript,
  describeEntry,
  RULES,
  type RuleId,
  xsdVerdicts,
} from "./checks.js";
export { consoleSummary, htmlReport, junitReport } from "./report.js";
export {
  type CtsCheckContext,
  checkCtsExchange,
  checkCtsSequence,
} from "./checks-cts.js";
export {
  CtsPlayerError,
  type CtsPlayerOptions,
  type StartedCtsPlayer,
  startCtsPlayer,
} from "./players-cts.js";
export type {
  AdminAction,
  Captures,
  CheckResult,
  ExpectResponse,
  InteropProfile,
  InteropRun,
  MessageTemplate,
  Player,
  Role,
  Scenario,
  StateCheck,
  Step,
  Timing,
  TranscriptEntry,
} from "./types.js";
