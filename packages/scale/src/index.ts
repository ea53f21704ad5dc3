export {
  type EiNatsClientOptions,
  type EiNatsOptions,
  type EiNatsServer,
  natsEiClient,
  serveEiOverNats,
} from "./ei-nats.js";
export { ScaleError, type ScaleErrorCode } from "./errors.js";
export {
  DEFAULT_LEDGER_STREAM,
  LedgerReplica,
  type LedgerReplicaOptions,
  type ReplicaStats,
} from "./ledger-replica.js";
export {
  type MissingChildPolicy,
  NatsChildren,
  type NatsChildrenOptions,
  NatsParentLink,
  type NatsParentLinkOptions,
  type NestingOptions,
  quoteFromEi,
} from "./nesting.js";
export {
  nextOpenInterval,
  runChildSchedule,
  runParentSchedule,
  type ScheduleOptions,
} from "./schedule.js";
export {
  findNatsServer,
  type NatsServer,
  type NatsServerOptions,
  startNatsServer,
} from "./server.js";
export {
  type NatsSimulationOptions,
  natsSimulationEngine,
  type SimWorkerConfig,
  type TallyJson,
} from "./sim.js";
export {
  DEFAULT_PREFIX,
  eiSubject,
  intervalSubject,
  ledgerSubject,
  simSubject,
  subjectToken,
} from "./subjects.js";
