/**
 * The one-line summary a VEN run ends with, on stdout:
 * `registered: yes|no, events: N received / M opted in, reports: K sent`.
 * Scripts and tests read it with parseSummary.
 */
import type { VenStats } from "./ven.js";

/** The figures of a summary line. */
export interface VenSummary {
  readonly registered: boolean;
  readonly eventsReceived: number;
  readonly eventsOptedIn: number;
  readonly reportsSent: number;
}

/** The summary line (without a newline). */
export function formatSummary(s: VenSummary | VenStats): string {
  return `registered: ${s.registered ? "yes" : "no"}, events: ${s.eventsReceived} received / ${s.eventsOptedIn} opted in, reports: ${s.reportsSent} sent`;
}

const LINE =
  /^registered: (yes|no), events: (\d+) received \/ (\d+) opted in, reports: (\d+) sent$/m;

/** Reads the summary line out of a VEN's output; undefined when there is none. */
export function parseSummary(text: string): VenSummary | undefined {
  const m = LINE.exec(text);
  if (!m) return undefined;
  return {
    registered: m[1] === "yes",
    eventsReceived: Number(m[2]),
    eventsOptedIn: Number(m[3]),
    reportsSent: Number(m[4]),
  };
}
