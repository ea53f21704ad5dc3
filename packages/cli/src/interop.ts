/**
 * `transactive interop --scenario NAME|FILE [--vtn ...] [--ven ...] [--market ...] [--agent ...]`:
 * runs interop scenarios (@transactive/interop) between two implementations over real sockets,
 * each side ours, a third party's endpoint or command, or the harness's script; prints a summary,
 * writes JUnit and HTML reports. Exit 0 every check passed, 1 a check failed, 2 usage or start-up.
 */
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import type { InteropRun, Player, Role, Scenario } from "@transactive/interop";
import { EXIT, type ExitCode, type Io, UsageError } from "./io.js";
import { certificate, keyPair } from "./pem.js";

export const INTEROP_HELP = `Usage: transactive interop --scenario NAME|FILE [--scenario ...] [players] [options]

Runs each scenario between two implementations over real sockets on this machine (or the
endpoints given), records every message in both directions, checks each one and the
sequence (docs/interop.md lists the rules), and prints a summary.

Scenarios:
  --scenario NAME|FILE  a scenario of conformance/interop/ by name, or a scenario file
                        (JSON); repeat to run several in order
  --list                print the scenarios that come with the harness and exit

Players (each defaults to "ours"; give only the roles the scenario has):
  --vtn URL|ours|cmd:CMD
                        OpenADR 2.0b VTN: a third party's VTN at URL (its base URL,
                        without /OpenADR2/Simple/2.0b), ours (transactive serve in its
                        own process), or a command the harness starts: it must listen
                        on TRANSACTIVE_LISTEN_HOST:TRANSACTIVE_LISTEN_PORT
  --ven URL|ours|cmd:CMD|script
                        OpenADR 2.0b VEN: a third party's push-mode VEN at URL, ours
                        (transactive ven in its own process), a command (it finds its
                        VTN at TRANSACTIVE_VTN_URL; for push it listens on
                        TRANSACTIVE_VEN_PUSH_LISTEN and announces TRANSACTIVE_VEN_PUSH_URL),
                        or script (the harness sends the scenario's messages as the VEN)
  --market URL|ours     CTS market: a third party's EI base URL, or ours
  --agent ours|cmd:CMD|script
                        CTS agent: ours, a command (it finds the market at
                        TRANSACTIVE_MARKET_URL), or script
  Every command also gets TRANSACTIVE_ROLE and TRANSACTIVE_SCENARIO.

Security:
  --signed              sign every message (OpenADR 2.0b XML Signature) and require
                        every answer to be signed, whatever the scenario says
  --sign-key FILE       PEM private key the harness signs with (with --sign-cert)
  --sign-cert FILE      PEM certificate of that key, placed in each signature
  --trust-ca FILE       PEM CA certificate(s) the peers' signatures must chain to
  --tls-ca FILE         PEM CA certificate(s) to trust for HTTPS peers
  --tls-cert FILE       PEM certificate of the harness (with --tls-key): its client
                        certificate towards HTTPS peers, and the server certificate of
                        its recording proxy and of our VTN (so valid for 127.0.0.1)
  --tls-key FILE        PEM private key of that certificate

Output:
  --junit FILE          also write a JUnit XML report (one testsuite per scenario)
  --html FILE           also write a self-contained HTML report (transcripts, verdicts)
  --timeout S           seconds a step may wait for a message (default: the scenario's
                        timing, PT30S when it says none)
  -h, --help            show this help

Examples:
  transactive interop --scenario oadr-registration --junit junit.xml --html report.html
  transactive interop --scenario oadr-events-poll --vtn https://vtn.example:8443 \\
      --tls-ca ca.pem --tls-cert ven.pem --tls-key ven.key --html report.html

Exit codes: 0 every check passed, 1 some check failed, 2 usage or start-up problem.
`;

/** The run options handed to the runner (see packages/interop/src/runner.ts). */
export interface InteropRunOptions {
  readonly signed?: boolean;
  readonly tls?: { readonly ca?: Buffer; readonly cert?: Buffer; readonly key?: Buffer };
  /** the harness's signing key and certificate (script players, the proxy's own messages) */
  readonly signing?: { readonly privateKey: Buffer; readonly certificate: Buffer };
  /** CA certificates the signature check trusts */
  readonly trustedCertificates?: readonly Buffer[];
  readonly timeoutMs?: number;
  /** where the runner says what it does, and what a person must do for a third-party side */
  readonly log?: (line: string) => void;
}

/** What a command line asks for, checked. */
export interface InteropArgs {
  readonly scenarios: readonly string[];
  readonly list: boolean;
  readonly players: Partial<Record<Role, Player>>;
  readonly options: InteropRunOptions;
  readonly junit?: string;
  readonly html?: string;
}

/** The runner's entry points (@transactive/interop), imported when a run starts. */
type Runner = typeof import("@transactive/interop");

/**
 * The runner's security material from the flags: one CA (the --tls-ca and --trust-ca
 * certificates together) trusts every peer and signer; the --tls-cert/--tls-key pair is the
 * harness's server and client certificate; the signer is --sign-key/--sign-cert. Undefined when
 * no TLS or signing flag is given; a UsageError naming the missing flags when a signed run lacks one.
 */
function securityOf(
  options: InteropRunOptions,
  signed: boolean,
): import("@transactive/interop").InteropSecurity | undefined {
  const { tls, signing, trustedCertificates = [] } = options;
  if (!tls && !signing && trustedCertificates.length === 0) return undefined;
  const missing = [
    ...(tls?.ca || trustedCertificates.length > 0 ? [] : ["--tls-ca or --trust-ca"]),
    ...(tls?.cert && tls.key ? [] : ["--tls-cert and --tls-key"]),
    ...(signed && !signing ? ["--sign-key and --sign-cert"] : []),
  ];
  if (missing.length > 0)
    throw new UsageError(
      `this run needs ${missing.join(", ")}: the harness speaks HTTPS with its own certificate${signed ? " and signs what it sends" : ""}`,
    );
  const own = { cert: String(tls?.cert), key: String(tls?.key) };
  return {
    ca: [...(tls?.ca ? [tls.ca] : []), ...trustedCertificates].map(String).join("\n"),
    server: own,
    client: own,
    signer: signing ? { cert: String(signing.certificate), key: String(signing.privateKey) } : own,
  };
}

const PLAYER_FLAGS: Readonly<Record<Role, readonly Player["kind"][]>> = {
  vtn: ["url", "ours", "command"],
  ven: ["url", "ours", "command", "script"],
  market: ["url", "ours"],
  agent: ["ours", "command", "script"],
};

/** A player flag's value: URL, ours, cmd:COMMAND or script, as the role allows. */
export function parsePlayer(role: Role, value: string): Player {
  const allowed = PLAYER_FLAGS[role];
  const forms = allowed
    .map((k) => (k === "url" ? "URL" : k === "command" ? "cmd:COMMAND" : k))
    .join(", ");
  let player: Player;
  if (value === "ours") player = { kind: "ours" };
  else if (value === "script") player = { kind: "script" };
  else if (value.startsWith("cmd:")) {
    const command = value.slice(4).trim();
    if (command === "") throw new UsageError(`--${role} cmd: needs a command after "cmd:"`);
    player = { kind: "command", command };
  } else if (/^https?:\/\//i.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new UsageError(`--${role} ${value} is not a valid URL`);
    }
    player = { kind: "url", url: url.href.replace(/\/$/, "") };
  } else throw new UsageError(`--${role} must be one of ${forms}; got "${value}"`);
  if (!allowed.includes(player.kind))
    throw new UsageError(
      `--${role} cannot be ${player.kind === "url" ? "a URL" : player.kind}: it takes ${forms}`,
    );
  return player;
}

/** Parses and checks a command line (reads the key and certificate files it names). */
export function parseInteropArgs(args: readonly string[]): InteropArgs & { help: boolean } {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      scenario: { type: "string", multiple: true },
      list: { type: "boolean" },
      vtn: { type: "string" },
      ven: { type: "string" },
      market: { type: "string" },
      agent: { type: "string" },
      signed: { type: "boolean" },
      "sign-key": { type: "string" },
      "sign-cert": { type: "string" },
      "trust-ca": { type: "string" },
      "tls-ca": { type: "string" },
      "tls-cert": { type: "string" },
      "tls-key": { type: "string" },
      junit: { type: "string" },
      html: { type: "string" },
      timeout: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
  });
  const empty = { scenarios: [], list: false, players: {}, options: {} };
  if (values.help) return { ...empty, help: true };
  if (positionals.length > 0)
    throw new UsageError(
      `interop takes no arguments, got "${positionals.join(" ")}" (name scenarios with --scenario)`,
    );
  const scenarios = values.scenario ?? [];
  if (values.list) return { ...empty, list: true, help: false };
  if (scenarios.length === 0)
    throw new UsageError("name a scenario with --scenario NAME|FILE (--list shows them)");
  for (const s of scenarios)
    if (s.trim() === "") throw new UsageError("--scenario needs a name or a file");

  const players: Partial<Record<Role, Player>> = {};
  for (const role of ["vtn", "ven", "market", "agent"] as const) {
    const v = values[role];
    if (v !== undefined) players[role] = parsePlayer(role, v);
  }
  const both = (a: string, b: string) => {
    if ((values[a as "tls-cert"] === undefined) !== (values[b as "tls-key"] === undefined))
      throw new UsageError(`--${a} and --${b} go together: give both or neither`);
  };
  both("tls-cert", "tls-key");
  both("sign-key", "sign-cert");

  let timeoutMs: number | undefined;
  if (values.timeout !== undefined) {
    const s = Number(values.timeout);
    if (!(Number.isFinite(s) && s > 0 && s <= 86_400))
      throw new UsageError(
        `--timeout must be a number of seconds between 0 and 86400, got "${values.timeout}"`,
      );
    timeoutMs = Math.round(s * 1000);
  }
  const tlsPair =
    values["tls-cert"] !== undefined && values["tls-key"] !== undefined
      ? keyPair("--tls-key", values["tls-key"], "--tls-cert", values["tls-cert"])
      : undefined;
  const tlsCa =
    values["tls-ca"] !== undefined ? certificate("--tls-ca", values["tls-ca"]) : undefined;
  const signPair =
    values["sign-key"] !== undefined && values["sign-cert"] !== undefined
      ? keyPair("--sign-key", values["sign-key"], "--sign-cert", values["sign-cert"])
      : undefined;
  const trust =
    values["trust-ca"] !== undefined ? certificate("--trust-ca", values["trust-ca"]) : undefined;
  if (
    values.signed &&
    signPair === undefined &&
    Object.values(players).some((p) => p?.kind === "script")
  )
    throw new UsageError(
      "--signed with a script player needs --sign-key and --sign-cert: the harness signs the messages it sends",
    );
  const options: InteropRunOptions = {
    ...(values.signed ? { signed: true } : {}),
    ...(tlsPair || tlsCa
      ? {
          tls: {
            ...(tlsCa ? { ca: tlsCa } : {}),
            ...(tlsPair ? { cert: tlsPair.cert, key: tlsPair.key } : {}),
          },
        }
      : {}),
    ...(signPair ? { signing: { privateKey: signPair.key, certificate: signPair.cert } } : {}),
    ...(trust ? { trustedCertificates: [trust] } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  };
  return {
    scenarios,
    list: false,
    players,
    options,
    ...(values.junit !== undefined ? { junit: values.junit } : {}),
    ...(values.html !== undefined ? { html: values.html } : {}),
    help: false,
  };
}

async function loadRunner(): Promise<Runner> {
  return import("@transactive/interop");
}

/** Errors of a scenario file or a player that did not start: one line, exit 2. */
const STARTUP_ERRORS = new Set(["ScenarioError", "PlayerError", "RunnerError", "TransportError"]);

export async function interopCommand(args: readonly string[], io: Io): Promise<ExitCode> {
  const parsed = parseInteropArgs(args);
  if (parsed.help) {
    io.stdout(INTEROP_HELP);
    return EXIT.ok;
  }
  const runner = await loadRunner();
  if (parsed.list) {
    const list = runner.listScenarios().map((name) => ({
      name,
      title: runner.loadScenario(name).title,
    }));
    const width = Math.max(0, ...list.map((s) => s.name.length));
    io.stdout(list.map((s) => `${s.name.padEnd(width)}  ${s.title}\n`).join(""));
    return EXIT.ok;
  }
  const scenarios: Scenario[] = [];
  for (const name of parsed.scenarios) {
    try {
      scenarios.push(await runner.loadScenario(name));
    } catch (e) {
      if (e instanceof Error && STARTUP_ERRORS.has(e.name)) throw new UsageError(e.message);
      throw e;
    }
  }
  for (const s of scenarios) {
    const extra = (Object.keys(parsed.players) as Role[]).filter((r) => !s.roles.includes(r));
    if (extra.length)
      throw new UsageError(
        `scenario ${s.name} has roles ${s.roles.join(" and ")}; --${extra.join(" and --")} does not apply`,
      );
  }
  const runs: InteropRun[] = [];
  for (const s of scenarios) {
    const security = securityOf(
      parsed.options,
      parsed.options.signed === true || s.signed === true,
    );
    const players: Partial<Record<Role, Player>> = {};
    for (const role of s.roles) players[role] = parsed.players[role] ?? { kind: "ours" };
    io.stderr(
      `Running ${s.name} (${s.roles.map((r) => `${r}: ${describePlayer(players[r] as Player)}`).join(", ")})\n`,
    );
    try {
      runs.push(
        await runner.runScenario(s, players, {
          ...(parsed.options.signed ? { signed: true } : {}),
          ...(security ? { security } : {}),
          ...(parsed.options.timeoutMs !== undefined
            ? { stepTimeoutMs: parsed.options.timeoutMs }
            : {}),
          onInstruction: (line) => io.stderr(`  ${line}\n`),
        }),
      );
    } catch (e) {
      if (e instanceof Error && STARTUP_ERRORS.has(e.name))
        throw new UsageError(`scenario ${s.name} could not run: ${e.message}`);
      throw e;
    }
  }
  io.stdout(runner.consoleSummary(runs));
  await writeReport(parsed.junit, () => runner.junitReport(runs));
  await writeReport(parsed.html, () => runner.htmlReport(runs));
  return runs.every((r) => r.passed) ? EXIT.ok : EXIT.invalid;
}

function describePlayer(p: Player): string {
  switch (p.kind) {
    case "url":
      return p.url;
    case "command":
      return `command ${p.command}`;
    default:
      return p.kind;
  }
}

async function writeReport(file: string | undefined, make: () => string): Promise<void> {
  if (file === undefined) return;
  try {
    await writeFile(file, make());
  } catch (e) {
    throw new UsageError(
      `cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
}
