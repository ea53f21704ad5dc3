import { describe, expect, it } from "vitest";
import { ResolutionError, resolveDocument } from "../src/index.js";

describe("CTS 2016 Streams adapter", () => {
  // a streams:StreamBase-shaped value inside a CTS artifact that gives the start
  const doc = (streamDuration: string | undefined, productStart = "2026-09-01T14:00:00Z") => ({
    profile: "cts",
    element: "emix:product",
    value: {
      dtStart: { dateTime: productStart },
      duration: "PT1H",
      stream: {
        ...(streamDuration ? { duration: streamDuration } : {}),
        intervals: { streamInterval: [{ uid: "a" }, { uid: "b" }, { uid: "c" }, { uid: "d" }] },
      },
    },
  });
  it("the stream's duration is every interval's; the artifact's start binds the first", () => {
    const r = resolveDocument(doc("PT15M")).schedules[0]?.intervals ?? [];
    expect(r.map((i) => `${i.uid} ${i.start}`)).toEqual([
      "a 2026-09-01T14:00:00Z",
      "b 2026-09-01T14:15:00Z",
      "c 2026-09-01T14:30:00Z",
      "d 2026-09-01T14:45:00Z",
    ]);
  });
  it("intervals that do not fill the artifact's duration, or have no duration, are refused", () => {
    expect(() => resolveDocument(doc("PT10M"))).toThrow(ResolutionError);
    expect(() => resolveDocument(doc(undefined))).toThrow(/no duration/);
  });
});

describe("xCal adapter (WS-Calendar interval and gluon components)", () => {
  type Props = Record<string, unknown>;
  const uid = (u: string) => [{ text: u }];
  const rel = (target: Props, parameters?: Props) => ({
    ...(parameters ? { parameters } : {}),
    ...target,
  });
  const cal = (components: Props) => ({
    profile: "xcal",
    element: "xcal:vcalendar",
    value: { components },
  });
  const gluon = (props: Props, components?: Props) => ({
    properties: { uid: uid("g"), dtstart: [{ "date-time": "2026-06-01T08:00:00Z" }], ...props },
    ...(components ? { components } : {}),
  });
  const interval = (u: string, props: Props = {}) => ({
    properties: { uid: uid(u), duration: [{ duration: "PT1H" }], ...props },
  });
  const issue = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      if (e instanceof ResolutionError) return e.issues[0];
      throw e;
    }
    throw new Error("no ResolutionError");
  };

  it("related-to without reltype is PARENT (RFC 5545): the Interval names its Gluon", () => {
    const r = resolveDocument(
      cal({ gluon: [gluon({})], interval: [interval("a", { "related-to": [rel({ uid: "g" })] })] }),
    );
    expect(r.schedules[0]?.intervals.map((i) => [i.uid, i.start, i.boundBy])).toEqual([
      ["a", "2026-06-01T08:00:00Z", "g"],
    ]);
  });
  it("components nested in a Gluon are read with their paths", () => {
    const r = resolveDocument(
      cal({
        gluon: [
          gluon(
            { "related-to": [rel({ text: "a" }, { reltype: [{ text: "CHILD" }] })] },
            {
              interval: [interval("a")],
            },
          ),
        ],
      }),
    );
    expect(r.schedules[0]?.intervals[0]?.path).toBe(
      "/xcal:vcalendar/components/gluon/0/components/interval/0",
    );
  });
  it("a reltype without scheduling meaning, a URI reference and a gap on PARENT are refused", () => {
    const withRel = (r: Props) =>
      cal({ gluon: [gluon({})], interval: [interval("a", { "related-to": [r] })] });
    expect(
      issue(() => resolveDocument(withRel(rel({ text: "g" }, { reltype: [{ text: "SIBLING" }] })))),
    ).toMatchObject({
      code: "not-supported",
      path: "/xcal:vcalendar/components/interval/0/properties/related-to/0/parameters/reltype/0",
    });
    expect(
      issue(() => resolveDocument(withRel(rel({ uri: "https://x.example/g" })))),
    ).toMatchObject({
      code: "not-supported",
      path: "/xcal:vcalendar/components/interval/0/properties/related-to/0",
    });
    expect(
      issue(() => resolveDocument(withRel(rel({ text: "g" }, { gap: [{ duration: "PT5M" }] })))),
    ).toMatchObject({ code: "bad-relation" });
    expect(
      issue(() =>
        resolveDocument(
          withRel(rel({ text: "g" }, { reltype: [{ text: "PARENT" }], gap: [{ duration: "5M" }] })),
        ),
      ),
    ).toMatchObject({ code: "bad-duration" });
  });
  it("a Gluon with dtstart and dtend is a Partition window the Sequence must fill", () => {
    const window = (end: string) =>
      cal({
        gluon: [
          gluon({
            dtend: [{ "date-time": end }],
            "related-to": [rel({ text: "a" }, { reltype: [{ text: "CHILD" }] })],
          }),
        ],
        interval: [
          interval("a"),
          interval("b", {
            "related-to": [rel({ text: "a" }, { reltype: [{ text: "FINISHTOSTART" }] })],
          }),
        ],
      });
    expect(resolveDocument(window("2026-06-01T10:00:00Z")).schedules[0]?.intervals).toHaveLength(2);
    expect(issue(() => resolveDocument(window("2026-06-01T09:00:00Z")))).toMatchObject({
      code: "partition-mismatch",
      path: "/xcal:vcalendar/components/gluon/0",
    });
    expect(issue(() => resolveDocument(window("2026-06-01T07:00:00Z")))).toMatchObject({
      code: "conflicting-times",
    });
  });
  it("a component without uid is refused, naming its properties", () => {
    expect(issue(() => resolveDocument(cal({ interval: [{}] })))).toMatchObject({
      code: "unbound",
      path: "/xcal:vcalendar/components/interval/0/properties",
    });
  });
});
