/**
 * @transactive/vtn: an OpenADR 2.0b VTN people can operate, on the public APIs of @transactive/ei
 * (reference VTN, dispatcher) and @transactive/ei-node (HTTP server, push). Events come from
 * payload files or small descriptions, report requests honour the sampling rates the VEN offered,
 * and an authenticated admin HTTP API (with its client) publishes, modifies and cancels events,
 * requests reports and reads their data. `transactive serve` and `transactive admin` run it.
 */
export { ADMIN_PREFIX, type AdminAuth, type AdminOptions, createAdminHandler } from "./admin.js";
export {
  createVtnAdminClient,
  type VtnAdminClient,
  type VtnAdminClientOptions,
  VtnAdminError,
} from "./admin-client.js";
export { durationSeconds, formatDuration } from "./duration.js";
export { VtnError, type VtnErrorCode } from "./errors.js";
export {
  type BuildContext,
  checkEventDescription,
  type EventDescription,
  eventFromDescription,
  type IntervalDescription,
  type SignalDescription,
  type TargetsDescription,
} from "./event-description.js";
export { type EventInput, readEventInput } from "./event-input.js";
export {
  type NegotiatedRate,
  negotiateRate,
  type OfferedRate,
  offeredRates,
  type RateRequest,
} from "./sampling.js";
export { isLoopbackHost, type RunningVtn, startVtn, type VtnServerOptions } from "./server.js";
export {
  createOperableVtn,
  DEFAULT_MARKET_CONTEXT,
  DEFAULT_VTN_ID,
  type EventResponseView,
  type EventView,
  type OperableVtn,
  type OperableVtnOptions,
  type RegisteredReportView,
  type ReportDataPoint,
  type ReportRequestView,
  type VenView,
  type VtnChange,
} from "./vtn.js";
