import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeXml, encodeXml, validate } from "@transactive/codec";
import { hasXmllint, oasisDir, xmllintValidate, xsdFor } from "@transactive/conformance";
import { registry as eiRegistry } from "@transactive/ei";
import { describe, expect, it } from "vitest";
import {
  buildSequence,
  fromICalendar,
  ResolutionError,
  registry,
  resolve,
  schedulesOf,
  toICalendar,
  toLuxonInterval,
  toStreamIntervals,
  toVcalendar,
} from "../src/index.js";

const day = buildSequence({
  start: { value: "2026-03-08T00:00:00", tzid: "America/New_York" },
  count: 24,
  duration: "PT15M",
});
const schedule = resolve(day);
const dir = mkdtempSync(join(tmpdir(), "wscal-build-"));
const oracle = (await hasXmllint()) && existsSync(oasisDir());

// the first document of a profile compiles its codec plan: generous time on a busy machine
describe("builders", { timeout: 60_000 }, () => {
  it("a 24-interval sequence of 15-minute intervals in one call", () => {
    expect(schedule.intervals).toHaveLength(24);
    expect(schedule.intervals[0]?.start).toBe("2026-03-08T00:00:00-05:00");
    // six exact hours after 00:00 EST, across the spring-forward change: 07:00 EDT
    expect(schedule.intervals[23]?.end).toBe("2026-03-08T07:00:00-04:00");
  });
  it("xCal vcalendar: valid generated structure, round-trips through XML, resolves to the same schedule", () => {
    const value = toVcalendar(schedule);
    const doc = { profile: "xcal", element: "xcal:vcalendar", value };
    expect(validate(registry, doc)).toEqual([]);
    const xml = encodeXml(registry, doc);
    writeFileSync(join(dir, "vcalendar.xml"), xml);
    const back = decodeXml(registry, xml);
    expect(back.value).toEqual(value);
    const again = resolve(
      (schedulesOf(back)[0] as { calendar: Parameters<typeof resolve>[0] }).calendar,
    );
    expect(again.intervals.map((i) => [i.uid, i.start, i.end])).toEqual(
      schedule.intervals.map((i) => [i.uid, i.start, i.end]),
    );
  });
  it("OpenADR strm:intervals: valid generated structure", () => {
    const value = toStreamIntervals("PT15M", [1, 2, 3]);
    const doc = { profile: "openadr2b", element: "strm:intervals", value };
    expect(validate(eiRegistry, doc)).toEqual([]);
    writeFileSync(join(dir, "intervals.xml"), encodeXml(eiRegistry, doc));
  });
  it("refuses bad input with a clear error", () => {
    expect(() =>
      buildSequence({ start: "2026-01-01T00:00:00Z", count: 0, duration: "PT1H" }),
    ).toThrow(/count/);
    expect(() =>
      buildSequence({ start: "2026-01-01T00:00:00Z", count: 2, duration: "an hour" }),
    ).toThrow(/duration/);
  });
  it.skipIf(!oracle && process.env.CI !== "true")(
    "what the builders encode is valid against the official XSDs",
    async () => {
      const x = await xmllintValidate(await xsdFor("xcal"), [join(dir, "vcalendar.xml")]);
      expect(x.get(join(dir, "vcalendar.xml"))?.valid).toBe(true);
      const o = await xmllintValidate(await xsdFor("openadr2b"), [join(dir, "intervals.xml")]);
      expect(o.get(join(dir, "intervals.xml"))?.valid).toBe(true);
    },
  );
});

describe("conversions", () => {
  it("luxon Interval in the interval's zone", () => {
    const l = toLuxonInterval(schedule.intervals[8] as (typeof schedule.intervals)[number]);
    expect(l.start?.zoneName).toBe("America/New_York");
    expect(l.length("minutes")).toBe(15);
    // 00:00 EST + 2h is 07:00Z, which is 03:00 EDT: the clocks skipped 02:00-03:00
    expect(l.start?.toISO()).toBe("2026-03-08T03:00:00.000-04:00");
  });
  it("iCalendar text round trip: the same schedule", () => {
    const text = toICalendar(schedule);
    expect(text).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(text).toContain("DTSTART;TZID=America/New_York:20260308T033000");
    const again = resolve(fromICalendar(text));
    expect(again.intervals.map((i) => [i.uid, i.start, i.end])).toEqual(
      schedule.intervals.map((i) => [i.uid, i.start, i.end]),
    );
  });
  it("iCalendar RELATED-TO with RELTYPE and GAP (RFC 9253) binds a sequence", () => {
    const ics = [
      "BEGIN:VCALENDAR",
      "BEGIN:VEVENT",
      "UID:a",
      "DTSTART:20260101T090000Z",
      "DURATION:PT1H",
      "RELATED-TO;RELTYPE=FINISHTOSTART;GAP=PT15M:b",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:b",
      "DURATION:PT30M",
      "END:VEVENT",
      "END:VCALENDAR",
    ].join("\r\n");
    expect(resolve(fromICalendar(ics)).intervals.map((i) => i.start)).toEqual([
      "2026-01-01T09:00:00Z",
      "2026-01-01T10:15:00Z",
    ]);
    expect(() => fromICalendar("BEGIN:VEVENT\r\nUID:x\r\n")).toThrow(/not closed/);
  });
  it("iCalendar VTODO: DUE without DURATION is its end (RFC 5545 §3.8.2.3)", () => {
    const todo = (...lines: string[]) =>
      ["BEGIN:VCALENDAR", "BEGIN:VTODO", "UID:t", ...lines, "END:VTODO", "END:VCALENDAR"].join(
        "\r\n",
      );
    const r = resolve(
      fromICalendar(
        todo(
          "DTSTART;TZID=America/New_York:20260601T080000",
          "DUE;TZID=America/New_York:20260601T094500",
        ),
      ),
    ).intervals[0];
    expect([r?.start, r?.end, r?.duration]).toEqual([
      "2026-06-01T08:00:00-04:00",
      "2026-06-01T09:45:00-04:00",
      "PT1H45M",
    ]);
    let err: unknown;
    try {
      fromICalendar(todo("DTSTART:20260601T080000Z", "DUE:20260601T090000Z", "DURATION:PT1H"));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ResolutionError);
    expect((err as ResolutionError).issues[0]).toMatchObject({
      code: "conflicting-times",
      path: "line 5",
    });
    // a VEVENT has no DUE: it is a property like any other, not an end
    const ev = fromICalendar(
      [
        "BEGIN:VEVENT",
        "UID:e",
        "DTSTART:20260601T080000Z",
        "DUE:20260601T090000Z",
        "END:VEVENT",
      ].join("\r\n"),
    ).components[0];
    expect(ev?.dtend).toBeUndefined();
    expect(ev?.properties).toEqual({ due: "20260601T090000Z" });
    expect(() =>
      fromICalendar("BEGIN:VEVENT\r\nRELATED-TO;RELTYPE=SIBLING:x\r\nEND:VEVENT"),
    ).toThrow(/SIBLING/);
  });
});
