export { baselineEngine, kw, kwh } from "./baseline.js";
export type {
  EngineFactory,
  EngineOptions,
  IntervalOutcome,
  MarketFill,
  Mechanism,
  SimInterval,
  SimulationEngine,
  Trade,
} from "./engine.js";
export { SimulationError, type SimulationErrorCode } from "./errors.js";
export { escapeHtml, jsonForScript } from "./escape.js";
export {
  type AgentKind,
  type AwardTally,
  EXPORT_LIMIT_W,
  IMPORT_BLOCK_W,
  IMPORT_LIMIT_W,
  LOAD_CAP,
  type MarketTree,
  marketEngine,
  marketTree,
  mergeTallies,
  outcomeOfTally,
  type TrackedAgent,
  tallyAwards,
} from "./market-engine.js";
export { MAX_SEED, parseSeed, Random, splitMix64 } from "./random.js";
export { type ChartLibrary, chartLibrary, renderReport } from "./report.js";
export type {
  EngineRecord,
  IntervalRecord,
  ScenarioInfo,
  SimulationResult,
} from "./result.js";
export { type RunOptions, runSimulation, scenarioInfo } from "./run.js";
export {
  apportion,
  type BatterySpec,
  createScenario,
  DEFAULT_SCENARIO,
  DEVICE_MIX,
  type DeviceKind,
  type DeviceSpec,
  type EvSession,
  type EvSpec,
  type HvacSpec,
  type LoadSpec,
  type PvSpec,
  type Scenario,
  type ScenarioOptions,
  type Tariff,
} from "./scenario.js";
export {
  cosZenith,
  dayOfYear,
  declination,
  equationOfTime,
  haurwitzGhi,
  type Site,
  solarHour,
  sunriseSolarHour,
} from "./solar.js";
export {
  FIGURE_PLACES,
  type LedgerSummary,
  median,
  roundFigure,
  type SideSummary,
  type SimulationSummary,
  summarize,
  summarizeSide,
} from "./summary.js";
export { stepIndoorTemperature, type ThermalParameters, thermostat } from "./thermal.js";
export { formatLocal, localMidnight, parseIntervalSeconds } from "./time.js";
export { diurnalTemperature, PEAK_SOLAR_HOUR } from "./weather.js";
export { type WriteOptions, type WrittenOutput, writeSimulationOutput } from "./write.js";
