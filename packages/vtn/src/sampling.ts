/**
 * Report request negotiation: the granularity (sampling period) the VTN asks for must lie within
 * the oadrSamplingRate (oadrMinPeriod..oadrMaxPeriod) the VEN offered for every data point it asks
 * about. When the operator names a rate, it is used only if it fits; when none is named, the
 * finest period that every data point admits is chosen. When nothing fits, the request is refused
 * with one reason per data point, never replaced by a default the VEN would refuse.
 */
import type { OadrReportDescriptionType, OadrReportType } from "@transactive/ei";
import { durationSeconds, formatDuration, requireDuration } from "./duration.js";
import { VtnError } from "./errors.js";

/** The sampling rate a VEN offered for one data point (rID), in seconds. */
export interface OfferedRate {
  readonly rID: string;
  readonly minPeriod?: number;
  readonly maxPeriod?: number;
  readonly onChange?: boolean;
  /** the periods as the VEN wrote them */
  readonly text?: { readonly min: string; readonly max: string };
}

/** What the operator asks for. */
export interface RateRequest {
  /** the sampling period; default: the finest every data point admits */
  readonly granularity?: string;
  /** how often the VEN sends its data; default: the granularity */
  readonly reportBackDuration?: string;
  /** the data points to report; default: every one the report describes */
  readonly rIDs?: readonly string[];
}

/** The negotiated request. */
export interface NegotiatedRate {
  readonly granularity: string;
  readonly reportBackDuration: string;
  readonly descriptions: readonly OadrReportDescriptionType[];
}

/** The offered rates of a report's data points (a description without oadrSamplingRate has none). */
export function offeredRates(report: OadrReportType): OfferedRate[] {
  return (report.oadrReportDescription ?? []).map((d) => {
    const rate = (
      d as {
        oadrSamplingRate?: { oadrMinPeriod: string; oadrMaxPeriod: string; oadrOnChange: boolean };
      }
    ).oadrSamplingRate;
    if (!rate) return { rID: d.rID };
    const min = durationSeconds(rate.oadrMinPeriod);
    const max = durationSeconds(rate.oadrMaxPeriod);
    return {
      rID: d.rID,
      ...(min !== undefined ? { minPeriod: min } : {}),
      ...(max !== undefined ? { maxPeriod: max } : {}),
      onChange: rate.oadrOnChange,
      text: { min: rate.oadrMinPeriod, max: rate.oadrMaxPeriod },
    };
  });
}

const range = (r: OfferedRate): string =>
  r.text
    ? r.text.min === r.text.max
      ? `only ${r.text.min}`
      : `${r.text.min} to ${r.text.max}`
    : "any period";

/**
 * Chooses the granularity and reportBackDuration of a request for `report`, or throws VtnError:
 * "invalid-request" for a malformed request or an unknown rID, "no-sampling-rate" (with one reason
 * per data point) when no period fits.
 */
export function negotiateRate(report: OadrReportType, request: RateRequest = {}): NegotiatedRate {
  const all = report.oadrReportDescription ?? [];
  if (all.length === 0)
    throw new VtnError(
      "conflict",
      `report ${report.reportSpecifierID} describes no data points (oadrReportDescription)`,
      "/reportSpecifierID",
    );
  let descriptions = all;
  if (request.rIDs !== undefined) {
    if (request.rIDs.length === 0)
      throw new VtnError("invalid-request", "name at least one rID", "/rIDs");
    descriptions = request.rIDs.map((rID, i) => {
      const d = all.find((x) => x.rID === rID);
      if (!d)
        throw new VtnError(
          "not-found",
          `report ${report.reportSpecifierID} has no data point ${rID} (it has ${all.map((x) => x.rID).join(", ")})`,
          `/rIDs/${i}`,
        );
      return d;
    });
  }
  const rates = offeredRates({ ...report, oadrReportDescription: [...descriptions] });
  const malformed = rates.filter(
    (r) =>
      r.text &&
      (r.minPeriod === undefined ||
        r.maxPeriod === undefined ||
        r.minPeriod < 0 ||
        r.minPeriod > r.maxPeriod),
  );
  if (malformed.length)
    throw new VtnError(
      "no-sampling-rate",
      `the VEN offered sampling rates that admit no period for ${malformed.map((r) => r.rID).join(", ")}`,
      "/granularity",
      malformed.map((r) => `${r.rID}: oadrMinPeriod ${r.text?.min}, oadrMaxPeriod ${r.text?.max}`),
    );
  const lo = Math.max(0, ...rates.map((r) => r.minPeriod ?? 0));
  const hi = Math.min(...rates.map((r) => r.maxPeriod ?? Number.POSITIVE_INFINITY));
  let granularity: number;
  if (request.granularity !== undefined) {
    granularity = requireDuration(request.granularity, "/granularity");
    const misfits = rates.filter(
      (r) =>
        (r.minPeriod !== undefined && granularity < r.minPeriod) ||
        (r.maxPeriod !== undefined && granularity > r.maxPeriod),
    );
    if (misfits.length)
      throw new VtnError(
        "no-sampling-rate",
        `granularity ${request.granularity} is outside the sampling rate the VEN offered for ${misfits.map((r) => r.rID).join(", ")}${
          lo <= hi && Number.isFinite(hi)
            ? `; every data point asked for admits ${formatDuration(lo)} to ${formatDuration(hi)}`
            : lo <= hi
              ? `; every data point asked for admits ${formatDuration(lo)} or more`
              : ""
        }`,
        "/granularity",
        misfits.map((r) => `${r.rID}: offers ${range(r)}`),
      );
  } else {
    if (lo > hi)
      throw new VtnError(
        "no-sampling-rate",
        `no one sampling period suits every data point asked for (${formatDuration(lo)} is the longest minimum, ${formatDuration(hi)} the shortest maximum): request them separately with rIDs`,
        "/granularity",
        rates.map((r) => `${r.rID}: offers ${range(r)}`),
      );
    // the finest period all admit; a minimum of zero means "as fine as you like": then the coarsest
    granularity = lo > 0 ? lo : hi;
    if (!Number.isFinite(granularity) || granularity <= 0)
      throw new VtnError(
        "no-sampling-rate",
        "the VEN offered no sampling rate that bounds the period: give a granularity",
        "/granularity",
      );
  }
  const back =
    request.reportBackDuration === undefined
      ? granularity
      : requireDuration(request.reportBackDuration, "/reportBackDuration");
  if (back < granularity)
    throw new VtnError(
      "invalid-request",
      `reportBackDuration ${request.reportBackDuration} is shorter than the granularity ${formatDuration(granularity)}: the VEN would report before it has a sample`,
      "/reportBackDuration",
    );
  return {
    granularity: request.granularity ?? formatDuration(granularity),
    reportBackDuration: request.reportBackDuration ?? formatDuration(back),
    descriptions,
  };
}
