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
  const base = (rel: string, gap?: string): Calendar => ({
    components: [
      gl("g", {
        dtstart: { value: "2026-01-01T00:00:00Z" },
        relatedTo: [{ uid: "a", reltype: "CHILD", path: "/g/r" }],
      }),
      iv("a", { duration: "PT1H" }),
      iv("b", {
        duration: "PT30M",
        relatedTo: [{ uid: "a", reltype: rel as never, path: "/b/r", ...(gap ? { gap } : {}) }],
      }),
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
    // b ends when a starts: b comes first
    expect(times("STARTTOFINISH")[0]).toBe("b 2025-12-31T23:30:00Z 2026-01-01T00:00:00Z");
  });
  it("a negative gap overlaps", () => {
    expect(times("FINISHTOSTART", "-PT15M")[1]).toBe("b 2026-01-01T00:45:00Z 2026-01-01T01:15:00Z");
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
      iv("d", { properties: { price: "12" } }),
      iv("e", {
        relatedTo: [{ uid: "d", reltype: "FINISHTOSTART", path: "/e/r" }],
        duration: "PT2H",
      }),
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
  it("a local time skipped by spring-forward is an error; an unknown tzid is an error", () => {
    expect(
      code(
        buildSequence({
          start: { value: "2026-03-08T02:30:00", tzid: "America/New_York" },
          count: 1,
          duration: "PT1H",
        }),
      ),
    ).toBe("bad-date-time @ /intervals/0/dtstart");
    expect(
      code(
        buildSequence({
          start: { value: "2026-03-08T02:30:00", tzid: "Mars/Olympus" },
          count: 1,
          duration: "PT1H",
        }),
      ),
    ).toBe("bad-time-zone @ /intervals/0/dtstart");
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
