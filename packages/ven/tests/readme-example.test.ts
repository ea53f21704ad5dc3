/**
 * The README "Example" section, as a test: it must type-check (`npm run typecheck`) and do what
 * its comments say. Keep the two in step.
 */
import { createReferenceDispatcher, type ReferenceVtn } from "@transactive/ei/reference";
import { startEiServer } from "@transactive/ei-node";
import { describe, expect, it } from "vitest";
import { formatSummary, lineLogger, optBySignal, startVen } from "../src/index.js";

describe("README example", { timeout: 120_000 }, () => {
  it("registers a VEN with the reference VTN and serves a report request", async () => {
    const dispatcher = createReferenceDispatcher({ profile: "openadr2b", pollFrequency: "PT1S" });
    const vtn = dispatcher.reference as ReferenceVtn;
    const server = await startEiServer({ dispatcher, port: 0 });
    const warnings: string[] = [];
    const ven = await startVen({
      vtnUrl: server.url,
      venName: "example-ven",
      opt: optBySignal(["SIMPLE"]),
      log: lineLogger((line) => warnings.push(line), "warn"),
    });
    const { venID } = await ven.whenRegistered();
    const id = vtn.requestReport(venID as string, "telemetry-usage", {
      granularity: "PT1S",
      reportBackDuration: "PT2S",
    });
    await new Promise((r) => setTimeout(r, 5_000));
    // a loaded machine may be slower than the README's 5 s
    for (let i = 0; i < 600 && ven.stats().reportsSent === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    const stats = await ven.stop();
    await server.close();
    expect(formatSummary(stats)).toMatch(
      /^registered: yes, events: 0 received \/ 0 opted in, reports: [1-9]\d* sent$/,
    );
    // an update in flight at the stop reaches the VTN after the VEN counted
    expect(vtn.state.reportRequests.get(id)?.updates).toBeGreaterThanOrEqual(stats.reportsSent);
    expect(warnings.filter((w) => / error /.test(w))).toEqual([]);
  });
});
