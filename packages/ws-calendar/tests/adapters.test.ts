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
