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
  findNatsServer,
  type NatsServer,
  type NatsServerOptions,
  startNatsServer,
} from "./server.js";
export {
  DEFAULT_PREFIX,
  eiSubject,
  intervalSubject,
  ledgerSubject,
  simSubject,
  subjectToken,
} from "./subjects.js";
