/**
 * Argument parsing and dispatch. `main` returns the exit code instead of exiting, so tests can
 * call it with an injected Io. Each command's module is imported only when that command runs:
 * the help, the version and a usage error load neither the commands nor the schemas.
 */
import { readFileSync } from "node:fs";
import { EXIT, type ExitCode, type Io, type LazyIo, UsageError } from "./io.js";

/** A command over its own arguments (everything after the command name). */
export type CommandRunner = (args: readonly string[], io: Io) => Promise<ExitCode>;

/** One CLI command: its help summary and a loader for its runner. */
export interface Command {
  /** the command's lines in the top-level help: usage first, then what it does */
  readonly summary: string;
  /** imports the command's module; called only when the command runs */
  readonly load: () => Promise<CommandRunner>;
}

/** Every command, in help order: one entry each, its module imported only when it runs. */
const COMMANDS: Record<string, Command> = {
  validate: {
    summary: `validate <file...> [--xsd] [--profile P]
      Check XML or JSON documents against the schemas (and with --xsd the official XSD).`,
    load: async () => (await import("./validate.js")).validateArgs,
  },
  convert: {
    summary: `convert <file|-> --to json|xml [--profile P]
      Print a document converted to JSON or XML, or to another wire profile.`,
    load: async () => (await import("./convert.js")).convertArgs,
  },
  resolve: {
    summary: `resolve <file|-> [--profile P]
      Print the WS-Calendar schedule a document means: each interval's absolute times.`,
    load: async () => (await import("./resolve.js")).resolveCommand,
  },
  amounts: {
    summary: `amounts <file|-> [--json] [--profile P]
      Print the exact EMIX amounts of a document: per interval energy and amount, totals per currency.`,
    load: async () => (await import("./amounts.js")).amountsCommand,
  },
  clear: {
    summary: `clear <case.json|->
      Clear one market clearing case (GridLAB-D auction or PowerMatcher bids) and print the result as JSON.`,
    load: async () => (await import("./clear.js")).clearCommand,
  },
  serve: {
    summary: `serve [--port N] [--vtn-id ID] [--event FILE] [--admin-token-file F] [--role vtn|ven|market] [...]
      Run an OpenADR 2.0b VTN with an admin API (or the reference VEN or CTS market) over HTTP(S) until Ctrl+C.`,
    load: async () => (await import("./serve.js")).serveCommand,
  },
  simulate: {
    summary: `simulate [--agents N] [--levels L] [--interval PT5M] [--hours H] [--seed S] [--mechanism cda|call] [--out DIR]
      Simulate a microgrid's day with and without the market; write report.html and summary.json.`,
    load: async () => (await import("./simulate.js")).simulateCommand,
  },
  admin: {
    summary: `admin <action> [arguments] [--url URL] [--token-file F]
      Operate a running VTN: publish, modify or cancel events, request reports, list VENs, read report data.`,
    load: async () => (await import("./admin.js")).adminCommand,
  },
  ven: {
    summary: `ven --vtn URL [--ven-name N] [--opt POLICY] [--report-file F] [--duration S] [...]
      Run an OpenADR 2.0b VEN against a VTN (pull, or push with --push-listen) until Ctrl+C.`,
    load: async () => (await import("./ven.js")).venCommand,
  },
  agent: {
    summary: `agent --market URL --personality pv|load|battery [--party-id ID] [--intervals N] [...]
      Run one CTS market participant against a market: it tenders per interval and settles.`,
    load: async () => (await import("./agent.js")).agentCommand,
  },
  ledger: {
    summary: `ledger keygen|init|append|verify|balance|export [...]
      Identities, signed contracts and settlement on a local tamper-evident ledger.`,
    load: async () => (await import("./ledger.js")).ledgerCommand,
  },
  conformance: {
    summary: `conformance [--testee "CMD" | --files DIR | --endpoint URL] [--junit F] [--html F]
      Run the conformance suite against our codecs, a testee, payload files or an endpoint.`,
    load: async () => (await import("./conformance.js")).conformanceCommand,
  },
  interop: {
    summary: `interop --scenario NAME|FILE [--vtn URL|ours|cmd:CMD] [--ven URL|ours|cmd:CMD|script] [--signed] [--junit F] [--html F]
      Run interop scenarios between two implementations over real sockets; every message checked.`,
    load: async () => (await import("./interop.js")).interopCommand,
  },
};

export const HELP = `Usage: transactive <command> [options]

Commands:
${Object.values(COMMANDS)
  .map((c) => `  ${c.summary}\n`)
  .join("")}  help
      Show this help. "transactive <command> --help" shows a command's options.

Options:
  -h, --help      Show this help.
  -V, --version   Show the version.

Exit codes: 0 valid, 1 some input invalid, 2 usage or environment problem.
Environment: TRANSACTIVE_OASIS_DIR, the folder of the official XSDs (validate --xsd,
conformance); TRANSACTIVE_DEBUG=1 shows the stack trace of an internal error.
`;

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

/**
 * Runs one command line and returns its exit code. `io` may leave the registry to be loaded
 * (LazyIo): it is then loaded only when a command runs. Every error ends as one line on stderr
 * and exit 2; with TRANSACTIVE_DEBUG set, an unexpected one is rethrown (stack trace).
 */
export async function main(argv: readonly string[], io: Io | LazyIo): Promise<ExitCode> {
  try {
    return await dispatch(argv, io);
  } catch (e) {
    if (isUsageError(e)) {
      io.stderr(`transactive: ${(e as Error).message}\nRun "transactive --help" for usage.\n`);
      return EXIT.usage;
    }
    if (e instanceof Error && ENVIRONMENT_ERRORS.has(e.name)) {
      io.stderr(`transactive: ${e.message}\n`);
      return EXIT.usage;
    }
    if (process.env.TRANSACTIVE_DEBUG) throw e;
    const message = e instanceof Error ? e.message : String(e);
    io.stderr(
      `transactive: internal error: ${message.split("\n")[0]} (TRANSACTIVE_DEBUG=1 shows where)\n`,
    );
    return EXIT.usage;
  }
}

async function dispatch(argv: readonly string[], io: Io | LazyIo): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr(HELP);
    return EXIT.usage;
  }
  if (name === "help" || name === "--help" || name === "-h") {
    io.stdout(HELP);
    return EXIT.ok;
  }
  if (name === "--version" || name === "-V") {
    io.stdout(`${version()}\n`);
    return EXIT.ok;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined)
    throw new UsageError(
      name.startsWith("-") ? `unknown option: ${name}` : `unknown command: ${name}`,
    );
  const run = await command.load();
  return run(rest, "registry" in io ? io : { ...io, registry: await io.loadRegistry() });
}

/**
 * What the machine lacks, not a bug: the XSDs or a validator, an endpoint that does not answer.
 * Told by name, since their classes live in @transactive/conformance, which only some commands load.
 */
const ENVIRONMENT_ERRORS = new Set(["XsdUnavailableError", "EndpointUnreachableError"]);

function isUsageError(e: unknown): boolean {
  if (e instanceof UsageError) return true;
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_");
}
