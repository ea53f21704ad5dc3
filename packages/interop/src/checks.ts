/**
 * The checks the runner calls on every message, every exchange and the whole transcript.
 * (A first set: the payload type and response code a step expects, the requestID echo and the
 * XML Signature of a signed run; the conformance and state-machine rules come with the full
 * checks module.)
 */
import { verifyOadrPayload } from "@transactive/ei-node";
import { capture, parseXml, payloadElement } from "./template.js";
import type { CheckResult, ExpectResponse, Scenario, TranscriptEntry } from "./types.js";

/** What the checks know of the run. */
export interface CheckContext {
  readonly scenario: Scenario;
  /** every message must carry a valid XML Signature */
  readonly signed: boolean;
  /** trust anchors (PEM) of XML signers in a signed run */
  readonly trust?: readonly string[];
  /** the step that sent or matched the message ("" when none did) */
  readonly step: string;
  /** what that step expects of the answer */
  readonly expect?: ExpectResponse;
}

const ref = (e: TranscriptEntry) => `#${e.seq} ${e.payload ?? "(no payload)"}`;

/** Checks one message on its own: an XML payload; in a signed run, a signature that verifies. */
export function checkMessage(entry: TranscriptEntry, ctx: CheckContext): CheckResult[] {
  if (!entry.body.trim()) return [];
  const out: CheckResult[] = [];
  if (
    entry.direction === "response" &&
    entry.http.status === 502 &&
    entry.body.startsWith("interop proxy:")
  )
    return [
      {
        rule: "transport",
        step: ctx.step,
        ok: false,
        message: `#${entry.seq}: ${entry.body.slice("interop proxy: ".length).trim()}`,
        entries: [entry.seq],
      },
    ];
  const doc = parseXml(entry.body);
  if (!doc || !entry.payload)
    out.push({
      rule: "payload",
      step: ctx.step,
      ok: false,
      message: `${ref(entry)} from the ${entry.from} is not an XML message`,
      entries: [entry.seq],
    });
  else if (ctx.signed && ctx.scenario.profile === "openadr2b") {
    const v = verifyOadrPayload(entry.body, {
      trustedCertificates: [...(ctx.trust ?? [])],
      requireReplayProtect: true,
      // the transcript is checked after the run: allow for its length
      maxAgeMs: 60 * 60_000,
    });
    out.push({
      rule: "signature",
      step: ctx.step,
      ok: v.ok,
      message: v.ok
        ? `${ref(entry)} from the ${entry.from} is signed by ${v.certificate?.subject.replace(/\n/g, ", ") ?? "a trusted key"}`
        : `${ref(entry)} from the ${entry.from} must carry a valid XML Signature in a signed run: ${v.issues.map((i) => i.message).join("; ")}`,
      entries: [entry.seq],
    });
  }
  return out;
}

/** Checks a request and its answer: the payload and code the step expects, the requestID echoed. */
export function checkExchange(
  request: TranscriptEntry,
  response: TranscriptEntry,
  ctx: CheckContext,
): CheckResult[] {
  const out: CheckResult[] = [];
  const entries = [request.seq, response.seq];
  if (ctx.expect) {
    const got = response.payload;
    if (got !== ctx.expect.payload)
      out.push({
        rule: "expected-response",
        step: ctx.step,
        ok: false,
        message: `${ref(request)} should be answered with ${ctx.expect.payload}; the answer was ${got ?? `HTTP ${response.http.status} without an XML payload`}`,
        entries,
      });
    else {
      const codes = ctx.expect.responseCodes ?? ["200"];
      const code = capture(response.body, "eiResponse/responseCode");
      // payloads without an eiResponse (oadrRequestReregistration…) carry no code to check
      const ok = code === undefined ? ctx.expect.responseCodes === undefined : codes.includes(code);
      out.push({
        rule: "expected-response",
        step: ctx.step,
        ok,
        message: ok
          ? `${ref(request)} answered with ${got} ${code}`
          : `${ref(request)} answered with ${got} whose responseCode is ${code ?? "missing"}; expected ${codes.join(" or ")}`,
        entries,
      });
    }
  }
  const requestID = ownRequestId(request.body);
  const echoed = capture(response.body, "eiResponse/requestID");
  // one-way requests are answered with a fresh request of the peer; only eiResponses echo
  if (requestID !== undefined && echoed !== undefined) {
    const ok = requestID !== "" && echoed === requestID;
    out.push({
      rule: "request-id-echo",
      step: ctx.step,
      ok,
      message: ok
        ? `${ref(response)} echoes requestID ${requestID}`
        : requestID === ""
          ? `${ref(request)} has an empty requestID`
          : `${ref(response)} answers requestID "${requestID}" with "${echoed}"`,
      entries,
    });
  }
  return out;
}

/** Checks the transcript as a whole (no sequence rule in this first set). */
export function checkSequence(
  _transcript: readonly TranscriptEntry[],
  _ctx: CheckContext,
): CheckResult[] {
  return [];
}

/** The requestID of a request payload itself (not one it echoes in an eiResponse). */
function ownRequestId(xml: string): string | undefined {
  const doc = parseXml(xml);
  const payload = doc ? payloadElement(doc) : undefined;
  if (!payload) return undefined;
  const child = (n: Element, name: string) =>
    Array.from(n.childNodes).find(
      (c): c is Element => c.nodeType === 1 && (c as Element).localName === name,
    );
  const holder = child(payload, "eiRequestEvent") ?? payload;
  const id = child(holder, "requestID");
  return id ? (id.textContent ?? "").trim() : undefined;
}
