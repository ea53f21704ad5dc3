/**
 * For the negative tests: a deliberately broken peer as a child process, and a scripted VEN that
 * sends it real OpenADR 2.0b messages over HTTP (the ones our VEN sent in the recorded transcript
 * tests/vectors/ours-pull.json, with fresh requestIDs and the venID the peer assigned), answers
 * what the VTN hands over by oadrPoll as a VEN must, and records every message as transcript
 * entries for the checks.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { signOadrPayload } from "@transactive/ei-node";
import type { TranscriptEntry } from "../src/types.js";

const REPO = resolve(import.meta.dirname, "../../..");
const HERE = import.meta.dirname;

const recorded = (
  JSON.parse(readFileSync(join(HERE, "vectors/ours-pull.json"), "utf8")) as {
    transcript: TranscriptEntry[];
  }
).transcript;

/** The body our VEN sent as the nth (1-based) message of this payload in the recording. */
function template(payload: string, nth = 1): string {
  const e = recorded.filter((x) => x.payload === payload && x.from === "ven")[nth - 1];
  if (!e) throw new Error(`no ${payload} from the VEN in the recording`);
  return e.body;
}

const live = new Set<ChildProcess>();
process.on("exit", () => {
  for (const c of live) c.kill("SIGKILL");
});

/** A broken peer process of tests/broken-peers, with the URLs it printed. */
export interface BrokenPeer {
  readonly url: string;
  readonly admin: string;
  readonly stderr: () => string;
  stop(): Promise<void>;
}

export async function startBrokenPeer(
  name: string,
  env: Record<string, string> = {},
): Promise<BrokenPeer> {
  const child = spawn(
    process.execPath,
    [
      "--conditions=@transactive/source",
      "--import",
      "tsx",
      join(HERE, "broken-peers", `${name}.mjs`),
    ],
    { cwd: REPO, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } },
  );
  live.add(child);
  let out = "";
  let err = "";
  child.stderr?.on("data", (c: Buffer) => (err += c));
  const line = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`${name} printed no URL within 120 s\n${err}`)),
      120_000,
    );
    child.stdout?.on("data", (c: Buffer) => {
      out += c;
      const nl = out.indexOf("\n");
      if (nl >= 0) {
        clearTimeout(timer);
        ok(out.slice(0, nl));
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`${name} exited (${code}) before printing its URL\n${err}`));
    });
  });
  const { url, admin } = JSON.parse(line) as { url: string; admin: string };
  return {
    url,
    admin,
    stderr: () => err,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await once(child, "exit");
      }
      live.delete(child);
    },
  };
}

const scrape = (xml: string, name: string): string | undefined =>
  new RegExp(`<(?:[\\w.-]+:)?${name}\\b[^>]*>([^<]*)<`).exec(xml)?.[1];
const payloadOf = (xml: string): string | undefined =>
  /<(?:[\w.-]+:)?oadrSignedObject\b[^>]*>\s*<(?:[\w.-]+:)?([\w.-]+)/.exec(xml)?.[1];

const NS =
  'xmlns:oadr="http://openadr.org/oadr-2.0b/2012/07" xmlns:ei="http://docs.oasis-open.org/ns/energyinterop/201110" xmlns:pyld="http://docs.oasis-open.org/ns/energyinterop/201110/payloads"';
const wrap = (inner: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><oadr:oadrPayload ${NS}><oadr:oadrSignedObject>${inner}</oadr:oadrSignedObject></oadr:oadrPayload>`;

/** A scripted VEN: sends templates, records the transcript. */
export class ScriptVen {
  readonly transcript: TranscriptEntry[] = [];
  venID = "";
  private n = 0;
  constructor(
    private readonly base: string,
    private readonly signer?: { key: string; cert: string },
  ) {}

  /** Posts one message to a service and records it and its answer; returns the answer's body. */
  async send(service: string, xml: string): Promise<string> {
    const body = this.signer
      ? signOadrPayload(xml, { privateKey: this.signer.key, certificate: this.signer.cert })
      : xml;
    const path = `/OpenADR2/Simple/2.0b/${service}`;
    const request: TranscriptEntry = {
      seq: this.transcript.length + 1,
      at: new Date().toISOString(),
      from: "ven",
      to: "vtn",
      direction: "request",
      http: { method: "POST", path },
      ...(payloadOf(body) ? { payload: payloadOf(body) as string } : {}),
      body,
    };
    this.transcript.push(request);
    const res = await fetch(`${this.base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/xml" },
      body,
    });
    const text = await res.text();
    this.transcript.push({
      seq: this.transcript.length + 1,
      at: new Date().toISOString(),
      from: "vtn",
      to: "ven",
      direction: "response",
      inReplyTo: request.seq,
      http: { status: res.status },
      ...(payloadOf(text) ? { payload: payloadOf(text) as string } : {}),
      body: text,
    });
    return text;
  }

  /** A template with a fresh requestID and this VEN's venID. */
  private fill(xml: string): string {
    this.n++;
    return xml
      .replace(/(<pyld:requestID>)[^<]*(<)/, `$1script-${this.n}$2`)
      .replace(/(<ei:venID>)[^<]*(<)/g, `$1${this.venID}$2`);
  }

  /** oadrQueryRegistration, oadrCreatePartyRegistration (keeps the venID), oadrRegisterReport. */
  async register(): Promise<void> {
    await this.send("EiRegisterParty", this.fill(template("oadrQueryRegistration")));
    const answer = await this.send(
      "EiRegisterParty",
      this.fill(template("oadrCreatePartyRegistration")),
    );
    const venID = scrape(answer, "venID");
    if (!venID) throw new Error(`the VTN assigned no venID:\n${answer}`);
    this.venID = venID;
    await this.send("EiReport", this.fill(template("oadrRegisterReport")));
  }

  /**
   * Polls until the VTN answers oadrResponse (nothing queued) or `until` says stop, answering
   * what it hands over: oadrRegisteredReport to its oadrRegisterReport, oadrCreatedEvent to an
   * event that requires a response, oadrCreatedReport to a report request. Returns the payloads seen.
   */
  async drain(max = 10): Promise<string[]> {
    const seen: string[] = [];
    for (let i = 0; i < max; i++) {
      const answer = await this.send("OadrPoll", this.fill(template("oadrPoll")));
      const payload = payloadOf(answer);
      if (!payload) throw new Error(`poll answered with no payload:\n${answer}`);
      seen.push(payload);
      if (payload === "oadrResponse") return seen;
      await this.answer(payload, answer);
    }
    return seen;
  }

  private async answer(payload: string, message: string): Promise<void> {
    const requestID = scrape(message, "requestID") ?? "";
    const response = `<ei:eiResponse><ei:responseCode>200</ei:responseCode><ei:responseDescription>OK</ei:responseDescription><pyld:requestID>${requestID}</pyld:requestID></ei:eiResponse>`;
    if (payload === "oadrRegisterReport")
      await this.send(
        "EiReport",
        wrap(
          `<oadr:oadrRegisteredReport ei:schemaVersion="2.0b">${response}<ei:venID>${this.venID}</ei:venID></oadr:oadrRegisteredReport>`,
        ),
      );
    else if (payload === "oadrCreateReport")
      await this.send(
        "EiReport",
        wrap(
          `<oadr:oadrCreatedReport ei:schemaVersion="2.0b">${response}<oadr:oadrPendingReports/><ei:venID>${this.venID}</ei:venID></oadr:oadrCreatedReport>`,
        ),
      );
    else if (payload === "oadrDistributeEvent") {
      const answers = [
        ...message.matchAll(/<(?:[\w.-]+:)?oadrEvent>([\s\S]*?)<\/(?:[\w.-]+:)?oadrEvent>/g),
      ]
        .map((m) => m[1] as string)
        .filter((e) => scrape(e, "oadrResponseRequired") === "always")
        .map(
          (e) =>
            `<ei:eventResponse><ei:responseCode>200</ei:responseCode><ei:responseDescription>OK</ei:responseDescription><pyld:requestID>${requestID}</pyld:requestID><ei:qualifiedEventID><ei:eventID>${scrape(e, "eventID")}</ei:eventID><ei:modificationNumber>${scrape(e, "modificationNumber")}</ei:modificationNumber></ei:qualifiedEventID><ei:optType>optIn</ei:optType></ei:eventResponse>`,
        );
      if (answers.length)
        await this.send(
          "EiEvent",
          wrap(
            `<oadr:oadrCreatedEvent ei:schemaVersion="2.0b"><pyld:eiCreatedEvent>${response}<ei:eventResponses>${answers.join("")}</ei:eventResponses><ei:venID>${this.venID}</ei:venID></pyld:eiCreatedEvent></oadr:oadrCreatedEvent>`,
          ),
        );
    }
  }
}

/** Calls our VTN's admin API (the broken peers run it open on loopback). */
export async function admin(base: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${base}/admin${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body ?? {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`admin ${path}: HTTP ${res.status} ${text}`);
  return JSON.parse(text);
}
