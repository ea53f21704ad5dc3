/**
 * Records the transcripts the check vectors are made of: our VEN (startVen, pull mode) against
 * our VTN (startVtn) through a recording proxy on 127.0.0.1, so every message is one our real
 * implementations wrote. Run once, by hand, when the wire format changes:
 *
 *   node --conditions=@transactive/source --import tsx packages/interop/tests/vectors/record.ts [FILE...]
 *
 * It writes ours-pull.json (unsigned), ours-push.json (the VTN pushes through a second proxy)
 * and ours-signed.json (XML Signature both ways, with the
 * throw-away CA the signatures verify against). The failing vectors are these transcripts with one
 * documented change each (see *.vector.json), so every message stays a real one.
 */
import { once } from "node:events";
import { writeFileSync } from "node:fs";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { signOadrPayload, xmlSignature } from "@transactive/ei-node";
import { startVen } from "@transactive/ven";
import { startVtn } from "@transactive/vtn";
import { makePki } from "../../../ei-node/tests/pki.js";
import type { TranscriptEntry } from "../../src/types.js";

const HERE = import.meta.dirname;

async function waitUntil(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function payloadOf(body: string): string | undefined {
  const m = /<(?:[\w.-]+:)?oadrSignedObject\b[^>]*>\s*<(?:[\w.-]+:)?([\w.-]+)/.exec(body);
  return m?.[1];
}

/** One run's transcript, shared by its proxies. */
interface Recording {
  readonly transcript: TranscriptEntry[];
  seq: number;
}

/**
 * A proxy that records each request (from `from` to the other role) and its answer as transcript
 * entries; `target()` is where it forwards (a function: a push-mode VEN's port is known late).
 */
async function recordingProxy(rec: Recording, from: "ven" | "vtn", target: () => string) {
  const to = from === "ven" ? "vtn" : "ven";
  const transcript = rec.transcript;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const payload = payloadOf(body);
      const request: TranscriptEntry = {
        seq: ++rec.seq,
        at: new Date().toISOString(),
        from,
        to,
        direction: "request",
        http: { method: req.method ?? "POST", path: req.url ?? "" },
        ...(payload ? { payload } : {}),
        body,
      };
      transcript.push(request);
      const url = new URL(req.url ?? "/", target());
      const out = httpRequest(
        url,
        { method: req.method, headers: { "content-type": req.headers["content-type"] ?? "" } },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on("data", (c: Buffer) => parts.push(c));
          answer.on("end", () => {
            const text = Buffer.concat(parts).toString("utf8");
            const answered = payloadOf(text);
            transcript.push({
              seq: ++rec.seq,
              at: new Date().toISOString(),
              from: to,
              to: from,
              direction: "response",
              inReplyTo: request.seq,
              http: { status: answer.statusCode ?? 0 },
              ...(answered ? { payload: answered } : {}),
              body: text,
            });
            res.writeHead(answer.statusCode ?? 502, {
              "content-type": answer.headers["content-type"] ?? "application/xml",
            });
            res.end(text);
          });
        },
      );
      out.end(body);
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    transcript,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const PAYLOAD_NS =
  'xmlns:oadr="http://openadr.org/oadr-2.0b/2012/07" xmlns:ei="http://docs.oasis-open.org/ns/energyinterop/201110" xmlns:pyld="http://docs.oasis-open.org/ns/energyinterop/201110/payloads" xmlns:xcal="urn:ietf:params:xml:ns:icalendar-2.0"';
const payload = (inner: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><oadr:oadrPayload ${PAYLOAD_NS}><oadr:oadrSignedObject>${inner}</oadr:oadrSignedObject></oadr:oadrPayload>`;
const createOpt = (venID: string) =>
  payload(
    `<oadr:oadrCreateOpt ei:schemaVersion="2.0b"><ei:optID>opt-1</ei:optID><ei:optType>optOut</ei:optType><ei:optReason>participating</ei:optReason><ei:venID>${venID}</ei:venID><ei:createdDateTime>${new Date().toISOString()}</ei:createdDateTime><pyld:requestID>create-opt-1</pyld:requestID><ei:qualifiedEventID><ei:eventID>event-1</ei:eventID><ei:modificationNumber>0</ei:modificationNumber></ei:qualifiedEventID><ei:eiTarget><ei:venID>${venID}</ei:venID></ei:eiTarget></oadr:oadrCreateOpt>`,
  );
const cancelOpt = (venID: string) =>
  payload(
    `<oadr:oadrCancelOpt ei:schemaVersion="2.0b"><pyld:requestID>cancel-opt-1</pyld:requestID><ei:optID>opt-1</ei:optID><ei:venID>${venID}</ei:venID></oadr:oadrCancelOpt>`,
  );

async function post(
  base: string,
  service: string,
  xml: string,
  signer?: { key: string; cert: string },
): Promise<void> {
  const body = signer
    ? signOadrPayload(xml, { privateKey: signer.key, certificate: signer.cert })
    : xml;
  const res = await fetch(`${base}/OpenADR2/Simple/2.0b/${service}`, {
    method: "POST",
    headers: { "content-type": "application/xml" },
    body,
  });
  const text = await res.text();
  if (res.status !== 200 || !text.includes("<ei:responseCode>200<"))
    throw new Error(`${service} refused: ${text}`);
}

async function record(
  signed: boolean,
  push = false,
): Promise<{
  transcript: TranscriptEntry[];
  trustedCertificates?: string[];
  otherCertificates?: string[];
}> {
  const pki = signed ? makePki() : undefined;
  const vtnSigner = pki?.issue("vtn-signer", "signer");
  const venSigner = pki?.issue("ven-signer", "signer");
  const trust = pki ? { trustedCertificates: [pki.ca.cert] } : undefined;
  const vtn = await startVtn({
    vtnID: "INTEROP_VTN",
    pollFrequency: "PT1S",
    // upper-case IDs, so that a peer lower-casing them is visible (the field's real failure)
    newId: (() => {
      const counters = new Map<string, number>();
      return (kind: string) => {
        const n = (counters.get(kind) ?? 0) + 1;
        counters.set(kind, n);
        return `${kind.toUpperCase()}_${n}`;
      };
    })(),
    ...(vtnSigner && trust
      ? {
          signature: xmlSignature({
            sign: { privateKey: vtnSigner.key, certificate: vtnSigner.cert },
            verify: trust,
          }),
        }
      : {}),
  });
  const rec: Recording = { transcript: [], seq: 0 };
  const proxy = await recordingProxy(rec, "ven", () => vtn.url);
  // push mode: the VTN posts to a second proxy in front of the VEN's listener
  let venUrl = "";
  const pushProxy = push ? await recordingProxy(rec, "vtn", () => venUrl) : undefined;
  const ven = await startVen({
    vtnUrl: proxy.url,
    venName: "interop-ven",
    minPollMs: 200,
    ...(pushProxy ? { push: { host: "127.0.0.1", port: 0, transportAddress: pushProxy.url } } : {}),
    ...(venSigner && trust
      ? { signing: { privateKey: venSigner.key, certificate: venSigner.cert }, verify: trust }
      : {}),
  });
  venUrl = ven.pushUrl ?? "";
  const { venID } = await ven.whenRegistered();
  const seen = (payload: string, n = 1) =>
    waitUntil(
      () => rec.transcript.filter((e) => e.payload === payload).length >= n,
      `${n} ${payload}`,
    );
  await seen("oadrRegisterReport");
  vtn.vtn.publishEvent({
    description: {
      eventID: "event-1",
      start: new Date(Date.now() + 60_000).toISOString().replace(/\.\d+Z$/, "Z"),
      signals: [{ name: "SIMPLE", type: "level", intervals: [{ duration: "PT10M", value: 1 }] }],
    },
  });
  await seen("oadrCreatedEvent", 1);
  // our VEN never opts by oadrCreateOpt itself: the harness sends one in its name (as a scenario's
  // `inject` step does), then cancels it
  await post(proxy.url, "EiOpt", createOpt(venID as string), venSigner);
  await post(proxy.url, "EiOpt", cancelOpt(venID as string), venSigner);
  vtn.vtn.modifyEvent("event-1", {
    signals: [{ name: "SIMPLE", type: "level", intervals: [{ duration: "PT10M", value: 2 }] }],
  });
  await seen("oadrCreatedEvent", 2);
  vtn.vtn.cancelEvent("event-1");
  await seen("oadrCreatedEvent", 3);
  vtn.vtn.requestReport(venID as string, "telemetry-usage", { granularity: "PT1S" });
  await seen("oadrUpdateReport", 2);
  await ven.stop();
  await proxy.close();
  await pushProxy?.close();
  await vtn.close();
  const other = pki?.otherCa.cert;
  pki?.dispose();
  return {
    transcript: rec.transcript,
    ...(pki ? { trustedCertificates: [pki.ca.cert], otherCertificates: [other as string] } : {}),
  };
}

for (const [file, signed, push] of [
  ["ours-pull.json", false, false],
  ["ours-signed.json", true, false],
  ["ours-push.json", false, true],
] as const) {
  // record.ts FILE...: only those
  const only = process.argv.slice(2);
  if (only.length && !only.includes(file)) continue;
  const recorded = await record(signed, push);
  writeFileSync(
    join(HERE, file),
    `${JSON.stringify(
      {
        description: `Our VEN (${push ? "push" : "pull"}) against our VTN${signed ? ", every message signed" : ""}: registration, report registration, an event published, modified and cancelled, a report requested at PT1S and updated. Recorded by record.ts.`,
        ...recorded,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`${file}: ${recorded.transcript.length} messages`);
}
