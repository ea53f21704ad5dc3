/**
 * The CTS sides of a run: who plays the market and the agent(s), each in its own process.
 * - market `ours`: `transactive serve --profile cts --role market --port 0` (the reference market,
 *   a record store) or, with `interval` in the scenario's `ours.market`, the live market that
 *   clears on the clock (`--interval`); its base URL is read from the line it prints.
 * - agent `ours`: one `transactive agent --market URL` process per agent of `ours.agent.agents`
 *   (default one PV), each a market participant tendering and settling over CTS 0.4.
 * - `command`: a third party's program, started through the shell; a market prints its base URL
 *   (the first http(s) URL on stdout), an agent gets the market's in TRANSACTIVE_MARKET_URL.
 * - `url`: a running market; an agent has no endpoint of its own (CTS agents pull), so refused.
 * - `script`: nothing started; the harness sends the scenario's messages itself.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { type PlayerContext, type StartedPlayer, transactiveCommand } from "./players.js";
import type { Player } from "./types.js";

/** A CTS player that cannot be started or is not supported in that role (names which and why). */
export class CtsPlayerError extends Error {
  override name = "CtsPlayerError";
  constructor(
    readonly role: "market" | "agent",
    message: string,
    /** the last lines the process wrote on stderr, when one was started */
    readonly stderrTail = "",
  ) {
    super(`${role}: ${message}${stderrTail ? `\n${stderrTail}` : ""}`);
  }
}

/** Options of startCtsPlayer. */
export interface CtsPlayerOptions {
  /** agent: the market's EI base URL it talks to (the harness's recording proxy in front of it) */
  readonly marketUrl?: string;
  /**
   * the scenario's `ours` options for this role. market: interval (ISO duration: the live market),
   * mechanism ("call"|"cda"), marketContext, marketPartyID. agent: agents ([{ personality:
   * "pv"|"load"|"battery", partyID?, quantity?, price? }], default one pv), intervals (default 3),
   * marketContext, marketPartyID, settleDelayMs
   */
  readonly ours?: Readonly<Record<string, unknown>>;
  /** how long a market may take to print its URL, ms (default 60000) */
  readonly startTimeoutMs?: number;
  /** argv that runs `transactive` (default: the runner's transactiveCommand()) */
  readonly command?: readonly string[];
  /** extra environment of the processes */
  readonly env?: Readonly<Record<string, string>>;
}

/** A started CTS player. */
export interface StartedCtsPlayer {
  /** market: the base URL the other side uses (e.g. http://127.0.0.1:PORT); agent: none */
  readonly url?: string;
  /** process IDs started (one per agent for several agents) */
  readonly pids: readonly number[];
  /** resolves when every process started has exited by itself (agents end after their intervals) */
  readonly exited: Promise<readonly (number | null)[]>;
  /** stops the processes (SIGTERM to each process group, SIGKILL after 5 s) and returns their stderr tails */
  stop(): Promise<{ readonly stderrTail: string; readonly stdoutTail: string }>;
}

const TAIL = 8192;

/** Starts `player` in `role` (see the module comment). CtsPlayerError when it cannot. */
export async function startCtsPlayer(
  role: "market" | "agent",
  player: Player,
  options: CtsPlayerOptions = {},
): Promise<StartedCtsPlayer> {
  const ours = options.ours ?? {};
  switch (player.kind) {
    case "script":
      return nothing();
    case "url":
      if (role === "agent")
        throw new CtsPlayerError(
          "agent",
          "a CTS agent has no endpoint of its own (it pulls from the market): play it with ours, a command or the script",
        );
      return { ...nothing(), url: checkUrl(role, player.url) };
    case "command": {
      if (role === "agent" && options.marketUrl === undefined)
        throw new CtsPlayerError("agent", "an agent command needs the market's URL (marketUrl)");
      const proc = launch(role, "/bin/sh", ["-c", player.command], {
        ...options.env,
        ...(options.marketUrl !== undefined ? { TRANSACTIVE_MARKET_URL: options.marketUrl } : {}),
      });
      if (role === "agent") return group([proc]);
      const url = await firstUrl(proc, /(https?:\/\/[^\s"']+)/, options.startTimeoutMs);
      return { ...group([proc]), url };
    }
    case "ours": {
      if (role === "market") {
        const args = ["serve", "--profile", "cts", "--role", "market", "--port", "0"];
        const interval = text(ours, "interval", role);
        if (interval !== undefined) {
          args.push("--interval", interval);
          for (const [key, flag] of [
            ["mechanism", "--mechanism"],
            ["marketContext", "--market-context"],
            ["marketPartyID", "--market-party-id"],
          ] as const) {
            const v = text(ours, key, role);
            if (v !== undefined) args.push(flag, v);
          }
        }
        const [file, ...pre] = cliCommand(options);
        const proc = launch(role, file, [...pre, ...args], options.env);
        const url = await firstUrl(proc, /services on (https?:\/\/\S+)/, options.startTimeoutMs);
        return { ...group([proc]), url };
      }
      if (options.marketUrl === undefined)
        throw new CtsPlayerError("agent", "our agent needs the market's URL (marketUrl)");
      const agents = agentSpecs(ours);
      const procs = agents.map((a, k) => {
        const args = [
          "agent",
          "--market",
          options.marketUrl as string,
          "--personality",
          a.personality,
          "--party-id",
          a.partyID ?? `${a.personality}-${k + 1}`,
          "--intervals",
          String(ours.intervals ?? 3),
        ];
        const pairs = [
          ["--quantity", a.quantity],
          ["--price", a.price],
          ["--market-context", text(ours, "marketContext", role)],
          ["--market-party-id", text(ours, "marketPartyID", role)],
          [
            "--settle-delay",
            ours.settleDelayMs === undefined ? undefined : String(ours.settleDelayMs),
          ],
        ] as const;
        for (const [flag, v] of pairs) if (v !== undefined) args.push(flag, v);
        const [file, ...pre] = cliCommand(options);
        return launch(role, file, [...pre, ...args], options.env);
      });
      return group(procs);
    }
  }
}

interface AgentSpec {
  readonly personality: "pv" | "load" | "battery";
  readonly partyID?: string;
  readonly quantity?: string;
  readonly price?: string;
}

function agentSpecs(ours: Readonly<Record<string, unknown>>): AgentSpec[] {
  const list = ours.agents ?? [{ personality: "pv" }];
  if (!Array.isArray(list) || list.length === 0)
    throw new CtsPlayerError("agent", "ours.agent.agents must be a non-empty array");
  return list.map((a, k) => {
    const spec = a as Record<string, unknown>;
    if (!["pv", "load", "battery"].includes(String(spec?.personality)))
      throw new CtsPlayerError(
        "agent",
        `ours.agent.agents[${k}].personality must be pv, load or battery, not ${JSON.stringify(spec?.personality)}`,
      );
    for (const key of ["partyID", "quantity", "price"])
      if (spec[key] !== undefined && typeof spec[key] !== "string")
        throw new CtsPlayerError("agent", `ours.agent.agents[${k}].${key} must be a string`);
    return spec as unknown as AgentSpec;
  });
}

function text(o: Readonly<Record<string, unknown>>, key: string, role: "market" | "agent") {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw new CtsPlayerError(role, `ours.${role}.${key} must be a string`);
  return v;
}

function checkUrl(role: "market" | "agent", url: string): string {
  try {
    const u = new URL(url);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error();
  } catch {
    throw new CtsPlayerError(role, `${JSON.stringify(url)} is not an http(s) URL`);
  }
  return url.replace(/\/+$/, "");
}

/** The `transactive` command of this checkout (TRANSACTIVE_BIN overrides). */
/**
 * argv that runs `transactive`: TRANSACTIVE_BIN when set, else the options' command, else the
 * runner's default (the built CLI, or its sources through tsx in a clone that was not built).
 */
function cliCommand(options: CtsPlayerOptions): readonly [string, ...string[]] {
  const given = process.env.TRANSACTIVE_BIN;
  if (given) return [process.execPath, given];
  const [file, ...rest] = options.command ?? transactiveCommand();
  if (file === undefined) throw new CtsPlayerError("market", "an empty command for transactive");
  return [file, ...rest];
}

interface Launched {
  readonly role: "market" | "agent";
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exit: Promise<number | null>;
}

function launch(
  role: "market" | "agent",
  file: string,
  args: readonly string[],
  env?: Readonly<Record<string, string>>,
): Launched {
  // its own process group, so stop() ends the tree (a shell command's children too)
  const child = spawn(file, args, {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  const l: Launched = {
    role,
    child,
    stdout: "",
    stderr: "",
    exit: new Promise((resolve) => {
      child.once("exit", (code) => resolve(code));
      child.once("error", () => resolve(null));
    }),
  };
  child.stdout?.setEncoding("utf8").on("data", (d: string) => {
    l.stdout = (l.stdout + d).slice(-TAIL);
  });
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    l.stderr = (l.stderr + d).slice(-TAIL);
  });
  return l;
}

/** Waits for the first match of `pattern` on the process's stdout (group 1: the URL). */
function firstUrl(proc: Launched, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => {
      done();
      void kill(proc);
      reject(
        new CtsPlayerError(
          proc.role,
          `printed no URL within ${timeoutMs} ms`,
          proc.stderr.slice(-2000),
        ),
      );
    }, timeoutMs);
    const onData = (d: string) => {
      seen += d;
      const m = pattern.exec(seen);
      if (m?.[1]) {
        done();
        resolve(m[1].replace(/\/+$/, ""));
      }
    };
    const onExit = (code: number | null) => {
      done();
      // stderr may still be arriving: give it a moment
      setTimeout(
        () =>
          reject(
            new CtsPlayerError(
              proc.role,
              `the process exited (code ${code}) before printing its URL`,
              proc.stderr.slice(-2000),
            ),
          ),
        50,
      );
    };
    const onError = (e: Error) => {
      done();
      reject(new CtsPlayerError(proc.role, `cannot start: ${e.message}`));
    };
    function done() {
      clearTimeout(timer);
      proc.child.stdout?.off("data", onData);
      proc.child.off("exit", onExit);
      proc.child.off("error", onError);
    }
    proc.child.stdout?.on("data", onData);
    proc.child.once("exit", onExit);
    proc.child.once("error", onError);
  });
}

async function kill(proc: Launched): Promise<void> {
  const { child } = proc;
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), s);
    } catch {
      // already gone
    }
  };
  signal("SIGTERM");
  const grace = setTimeout(() => signal("SIGKILL"), 5000);
  await proc.exit;
  clearTimeout(grace);
}

function group(procs: readonly Launched[]): StartedCtsPlayer {
  return {
    pids: procs.flatMap((p) => (p.child.pid === undefined ? [] : [p.child.pid])),
    exited: Promise.all(procs.map((p) => p.exit)),
    async stop() {
      await Promise.all(procs.map(kill));
      const tail = (pick: (p: Launched) => string) =>
        procs
          .map((p, k) => (procs.length > 1 ? `[${p.role} ${k + 1}]\n${pick(p)}` : pick(p)))
          .join("\n");
      return { stderrTail: tail((p) => p.stderr), stdoutTail: tail((p) => p.stdout) };
    },
  };
}

function nothing(): StartedCtsPlayer {
  return {
    pids: [],
    exited: Promise.resolve([]),
    stop: async () => ({ stderrTail: "", stdoutTail: "" }),
  };
}

/**
 * The runner's factory for a CTS role (market or agent, ours or a command): starts it with
 * startCtsPlayer and presents it as a StartedPlayer (the market's URL is its endpoint).
 */
export function ctsPlayerFactory(
  role: "market" | "agent",
): (player: Player, ctx: PlayerContext) => Promise<StartedPlayer> {
  return async (player, ctx) => {
    const started = await startCtsPlayer(role, player, {
      ...(ctx.peerUrl !== undefined ? { marketUrl: ctx.peerUrl } : {}),
      ...(ctx.scenario.ours?.[role] ? { ours: ctx.scenario.ours[role] } : {}),
      startTimeoutMs: ctx.startTimeoutMs,
      command: ctx.command,
    });
    let tails = "";
    let stopping: Promise<void> | undefined;
    return {
      role,
      describe: player.kind === "command" ? `command ${player.command}` : player.kind,
      scripted: false,
      ...(started.url !== undefined ? { endpoint: started.url } : {}),
      stop: () => {
        stopping ??= started.stop().then((t) => {
          tails = [t.stderrTail, t.stdoutTail].filter((s) => s.length > 0).join("\n");
        });
        return stopping;
      },
      logs: () => tails,
    };
  };
}
