/**
 * The VEN's reports: what it offers (oadrRegisterReport metadata with oadrSamplingRate), the
 * report requests it accepts (from oadrCreateReport, or inside an oadrRegisteredReport as
 * openleadr's VTN sends them), and the sampling and sending of oadrUpdateReport for each active
 * request at its granularity and reportBackDuration.
 */
import {
  batchResponse,
  EiFault,
  type OadrCanceledReportType,
  type OadrCancelReportType,
  type OadrCreatedReportType,
  type OadrReportDescriptionType,
  type OadrReportRequestType,
  type OadrReportType,
} from "@transactive/ei";
import { DurationError, durationMs, isoDuration, isoTime } from "./duration.js";
import type { Logger } from "./log.js";
import type { ValueSource } from "./values.js";

/** One data point the VEN reports: an rID and what it measures. */
export interface DataPoint {
  readonly rID: string;
  /** real power in kW (powerReal) or real energy in kWh (energyReal) */
  readonly kind: "power" | "energy";
}

/** The report the VEN offers (a TELEMETRY_USAGE report) and the sampling rates it supports. */
export interface ReportOffer {
  readonly reportSpecifierID: string;
  readonly dataPoints: readonly DataPoint[];
  /** oadrSamplingRate: the shortest and longest sampling period, ms */
  readonly minPeriodMs: number;
  readonly maxPeriodMs: number;
  /** the resource the data points measure (reportDataSource/resourceID) */
  readonly resourceID: string;
}

/** The default offer: power (kW) and energy (kWh) of one meter, sampled every 1 s to 1 h. */
export const DEFAULT_OFFER: ReportOffer = {
  reportSpecifierID: "telemetry-usage",
  dataPoints: [
    { rID: "power", kind: "power" },
    { rID: "energy", kind: "energy" },
  ],
  minPeriodMs: 1_000,
  maxPeriodMs: 3_600_000,
  resourceID: "meter-1",
};

/** The METADATA_TELEMETRY_USAGE report of an offer, for oadrRegisterReport. */
export function metadataReport(offer: ReportOffer, now: Date): OadrReportType {
  const samplingRate = {
    oadrMinPeriod: isoDuration(offer.minPeriodMs),
    oadrMaxPeriod: isoDuration(offer.maxPeriodMs),
    oadrOnChange: false,
  };
  return {
    oadrReportDescription: offer.dataPoints.map(
      (p): OadrReportDescriptionType => ({
        rID: p.rID,
        reportDataSource: { resourceID: [offer.resourceID] },
        reportType: "usage",
        ...(p.kind === "power"
          ? {
              powerReal: {
                itemDescription: "RealPower",
                itemUnits: "W",
                siScaleCode: "k",
                powerAttributes: { hertz: "50", voltage: "230", ac: true },
              },
            }
          : { energyReal: { itemDescription: "RealEnergy", itemUnits: "Wh", siScaleCode: "k" } }),
        readingType: "Direct Read",
        oadrSamplingRate: samplingRate,
      }),
    ),
    // a metadata report answers no request: "0" by the 2.0b convention
    reportRequestID: "0",
    reportSpecifierID: offer.reportSpecifierID,
    reportName: "METADATA_TELEMETRY_USAGE",
    createdDateTime: isoTime(now),
  } as OadrReportType;
}

/** An interval of an oadrUpdateReport: one sample of every data point that had a value. */
interface Sample {
  readonly dtstart: string;
  readonly durationMs: number;
  readonly payloads: readonly { rID: string; value: number }[];
}

/** A report request the VEN is serving. */
export interface ActiveRequest {
  readonly reportRequestID: string;
  readonly reportSpecifierID: string;
  readonly rIDs: readonly string[];
  readonly granularityMs: number;
  /** samples per oadrUpdateReport */
  readonly perReport: number;
  readonly startMs: number;
  readonly endMs: number | undefined;
  /** sample once, send once, done (granularity and reportBackDuration both 0) */
  readonly oneShot: boolean;
  samples: Sample[];
  timer: ReturnType<typeof setTimeout> | undefined;
  nextTickMs: number;
  sending: boolean;
}

/** What the report book needs from the VEN around it. */
export interface ReportContext {
  readonly log: Logger;
  readonly clock: () => Date;
  readonly nextId: (kind: string) => string;
  readonly venID: () => string;
  readonly values: ValueSource;
  /** sends one oadrUpdateReport; resolves true when the VTN acknowledged it with a 2xx code */
  readonly sendUpdate: (report: OadrReportType) => Promise<boolean>;
  /** a VTN asked for the METADATA report: send oadrRegisterReport again */
  readonly onMetadataRequest: () => void;
}

/** Most intervals kept for a VTN that does not take them; older ones are dropped with a warning. */
const MAX_BUFFERED = 10_000;

/** The VEN's report requests and their sampling. */
export interface ReportBook {
  readonly active: ReadonlyMap<string, ActiveRequest>;
  /** oadrUpdateReport messages the VTN acknowledged */
  readonly sent: () => number;
  /** Accepts the requests of an oadrCreateReport (or of an oadrRegisteredReport); the answer is oadrCreatedReport. */
  createReport(
    requests: readonly OadrReportRequestType[],
    requestID: string,
    path: string,
  ): OadrCreatedReportType;
  /** Cancels requests (oadrCancelReport); with reportToFollow, sends what is buffered first. */
  cancelReport(req: OadrCancelReportType, requestID: string, path: string): OadrCanceledReportType;
  /** The reportRequestIDs being served. */
  pending(): string[];
  /** Stops every request (registration gone, VEN stopping). */
  clear(): void;
  /** Sends what is buffered for every request (at a stop). */
  flushAll(): Promise<void>;
}

/** Creates the report book of an offer. */
export function createReportBook(offer: ReportOffer, ctx: ReportContext): ReportBook {
  const active = new Map<string, ActiveRequest>();
  const offered = new Set(offer.dataPoints.map((p) => p.rID));
  let sent = 0;

  function accept(r: OadrReportRequestType, where: string): EiFault | undefined {
    const spec = r.reportSpecifier;
    if (spec.reportSpecifierID === "METADATA") {
      // a VTN asking for the VEN's metadata: oadrRegisterReport again (2.0b, 8.3.1)
      ctx.onMetadataRequest();
      return undefined;
    }
    if (spec.reportSpecifierID !== offer.reportSpecifierID)
      return new EiFault(
        "invalidId",
        `this VEN offers report ${offer.reportSpecifierID}, not ${spec.reportSpecifierID}`,
        `${where}/reportSpecifier/reportSpecifierID`,
      );
    const rIDs = listOf(spec.specifierPayload).map((p) => p.rID);
    const unknown = rIDs.filter((id) => !offered.has(id));
    if (unknown.length)
      return new EiFault(
        "invalidId",
        `no data point ${unknown.join(", ")} in report ${offer.reportSpecifierID} (offered: ${[...offered].join(", ")})`,
        `${where}/reportSpecifier/specifierPayload`,
      );
    let granularity: number;
    let back: number;
    let startMs = ctx.clock().getTime();
    let endMs: number | undefined;
    try {
      granularity = durationMs(spec.granularity.duration);
      back = durationMs(spec.reportBackDuration.duration);
      const props = spec.reportInterval?.properties as
        | { dtstart?: { "date-time"?: string }; duration?: { duration?: string } }
        | undefined;
      const start = props?.dtstart?.["date-time"];
      if (start !== undefined) {
        const t = new Date(start).getTime();
        if (!Number.isNaN(t)) startMs = Math.max(startMs, t);
      }
      const length = props?.duration?.duration;
      if (length !== undefined && durationMs(length) > 0) endMs = startMs + durationMs(length);
    } catch (e) {
      if (!(e instanceof DurationError)) throw e;
      return new EiFault("invalidData", e.message, `${where}/reportSpecifier`);
    }
    const oneShot = granularity === 0 && back === 0;
    // granularity 0 means "as the VEN reports": one sample per reportBackDuration
    let g = granularity === 0 ? back : granularity;
    if (!oneShot && (g < offer.minPeriodMs || g > offer.maxPeriodMs)) {
      const clamped = Math.min(offer.maxPeriodMs, Math.max(offer.minPeriodMs, g));
      ctx.log(
        "warn",
        `report request ${r.reportRequestID}: granularity ${spec.granularity.duration} is outside the offered sampling rate ${isoDuration(offer.minPeriodMs)}..${isoDuration(offer.maxPeriodMs)}; sampling every ${isoDuration(clamped)}`,
      );
      g = clamped;
    }
    const existing = active.get(r.reportRequestID);
    if (existing) stop(existing);
    const request: ActiveRequest = {
      reportRequestID: r.reportRequestID,
      reportSpecifierID: spec.reportSpecifierID,
      rIDs: rIDs.length ? rIDs : [...offered],
      granularityMs: g,
      perReport: oneShot ? 1 : Math.max(1, Math.round(back / g)),
      startMs,
      endMs,
      oneShot,
      samples: existing?.samples ?? [],
      timer: undefined,
      nextTickMs: oneShot ? startMs : startMs + g,
      sending: false,
    };
    active.set(request.reportRequestID, request);
    ctx.log(
      "info",
      `report request ${request.reportRequestID} (${request.reportSpecifierID}: ${request.rIDs.join(", ")}): ${oneShot ? "one report now" : `a sample every ${isoDuration(g)}, an oadrUpdateReport every ${request.perReport} sample(s)`}${endMs === undefined ? "" : ` until ${isoTime(new Date(endMs))}`}`,
    );
    schedule(request);
    return undefined;
  }

  function schedule(r: ActiveRequest): void {
    const wait = Math.max(0, r.nextTickMs - ctx.clock().getTime());
    r.timer = setTimeout(() => void tick(r), wait);
  }

  function stop(r: ActiveRequest): void {
    if (r.timer) clearTimeout(r.timer);
    r.timer = undefined;
  }

  async function tick(r: ActiveRequest): Promise<void> {
    r.timer = undefined;
    if (active.get(r.reportRequestID) !== r) return;
    const now = ctx.clock();
    let reading: Awaited<ReturnType<ValueSource["read"]>>;
    try {
      reading = await ctx.values.read(r.rIDs, now);
    } catch (e) {
      reading = { values: new Map(), problems: [(e as Error).message] };
    }
    for (const p of reading.problems) ctx.log("warn", `report ${r.reportRequestID}: ${p}`);
    if (active.get(r.reportRequestID) !== r) return;
    const dur = r.oneShot ? 0 : r.granularityMs;
    if (reading.values.size > 0)
      r.samples.push({
        dtstart: isoTime(new Date(now.getTime() - dur)),
        durationMs: dur,
        payloads: [...reading.values].map(([rID, value]) => ({ rID, value })),
      });
    if (r.samples.length > MAX_BUFFERED) {
      ctx.log(
        "warn",
        `report ${r.reportRequestID}: ${r.samples.length - MAX_BUFFERED} unsent interval(s) dropped (the VTN is not taking them)`,
      );
      r.samples.splice(0, r.samples.length - MAX_BUFFERED);
    }
    const ended = r.oneShot || (r.endMs !== undefined && now.getTime() >= r.endMs);
    if (ended || r.samples.length >= r.perReport) await flush(r);
    if (ended) {
      if (active.get(r.reportRequestID) === r) active.delete(r.reportRequestID);
      ctx.log("info", `report request ${r.reportRequestID} complete`);
      return;
    }
    if (active.get(r.reportRequestID) !== r) return;
    // drift-free: the next tick on the grid, skipping ticks missed while a send was slow
    r.nextTickMs += r.granularityMs;
    const t = ctx.clock().getTime();
    if (r.nextTickMs < t)
      r.nextTickMs += Math.ceil((t - r.nextTickMs) / r.granularityMs) * r.granularityMs;
    schedule(r);
  }

  async function flush(r: ActiveRequest): Promise<void> {
    if (r.sending || r.samples.length === 0) return;
    r.sending = true;
    const batch = r.samples.slice();
    try {
      const ok = await ctx.sendUpdate(updateReport(r, batch));
      if (ok) {
        sent++;
        r.samples.splice(0, batch.length);
      }
    } finally {
      r.sending = false;
    }
  }

  function updateReport(r: ActiveRequest, batch: readonly Sample[]): OadrReportType {
    const first = batch[0] as Sample;
    const total = batch.reduce((s, x) => s + x.durationMs, 0);
    return {
      dtstart: { "date-time": first.dtstart },
      duration: { duration: isoDuration(total) },
      intervals: {
        interval: batch.map((s) => ({
          dtstart: { "date-time": s.dtstart },
          duration: { duration: isoDuration(s.durationMs) },
          oadrReportPayload: s.payloads.map((p) => ({
            rID: p.rID,
            payloadFloat: { value: p.value },
          })),
        })),
      },
      eiReportID: ctx.nextId("report"),
      reportRequestID: r.reportRequestID,
      reportSpecifierID: r.reportSpecifierID,
      reportName: "TELEMETRY_USAGE",
      createdDateTime: isoTime(ctx.clock()),
    } as OadrReportType;
  }

  const pending = () => [...active.keys()];

  return {
    active,
    sent: () => sent,
    pending,
    createReport(requests, requestID, path) {
      const outcomes = requests.map((r, i) => {
        const fault = accept(r, `${path}/oadrReportRequest[${i}]`);
        return fault ? { id: r.reportRequestID, fault } : { id: r.reportRequestID };
      });
      return {
        eiResponse: batchResponse("openadr2b", requestID, outcomes),
        oadrPendingReports: pendingOf(pending()),
        venID: ctx.venID(),
      };
    },
    cancelReport(req, requestID, path) {
      const outcomes = listOf(req.reportRequestID).map((id, i) => {
        const r = active.get(id);
        if (!r)
          return {
            id,
            fault: new EiFault(
              "invalidId",
              `no active report request ${id}`,
              `${path}/reportRequestID[${i}]`,
            ),
          };
        stop(r);
        active.delete(id);
        // reportToFollow: the VTN still wants what was measured so far
        if (req.reportToFollow) void flush(r);
        ctx.log("info", `report request ${id} cancelled by the VTN`);
        return { id };
      });
      return {
        eiResponse: batchResponse("openadr2b", requestID, outcomes),
        oadrPendingReports: pendingOf(pending()),
        venID: ctx.venID(),
      };
    },
    clear() {
      for (const r of active.values()) stop(r);
      active.clear();
    },
    async flushAll() {
      await Promise.all([...active.values()].map((r) => flush(r)));
    },
  };
}

function pendingOf(ids: string[]): { reportRequestID?: string[] } {
  return ids.length ? { reportRequestID: ids } : {};
}

/** Always an array (a lenient reader of repeatable elements). */
export function listOf<T>(value: T | readonly T[] | undefined): readonly T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}
