/**
 * Starting the players of a run. "ours" is our reference implementation in its own process
 * (`transactive serve` as a VTN, `transactive ven`), a "command" is a third party's program started
 * with the peer's URL in environment variables, a "url" is an endpoint already running, and a
 * "script" is the harness itself. Every process is stopped at the end (SIGTERM, then SIGKILL) and
 * the tail of its stderr kept for the run's logs.
 *
 * Players are looked up in a registry by profile, role and kind, so other profiles (CTS: market and
 * agent) add their own "ours" without touching the runner.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ctsPlayerFactory } from "./players-cts.js";
import type { ClientTls, SigningCredential } from "./transport.js";
import type { InteropProfile, Player, Role, Scenario } from "./types.js";

/** A player that cannot be started, or a combination the harness does not support. */
export class PlayerError extends Error {
  override readonly name = "PlayerError";
  constructor(
    /** the role concerned */
    readonly role: Role,
    message: string,
    /** the stderr tail of a process that failed to start */
    readonly log?: string,
  ) {
    // the last line a failed process wrote usually says why
    const last = log?.trim().split("\n").at(-1);
    super(`${role}: ${message}${last ? ` (last output: ${last})` : ""}`);
  }
}

/** A PEM key and certificate. */
export interface Credential {
  readonly key: string;
  readonly cert: string;
}

/**
 * TLS and XML Signature material of a signed run (PEM text). One CA issues everything the harness
 * and our players present; third parties' certificates must chain to `ca` too (it may hold
 * several certificates).
 */
export interface InteropSecurity {
  /** trust anchor(s) for TLS peers and XML signers */
  readonly ca: string;
  /** a server certificate valid for 127.0.0.1: our VTN's listener and the proxy's listeners */
  readonly server: Credential;
  /** a client certificate: our VEN's and the proxy's/harness's towards a server */
  readonly client: Credential;
  /** the XML Signature signer of every party we play (harness, our VTN, our VEN) */
  readonly signer: Credential;
}

/** What a player is told when it starts. */
export interface PlayerContext {
  readonly scenario: Scenario;
  readonly role: Role;
  /** the peer's URL as this player must use it (the proxy in front of the peer) */
  readonly peerUrl?: string;
  /** for a client role with a push endpoint: the URL to advertise (the proxy in front of it) */
  readonly pushUrl?: string;
  /** the run is signed (HTTPS + XML Signature) */
  readonly signed: boolean;
  readonly security?: InteropSecurity;
  /** how to run `transactive` (argv before the command's own arguments) */
  readonly command: readonly string[];
  /** a scratch directory of the run (for key files) */
  readonly workDir: string;
  /** time limit to start, ms */
  readonly startTimeoutMs: number;
  /** a line for the operator (instructions for third-party sides) */
  readonly tell: (line: string) => void;
}

/** A started player. */
export interface StartedPlayer {
  readonly role: Role;
  /** how the run's report names it, e.g. "ours", "url http://…", "command …", "script" */
  readonly describe: string;
  /** whether the harness sends this role's messages itself */
  readonly scripted: boolean;
  /** the endpoint the peer's requests go to (a VTN's base URL; a VEN's push listener) */
  readonly endpoint?: string;
  /** the admin API, when the player is ours and has one */
  readonly admin?: { readonly url: string; readonly token: string; readonly tls?: ClientTls };
  /** stops it; idempotent */
  stop(): Promise<void>;
  /** the tail of its stderr (and stdout) */
  logs(): string;
}

/** Starts one kind of player for a role. */
export type PlayerFactory = (player: Player, ctx: PlayerContext) => Promise<StartedPlayer>;

/** Factories by `${profile}:${role}:${kind}`; "*" stands for any profile or role. */
export class PlayerRegistry {
  private readonly factories = new Map<string, PlayerFactory>();
  /** Adds (or replaces) the factory of a profile, role and player kind. */
  register(
    profile: InteropProfile | "*",
    role: Role | "*",
    kind: Player["kind"],
    f: PlayerFactory,
  ): this {
    this.factories.set(`${profile}:${role}:${kind}`, f);
    return this;
  }
  /** The factory for a player, most specific first. */
  find(profile: InteropProfile, role: Role, kind: Player["kind"]): PlayerFactory | undefined {
    return (
      this.factories.get(`${profile}:${role}:${kind}`) ??
      this.factories.get(`*:${role}:${kind}`) ??
      this.factories.get(`${profile}:*:${kind}`) ??
      this.factories.get(`*:*:${kind}`)
    );
  }
}

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/**
 * How to run the `transactive` command: in this repository the built CLI, else its sources
 * through tsx; where the packages are installed from npm, the installed @transactive/cli's bin.
 */
export function transactiveCommand(): string[] {
  const built = join(REPO, "packages/cli/dist/bin.js");
  if (existsSync(built)) return [process.execPath, built];
  const source = join(REPO, "packages/cli/src/bin.ts");
  if (existsSync(source))
    return [process.execPath, "--conditions=@transactive/source", "--import", "tsx", source];
  try {
    // an install: @transactive/cli's entry is dist/index.js, its bin sits beside dist
    const entry = fileURLToPath(import.meta.resolve("@transactive/cli"));
    const bin = join(dirname(entry), "bin.js");
    if (existsSync(bin)) return [process.execPath, bin];
  } catch {
    // not installed: the error below says what to do
  }
  throw new PlayerError(
    "vtn",
    "cannot find the transactive command to start our side: install @transactive/cli next to @transactive/interop",
  );
}

const TAIL = 16_384;

/** A child process with its output kept (the last 16 KiB) and a stop that escalates. */
export interface Child {
  readonly child: ChildProcess;
  /** the tail of its stdout */
  out(): string;
  /** the tail of its stderr */
  err(): string;
  /** resolves when it exits */
  readonly exited: Promise<number | null>;
  /** SIGTERM to its process group, SIGKILL after 5 s; resolves when it has exited */
  stop(): Promise<void>;
}

/** Spawns a process; `shell` runs `argv[0]` as a shell command line. */
export function spawnChild(
  argv: readonly string[],
  env: Readonly<Record<string, string>>,
  shell = false,
): Child {
  const [cmd, ...args] = argv as [string, ...string[]];
  const child = spawn(cmd, args, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    shell,
    // its own process group, so a shell command's children stop with it
    detached: process.platform !== "win32",
  });
  let out = "";
  let err = "";
  child.stdout?.on("data", (c: Buffer) => {
    out = (out + c).slice(-TAIL);
  });
  child.stderr?.on("data", (c: Buffer) => {
    err = (err + c).slice(-TAIL);
  });
  const exited = new Promise<number | null>((r) => {
    if (child.exitCode !== null) r(child.exitCode);
    child.once("exit", (code) => r(code));
    child.once("error", () => r(-1));
  });
  const signal = (s: NodeJS.Signals) => {
    try {
      if (child.pid && process.platform !== "win32") process.kill(-child.pid, s);
      else child.kill(s);
    } catch {
      // already gone
    }
  };
  let stopping: Promise<void> | undefined;
  return {
    child,
    out: () => out,
    err: () => err,
    exited,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        signal("SIGTERM");
        const t = setTimeout(() => signal("SIGKILL"), 5_000);
        await exited;
        clearTimeout(t);
      })();
      return stopping;
    },
  };
}

/** Waits until `probe` holds, the process exits, or the time is up. */
async function until(
  what: string,
  role: Role,
  c: Child,
  probe: () => boolean,
  ms: number,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (c.child.exitCode !== null || c.child.signalCode !== null)
      throw new PlayerError(
        role,
        `${what}: the process ended (exit ${c.child.exitCode ?? c.child.signalCode})`,
        c.err() + c.out(),
      );
    if (Date.now() > deadline) {
      await c.stop();
      throw new PlayerError(role, `${what}: not within ${ms} ms`, c.err() + c.out());
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

const camelToKebab = (k: string) => k.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`);
/** options whose values are files, resolved next to the scenario file */
const FILE_OPTIONS = new Set(["event", "report-file"]);
/** options the runner sets itself */
const RESERVED = new Set([
  "port",
  "host",
  "vtn",
  "push-listen",
  "push-url",
  "push",
  "admin-token",
  "admin-token-file",
]);

/** A scenario's `ours` options as command-line flags. */
export function oursFlags(scenario: Scenario, role: Role): string[] {
  const opts = scenario.ours?.[role] ?? {};
  const base = scenario.file ? dirname(scenario.file) : process.cwd();
  const flags: string[] = [];
  for (const [k, v] of Object.entries(opts)) {
    const flag = camelToKebab(k);
    if (RESERVED.has(flag)) continue;
    const values = Array.isArray(v) ? v : [v];
    for (const value of values) {
      if (value === false) continue;
      if (typeof value === "object" && value !== null)
        throw new PlayerError(
          role,
          `ours.${role}.${k}: a command-line option takes a string, number or boolean (or a list of them), not ${JSON.stringify(value)}`,
        );
      if (value === true) flags.push(`--${flag}`);
      else
        flags.push(
          `--${flag}`,
          FILE_OPTIONS.has(flag) ? resolve(base, String(value)) : String(value),
        );
    }
  }
  return flags;
}

function pemFiles(ctx: PlayerContext, role: Role): Record<string, string> {
  const s = ctx.security;
  if (!s)
    throw new PlayerError(
      role,
      "a signed run needs TLS and signing credentials (--tls-*, --sign-*)",
    );
  const write = (name: string, text: string) => {
    const p = join(ctx.workDir, `${role}-${name}.pem`);
    writeFileSync(p, text, { mode: 0o600 });
    return p;
  };
  return {
    ca: write("ca", s.ca),
    serverKey: write("server-key", s.server.key),
    serverCert: write("server-cert", s.server.cert),
    clientKey: write("client-key", s.client.key),
    clientCert: write("client-cert", s.client.cert),
    signKey: write("sign-key", s.signer.key),
    signCert: write("sign-cert", s.signer.cert),
  };
}

/** Our VTN: `transactive serve --port 0` with a fresh admin token, its URL read from its output. */
export const oursVtn: PlayerFactory = async (_player, ctx) => {
  const token = randomBytes(24).toString("hex");
  const flags = [
    "serve",
    "--host",
    "127.0.0.1",
    "--port",
    "0",
    ...oursFlags(ctx.scenario, ctx.role),
  ];
  let adminTls: ClientTls | undefined;
  if (ctx.signed) {
    const f = pemFiles(ctx, ctx.role);
    flags.push(
      "--tls-key",
      f.serverKey as string,
      "--tls-cert",
      f.serverCert as string,
      "--tls-ca",
      f.ca as string,
      "--sign-key",
      f.signKey as string,
      "--sign-cert",
      f.signCert as string,
      "--trust-ca",
      f.ca as string,
    );
    const s = ctx.security as InteropSecurity;
    adminTls = { ca: s.ca, cert: s.client.cert, key: s.client.key };
  }
  const [cmd, ...pre] = ctx.command as [string, ...string[]];
  const c = spawnChild([cmd, ...pre, ...flags], { TRANSACTIVE_ADMIN_TOKEN: token });
  await until(
    "start",
    ctx.role,
    c,
    () => c.out().includes("Stop with Ctrl+C."),
    ctx.startTimeoutMs,
  );
  const url = /services on (\S+)/.exec(c.out())?.[1];
  if (!url) {
    await c.stop();
    throw new PlayerError(ctx.role, "serve did not print its URL", c.err() + c.out());
  }
  return {
    role: ctx.role,
    describe: "ours (transactive serve)",
    scripted: false,
    endpoint: url,
    admin: { url, token, ...(adminTls ? { tls: adminTls } : {}) },
    stop: () => c.stop(),
    logs: () => c.err() + c.out(),
  };
};

/**
 * Our VEN: `transactive ven --vtn <proxy>`; with `ours.ven.push` true it listens on a free port and
 * advertises the proxy's push URL, and the listener's URL is read from its log.
 */
export const oursVen: PlayerFactory = async (_player, ctx) => {
  if (!ctx.peerUrl) throw new PlayerError(ctx.role, "no VTN URL to give the VEN");
  const push = ctx.scenario.ours?.[ctx.role]?.push === true;
  const flags = ["ven", "--vtn", ctx.peerUrl, ...oursFlags(ctx.scenario, ctx.role)];
  if (push) {
    if (!ctx.pushUrl) throw new PlayerError(ctx.role, "no push URL to advertise");
    flags.push("--push-listen", "127.0.0.1:0", "--push-url", ctx.pushUrl);
  }
  if (ctx.signed) {
    const f = pemFiles(ctx, ctx.role);
    flags.push(
      "--tls-ca",
      f.ca as string,
      "--tls-cert",
      f.clientCert as string,
      "--tls-key",
      f.clientKey as string,
      "--sign-key",
      f.signKey as string,
      "--sign-cert",
      f.signCert as string,
      "--trust-ca",
      f.ca as string,
    );
  }
  const [cmd, ...pre] = ctx.command as [string, ...string[]];
  const c = spawnChild([cmd, ...pre, ...flags], {});
  let endpoint: string | undefined;
  if (push) {
    await until(
      "start",
      ctx.role,
      c,
      () => /listening on (http\S+?)[);,\s]/.test(c.err()),
      ctx.startTimeoutMs,
    );
    endpoint = /listening on (http\S+?)[);,\s]/.exec(c.err())?.[1];
  }
  return {
    role: ctx.role,
    describe: `ours (transactive ven${push ? ", push" : ""})`,
    scripted: false,
    ...(endpoint ? { endpoint } : {}),
    stop: () => c.stop(),
    logs: () => c.err() + c.out(),
  };
};

/** A third party's endpoint, already running. For a client role the URL is its push endpoint. */
export const urlPlayer: PlayerFactory = async (player, ctx) => {
  const url = (player as { url: string }).url;
  try {
    new URL(url);
  } catch {
    throw new PlayerError(ctx.role, `"${url}" is not a URL`);
  }
  if (ctx.peerUrl)
    ctx.tell(
      `Configure the ${ctx.role} at ${url} to use ${ctx.peerUrl} as its peer's URL${ctx.pushUrl ? ` and ${ctx.pushUrl} as the URL it announces for pushes` : ""} (the harness's recording proxy).`,
    );
  return {
    role: ctx.role,
    describe: `url ${url}`,
    scripted: false,
    endpoint: url,
    stop: async () => {},
    logs: () => "",
  };
};

/** A free TCP port on 127.0.0.1 (for a command that must listen where the proxy forwards). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function accepting(port: number): Promise<boolean> {
  return new Promise((r) => {
    const sock = connect(port, "127.0.0.1");
    sock.once("connect", () => {
      sock.destroy();
      r(true);
    });
    sock.once("error", () => r(false));
  });
}

/**
 * A third party's program, run with `sh -c`. Environment:
 * - every command: TRANSACTIVE_ROLE, TRANSACTIVE_SCENARIO;
 * - a server role (vtn, market): TRANSACTIVE_LISTEN_HOST and TRANSACTIVE_LISTEN_PORT, where it must
 *   listen (plain HTTP, or HTTPS in a signed run); the harness waits until the port accepts;
 * - a client role (ven, agent): TRANSACTIVE_VTN_URL (or TRANSACTIVE_MARKET_URL) and
 *   TRANSACTIVE_PEER_URL, the proxy in front of the server; for push, TRANSACTIVE_VEN_PUSH_LISTEN
 *   (HOST:PORT to listen on) and TRANSACTIVE_VEN_PUSH_URL (the URL to announce).
 */
export const commandPlayer: PlayerFactory = async (player, ctx) => {
  const command = (player as { command: string }).command;
  const env: Record<string, string> = {
    TRANSACTIVE_ROLE: ctx.role,
    TRANSACTIVE_SCENARIO: ctx.scenario.name,
  };
  const server = ctx.role === ctx.scenario.roles[0];
  let port: number | undefined;
  if (server) {
    port = await freePort();
    env.TRANSACTIVE_LISTEN_HOST = "127.0.0.1";
    env.TRANSACTIVE_LISTEN_PORT = String(port);
  } else if (ctx.peerUrl) {
    env.TRANSACTIVE_PEER_URL = ctx.peerUrl;
    env[`TRANSACTIVE_${ctx.scenario.roles[0].toUpperCase()}_URL`] = ctx.peerUrl;
  }
  let pushPort: number | undefined;
  if (!server && ctx.pushUrl) {
    pushPort = await freePort();
    env.TRANSACTIVE_VEN_PUSH_LISTEN = `127.0.0.1:${pushPort}`;
    env.TRANSACTIVE_VEN_PUSH_URL = ctx.pushUrl;
  }
  const c = spawnChild([command], env, true);
  if (port !== undefined) {
    const p = port;
    const deadline = Date.now() + ctx.startTimeoutMs;
    while (!(await accepting(p))) {
      if (c.child.exitCode !== null || Date.now() > deadline) {
        await c.stop();
        throw new PlayerError(
          ctx.role,
          `command "${command}" did not listen on 127.0.0.1:${p}`,
          c.err() + c.out(),
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const scheme = ctx.signed ? "https" : "http";
  return {
    role: ctx.role,
    describe: `command ${command}`,
    scripted: false,
    ...(port !== undefined
      ? { endpoint: `${scheme}://127.0.0.1:${port}` }
      : pushPort !== undefined
        ? { endpoint: `http://127.0.0.1:${pushPort}` }
        : {}),
    stop: () => c.stop(),
    logs: () => c.err() + c.out(),
  };
};

/** The harness plays the role: it sends the scenario's templates itself. */
export const scriptPlayer: PlayerFactory = async (_player, ctx) => {
  if (ctx.role === ctx.scenario.roles[0])
    throw new PlayerError(
      ctx.role,
      `a script can play only the client role (${ctx.scenario.roles[1]}): as the ${ctx.role} it would have to answer the peer's requests, which the harness does not do`,
    );
  return {
    role: ctx.role,
    describe: "script",
    scripted: true,
    stop: async () => {},
    logs: () => "",
  };
};

/** The default registry: OpenADR 2.0b ours (VTN, VEN), and url, command and script for any role. */
export function defaultPlayers(): PlayerRegistry {
  return new PlayerRegistry()
    .register("openadr2b", "vtn", "ours", oursVtn)
    .register("openadr2b", "ven", "ours", oursVen)
    .register("cts", "market", "ours", ctsPlayerFactory("market"))
    .register("cts", "market", "command", ctsPlayerFactory("market"))
    .register("cts", "agent", "ours", ctsPlayerFactory("agent"))
    .register("cts", "agent", "command", ctsPlayerFactory("agent"))
    .register("*", "*", "url", urlPlayer)
    .register("*", "*", "command", commandPlayer)
    .register("*", "*", "script", scriptPlayer);
}

/** A scratch directory for a run; removed by the returned function. */
export function workDir(): {
  /** the directory */
  dir: string;
  /** removes it and everything in it */
  remove: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), "transactive-interop-"));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export type { SigningCredential };

/**
 * A player as written on a command line: `ours`, `script`, `cmd:CMD` (or `command:CMD`), or an
 * http(s) URL. Throws PlayerError naming the role and what is accepted.
 */
export function parsePlayer(role: Role, text: string): Player {
  const t = text.trim();
  if (t === "ours") return { kind: "ours" };
  if (t === "script") return { kind: "script" };
  const cmd = /^(?:cmd|command):(.*)$/s.exec(t);
  if (cmd) {
    const command = (cmd[1] as string).trim();
    if (!command) throw new PlayerError(role, `"${text}" names no command`);
    return { kind: "command", command };
  }
  let url: URL | undefined;
  try {
    url = new URL(t);
  } catch {
    url = undefined;
  }
  if (url && (url.protocol === "http:" || url.protocol === "https:"))
    return { kind: "url", url: t };
  throw new PlayerError(
    role,
    `"${text}" is not a player: give ours, script, cmd:COMMAND or an http(s) URL`,
  );
}
