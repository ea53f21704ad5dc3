/**
 * Runs for the report tests: the recorded transcript of our VEN and VTN, checked, and the same
 * with hostile text in a message, a verdict and a process log.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { checkTranscript } from "../src/checks.js";
import type { InteropRun, TranscriptEntry } from "../src/types.js";

export const recorded = JSON.parse(
  readFileSync(join(import.meta.dirname, "vectors/ours-pull.json"), "utf8"),
) as { transcript: TranscriptEntry[] };

export function run(scenario: string, transcript: TranscriptEntry[]): InteropRun {
  const checks = checkTranscript(transcript, { profile: "openadr2b", step: "whole run" });
  return {
    scenario,
    title: `${scenario} title`,
    players: { vtn: "ours", ven: "ours" },
    startedAt: "2026-12-02T12:00:00.000Z",
    durationMs: 1234,
    transcript,
    checks,
    passed: checks.every((c) => c.ok),
  };
}

export const HOSTILE = `</script><script>alert("x")</script><!-- "quoted" & 'single' --><img src=x onerror=alert(1)>\u0001`;

export function hostileRuns(): InteropRun[] {
  const good = run("registration", recorded.transcript);
  // the VTN's answer to the registration carries hostile text (and so fails conformance)
  const transcript = recorded.transcript.map((e) =>
    e.seq === 4 ? { ...e, body: e.body.replace("<ei:vtnID>", `<ei:vtnID>${HOSTILE}`) } : e,
  );
  const bad = run(`hostile${HOSTILE}`, transcript);
  return [
    good,
    {
      ...bad,
      checks: [
        ...bad.checks,
        { rule: "payload-type", step: HOSTILE, ok: false, message: HOSTILE, entries: [4] },
      ],
      passed: false,
      logs: { vtn: `stderr ${HOSTILE}` },
    },
  ];
}
