/** Resolving every schedule in a decoded document, and the JSON form `transactive resolve` prints. */
import type { CodecDocument } from "@transactive/codec";
import { schedulesOf } from "../adapters/index.js";
import { ResolutionError } from "../errors.js";
import type { ResolvedInterval, ResolvedSchedule } from "../model.js";
import { resolve } from "./resolve.js";

export interface ResolvedDocument {
  readonly profile: string;
  readonly element: string;
  readonly schedules: readonly (ResolvedSchedule & { readonly path: string })[];
}

/** Resolves each schedule of the document; errors name the schedule's path. */
export function resolveDocument(doc: CodecDocument): ResolvedDocument {
  const schedules = schedulesOf(doc).map(({ path, calendar }) => {
    try {
      return { path, ...resolve(calendar) };
    } catch (e) {
      if (e instanceof ResolutionError)
        throw new ResolutionError(e.issues.map((i) => ({ ...i, path: i.path || path })));
      throw e;
    }
  });
  return { profile: doc.profile, element: doc.element, schedules };
}

/** The JSON value of a resolved document: per interval uid, start, end, duration, zone, properties. */
export function resolvedToJson(r: ResolvedDocument): unknown {
  return {
    profile: r.profile,
    element: r.element,
    schedules: r.schedules.map((s) => ({
      path: s.path,
      intervals: s.intervals.map(intervalJson),
    })),
  };
}

function intervalJson(i: ResolvedInterval): unknown {
  return {
    uid: i.uid,
    start: i.start,
    end: i.end,
    duration: i.duration,
    zone: i.zone,
    ...(i.boundBy !== undefined ? { boundBy: i.boundBy } : {}),
    properties: i.properties,
    path: i.path,
  };
}
