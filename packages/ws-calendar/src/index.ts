import { wsCalendarSchema } from "./gen/ws-calendar.schema.js";

export { type DocumentSchedule, schedulesOf } from "./adapters/index.js";
export { buildSequence, type SequenceOptions, toStreamIntervals, toVcalendar } from "./build.js";
export { type ResolutionCode, ResolutionError, type ResolutionIssue } from "./errors.js";
export * from "./gen/handles.js";
export type * from "./gen/types.js";
export { fromICalendar, toICalendar } from "./icalendar.js";
export { toDateTime, toLuxonInterval } from "./luxon.js";
export type * from "./model.js";
export { TEMPORAL_RELTYPES } from "./model.js";
export { registry } from "./registry.js";
export { type ResolvedDocument, resolveDocument, resolvedToJson } from "./semantics/document.js";
export { NEVER_INHERITED } from "./semantics/inherit.js";
export { isoSeconds, resolve } from "./semantics/resolve.js";
export { wsCalendarSchema };
