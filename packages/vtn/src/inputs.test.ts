/**
 * Event inputs and report rate negotiation as data: each accepted form of an event (description,
 * oadrPayload XML, bare ei:eiEvent XML, payload JSON), and each refusal with the path it names;
 * sampling rates that fit, do not fit (with one reason per data point), or admit no period.
 */
import { readFileSync } from "node:fs";
import type { OadrReportType } from "@transactive/ei";
import { describe, expect, it } from "vitest";
import { durationSeconds, formatDuration } from "./duration.js";
import { VtnError } from "./errors.js";
import { readEventInput } from "./event-input.js";
import { negotiateRate } from "./sampling.js";

const example = (name: string) =>
  readFileSync(new URL(`../../../examples/${name}`, import.meta.url));
const NOW = new Date("2026-07-01T12:00:00Z");

const refusal = (f: () => unknown): VtnError => {
  try {
    f();
  } catch (e) {
    if (e instanceof VtnError) return e;
    throw e;
  }
  throw new Error("not refused");
};

describe("event inputs", () => {
  it("reads an oadrDistributeEvent (XML and JSON), a bare ei:eiEvent and a description", () => {
    const xml = readEventInput(example("openadr2b-distribute-event.xml"), NOW);
    expect(xml).toHaveLength(1);
    expect(xml[0]?.oadrEvent?.eiEvent.eventDescriptor.eventID).toBe("evt-2026-07-01-peak");
    const json = readEventInput(example("openadr2b-distribute-event.json"), NOW);
    expect(json[0]?.oadrEvent).toEqual(xml[0]?.oadrEvent);
    const bare = new TextDecoder()
      .decode(example("vtn/distribute-event.xml"))
      .match(/<ei:eiEvent>[\s\S]*<\/ei:eiEvent>/)?.[0] as string;
    const ns =
      'xmlns:ei="http://docs.oasis-open.org/ns/energyinterop/201110" xmlns:emix="http://docs.oasis-open.org/ns/emix/2011/06" xmlns:xcal="urn:ietf:params:xml:ns:icalendar-2.0" xmlns:strm="urn:ietf:params:xml:ns:icalendar-2.0:stream" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
    const eiEvent = readEventInput(bare.replace("<ei:eiEvent>", `<ei:eiEvent ${ns}>`), NOW);
    expect(eiEvent[0]?.oadrEvent?.oadrResponseRequired).toBe("always");
    expect(eiEvent[0]?.oadrEvent?.eiEvent.eventDescriptor.eventID).toBe("evt-2027-01-15-morning");
    const described = readEventInput(example("vtn/event-description.json"), NOW);
    expect(described[0]?.description?.start).toBe("2026-07-01T12:02:00Z");
  });

  it.each([
    ["an empty file", "", ""],
    ["neither XML nor JSON", "hello", ""],
    ["an unknown field", '{"start":"now","signal":[]}', "/signal"],
    ["no start", '{"signals":[]}', "/start"],
    ["a bad start", '{"start":"tomorrow","signals":[]}', "/start"],
    ["no signals", '{"start":"now","signals":[]}', "/signals"],
    [
      "a bad duration",
      '{"start":"now","signals":[{"name":"SIMPLE","type":"level","intervals":[{"duration":"15 minutes","value":1}]}]}',
      "/signals/0/intervals/0/duration",
    ],
    [
      "a value that is not a number",
      '{"start":"now","signals":[{"name":"X","type":"level","intervals":[{"duration":"PT1M","value":"1"}]}]}',
      "/signals/0/intervals/0/value",
    ],
    [
      "signals of different lengths",
      '{"start":"now","signals":[{"name":"SIMPLE","type":"level","intervals":[{"duration":"PT1M","value":1}]},{"name":"SIMPLE","type":"level","intervals":[{"duration":"PT2M","value":1}]}]}',
      "/signals/1/intervals",
    ],
    [
      "a signal type OpenADR does not have",
      '{"start":"now","signals":[{"name":"SIMPLE","type":"loud","intervals":[{"duration":"PT1M","value":1}]}]}',
      "/signals/0/type",
    ],
    ["empty targets", '{"start":"now","targets":{"venID":[]},"signals":[]}', "/targets/venID"],
    [
      "a payload that is not an event",
      '<oadrPoll xmlns="http://openadr.org/oadr-2.0b/2012/07"/>',
      "",
    ],
    [
      "an invalid oadrDistributeEvent",
      new TextDecoder()
        .decode(example("openadr2b-distribute-event.xml"))
        .replace("<ei:modificationNumber>0<", "<ei:modificationNumber>zero<"),
      "modificationNumber",
    ],
  ])("refuses %s, naming the path", (_name, text, path) => {
    const e = refusal(() => readEventInput(text, NOW));
    expect(e.code).toBe("invalid-event");
    expect(e.path).toContain(path);
    expect(e.message.length).toBeGreaterThan(10);
  });
});

const offering = (...rates: [string, string | undefined, string | undefined][]): OadrReportType =>
  ({
    reportRequestID: "0",
    reportSpecifierID: "r",
    createdDateTime: "2026-07-01T12:00:00Z",
    oadrReportDescription: rates.map(([rID, min, max]) => ({
      rID,
      reportType: "usage",
      readingType: "Direct Read",
      ...(min !== undefined && max !== undefined
        ? { oadrSamplingRate: { oadrMinPeriod: min, oadrMaxPeriod: max, oadrOnChange: false } }
        : {}),
    })),
  }) as OadrReportType;

describe("sampling rate negotiation", () => {
  it("uses the operator's rate when every data point admits it", () => {
    const r = negotiateRate(offering(["a", "PT1M", "PT1H"], ["b", "PT5M", "PT30M"]), {
      granularity: "PT15M",
      reportBackDuration: "PT1H",
    });
    expect([r.granularity, r.reportBackDuration]).toEqual(["PT15M", "PT1H"]);
  });

  it("picks the finest period every data point admits when none is asked for", () => {
    expect(negotiateRate(offering(["a", "PT1M", "PT1H"], ["b", "PT5M", "PT30M"])).granularity).toBe(
      "PT5M",
    );
    expect(negotiateRate(offering(["a", "PT10S", "PT10S"])).granularity).toBe("PT10S");
    expect(negotiateRate(offering(["a", "PT0S", "PT1M"])).granularity).toBe("PT1M");
  });

  it("refuses a rate outside an offer, with one reason per data point that does not admit it", () => {
    const e = refusal(() =>
      negotiateRate(offering(["a", "PT10S", "PT10S"], ["b", "PT1M", "PT1H"]), {
        granularity: "PT15M",
      }),
    );
    expect(e.code).toBe("no-sampling-rate");
    expect(e.path).toBe("/granularity");
    expect(e.reasons).toEqual(["a: offers only PT10S"]);
  });

  it("refuses data points with no common period, and offers that admit none", () => {
    const disjoint = refusal(() =>
      negotiateRate(offering(["a", "PT10S", "PT10S"], ["b", "PT1M", "PT1H"])),
    );
    expect(disjoint.code).toBe("no-sampling-rate");
    expect(disjoint.reasons).toEqual(["a: offers only PT10S", "b: offers PT1M to PT1H"]);
    // asking for one data point at a time works
    expect(
      negotiateRate(offering(["a", "PT10S", "PT10S"], ["b", "PT1M", "PT1H"]), { rIDs: ["b"] })
        .granularity,
    ).toBe("PT1M");
    const inverted = refusal(() => negotiateRate(offering(["a", "PT1H", "PT1M"])));
    expect(inverted.reasons).toEqual(["a: oadrMinPeriod PT1H, oadrMaxPeriod PT1M"]);
    const unbounded = refusal(() => negotiateRate(offering(["a", undefined, undefined])));
    expect(unbounded.message).toContain("give a granularity");
    expect(
      negotiateRate(offering(["a", undefined, undefined]), { granularity: "PT7M" }).granularity,
    ).toBe("PT7M");
  });

  it("refuses unknown data points, bad durations and a report back shorter than the granularity", () => {
    expect(
      refusal(() => negotiateRate(offering(["a", "PT1M", "PT1H"]), { rIDs: ["z"] })).path,
    ).toBe("/rIDs/0");
    expect(
      refusal(() => negotiateRate(offering(["a", "PT1M", "PT1H"]), { granularity: "P1M" })).path,
    ).toBe("/granularity");
    expect(
      refusal(() =>
        negotiateRate(offering(["a", "PT1M", "PT1H"]), {
          granularity: "PT5M",
          reportBackDuration: "PT1M",
        }),
      ).path,
    ).toBe("/reportBackDuration");
  });
});

describe("durations", () => {
  it.each([
    ["PT10S", 10],
    ["PT15M", 900],
    ["P1DT1H", 90_000],
    ["P2W", 1_209_600],
    ["PT0.5S", 0.5],
    ["-PT1M", -60],
  ])("%s is %d s and formats back", (text, seconds) => {
    expect(durationSeconds(text)).toBe(seconds);
    expect(durationSeconds(formatDuration(seconds))).toBe(seconds);
  });
  it.each(["P1M", "P1Y", "PT", "P", "10s", "PT1H2"])("%s is refused", (text) => {
    expect(durationSeconds(text)).toBeUndefined();
  });
});
