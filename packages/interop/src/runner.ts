/**
 * runScenario: plays a scenario between two players over real sockets. The client role talks to
 * the server role through a recording proxy (and the server pushes through a second one), so every
 * message in both directions lands in the transcript with its time; the harness's own messages
 * (a scripted side, or `inject`ed ones) go through the same proxy. Steps run in order; each yields
 * a check result, then every message, every exchange and the whole transcript are checked.
 */
import { operationFor, servicePath } from "@transactive/ei";
import type { CheckContext } from "./checks.js";
import * as builtinChecks from "./checks.js";
import { checkCtsExchange, checkCtsSequence } from "./checks-cts.js";
import {
  defaultPlayers,
  type InteropSecurity,
  type PlayerContext,
  PlayerError,
  type PlayerRegistry,
  type StartedPlayer,
  transactiveCommand,
  workDir,
} from "./players.js";
import { type ProxyLeg, STEP_HEADER, startProxy } from "./proxy.js";
import { ScenarioError, templateText } from "./scenario.js";
import {
  captureAll,
  jsonPointer,
  payloadName,
  renderXml,
  substitute,
  substituteJson,
  TemplateError,
  Variables,
} from "./template.js";
import { Transcript } from "./transcript.js";
import { exchange, postXml, TransportError } from "./transport.js";
import type {
  CheckResult,
  ExpectResponse,
  InteropRun,
  Player,
  Role,
  Scenario,
  Step,
  TranscriptEntry,
} from "./types.js";

/** The three checks the runner calls (the checks module by default). */
export interface ChecksSeam {
  /** checks one message on its own (every transcript entry) */
  message(entry: TranscriptEntry, ctx: CheckContext): CheckResult[];
  /** checks a request and its answer */
  exchange(request: TranscriptEntry, response: TranscriptEntry, ctx: CheckContext): CheckResult[];
  /** checks the whole transcript at the end of the run */
  sequence(transcript: readonly TranscriptEntry[], ctx: CheckContext): CheckResult[];
}

/** Options of a run. */
export interface RunOptions {
  /** sign every message and require signed answers, HTTPS on every leg (also when the scenario says `signed`) */
  readonly signed?: boolean;
  /** TLS and signing material; required for a signed run */
  readonly security?: InteropSecurity;
  /** where players come from (default: defaultPlayers(), OpenADR 2.0b ours + url/command/script) */
  readonly players?: PlayerRegistry;
  /** the checks (default ./checks.js) */
  readonly checks?: ChecksSeam;
  /** how to run `transactive` for "ours" (default: the built CLI, else its sources through tsx) */
  readonly command?: readonly string[];
  /** a step's time limit when its timing gives none, ms (default 30 000) */
  readonly stepTimeoutMs?: number;
  /** time limit for a player to start, ms (default 60 000) */
  readonly startTimeoutMs?: number;
  /**
   * the time limit of a step that follows an instruction to an operator (a third party's side),
   * ms (default 300 000): a person needs longer than a program
   */
  readonly manualStepTimeoutMs?: number;
  /** what an operator must do on a third-party side (default: written to stderr) */
  readonly onInstruction?: (text: string) => void;
  /** variables laid over the scenario's (e.g. an eventID or venName a third party expects) */
  readonly variables?: Readonly<Record<string, string>>;
  /** each step's outcome as it completes */
  readonly onStep?: (result: CheckResult) => void;
}

/** The checks of a profile: the common rules, and for CTS the cts-* rules after them. */
function defaultChecks(profile: string): ChecksSeam {
  if (profile !== "cts")
    return {
      message: builtinChecks.checkMessage,
      exchange: builtinChecks.checkExchange,
      sequence: builtinChecks.checkSequence,
    };
  return {
    message: builtinChecks.checkMessage,
    exchange: (req, res, ctx) => [
      ...builtinChecks.checkExchange(req, res, ctx),
      ...checkCtsExchange(req, res, ctx),
    ],
    sequence: (entries, ctx) => [
      ...builtinChecks.checkSequence(entries, ctx),
      ...checkCtsSequence(entries, ctx),
    ],
  };
}

/** How often a scripted side repeats a message with `pollUntil` (an oadrPoll), ms. */
const REPEAT_MS = 500;

/** ISO 8601 duration (weeks, days, hours, minutes, seconds) in ms; undefined when not one. */
export function durationMs(text: string): number | undefined {
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
  if (!m || text === "P" || text.endsWith("T")) return undefined;
  const [, w, d, h, min, s] = m;
  return (
    ((Number(w ?? 0) * 7 + Number(d ?? 0)) * 86_400 +
      Number(h ?? 0) * 3600 +
      Number(min ?? 0) * 60 +
      Number(s ?? 0)) *
    1000
  );
}

class StepFailure extends Error {}

/** The service a payload is posted to, from @transactive/ei's operation catalog. */
function pathFor(profile: string, payload: string): string {
  const op = (["oadr", "ei", "emix", "cts", "pyld"] as const)
    .map((prefix) => operationFor(profile, `${prefix}:${payload}`))
    .find((o) => o !== undefined);
  if (!op)
    throw new StepFailure(`${payload} is not a request of the ${profile} profile's services`);
  return servicePath(profile, op.service);
}

/** Splits a PEM bundle into its certificates. */
function certificates(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/**
 * Runs a scenario between `players` (one per role of the scenario). Never throws for a peer's
 * behaviour: every failure is a check result; throws PlayerError when a player cannot start and
 * ScenarioError for a scenario that cannot be run (a signed run without credentials).
 */
export async function runScenario(
  scenario: Scenario,
  players: Readonly<Partial<Record<Role, Player>>>,
  options: RunOptions = {},
): Promise<InteropRun> {
  const startedAt = new Date();
  const signed = options.signed === true || scenario.signed === true;
  const security = options.security;
  if (signed && !security)
    throw new ScenarioError(
      scenario.file ?? scenario.name,
      "/signed",
      "a signed run needs TLS and XML Signature credentials (a CA, a server and a client certificate, a signer)",
    );
  const [serverRole, clientRole] = scenario.roles;
  for (const role of scenario.roles)
    if (!players[role]) throw new PlayerError(role, `no player given for the ${role}`);
  const registry = options.players ?? defaultPlayers();
  const checks = options.checks ?? defaultChecks(scenario.profile);
  const tell = options.onInstruction ?? ((t: string) => process.stderr.write(`${t}\n`));
  const stepTimeout = options.stepTimeoutMs ?? 30_000;
  const trust = security ? certificates(security.ca) : [];
  const clientTls = security
    ? { ca: security.ca, cert: security.client.cert, key: security.client.key }
    : undefined;

  const transcript = new Transcript();
  const results: CheckResult[] = [];
  const expectations = new Map<number, { step: string; expect: ExpectResponse }>();
  /** requests the harness sent in a real player's name */
  const injected = new Set<number>();
  const started: Partial<Record<Role, StartedPlayer>> = {};
  const legs: Partial<Record<Role, ProxyLeg>> = {};
  const scratch = workDir();
  const record = (r: CheckResult) => {
    results.push(r);
    options.onStep?.(r);
  };

  try {
    // client -> server (requests), server -> client (pushes)
    legs[clientRole] = await startProxy({
      from: clientRole,
      to: serverRole,
      transcript,
      // HTTPS towards the proxy in a signed run; towards an https endpoint whenever credentials are given
      ...(signed && security ? { tls: { ...security.server, ca: security.ca } } : {}),
      ...(clientTls ? { targetTls: clientTls } : {}),
    });
    legs[serverRole] = await startProxy({
      from: serverRole,
      to: clientRole,
      transcript,
      // no client certificate asked of the pusher: a VTN presents its server certificate
      ...(signed && security ? { tls: security.server } : {}),
      ...(clientTls ? { targetTls: clientTls } : {}),
    });
    const base: Omit<PlayerContext, "role" | "peerUrl" | "pushUrl"> = {
      scenario,
      signed,
      ...(security ? { security } : {}),
      command: options.command ?? transactiveCommand(),
      workDir: scratch.dir,
      startTimeoutMs: options.startTimeoutMs ?? 60_000,
      tell,
    };
    const start = async (role: Role, extra: Partial<PlayerContext>) => {
      const player = players[role] as Player;
      const factory = registry.find(scenario.profile, role, player.kind);
      if (!factory)
        throw new PlayerError(
          role,
          `no "${player.kind}" player for the ${role} of ${scenario.profile}`,
        );
      started[role] = await factory(player, { ...base, role, ...extra });
      return started[role] as StartedPlayer;
    };
    const server = await start(serverRole, { peerUrl: legs[serverRole]?.url as string });
    if (server.endpoint) legs[clientRole]?.setTarget(server.endpoint);
    const client = await start(clientRole, {
      peerUrl: legs[clientRole]?.url as string,
      pushUrl: legs[serverRole]?.url as string,
    });
    if (client.endpoint) legs[serverRole]?.setTarget(client.endpoint);

    const vars = new Variables({
      signed: String(signed),
      ...scenario.variables,
      ...options.variables,
    });
    const claimed = new Set<number>();
    let floor = 0;
    /** the last step was an instruction to an operator */
    let afterManual = false;

    const fail = (msg: string): never => {
      throw new StepFailure(msg);
    };
    const sendScripted = async (step: Step, from: Role, xml: string, deadline: number) => {
      const leg = legs[from] as ProxyLeg;
      const payload =
        payloadName(xml) ?? fail(`the template of step "${step.name}" is not an XML message`);
      const url = `${leg.url}${pathFor(scenario.profile, payload)}`;
      const want = step.expect?.payload;
      for (;;) {
        const before = transcript.entries.length;
        try {
          await postXml(url, xml, {
            headers: { [STEP_HEADER]: step.name },
            ...(clientTls ? { tls: clientTls } : {}),
            ...(signed && security ? { signing: security.signer } : {}),
          });
        } catch (e) {
          fail(e instanceof TransportError ? e.message : String(e));
        }
        const request = transcript.entries
          .slice(before)
          .find((e) => e.direction === "request" && e.step === step.name);
        if (!request) fail("the harness's message did not pass the proxy");
        const response = transcript.responseTo((request as TranscriptEntry).seq);
        if (!response) fail("the proxy recorded no answer");
        if (
          !step.timing?.pollUntil ||
          want === undefined ||
          response?.payload === want ||
          Date.now() > deadline
        )
          return [request, response] as [TranscriptEntry, TranscriptEntry];
        await new Promise((r) => setTimeout(r, REPEAT_MS));
        // a fresh rendering: a new ${uuid} requestID for each repetition
        xml = renderXml(templateText(scenario, step.send ?? {}, ""), vars);
      }
    };

    const awaitMessage = async (
      step: Step,
      from: Role,
      payload: string,
      response: string | undefined,
      deadline: number,
      limit: string,
    ): Promise<[TranscriptEntry, TranscriptEntry]> => {
      for (;;) {
        let pending = false;
        for (const e of transcript.entries) {
          if (e.direction !== "request" || e.from !== from || claimed.has(e.seq)) continue;
          if (e.payload !== payload) continue;
          const answer = transcript.responseTo(e.seq);
          if (!answer) {
            pending = true;
            if (!step.timing?.pollUntil) break;
            continue;
          }
          // answered before the last action: not its effect (a poll in flight during the
          // action counts, since its answer came after)
          if (answer.seq <= floor) continue;
          if (response === undefined || answer.payload === response) return [e, answer];
          if (!step.timing?.pollUntil)
            fail(
              `the next ${payload} from the ${from} (#${e.seq}) was answered with ${answer.payload ?? `HTTP ${answer.http.status}`}, not ${response} (add timing.pollUntil to wait for a later one)`,
            );
        }
        const left = deadline - Date.now();
        if (left <= 0)
          fail(
            `no ${payload}${response ? ` answered with ${response}` : ""} from the ${from} within ${limit}${pending ? " (one is still unanswered)" : ""}`,
          );
        await transcript.changed(Math.min(left, 1000));
      }
    };

    const runStep = async (step: Step, index: number): Promise<string> => {
      const given = step.timing?.within ? (durationMs(step.timing.within) as number) : stepTimeout;
      const within =
        afterManual && !step.admin
          ? Math.max(given, options.manualStepTimeoutMs ?? 300_000)
          : given;
      afterManual = false;
      const deadline = Date.now() + within;
      const pointer = `/steps/${index}`;
      if (step.send || step.await) {
        const from = step.from as Role;
        const player = started[from] as StartedPlayer;
        let pair: [TranscriptEntry, TranscriptEntry];
        let how: string;
        if (step.send && (player.scripted || step.send.inject)) {
          const xml = renderXml(templateText(scenario, step.send, `${pointer}/send`), vars);
          floor = transcript.entries.length;
          pair = await sendScripted(step, from, xml, deadline);
          if (!player.scripted) injected.add(pair[0].seq);
          how = `the harness sent ${pair[0].payload} in the ${from}'s name`;
        } else {
          if (player.scripted)
            fail(
              `the ${from} is a script, which sends only \`send\` steps; this step awaits a message from it`,
            );
          const payload = step.send
            ? (payloadName(
                templateText(scenario, step.send, `${pointer}/send`).replace(/\$\{[^}]*\}/g, "x"),
              ) ?? fail("the template is not an XML message"))
            : (step.await?.payload as string);
          const response =
            step.await?.response ?? (step.timing?.pollUntil ? step.expect?.payload : undefined);
          pair = await awaitMessage(
            step,
            from,
            payload,
            response,
            deadline,
            within === given && step.timing?.within ? step.timing.within : `${within} ms`,
          );
          how = `the ${from} sent ${payload} (#${pair[0].seq})`;
        }
        const [request, answer] = pair;
        claimed.add(request.seq);
        transcript.tag(request.seq, step.name);
        transcript.tag(answer.seq, step.name);
        const expect =
          step.expect ?? (step.await?.response ? { payload: step.await.response } : undefined);
        if (expect) expectations.set(request.seq, { step: step.name, expect });
        if (step.capture?.request) captureAll(request.body, step.capture.request, vars);
        if (step.capture?.response) captureAll(answer.body, step.capture.response, vars);
        return `${how}, answered with ${answer.payload ?? `HTTP ${answer.http.status}`} (#${answer.seq})`;
      }
      if (step.admin) {
        const a = step.admin;
        const player = started[a.on] as StartedPlayer;
        floor = transcript.entries.length;
        if (!player.admin) {
          tell(
            `[${scenario.name}] ${step.name}: on the ${a.on}: ${substitute(a.instruction, vars)}`,
          );
          afterManual = true;
          return `manual on the ${a.on} (not ours): ${substitute(a.instruction, vars)}`;
        }
        const path = substitute(a.path, vars, encodeURIComponent);
        const body =
          a.body === undefined ? undefined : JSON.stringify(substituteJson(a.body, vars));
        let res: Awaited<ReturnType<typeof exchange>>;
        try {
          res = await exchange(`${player.admin.url}${path}`, body, {
            method: a.method,
            headers: {
              authorization: `Bearer ${player.admin.token}`,
              ...(body !== undefined ? { "content-type": "application/json" } : {}),
            },
            ...(player.admin.tls ? { tls: player.admin.tls } : {}),
          });
        } catch (e) {
          return fail(`the admin API did not answer: ${(e as Error).message}`);
        }
        const text = res.body.toString("utf8");
        if (res.status >= 300)
          fail(`${a.method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
        if (a.capture) {
          const json = JSON.parse(text) as unknown;
          for (const [name, ptr] of Object.entries(a.capture)) {
            const v = jsonPointer(json, ptr);
            if (v === undefined) fail(`capture ${name}: the admin answer has nothing at ${ptr}`);
            vars.set(name, typeof v === "string" ? v : JSON.stringify(v));
          }
        }
        return `${a.method} ${path}: HTTP ${res.status}`;
      }
      const s = step.state as NonNullable<Step["state"]>;
      const player = started[s.on] as StartedPlayer;
      if (!player.admin)
        return `not checked: the ${s.on} is not ours (no admin API to read its state)`;
      const path = substitute(s.get, vars, encodeURIComponent);
      const want = substituteJson(s.expect, vars) as Record<string, unknown>;
      let last = "";
      for (;;) {
        try {
          const res = await exchange(`${player.admin.url}${path}`, undefined, {
            method: "GET",
            headers: { authorization: `Bearer ${player.admin.token}` },
            ...(player.admin.tls ? { tls: player.admin.tls } : {}),
          });
          const text = res.body.toString("utf8");
          if (res.status !== 200) last = `HTTP ${res.status} ${text.slice(0, 200)}`;
          else {
            const json = JSON.parse(text) as unknown;
            const wrong = Object.entries(want).filter(
              // null expects the value absent (or null)
              ([ptr, v]) => JSON.stringify(jsonPointer(json, ptr) ?? null) !== JSON.stringify(v),
            );
            if (!wrong.length)
              return `GET ${path}: ${Object.entries(want)
                .map(([p, v]) => `${p} = ${JSON.stringify(v)}`)
                .join(", ")}`;
            last = wrong
              .map(
                ([p, v]) =>
                  `${p} is ${JSON.stringify(jsonPointer(json, p)) ?? "absent"}, expected ${JSON.stringify(v)}`,
              )
              .join("; ");
          }
        } catch (e) {
          last = (e as Error).message;
        }
        if (Date.now() > deadline) fail(`GET ${path}: ${last}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    };

    for (let i = 0; i < scenario.steps.length; i++) {
      const step = scenario.steps[i] as Step;
      try {
        const message = await runStep(step, i);
        record({ rule: step.state ? "state" : "step", step: step.name, ok: true, message });
      } catch (e) {
        if (!(e instanceof StepFailure || e instanceof TemplateError || e instanceof ScenarioError))
          throw e;
        record({
          rule: step.state ? "state" : "step",
          step: step.name,
          ok: false,
          message: e.message,
        });
        const rest = scenario.steps.slice(i + 1).map((s) => s.name);
        if (rest.length)
          record({
            rule: "step",
            step: rest[0] as string,
            ok: false,
            message: `not run, since step "${step.name}" failed: ${rest.join(", ")}`,
          });
        break;
      }
    }
  } finally {
    transcript.close();
    // the client first: a VEN ends with its summary while its VTN still answers
    for (const role of [clientRole, serverRole]) await started[role]?.stop();
    for (const leg of Object.values(legs)) await leg?.close();
    scratch.remove();
  }

  const entries = transcript.entries;
  const stepOf = new Map<number, string>();
  for (const e of entries) if (e.step) stepOf.set(e.seq, e.step);
  // one scope for the whole run: a nonce carried by two messages of the run is a replay
  const run = {};
  const unregistered = builtinChecks.unregisteredRequests(entries, { profile: scenario.profile });
  const ctx = (step: string, expect?: ExpectResponse): CheckContext => ({
    profile: scenario.profile,
    signed,
    trustedCertificates: trust,
    step,
    run,
    injected,
    unregistered,
    ...(expect ? { expect } : {}),
  });
  const checked: CheckResult[] = [];
  for (const e of entries) checked.push(...checks.message(e, ctx(e.step ?? "")));
  for (const e of entries) {
    if (e.direction !== "request") continue;
    const answer = entries.find((r) => r.direction === "response" && r.inReplyTo === e.seq);
    if (!answer) continue;
    const x = expectations.get(e.seq);
    checked.push(...checks.exchange(e, answer, ctx(x?.step ?? e.step ?? "", x?.expect)));
  }
  checked.push(...checks.sequence(entries, ctx("")));
  const all = [...results, ...checked];
  const logs: Partial<Record<Role, string>> = {};
  for (const role of scenario.roles) {
    const l = started[role]?.logs();
    if (l) logs[role] = l;
  }
  const described: Partial<Record<Role, string>> = {};
  for (const role of scenario.roles)
    described[role] = started[role]?.describe ?? (players[role] as Player).kind;
  return {
    scenario: scenario.name,
    title: scenario.title,
    players: described,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    transcript: entries,
    checks: all,
    passed: all.every((r) => r.ok),
    logs,
  };
}
