import type { OadrReportRequestType, OadrReportType } from "@transactive/ei";
import { afterEach, describe, expect, it } from "vitest";
import type { LogLevel } from "./log.js";
import {
  createReportBook,
  DEFAULT_OFFER,
  metadataReport,
  type ReportBook,
  type ReportOffer,
} from "./reports.js";
import type { ValueSource } from "./values.js";

const request = (
  id: string,
  o: { spec?: string; g?: string; back?: string; rIDs?: string[] } = {},
): OadrReportRequestType =>
  ({
    reportRequestID: id,
    reportSpecifier: {
      reportSpecifierID: o.spec ?? "telemetry-usage",
      granularity: { duration: o.g ?? "PT0.05S" },
      reportBackDuration: { duration: o.back ?? "PT0.1S" },
      specifierPayload: (o.rIDs ?? ["power"]).map((rID) => ({ rID, readingType: "Direct Read" })),
    },
  }) as OadrReportRequestType;

const FAST: ReportOffer = { ...DEFAULT_OFFER, minPeriodMs: 50, maxPeriodMs: 60_000 };
let book: ReportBook | undefined;
afterEach(() => book?.clear());

function makeBook(offer: ReportOffer = FAST, accept = () => true) {
  const sent: OadrReportType[] = [];
  const logs: string[] = [];
  let metadata = 0;
  const values: ValueSource = {
    describe: "test",
    read: async (rIDs) => ({ values: new Map(rIDs.map((r) => [r, 1.5])), problems: [] }),
  };
  book = createReportBook(offer, {
    log: (l: LogLevel, m: string) => logs.push(`${l} ${m}`),
    clock: () => new Date(),
    nextId: (k) => `${k}-1`,
    venID: () => "ven-1",
    values,
    sendUpdate: async (r) => {
      sent.push(r);
      return accept();
    },
    onMetadataRequest: () => metadata++,
  });
  return { book, sent, logs, metadata: () => metadata };
}
const until = async (check: () => boolean) => {
  const end = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe("the report offer", () => {
  it("is a METADATA_TELEMETRY_USAGE report with sampling rates", () => {
    const r = metadataReport(DEFAULT_OFFER, new Date("2026-07-01T12:00:00Z"));
    expect(r).toMatchObject({
      reportName: "METADATA_TELEMETRY_USAGE",
      reportRequestID: "0",
      createdDateTime: "2026-07-01T12:00:00Z",
    });
    expect(
      r.oadrReportDescription?.map((d) => [
        d.rID,
        d.oadrSamplingRate?.oadrMinPeriod,
        d.oadrSamplingRate?.oadrMaxPeriod,
      ]),
    ).toEqual([
      ["power", "PT1S", "PT1H"],
      ["energy", "PT1S", "PT1H"],
    ]);
  });
});

describe("the report book", () => {
  it("accepts a request, samples at its granularity and sends every reportBackDuration", async () => {
    const { book, sent } = makeBook();
    const created = book.createReport([request("rr-1")], "req-1", "/x");
    expect(created).toMatchObject({
      eiResponse: { responseCode: "200", requestID: "req-1" },
      oadrPendingReports: { reportRequestID: ["rr-1"] },
      venID: "ven-1",
    });
    await until(() => sent.length >= 2);
    const report = sent[0] as OadrReportType;
    expect(report).toMatchObject({
      reportRequestID: "rr-1",
      reportSpecifierID: "telemetry-usage",
      reportName: "TELEMETRY_USAGE",
    });
    expect(report.intervals?.interval).toHaveLength(2);
    expect(report.intervals?.interval[0]).toMatchObject({
      duration: { duration: "PT0.05S" },
      oadrReportPayload: [{ rID: "power", payloadFloat: { value: 1.5 } }],
    });
    expect(book.sent()).toBeGreaterThanOrEqual(2);
  });
  it("refuses unknown reports, data points and durations per request, and clamps granularity to the offer", () => {
    const { book, logs } = makeBook();
    const created = book.createReport(
      [
        request("a", { spec: "other" }),
        request("b", { rIDs: ["voltage"] }),
        request("c", { g: "P1M" }),
        request("d", { g: "PT2H", back: "PT2H" }),
      ],
      "req",
      "/p",
    );
    expect(created.eiResponse.responseCode).toBe("452");
    expect(created.eiResponse.responseDescription).toMatch(
      /\/p\/oadrReportRequest\[0\]\/reportSpecifier\/reportSpecifierID: this VEN offers report telemetry-usage, not other/,
    );
    expect(created.oadrPendingReports.reportRequestID).toEqual(["d"]);
    expect(book.active.get("d")?.granularityMs).toBe(60_000);
    expect(
      logs.some((l) =>
        /granularity PT2H is outside the offered sampling rate PT0.05S..PT1M; sampling every PT1M/.test(
          l,
        ),
      ),
    ).toBe(true);
  });
  it("re-sends its metadata when the VTN asks for the METADATA report", () => {
    const { book, metadata } = makeBook();
    expect(
      book.createReport([request("m", { spec: "METADATA" })], "r", "/p").eiResponse.responseCode,
    ).toBe("200");
    expect(metadata()).toBe(1);
    expect(book.pending()).toEqual([]);
  });
  it("sends one report at once for granularity and reportBackDuration 0, then is done", async () => {
    const { book, sent } = makeBook();
    book.createReport([request("once", { g: "PT0S", back: "PT0S" })], "r", "/p");
    await until(() => sent.length === 1 && book.pending().length === 0);
    expect(sent[0]?.intervals?.interval).toHaveLength(1);
  });
  it("keeps unacknowledged samples for the next update, and stops on cancel", async () => {
    let ok = false;
    const { book, sent } = makeBook(FAST, () => ok);
    book.createReport([request("k", { back: "PT0.05S" })], "r", "/p");
    await until(() => sent.length >= 2);
    ok = true;
    await until(() => book.sent() >= 1);
    const n = book.sent();
    expect(sent.at(-1)?.intervals?.interval.length ?? 0).toBeGreaterThanOrEqual(2);
    const canceled = book.cancelReport(
      { requestID: "c", reportRequestID: ["k", "nope"], reportToFollow: false },
      "c",
      "/q",
    );
    expect(canceled.eiResponse.responseCode).toBe("452");
    expect(canceled.oadrPendingReports).toEqual({});
    await new Promise((r) => setTimeout(r, 200));
    expect(book.sent()).toBe(n);
  });
});
