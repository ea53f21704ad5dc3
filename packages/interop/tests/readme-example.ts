import { readFileSync, writeFileSync } from "node:fs";
import { checkTranscript, consoleSummary, htmlReport, type InteropRun } from "@transactive/interop";

// a transcript recorded between our VEN and our VTN over HTTP
const { transcript } = JSON.parse(readFileSync("tests/vectors/ours-pull.json", "utf8"));

// break it as peers in the field do: the registration answer echoes another requestID
transcript[3].body = transcript[3].body.replace(/<pyld:requestID>[^<]*</, "<pyld:requestID>x<");

const checks = checkTranscript(transcript, { profile: "openadr2b" });
const run: InteropRun = {
  scenario: "recorded",
  title: "our VEN and VTN, one answer edited",
  players: { vtn: "ours", ven: "ours" },
  startedAt: transcript[0].at,
  durationMs: Date.parse(transcript.at(-1).at) - Date.parse(transcript[0].at),
  transcript,
  checks,
  passed: checks.every((c) => c.ok),
};
console.log(consoleSummary([run]));
writeFileSync("interop-example.html", htmlReport([run]));
