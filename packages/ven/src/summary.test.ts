import { describe, expect, it } from "vitest";
import { formatSummary, parseSummary } from "./summary.js";

describe("the summary line", () => {
  it("is written and read back in the documented shape", () => {
    const line = formatSummary({
      registered: true,
      eventsReceived: 3,
      eventsOptedIn: 2,
      reportsSent: 7,
    });
    expect(line).toBe("registered: yes, events: 3 received / 2 opted in, reports: 7 sent");
    expect(parseSummary(`noise\n${line}\n`)).toEqual({
      registered: true,
      eventsReceived: 3,
      eventsOptedIn: 2,
      reportsSent: 7,
    });
    expect(
      parseSummary("registered: maybe, events: 1 received / 0 opted in, reports: 0 sent"),
    ).toBeUndefined();
  });
});
