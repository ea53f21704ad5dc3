/**
 * @transactive/interop: the interop harness. A scenario (conformance/interop/*.json) scripts an
 * exchange between two implementations; `runScenario` starts the players (ours in their own
 * processes, a third party's URL or command, or the harness itself), passes every message through
 * a recording proxy over real sockets, and checks every message, every exchange and the sequence.
 */
export {
  type CheckContext,
  checkExchange,
  checkMessage,
  checkSequence,
  checkTranscript,
  describeEntry,
  RULES,
  type RuleId,
  unregisteredRequests,
  xsdVerdicts,
} from "./checks.js";
export {
  type CtsCheckContext,
  checkCtsExchange,
  checkCtsSequence,
} from "./checks-cts.js";
export {
  type Child,
  type Credential,
  commandPlayer,
  defaultPlayers,
  freePort,
  type InteropSecurity,
  oursFlags,
  oursVen,
  oursVtn,
  type PlayerContext,
  PlayerError,
  type PlayerFactory,
  PlayerRegistry,
  parsePlayer,
  type StartedPlayer,
  scriptPlayer,
  spawnChild,
  transactiveCommand,
  urlPlayer,
  workDir,
} from "./players.js";
export {
  CtsPlayerError,
  type CtsPlayerOptions,
  type StartedCtsPlayer,
  startCtsPlayer,
} from "./players-cts.js";
export {
  type ProxyLeg,
  type ProxyOptions,
  type ServerTls,
  STEP_HEADER,
  startProxy,
} from "./proxy.js";
export { consoleSummary, htmlReport, junitReport } from "./report.js";
export { type ChecksSeam, durationMs, type RunOptions, runScenario } from "./runner.js";
export {
  listScenarios,
  loadScenario,
  parseScenario,
  SCENARIO_DIR,
  ScenarioError,
  templatePath,
  templateText,
} from "./scenario.js";
export {
  capture,
  captureAll,
  jsonPointer,
  parseXml,
  payloadElement,
  payloadName,
  renderXml,
  substitute,
  substituteJson,
  TemplateError,
  Variables,
  xmlEscape,
} from "./template.js";
export { type Observed, Transcript } from "./transcript.js";
export {
  type ClientTls,
  type ExchangeOptions,
  type ExchangeResult,
  exchange,
  postXml,
  type SigningCredential,
  signIfAsked,
  TransportError,
  verifySignature,
} from "./transport.js";
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
