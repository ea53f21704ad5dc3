/**
 * @transactive/ven: a runnable OpenADR 2.0b VEN (simple HTTP, pull or push) on top of
 * @transactive/ei and @transactive/ei-node. `startVen` registers with a VTN, polls it (or listens
 * for its pushes), answers events by an opt policy and reports values from a file, a command or a
 * simulated meter; `transactive ven` is its command line.
 */
export { type BackoffOptions, backoffDelay } from "./backoff.js";
export { DurationError, durationMs, isoDuration } from "./duration.js";
export type { EventBook, HeldEvent } from "./events.js";
export { LOG_LEVELS, type Logger, type LogLevel, lineLogger, silentLogger } from "./log.js";
export {
  type OptPolicy,
  OptPolicyError,
  type OptRequest,
  optAlways,
  optByCommand,
  optBySignal,
  optNever,
  parseOptPolicy,
} from "./opt.js";
export { type DataPoint, DEFAULT_OFFER, metadataReport, type ReportOffer } from "./reports.js";
export { formatSummary, parseSummary, type VenSummary } from "./summary.js";
export {
  commandValues,
  fileValues,
  parseValues,
  type Reading,
  simulatedMeter,
  type ValueRow,
  type ValueSource,
  ValuesFileError,
  valuesAt,
} from "./values.js";
export {
  PeerError,
  type RunningVen,
  startVen,
  type VenOptions,
  type VenPushOptions,
  type VenStats,
} from "./ven.js";
