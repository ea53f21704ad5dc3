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
          interval("a", {
            "related-to": [rel({ text: "b" }, { reltype: [{ text: "FINISHTOSTART" }] })],
          }),
          interval("b"),
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
  it("a vtodo with due and no duration ends at its due (RFC 5545 §3.8.2.3)", () => {
    const todo = (props: Props) => cal({ vtodo: [{ properties: { uid: uid("t"), ...props } }] });
    const r = resolveDocument(
      todo({
        dtstart: [{ "date-time": "2026-06-01T08:00:00Z" }],
        due: [{ "date-time": "2026-06-01T09:30:00Z" }],
        summary: [{ text: "charge" }],
      }),
    ).schedules[0]?.intervals[0];
    expect([r?.start, r?.end, r?.duration]).toEqual([
      "2026-06-01T08:00:00Z",
      "2026-06-01T09:30:00Z",
      "PT1H30M",
    ]);
    expect(r?.properties).toEqual({ summary: [{ text: "charge" }] });
    // due with a tzid, and a Gluon-given duration placing the start before it
    const fromGluon = resolveDocument(
      cal({
        gluon: [
          {
            properties: {
              uid: uid("g"),
              duration: [{ duration: "PT2H" }],
              "related-to": [rel({ text: "t" }, { reltype: [{ text: "CHILD" }] })],
            },
          },
        ],
        vtodo: [
          {
            properties: {
              uid: uid("t"),
              due: [
                {
                  parameters: { tzid: [{ text: "Europe/Berlin" }] },
                  "date-time": "2026-06-01T18:00:00",
                },
              ],
            },
          },
        ],
      }),
    ).schedules[0]?.intervals[0];
    expect([fromGluon?.start, fromGluon?.end]).toEqual([
      "2026-06-01T16:00:00+02:00",
      "2026-06-01T18:00:00+02:00",
    ]);
    expect(
      issue(() =>
        resolveDocument(
          todo({
            dtstart: [{ "date-time": "2026-06-01T08:00:00Z" }],
            due: [{ "date-time": "2026-06-01T09:30:00Z" }],
            duration: [{ duration: "PT1H" }],
          }),
        ),
      ),
    ).toMatchObject({
      code: "conflicting-times",
      path: "/xcal:vcalendar/components/vtodo/0/properties/due/0",
    });
    expect(
      issue(() =>
        resolveDocument(
          todo({
            dtstart: [{ "date-time": "2026-06-01T08:00:00Z" }],
            due: [{ "date-time": "2026-06-01T07:30:00Z" }],
          }),
        ),
      ),
    ).toMatchObject({ code: "conflicting-times", path: "/xcal:vcalendar/components/vtodo/0" });
  });
  it("a component without uid is refused, naming its properties", () => {
    expect(issue(() => resolveDocument(cal({ interval: [{}] })))).toMatchObject({
      code: "unbound",
      path: "/xcal:vcalendar/components/interval/0/properties",
    });
  });
});
