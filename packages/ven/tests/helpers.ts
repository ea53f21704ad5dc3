/**
 * Test helpers: `transactive ven` as a real child process (the CLI's bin through tsx with the
 * source condition, as the CLI's own process tests run it), an in-process reference VTN on
 * 127.0.0.1:0 that records every request body, and polling waits with generous limits.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { fromJson } from "@transactive/codec";
import { type OadrDistributeEventTypeOadrEvent, registry } from "@transactive/ei";
import {
  createReferenceDispatcher,
  type ReferenceDispatcherOptions,
  type ReferenceVtn,
} from "@transactive/ei/reference";
import { createEiRequestListener, type EiServerTls } from "@transactive/ei-node";

export const REPO = resolve(import.meta.dirname, "../../..");
const BIN = join(REPO, "packages/cli/src/bin.ts");

/** A running `transactive ven`. */
export interface VenProcess {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** resolves when stderr matches (or throws with the output after timeoutMs) */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGTERM (unless it already exited) and the exit code with the whole output */
  stop(): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** waits for the process to exit by itself */
  exited(timeoutMs?: number): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

const live = new Set<ChildProcess>();
process.on("exit", () => {
  for (const c of live) c.kill("SIGKILL");
});

export function spawnVen(args: readonly string[]): VenProcess {
  const child = spawn(
    process.execPath,
    ["--conditions=@transactive/source", "--import", "tsx", BIN, "ven", ...args],
    { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] },
  );
  live.add(child);
  let out = "";
  let err = "";
  child.stdout?.on("data", (c: Buffer) => (out += c));
  child.stderr?.on("data", (c: Buffer) => (err += c));
  const exit = once(child, "exit").then(([code]) => {
    live.delete(child);
    return code as number | null;
  });
  const result = async () => ({ code: await exit, stdout: out, stderr: err });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    async waitForLog(pattern, timeoutMs = 150_000) {
      await waitUntil(
        () => pattern.test(err) || child.exitCode !== null,
        timeoutMs,
        `log ${pattern}`,
        () => err,
      );
      const m = pattern.exec(err);
      if (!m) throw new Error(`ven exited before logging ${pattern}:\n${err}\n${out}`);
      return m;
    },
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      return result();
    },
    async exited(timeoutMs = 150_000) {
      await waitUntil(
        () => child.exitCode !== null,
        timeoutMs,
        "the ven to exit",
        () => err,
      );
      return result();
    },
  };
}

/** Polls `check` every 50 ms until it is true; throws after timeoutMs with what it waited for. */
export async function waitUntil(
  check: () => boolean,
  timeoutMs: number,
  what: string,
  context: () => string = () => "",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${context()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** An in-process reference VTN over HTTP(S) that keeps every request body it received. */
export interface TestVtn {
  readonly url: string;
  readonly vtn: ReferenceVtn;
  /** request bodies, in arrival order, with the path they were posted to; answered once the response is sent */
  readonly requests: { path: string; body: string; answered: boolean }[];
  close(): Promise<void>;
}

export async function startTestVtn(
  options: ReferenceDispatcherOptions & { tls?: EiServerTls } = {},
): Promise<TestVtn> {
  const dispatcher = createReferenceDispatcher({ profile: "openadr2b", ...options });
  dispatcher.prepare?.();
  const listener = createEiRequestListener(dispatcher);
  const requests: { path: string; body: string; answered: boolean }[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    const record = { path: req.url ?? "", body: "", answered: false };
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      record.body = Buffer.concat(chunks).toString("utf8");
      requests.push(record);
    });
    res.on("finish", () => {
      record.answered = true;
    });
    listener(req, res);
  };
  const tls = options.tls;
  const server: Server = tls
    ? createHttpsServer(
        {
          key: tls.key,
          cert: tls.cert,
          ...(tls.ca ? { ca: tls.ca as string, requestCert: true, rejectUnauthorized: true } : {}),
        },
        handler,
      )
    : createServer(handler);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    vtn: dispatcher.reference as ReferenceVtn,
    requests,
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** The example event (examples/openadr2b-distribute-event.json), as a new event with this ID. */
export function testEvent(
  eventID: string,
  patch: {
    modificationNumber?: number;
    signalName?: string;
    responseRequired?: "always" | "never";
  } = {},
): OadrDistributeEventTypeOadrEvent {
  const doc = fromJson(
    registry,
    JSON.parse(readFileSync(join(REPO, "examples/openadr2b-distribute-event.json"), "utf8")),
  ).value as {
    oadrSignedObject: { oadrDistributeEvent: { oadrEvent: OadrDistributeEventTypeOadrEvent[] } };
  };
  const e = structuredClone(
    doc.oadrSignedObject.oadrDistributeEvent.oadrEvent[0] as OadrDistributeEventTypeOadrEvent,
  );
  e.eiEvent.eventDescriptor.eventID = eventID;
  e.eiEvent.eventDescriptor.modificationNumber = patch.modificationNumber ?? 0;
  if (patch.signalName)
    for (const s of e.eiEvent.eiEventSignals.eiEventSignal ?? []) s.signalName = patch.signalName;
  e.oadrResponseRequired = patch.responseRequired ?? "always";
  return e;
}

/** Whether the OASIS XSDs are here; without them XSD checks skip, except under CI=true where they fail. */
import { existsSync } from "node:fs";
import { oasisDir, XSD_ROOTS, xsdOracle } from "@transactive/conformance";

const xsds = existsSync(join(oasisDir(), XSD_ROOTS.openadr2b as string));
export const SKIP_XSD = !xsds && process.env.CI !== "true";

/** Validates XML documents against the OpenADR 2.0b XSD; returns "name: error" lines for the invalid ones. */
export async function xsdProblems(
  docs: readonly { name: string; xml: string }[],
): Promise<string[]> {
  if (!xsds)
    throw new Error(
      `OASIS XSDs not found under ${oasisDir()}, and CI=true requires the XSD checks to run`,
    );
  const oracle = await xsdOracle();
  const verdicts = await oracle.validate(
    "openadr2b",
    new Map(docs.map((d, i) => [`${i} ${d.name}`, d.xml])),
  );
  const problems: string[] = [];
  for (const [key, v] of verdicts)
    if (!v.valid) problems.push(`${key}: ${v.errors.map((e) => e.message).join("; ")}`);
  return problems;
}

/** The message element inside an oadrPayload's oadrSignedObject, e.g. "oadrPoll". */
export function messageOf(xml: string): string {
  return /<(?:\w+:)?oadrSignedObject\b[^>]*>\s*<(?:\w+:)?(\w+)/.exec(xml)?.[1] ?? "?";
}
