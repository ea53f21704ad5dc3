/**
 * The check vectors (tests/vectors/cases.json): real transcripts of our VEN and VTN, each case
 * with a few edits, the rules that must fail, and the rules that must pass. A failing case must
 * fail exactly its rules, with the message it names; the unedited transcripts must pass every rule.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type CheckContext,
  checkExchange,
  checkMessage,
  checkTranscript,
  RULES,
} from "./checks.js";
import type { TranscriptEntry } from "./types.js";

const VECTORS = join(import.meta.dirname, "../tests/vectors");

interface Edit {
  readonly payload: string;
  readonly nth: number;
  readonly answer?: boolean;
  readonly replace?: string;
  readonly flags?: string;
  readonly with?: string;
  readonly drop?: boolean;
}

interface Case {
  readonly name: string;
  readonly base: string;
  readonly context?: {
    signed?: boolean;
    trust?: "other";
    /** requests the harness sent in the VEN's name (as the runner marks them) */
    injected?: readonly { payload: string; nth: number }[];
  };
  readonly edits?: readonly Edit[];
  readonly fails: readonly string[];
  readonly passes?: readonly string[];
  readonly message?: string;
}

interface Recorded {
  readonly transcript: TranscriptEntry[];
  readonly trustedCertificates?: string[];
  readonly otherCertificates?: string[];
}

const cases = (JSON.parse(readFileSync(join(VECTORS, "cases.json"), "utf8")) as { cases: Case[] })
  .cases;
const bases = new Map<string, Recorded>();
const base = (file: string): Recorded => {
  let b = bases.get(file);
  if (!b) {
    b = JSON.parse(readFileSync(join(VECTORS, file), "utf8")) as Recorded;
    bases.set(file, b);
  }
  return b;
};

/** The seq of the nth entry (1-based) whose payload is `payload`. */
function seqOf(transcript: readonly TranscriptEntry[], payload: string, nth: number): number {
  const found = transcript.filter((e) => e.payload === payload)[nth - 1];
  if (!found) throw new Error(`the transcript has no ${payload} number ${nth}`);
  return found.seq;
}

function applyEdits(transcript: readonly TranscriptEntry[], edits: readonly Edit[]) {
  let out = transcript.map((e) => ({ ...e }));
  for (const edit of edits) {
    let seq = seqOf(transcript, edit.payload, edit.nth);
    if (edit.answer) {
      const answer = transcript.find((e) => e.inReplyTo === seq);
      if (!answer) throw new Error(`${edit.payload} ${edit.nth} has no answer`);
      seq = answer.seq;
    }
    if (edit.drop) {
      out = out.filter((e) => e.seq !== seq);
      continue;
    }
    const entry = out.find((e) => e.seq === seq) as TranscriptEntry & { body: string };
    const pattern = new RegExp(edit.replace as string, edit.flags ?? "");
    if (!pattern.test(entry.body))
      throw new Error(`edit ${edit.replace} matches nothing in #${seq} ${edit.payload}`);
    entry.body = entry.body.replace(
      new RegExp(edit.replace as string, edit.flags ?? ""),
      edit.with ?? "",
    );
  }
  return out;
}

describe("check vectors", () => {
  it("every rule has a passing and a failing vector", () => {
    for (const rule of RULES) {
      expect(
        cases.some((c) => c.passes?.includes(rule)),
        `${rule} passes somewhere`,
      ).toBe(true);
      expect(
        cases.some((c) => c.fails.includes(rule)),
        `${rule} fails somewhere`,
      ).toBe(true);
    }
  });

  for (const c of cases)
    it(c.name, () => {
      const recorded = base(c.base);
      const transcript = applyEdits(recorded.transcript, c.edits ?? []);
      const ctx: CheckContext = {
        profile: "openadr2b",
        signed: c.context?.signed ?? false,
        trustedCertificates:
          c.context?.trust === "other"
            ? (recorded.otherCertificates ?? [])
            : (recorded.trustedCertificates ?? []),
        ...(c.context?.injected
          ? {
              injected: new Set(
                c.context.injected.map((i) => seqOf(recorded.transcript, i.payload, i.nth)),
              ),
            }
          : {}),
      };
      const results = checkTranscript(transcript, ctx);
      const failed = [...new Set(results.filter((r) => !r.ok).map((r) => r.rule))].sort();
      expect(
        failed,
        results
          .filter((r) => !r.ok)
          .map((r) => `${r.rule}: ${r.message}`)
          .join("\n"),
      ).toEqual([...c.fails].sort());
      for (const rule of c.passes ?? [])
        expect(
          results.some((r) => r.rule === rule && r.ok),
          `${rule} passes`,
        ).toBe(true);
      if (c.message) {
        const pattern = new RegExp(
          c.message.replace(/@(\w+):(\d+)@/g, (_, p: string, n: string) =>
            String(seqOf(recorded.transcript, p, Number(n))),
          ),
        );
        const messages = results.filter((r) => !r.ok).map((r) => r.message);
        expect(
          messages.some((m) => pattern.test(m)),
          `${pattern} in\n${messages.join("\n")}`,
        ).toBe(true);
        // every failure names the entries it is about
        for (const r of results.filter((x) => !x.ok)) expect(r.entries?.length).toBeGreaterThan(0);
      }
    });
});

describe("a CTS exchange", () => {
  it("checks conformance, payload type and response code with the CTS catalog", async () => {
    const { createReferenceDispatcher } = await import("@transactive/ei/reference");
    const tender = readFileSync(
      join(VECTORS, "../../../../examples/cts-create-tender.xml"),
      "utf8",
    );
    const dispatcher = createReferenceDispatcher({ profile: "cts" });
    const answer = await dispatcher.dispatch({ body: tender, service: "EiTender" });
    const request: TranscriptEntry = {
      seq: 1,
      at: "2026-12-02T12:00:00.000Z",
      from: "agent",
      to: "market",
      direction: "request",
      http: { method: "POST", path: "/cts/EiTender" },
      body: tender,
    };
    const response: TranscriptEntry = {
      seq: 2,
      at: "2026-12-02T12:00:00.010Z",
      from: "market",
      to: "agent",
      direction: "response",
      inReplyTo: 1,
      http: { status: answer.status },
      body: answer.body,
    };
    const results = checkTranscript([request, response], { profile: "cts" });
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.map((r) => r.rule).sort()).toEqual(
      ["conformance", "conformance", "payload-type", "response-code", "request-id-echo"].sort(),
    );
    // an OpenADR 2.0b message in a CTS exchange is not conformant there
    const oadr = base("ours-pull.json").transcript[0] as TranscriptEntry;
    const [verdict] = checkTranscript([oadr], { profile: "cts" });
    expect(verdict?.ok).toBe(false);
    expect(verdict?.message).toBe(
      "#1 oadrQueryRegistration (ven -> vtn): expected a CTS message; it is a openadr2b one",
    );
  });
});

describe("checkExchange with a step's expectation", () => {
  const t = base("ours-pull.json").transcript;
  const request = t.find((e) => e.payload === "oadrCreatePartyRegistration") as TranscriptEntry;
  const response = t.find((e) => e.inReplyTo === request.seq) as TranscriptEntry;

  it("passes the payload and codes the step expects", () => {
    const results = checkExchange(request, response, {
      profile: "openadr2b",
      step: "register",
      expect: { payload: "oadrCreatedPartyRegistration", responseCodes: ["200"] },
    });
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.map((r) => r.step)).toEqual(["register", "register", "register"]);
  });

  it("fails payload-type and response-code against another expectation, naming both sides", () => {
    const results = checkExchange(request, response, {
      profile: "openadr2b",
      expect: { payload: "oadr:oadrResponse", responseCodes: ["452", "463"] },
    });
    const failed = results.filter((r) => !r.ok);
    expect(failed.map((r) => r.rule)).toEqual(["payload-type", "response-code"]);
    expect(failed[0]?.message).toBe(
      `#${response.seq} oadrCreatedPartyRegistration (vtn -> ven) answering #${request.seq} oadrCreatePartyRegistration: expected oadrResponse, got oadrCreatedPartyRegistration`,
    );
    expect(failed[1]?.message).toMatch(/expected responseCode 452 or 463, got "200" \(OK\)$/);
    expect(failed[0]?.entries).toEqual([request.seq, response.seq]);
  });

  it("an empty answer fails payload-type and conformance, with the HTTP status", () => {
    const { payload: _, ...rest } = response;
    const empty: TranscriptEntry = { ...rest, body: "", http: { status: 500 } };
    const results = checkExchange(request, empty, { profile: "openadr2b" });
    expect(results.filter((r) => !r.ok).map((r) => r.message)).toEqual([
      `#${response.seq} answering #${request.seq} oadrCreatePartyRegistration: expected oadrCreatedPartyRegistration, got an empty body (HTTP 500)`,
      `#${response.seq} HTTP 500 (vtn -> ven) answering #${request.seq} oadrCreatePartyRegistration: expected HTTP 200 (OpenADR 2.0b simple HTTP carries outcomes in eiResponse), got HTTP 500`,
    ]);
    expect(checkMessage(empty, { profile: "openadr2b" })[0]?.message).toBe(
      `#${response.seq} HTTP 500 (vtn -> ven): expected a valid OpenADR 2.0b message (HTTP 500); the body is empty`,
    );
  });
});
