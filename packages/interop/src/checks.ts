/**
 * The checks of a transcript: each message on its own (`checkMessage`), each request with its
 * answer (`checkExchange`) and the whole sequence against the OpenADR 2.0b services' state
 * (`checkSequence`, sequence.ts). Every verdict names its rule, the transcript entries it is about
 * and, when it fails, what was expected and what came. Messages are read with our codec;
 * signatures with ei-node's verifier, at the time each message was seen.
 */
import type { XsdVerdict } from "@transactive/conformance";
import { operationFor } from "@transactive/ei";
import { type NonceStore, verifyOadrPayload } from "@transactive/ei-node";
import {
  anyRequestId,
  describeIssues,
  eiResponseOf,
  ownRequestId,
  type ReadMessage,
  readMessage,
} from "./message.js";
import { checkSequence, unregisteredRequests } from "./sequence.js";
import type { CheckResult, InteropProfile, TranscriptEntry } from "./types.js";
import { type CheckContext, describeEntry, quote, result } from "./verdict.js";

export { type CheckContext, describeEntry, RULES, type RuleId } from "./verdict.js";
export { checkSequence, unregisteredRequests };

// ---------------------------------------------------------------------------------------------
// one message

/** per context: each ReplayProtect nonce seen, with the seq of the message that carried it */
const nonceStores = new WeakMap<object, Map<string, number>>();

/** `conformance` (codec decode + validation, the XSD verdict when given) and `signature`. */
export function checkMessage(entry: TranscriptEntry, ctx: CheckContext): CheckResult[] {
  const out: CheckResult[] = [];
  const read = readMessage(entry);
  const what = describeEntry(entry);
  const httpError =
    entry.direction === "response" && entry.http.status !== undefined && entry.http.status >= 400;
  if (read.issues.length > 0)
    out.push(
      result(
        "conformance",
        false,
        `${what}: expected a valid ${ctx.profile === "cts" ? "CTS" : "OpenADR 2.0b"} message${
          httpError ? ` (HTTP ${entry.http.status})` : ""
        }; ${describeIssues(read.issues)}`,
        [entry],
        ctx,
      ),
    );
  else if (ctx.profile === "openadr2b" && read.doc?.element !== "oadr:oadrPayload")
    out.push(
      result(
        "conformance",
        false,
        `${what}: OpenADR 2.0b messages travel inside oadr:oadrPayload/oadrSignedObject; this one is a bare ${read.doc?.element}`,
        [entry],
        ctx,
      ),
    );
  else if (read.doc?.profile !== ctx.profile)
    out.push(
      result(
        "conformance",
        false,
        `${what}: expected ${ctx.profile === "cts" ? "a CTS" : "an OpenADR 2.0b"} message; it is a ${read.doc?.profile} one`,
        [entry],
        ctx,
      ),
    );
  else {
    const verdict = ctx.xsd?.get(entry.seq);
    if (verdict && !verdict.valid)
      out.push(
        result(
          "conformance",
          false,
          `${what}: our codec reads it but the official XSD refuses it: ${verdict.errors
            .slice(0, 3)
            .map((e) => (e.line ? `line ${e.line}: ${e.message}` : e.message))
            .join("; ")}`,
          [entry],
          ctx,
        ),
      );
    else
      out.push(
        result(
          "conformance",
          true,
          `${what} decodes and validates${verdict ? " (codec and XSD)" : ""}`,
          [entry],
          ctx,
        ),
      );
  }
  if (ctx.signed && ctx.profile === "openadr2b") out.push(signatureOf(entry, read, ctx));
  return out;
}

function signatureOf(entry: TranscriptEntry, read: ReadMessage, ctx: CheckContext): CheckResult {
  const what = describeEntry(entry);
  if (!read.signed)
    return result(
      "signature",
      false,
      entry.direction === "response"
        ? `${what}: expected a signed answer (the exchange is signed); this answer carries no ds:Signature`
        : `${what}: expected a signed message (the exchange is signed); it carries no ds:Signature`,
      [entry],
      ctx,
    );
  if (!ctx.trustedCertificates?.length)
    return result(
      "signature",
      false,
      `${what}: carries a ds:Signature but no trust anchors were given to verify it (--trust-ca)`,
      [entry],
      ctx,
    );
  // a nonce is a replay when another message carried it; checking the same message again is not
  let seen = nonceStores.get(ctx.run ?? ctx);
  if (!seen) {
    seen = new Map();
    nonceStores.set(ctx.run ?? ctx, seen);
  }
  const owners = seen;
  const nonces: NonceStore = ctx.nonces ?? {
    has: (nonce) => owners.has(nonce) && owners.get(nonce) !== entry.seq,
    add: (nonce) => owners.set(nonce, entry.seq),
  };
  const verified = verifyOadrPayload(entry.body, {
    trustedCertificates: ctx.trustedCertificates,
    now: new Date(entry.at),
    nonces,
  });
  return verified.ok
    ? result(
        "signature",
        true,
        `${what}: signature verifies (${verified.certificate?.subject.replace(/\n/g, ", ") ?? "trusted key"})`,
        [entry],
        ctx,
      )
    : result(
        "signature",
        false,
        `${what}: expected a valid XML Signature by a trusted certificate; ${describeIssues(verified.issues)}`,
        [entry],
        ctx,
      );
}

// ---------------------------------------------------------------------------------------------
// a request and its answer

/** What may answer a pushed message (the catalog has it as one-way). */
const PUSH_ANSWERS: Readonly<Record<string, readonly string[]>> = {
  oadrDistributeEvent: ["oadrCreatedEvent", "oadrResponse"],
  oadrCreateReport: ["oadrCreatedReport"],
  oadrRegisterReport: ["oadrRegisteredReport"],
  oadrCancelReport: ["oadrCanceledReport"],
  oadrRequestReregistration: ["oadrResponse"],
  oadrCancelPartyRegistration: ["oadrCanceledPartyRegistration"],
  oadrUpdateReport: ["oadrUpdatedReport"],
};

function allowedAnswers(ctx: CheckContext, request: ReadMessage): readonly string[] | undefined {
  if (ctx.expect) return [ctx.expect.payload.replace(/^\w+:/, "")];
  const op = request.qname ? operationFor(ctx.profile, request.qname) : undefined;
  const local = (q: string) => q.replace(/^\w+:/, "");
  const fromCatalog = op?.response
    ? [local(op.response), ...(op.alsoResponds ?? []).map(local)]
    : undefined;
  return fromCatalog ?? (request.element ? PUSH_ANSWERS[request.element] : undefined);
}

/**
 * `payload-type`, `response-code`, `request-id-echo` on one exchange, and `signature` for an
 * unsigned answer to a signed request when the run is not signed throughout (a signed run checks
 * every message in checkMessage).
 */
export function checkExchange(
  request: TranscriptEntry,
  response: TranscriptEntry,
  ctx: CheckContext,
): CheckResult[] {
  const out: CheckResult[] = [];
  const req = readMessage(request);
  const res = readMessage(response);
  const pair = [request, response];
  const what = `${describeEntry(response)} answering #${request.seq} ${req.element ?? "?"}`;

  // payload-type
  if (req.element && res.element) {
    const allowed = allowedAnswers(ctx, req);
    if (allowed)
      out.push(
        allowed.includes(res.element)
          ? result("payload-type", true, `${what}: ${res.element} as expected`, pair, ctx)
          : result(
              "payload-type",
              false,
              `${what}: expected ${allowed.join(" or ")}, got ${res.element}`,
              pair,
              ctx,
            ),
      );
  } else if (req.element && !res.element && !response.body.trimStart().startsWith("<"))
    out.push(
      result(
        "payload-type",
        false,
        `#${response.seq} answering #${request.seq} ${req.element}: expected ${(
          allowedAnswers(ctx, req) ?? ["an answer"]
        ).join(
          " or ",
        )}, got ${response.body.trim() === "" ? "an empty body" : "a body that is not one"} (HTTP ${response.http.status ?? "?"})`,
        pair,
        ctx,
      ),
    );

  // response-code
  const status = response.http.status;
  const eiResponse = eiResponseOf(res.value);
  const codes = ctx.expect?.responseCodes ?? ["200"];
  if (status !== undefined && status !== 200 && ctx.profile === "openadr2b")
    out.push(
      result(
        "response-code",
        false,
        `${what}: expected HTTP 200 (OpenADR 2.0b simple HTTP carries outcomes in eiResponse), got HTTP ${status}`,
        pair,
        ctx,
      ),
    );
  else if (eiResponse) {
    const code = eiResponse.responseCode;
    out.push(
      code !== undefined && codes.includes(code)
        ? result("response-code", true, `${what}: responseCode ${code}`, pair, ctx)
        : !ctx.expect && code === "463" && ctx.unregistered?.has(request.seq)
          ? // no step asked for this exchange: refusing a VEN that holds no registration is right
            result(
              "response-code",
              true,
              `${what}: responseCode 463 (not registered or authorized), right for a VEN that held no registration when it sent #${request.seq}`,
              pair,
              ctx,
            )
          : result(
              "response-code",
              false,
              `${what}: expected responseCode ${codes.join(" or ")}, got ${quote(code)}${
                eiResponse.responseDescription ? ` (${eiResponse.responseDescription})` : ""
              }`,
              pair,
              ctx,
            ),
    );
  }

  // request-id-echo
  if (req.value) {
    const sent = anyRequestId(req.value);
    if (sent === "" && ownRequestId(req.value) === "")
      out.push(
        result(
          "request-id-echo",
          false,
          `${describeEntry(request)}: expected a non-empty requestID (the answer must echo it to be matched); it is empty`,
          pair,
          ctx,
        ),
      );
    else if (sent !== undefined && eiResponse) {
      // CTS 0.4 echoes the request's ID in eiResponse/refID, OpenADR 2.0b in requestID
      const field = ctx.profile === "cts" ? "refID" : "requestID";
      const echoed = ctx.profile === "cts" ? eiResponse.refID : eiResponse.requestID;
      out.push(
        echoed === sent
          ? result("request-id-echo", true, `${what}: echoes ${field} ${quote(sent)}`, pair, ctx)
          : result(
              "request-id-echo",
              false,
              `${what}: expected eiResponse/${field} ${quote(sent)} (the request's), got ${quote(echoed)}`,
              pair,
              ctx,
            ),
      );
    }
  }

  // an unsigned answer to a signed request, in a run not signed throughout
  if (!ctx.signed && ctx.profile === "openadr2b" && req.signed && res.element && !res.signed)
    out.push(
      result(
        "signature",
        false,
        `${what}: the request was signed, expected a signed answer; it carries no ds:Signature`,
        pair,
        ctx,
      ),
    );
  return out;
}

/** Every check over a finished transcript: each message, each request with its answer, the sequence. */
export function checkTranscript(
  transcript: readonly TranscriptEntry[],
  ctx: CheckContext,
): CheckResult[] {
  const out: CheckResult[] = [];
  const bySeq = new Map(transcript.map((e) => [e.seq, e]));
  if (!ctx.unregistered) ctx = { ...ctx, unregistered: unregisteredRequests(transcript, ctx) };
  for (const e of transcript) out.push(...checkMessage(e, ctx));
  for (const e of transcript) {
    if (e.direction !== "response" || e.inReplyTo === undefined) continue;
    const request = bySeq.get(e.inReplyTo);
    if (request) out.push(...checkExchange(request, e, ctx));
  }
  out.push(...checkSequence(transcript, ctx));
  return out;
}

/**
 * XSD verdicts of every XML message of a transcript with the official OpenADR 2.0b schema, for
 * `CheckContext.xsd`. `oracle` is @transactive/conformance's xsdOracle(); it needs the OASIS XSDs
 * (../shared/oasis) and throws when they are missing.
 */
export async function xsdVerdicts(
  transcript: readonly TranscriptEntry[],
  oracle: {
    validate(
      profile: string,
      documents: ReadonlyMap<string, string>,
    ): Promise<Map<string, XsdVerdict>>;
  },
  profile: InteropProfile = "openadr2b",
): Promise<Map<number, XsdVerdict>> {
  const documents = new Map<string, string>();
  for (const e of transcript)
    if (e.body.trimStart().startsWith("<")) documents.set(String(e.seq), e.body);
  const verdicts = await oracle.validate(profile, documents);
  return new Map([...verdicts].map(([k, v]) => [Number(k), v]));
}
