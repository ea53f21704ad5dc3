/**
 * The CTS checks on transcript vectors (tests/vectors/cts/*.json, messages as XML files): a
 * passing vector fails no check; a failing one fails exactly the rules it names, with the message
 * it names.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkCtsExchange, checkCtsSequence } from "./checks-cts.js";
import type { CheckResult, Role, TranscriptEntry } from "./types.js";

const dir = new URL("../tests/vectors/cts/", import.meta.url);

interface Vector {
  readonly description: string;
  readonly transcript: readonly {
    readonly from: Role;
    readonly to: Role;
    readonly direction: "request" | "response";
    readonly reply?: boolean;
    readonly file: string;
    readonly step: string;
  }[];
  readonly failures: readonly { readonly rule: string; readonly message: string }[];
}

function transcriptOf(v: Vector): TranscriptEntry[] {
  return v.transcript.map((e, i) => {
    const body = readFileSync(new URL(e.file, dir), "utf8");
    const payload = /<\w+:(\w+)[\s>/]/.exec(body.replace(/^<\?xml[^>]*\?>\s*/, ""))?.[1];
    return {
      seq: i + 1,
      at: new Date(Date.UTC(2030, 0, 1, 12, 0, i)).toISOString(),
      from: e.from,
      to: e.to,
      direction: e.direction,
      ...(e.reply ? { inReplyTo: i } : {}),
      http: e.direction === "request" ? { method: "POST", path: "/cts/x" } : { status: 200 },
      ...(payload ? { payload } : {}),
      body,
      step: e.step,
    };
  });
}

function run(transcript: readonly TranscriptEntry[]): CheckResult[] {
  const out: CheckResult[] = [];
  for (const response of transcript) {
    if (response.direction !== "response") continue;
    const request = transcript.find((e) => e.seq === response.inReplyTo);
    if (request) out.push(...checkCtsExchange(request, response, {}));
  }
  return [...out, ...checkCtsSequence(transcript, {})];
}

const vectors = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .sort();

describe("CTS checks on transcript vectors", () => {
  it("has passing and failing vectors", () => {
    expect(vectors.filter((f) => f.startsWith("pass-")).length).toBeGreaterThanOrEqual(2);
    expect(vectors.filter((f) => f.startsWith("fail-")).length).toBeGreaterThanOrEqual(10);
  });

  for (const file of vectors) {
    const v = JSON.parse(readFileSync(new URL(file, dir), "utf8")) as Vector;
    it(`${file}: ${v.description}`, () => {
      const results = run(transcriptOf(v));
      expect(results.length).toBeGreaterThan(0);
      for (const r of results) {
        expect(r.rule).toMatch(/^cts-[a-z]+(-[a-z]+)*$/);
        expect(r.message.length).toBeGreaterThan(10);
      }
      const failed = results.filter((r) => !r.ok);
      expect([...new Set(failed.map((r) => r.rule))].sort()).toEqual(
        [...new Set(v.failures.map((f) => f.rule))].sort(),
      );
      for (const f of v.failures)
        expect(failed.filter((r) => r.rule === f.rule).map((r) => r.message)).toContainEqual(
          expect.stringContaining(f.message),
        );
    });
  }

  it("names the step and the entries a verdict is about", () => {
    const v = JSON.parse(
      readFileSync(new URL("fail-transaction-price.json", dir), "utf8"),
    ) as Vector;
    const failed = run(transcriptOf(v)).filter((r) => !r.ok);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.step).toBe("transaction");
    // the transaction's request (3) and the tender it answers (1)
    expect(failed[0]?.entries).toEqual([3, 1]);
  });
});
