import { describe, expect, it } from "vitest";
import {
  buildSequence,
  type Calendar,
  type Component,
  ResolutionError,
  resolve,
} from "../src/index.js";

const iv = (uid: string, extra: Partial<Component> = {}): Component =>
  ({ kind: "interval", uid, path: `/${uid}`, ...extra }) as Component;
const gl = (uid: string, extra: Partial<Component> = {}): Component =>
  ({ kind: "gluon", uid, path: `/${uid}`, ...extra }) as Component;

function code(cal: Calendar): string {
  try {
    resolve(cal);
  } catch (e) {
    if (e instanceof ResolutionError) return `${e.issues[0]?.code} @ ${e.issues[0]?.path}`;
    throw e;
  }
  return "resolved";
}

describe("binding along the four temporal relations", () => {
  // RFC 9253: the component carrying related-to (a) is the predecessor, the uid it names (b) the
  // successor, and the gap the lag from a to b
  const base = (rel: string, gap?: string): Calendar => ({
    components: [
      gl("g", {
        dtstart: { value: "2026-01-01T00:00:00Z" },
        relatedTo: [{ uid: "a", reltype: "CHILD", path: "/g/r" }],
      }),
      iv("a", {
        duration: "PT1H",
        relatedTo: [{ uid: "b", reltype: rel as never, path: "/a/r", ...(gap ? { gap } : {}) }],
      }),
      iv("b", { duration: "PT30M" }),
    ],
  });
  const times = (rel: string, gap?: string) =>
    resolve(base(rel, gap)).intervals.map((i) => `${i.uid} ${i.start} ${i.end}`);
  it("FINISHTOSTART: b starts when a ends, plus the gap", () => {
    expect(times("FINISHTOSTART")).toEqual([
      "a 2026-01-01T00:00:00Z 2026-01-01T01:00:00Z",
      "b 2026-01-01T01:00:00Z 2026-01-01T01:30:00Z",
    ]);
    expect(times("FINISHTOSTART", "PT15M")[1]).toBe("b 2026-01-01T01:15:00Z 2026-01-01T01:45:00Z");
  });
  it("STARTTOSTART, FINISHTOFINISH, STARTTOFINISH", () => {
    expect(times("STARTTOSTART", "PT10M")[1]).toBe("b 2026-01-01T00:10:00Z 2026-01-01T00:40:00Z");
    expect(times("FINISHTOFINISH")).toContain("b 2026-01-01T00:30:00Z 2026-01-01T01:00:00Z");
    expect(times("FINISHTOFINISH", "PT20M")).toContain(
      "b 2026-01-01T00:50:00Z 2026-01-01T01:20:00Z",
    );
    // b ends when a starts: b comes first
    expect(times("STARTTOFINISH")[0]).toBe("b 2025-12-31T23:30:00Z 2026-01-01T00:00:00Z");
    expect(times("STARTTOFINISH", "PT45M")).toContain(
      "b 2026-01-01T00:15:00Z 2026-01-01T00:45:00Z",
    );
  });
  it("a negative gap overlaps", () => {
    expect(times("FINISHTOSTART", "-PT15M")[1]).toBe("b 2026-01-01T00:45:00Z 2026-01-01T01:15:00Z");
  });
  it("direction (RFC 9253: paint the room, then lay the carpet): the carrier comes first", () => {
    const job = (bound: "paint" | "carpet"): string[] =>
      resolve({
        components: [
          gl("g", {
            dtstart: { value: "2026-01-05T09:00:00Z" },
            relatedTo: [{ uid: bound, reltype: "CHILD", path: "/g/r" }],
          }),
          iv("paint", {
            duration: "PT8H",
            relatedTo: [{ uid: "carpet", reltype: "FINISHTOSTART", gap: "P1D", path: "/paint/r" }],
          }),
          iv("carpet", { duration: "PT4H" }),
        ],
      }).intervals.map((i) => `${i.uid} ${i.start} ${i.end}`);
    // painting bound: the carpet is laid a day after the paint is finished
    expect(job("paint")).toEqual([
      "paint 2026-01-05T09:00:00Z 2026-01-05T17:00:00Z",
      "carpet 2026-01-06T17:00:00Z 2026-01-06T21:00:00Z",
    ]);
    // the carpet bound: painting is placed before it, not after
    expect(job("carpet")).toEqual([
      "paint 2026-01-04T01:00:00Z 2026-01-04T09:00:00Z",
      "carpet 2026-01-05T09:00:00Z 2026-01-05T13:00:00Z",
    ]);
  });
  it("a relation carried by the later-listed Interval makes it the predecessor", () => {
    // b names a: b is first, whatever the document order
    const cal: Calendar = {
      components: [
        gl("g", {
          dtstart: { value: "2026-01-01T00:00:00Z" },
          relatedTo: [{ uid: "a", reltype: "CHILD", path: "/g/r" }],
        }),
        iv("a", { duration: "PT1H" }),
        iv("b", {
          duration: "PT30M",
          relatedTo: [{ uid: "a", reltype: "FINISHTOSTART", gap: "PT15M", path: "/b/r" }],
        }),
      ],
    };
    expect(resolve(cal).intervals.map((i) => `${i.uid} ${i.start} ${i.end}`)).toEqual([
      "b 2025-12-31T23:15:00Z 2025-12-31T23:45:00Z",
      "a 2026-01-01T00:00:00Z 2026-01-01T01:00:00Z",
    ]);
  });
  it("binds backwards from a Designated Interval in the middle, and from a dtend", () => {
    const cal = buildSequence({ start: "2026-01-01T00:00:00Z", count: 5, duration: "PT15M" });
    const moved: Calendar = {
      components: cal.components.map((c) =>
        c.kind === "gluon"
          ? {
              ...c,
              dtstart: undefined,
              dtend: { value: "2026-01-01T12:00:00Z" },
              relatedTo: [{ uid: "interval-2", reltype: "CHILD", path: "/g" }],
            }
          : c,
      ) as Component[],
    };
    const r = resolve(moved).intervals;
    expect(r.map((i) => i.start)).toEqual([
      "2026-01-01T11:15:00Z",
      "2026-01-01T11:30:00Z",
      "2026-01-01T11:45:00Z",
      "2026-01-01T12:00:00Z",
      "2026-01-01T12:15:00Z",
    ]);
  });
});

describe("inheritance along the lineage", () => {
  const cal: Calendar = {
    components: [
      gl("top", {
        properties: { tolerance: "T", summary: "top" },
        relatedTo: [{ uid: "mid", reltype: "CHILD", path: "/top/r" }],
      }),
      gl("mid", {
        dtstart: { value: "2026-05-01T08:00:00", tzid: "Europe/Paris" },
        duration: "PT1H",
        properties: { summary: "mid", price: "10" },
        relatedTo: [{ uid: "d", reltype: "CHILD", path: "/mid/r" }],
      }),
      iv("d", {
        properties: { price: "12" },
        relatedTo: [{ uid: "e", reltype: "FINISHTOSTART", path: "/d/r" }],
      }),
      iv("e", { duration: "PT2H" }),
    ],
  };
  const r = resolve(cal).intervals;
  it("the nearest Gluon wins, the Interval's own value overrides", () => {
    expect(r[0]?.properties).toEqual({ tolerance: "T", summary: "mid", price: "12" });
  });
  it("the rest of the Sequence gets what the Gluons passed, not the Designated Interval's own values", () => {
    expect(r[1]?.properties).toEqual({ tolerance: "T", summary: "mid", price: "10" });
    expect(r[1]?.duration).toBe("PT2H");
  });
  it("time and zone come from the Gluon chain", () => {
    expect(r.map((i) => [i.start, i.end])).toEqual([
      ["2026-05-01T08:00:00+02:00", "2026-05-01T09:00:00+02:00"],
      ["2026-05-01T09:00:00+02:00", "2026-05-01T11:00:00+02:00"],
    ]);
    expect(r[0]?.boundBy).toBe("mid");
  });
  it("uid and related-to are never inherited", () => {
    const withUid = resolve({
      components: [
        gl("g", {
          dtstart: { value: "2026-01-01T00:00:00Z" },
          duration: "PT1H",
          properties: { uid: "x", "related-to": "y", k: 1 },
          relatedTo: [{ uid: "i", reltype: "CHILD", path: "/g" }],
        }),
        iv("i"),
      ],
    }).intervals[0];
    expect(withUid?.properties).toEqual({ k: 1 });
    expect(withUid?.uid).toBe("i");
  });
});

describe("time zones and daylight saving", () => {
  const day = (start: string, tzid: string, dur: string, count: number) =>
    resolve(buildSequence({ start: { value: start, tzid }, count, duration: dur })).intervals;
  it("spring forward (America/New_York, 2026-03-08): hours are exact, a day is 23 hours", () => {
    const r = day("2026-03-08T01:00:00", "America/New_York", "PT1H", 3);
    expect(r.map((i) => i.start)).toEqual([
      "2026-03-08T01:00:00-05:00",
      "2026-03-08T03:00:00-04:00",
      "2026-03-08T04:00:00-04:00",
    ]);
    const d = day("2026-03-08T00:00:00", "America/New_York", "P1D", 1)[0];
    expect(d ? (d.endMs - d.startMs) / 3_600_000 : 0).toBe(23);
  });
  it("fall back (Europe/Berlin, 2026-10-25): a day is 25 hours, 02:30 is taken at its first occurrence", () => {
    const d = day("2026-10-25T00:00:00", "Europe/Berlin", "P1D", 1)[0];
    expect(d ? (d.endMs - d.startMs) / 3_600_000 : 0).toBe(25);
    const r = day("2026-10-25T02:30:00", "Europe/Berlin", "PT1H", 2);
    expect(r.map((i) => i.start)).toEqual([
      "2026-10-25T02:30:00+02:00",
      "2026-10-25T02:30:00+01:00",
    ]);
  });
  const startOf = (value: string, tzid: string): string => {
    const i = day(value, tzid, "PT15M", 1)[0];
    return i ? new Date(i.startMs).toISOString() : "";
  };
  it("a local time skipped by spring-forward takes the offset from before the gap (RFC 5545 §3.3.5)", () => {
    // 02:30 does not exist in New York on 2026-03-08: read at -05:00, it is 07:30Z (03:30 EDT)
    const r = day("2026-03-08T02:30:00", "America/New_York", "PT1H", 2);
    expect(r.map((i) => [i.start, i.end])).toEqual([
      ["2026-03-08T03:30:00-04:00", "2026-03-08T04:30:00-04:00"],
      ["2026-03-08T04:30:00-04:00", "2026-03-08T05:30:00-04:00"],
    ]);
    // Lord Howe Island moves 30 minutes forward at 02:00 (+10:30 -> +11:00)
    expect(startOf("2026-10-04T02:15:00", "Australia/Lord_Howe")).toBe("2026-10-03T15:45:00.000Z");
    // Troll moves 2 hours forward at 01:00Z (+00:00 -> +02:00): 02:30 is read at +00:00
    expect(startOf("2026-03-29T01:00:00", "Antarctica/Troll")).toBe("2026-03-29T01:00:00.000Z");
    expect(startOf("2026-03-29T02:30:00", "Antarctica/Troll")).toBe("2026-03-29T02:30:00.000Z");
    expect(startOf("2026-03-29T03:00:00", "Antarctica/Troll")).toBe("2026-03-29T01:00:00.000Z");
  });
  it("a local time that occurs twice is the first occurrence, for shifts of 30 minutes, 1 and 2 hours", () => {
    // Lord Howe 2026-04-05: 02:00 +11:00 goes back to 01:30 +10:30; 01:30 to 02:00 happen twice
    expect(startOf("2026-04-05T01:30:00", "Australia/Lord_Howe")).toBe("2026-04-04T14:30:00.000Z");
    expect(startOf("2026-04-05T01:45:00", "Australia/Lord_Howe")).toBe("2026-04-04T14:45:00.000Z");
    expect(startOf("2026-04-05T02:00:00", "Australia/Lord_Howe")).toBe("2026-04-04T15:30:00.000Z");
    // Troll 2026-10-25: 03:00 +02:00 goes back to 01:00 +00:00; 01:00 to 03:00 happen twice
    expect(startOf("2026-10-25T01:00:00", "Antarctica/Troll")).toBe("2026-10-24T23:00:00.000Z");
    expect(startOf("2026-10-25T02:00:00", "Antarctica/Troll")).toBe("2026-10-25T00:00:00.000Z");
    expect(startOf("2026-10-25T02:59:59", "Antarctica/Troll")).toBe("2026-10-25T00:59:59.000Z");
    expect(startOf("2026-10-25T03:00:00", "Antarctica/Troll")).toBe("2026-10-25T03:00:00.000Z");
    // New York 2026-11-01: 01:30 is 05:30Z (EDT), not 06:30Z (EST)
    expect(startOf("2026-11-01T01:30:00", "America/New_York")).toBe("2026-11-01T05:30:00.000Z");
  });
  it("an unknown tzid and a malformed local time are errors", () => {
    expect(
      code(
        buildSequence({
          start: { value: "2026-03-08T02:30:00", tzid: "Mars/Olympus" },
          count: 1,
          duration: "PT1H",
        }),
      ),
    ).toBe("bad-time-zone @ /intervals/0/dtstart");
    expect(
      code(
        buildSequence({
          start: { value: "2026-02-30T02:30:00", tzid: "Europe/Berlin" },
          count: 1,
          duration: "PT1H",
        }),
      ),
    ).toBe("bad-date-time @ /intervals/0/dtstart");
  });
});

describe("what cannot be resolved", () => {
  it("a cycle in the relations", () => {
    expect(
      code({
        components: [
          iv("a", {
            duration: "PT1H",
            relatedTo: [{ uid: "b", reltype: "FINISHTOSTART", path: "/a/r" }],
          }),
          iv("b", {
            duration: "PT1H",
            relatedTo: [{ uid: "a", reltype: "FINISHTOSTART", path: "/b/r" }],
          }),
        ],
      }),
    ).toBe("relation-cycle @ /a");
  });
  it("a relation to an unknown uid", () => {
    expect(
      code({
        components: [
          iv("a", { relatedTo: [{ uid: "nope", reltype: "FINISHTOSTART", path: "/a/r" }] }),
        ],
      }),
    ).toBe("unknown-uid @ /a/r");
  });
  it("conflicting times", () => {
    expect(
      code({
        components: [
          iv("a", { dtstart: { value: "2026-01-01T00:00:00Z" }, duration: "PT1H" }),
          iv("b", {
            dtstart: { value: "2026-01-01T02:00:00Z" },
            duration: "PT1H",
            relatedTo: [{ uid: "a", reltype: "FINISHTOSTART", path: "/b/r" }],
          }),
        ],
      }),
    ).toBe("conflicting-times @ /b/r");
    expect(
      code({
        components: [
          iv("a", {
            dtstart: { value: "2026-01-01T00:00:00Z" },
            dtend: { value: "2026-01-01T02:00:00Z" },
            duration: "PT1H",
          }),
        ],
      }),
    ).toBe("conflicting-times @ /a");
  });
  it("a Sequence with two Designated Intervals", () => {
    const cal = buildSequence({ start: "2026-01-01T00:00:00Z", count: 3, duration: "PT1H" });
    const extra = gl("g2", {
      dtstart: { value: "2026-01-01T00:00:00Z" },
      relatedTo: [{ uid: "interval-2", reltype: "CHILD", path: "/g2/r" }],
    });
    expect(code({ components: [...cal.components, extra] })).toBe(
      "two-designated-intervals @ /intervals/2",
    );
  });
  it("durations that do not fit the partition", () => {
    const cal = buildSequence({ start: "2026-01-01T00:00:00Z", count: 3, duration: "PT1H" });
    const [g, ...rest] = cal.components;
    expect(
      code({ components: [{ ...(g as Component), span: "PT2H" } as Component, ...rest] }),
    ).toBe("partition-mismatch @ /gluon");
    expect(
      code({ components: [{ ...(g as Component), span: "PT3H" } as Component, ...rest] }),
    ).toBe("resolved");
  });
  it("an unbound Sequence, a missing duration, a duplicate uid, a lineage cycle, a bad duration", () => {
    expect(code({ components: [iv("a", { duration: "PT1H" })] })).toBe("unbound @ /a");
    expect(
      code({
        components: [
          gl("g", {
            dtstart: { value: "2026-01-01T00:00:00Z" },
            relatedTo: [{ uid: "a", reltype: "CHILD", path: "/g/r" }],
          }),
          iv("a"),
        ],
      }),
    ).toBe("missing-duration @ /a");
    expect(code({ components: [iv("a"), iv("a")] })).toBe("duplicate-uid @ /a");
    expect(
      code({
        components: [
          gl("g", { relatedTo: [{ uid: "h", reltype: "PARENT", path: "/g/r" }] }),
          gl("h", { relatedTo: [{ uid: "g", reltype: "PARENT", path: "/h/r" }] }),
        ],
      }),
    ).toBe("lineage-cycle @ /g");
    expect(
      code(
        buildSequence({ start: "2026-01-01T00:00:00Z", count: 1, duration: "PT1H" }).components
          .length
          ? {
              components: [
                iv("a", { dtstart: { value: "2026-01-01T00:00:00Z" }, duration: "1 hour" }),
              ],
            }
          : { components: [] },
      ),
    ).toBe("bad-duration @ /a");
  });
});
