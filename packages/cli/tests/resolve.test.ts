import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, run } from "./helpers.js";

const vector = (p: string) => join(REPO, "conformance/ws-calendar", p);

describe("transactive resolve", () => {
  it("prints the resolved schedule of an OpenADR event as JSON", async () => {
    const r = await run(["resolve", vector("openadr/event-sequence.xml")]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(
      out.schedules[0].intervals.map((i: { uid: string; start: string; end: string }) => [
        i.uid,
        i.start,
        i.end,
      ]),
    ).toEqual([
      ["0", "2026-07-01T18:00:00Z", "2026-07-01T18:15:00Z"],
      ["1", "2026-07-01T18:15:00Z", "2026-07-01T18:30:00Z"],
      ["2", "2026-07-01T18:30:00Z", "2026-07-01T18:45:00Z"],
    ]);
    expect(out.schedules[0].intervals[0].properties["x-eiNotification"]).toEqual({
      duration: "P1D",
    });
  });
  it("reads JSON too (xCal with time zones)", async () => {
    const r = await run(["resolve", vector("xcal/spring-forward.json")]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).schedules[0].intervals[0].end).toBe("2026-03-08T05:00:00-04:00");
  });
  it("a resolution error: its path on stderr, exit 1", async () => {
    const r = await run(["resolve", vector("openadr/event-partition-mismatch.xml")]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("/eiEvent/eiActivePeriod: the Intervals fill PT45M");
    expect(r.stderr).toContain("[partition-mismatch]");
  });
  it("an invalid document: the codec's issues, exit 1", async () => {
    const r = await run(
      ["resolve", "-"],
      "<xcal:vcalendar xmlns:xcal='urn:ietf:params:xml:ns:icalendar-2.0'><xcal:bogus/></xcal:vcalendar>",
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^-: /);
  });
  it("usage errors exit 2", async () => {
    expect((await run(["resolve"])).code).toBe(2);
    expect((await run(["resolve", "a.xml", "b.xml"])).code).toBe(2);
    expect((await run(["resolve", "/nonexistent/file.xml"])).code).toBe(2);
    expect((await run(["resolve", "--profile", "nope", "x.xml"])).code).toBe(2);
  });
});
