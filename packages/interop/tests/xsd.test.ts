/**
 * The XSD part of `conformance`: every message of the recorded transcripts validates against the
 * official OpenADR 2.0b XSD, and a message the XSD refuses fails the rule with the XSD's words.
 * Without the OASIS XSDs it skips, except under CI=true, where it fails.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { oasisDir, XSD_ROOTS, xsdOracle } from "@transactive/conformance";
import { describe, expect, it } from "vitest";
import { checkTranscript, xsdVerdicts } from "../src/checks.js";
import type { TranscriptEntry } from "../src/types.js";

const XSDS = existsSync(join(oasisDir(), XSD_ROOTS.openadr2b as string));
const SKIP = !XSDS && process.env.CI !== "true";
const load = (file: string) =>
  (
    JSON.parse(readFileSync(join(import.meta.dirname, "vectors", file), "utf8")) as {
      transcript: TranscriptEntry[];
    }
  ).transcript;

describe.skipIf(SKIP)("conformance with the official XSD", { timeout: 180_000 }, () => {
  it("our VEN's and VTN's messages are valid; a message the XSD refuses fails with its words", async () => {
    expect(XSDS, `OASIS XSDs not found under ${oasisDir()}`).toBe(true);
    const oracle = await xsdOracle();
    for (const file of ["ours-pull.json", "ours-signed.json"]) {
      const transcript = load(file);
      const xsd = await xsdVerdicts(transcript, oracle);
      expect(xsd.size).toBe(transcript.length);
      const results = checkTranscript(transcript, { profile: "openadr2b", xsd }).filter(
        (r) => r.rule === "conformance",
      );
      expect(results.filter((r) => !r.ok).map((r) => r.message)).toEqual([]);
      expect(results.every((r) => r.message.endsWith("(codec and XSD)"))).toBe(true);
    }
    // a verdict of the XSD alone (our codec reads the message): it is reported as the XSD's
    const transcript = load("ours-pull.json");
    const bad = new Map(await xsdVerdicts(transcript, oracle));
    bad.set(4, {
      valid: false,
      errors: [{ line: 1, message: "Element 'x': This element is not expected." }],
    });
    const failed = checkTranscript(transcript, { profile: "openadr2b", xsd: bad }).filter(
      (r) => !r.ok,
    );
    expect(failed.map((r) => r.message)).toEqual([
      "#4 oadrCreatedPartyRegistration (vtn -> ven): our codec reads it but the official XSD refuses it: line 1: Element 'x': This element is not expected.",
    ]);
  });
});
