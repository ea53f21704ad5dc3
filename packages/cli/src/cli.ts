/**
 * Argument parsing and dispatch. `main` returns the exit code instead of exiting, so tests can
 * call it with an injected Io.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { XsdUnavailableError } from "@transactive/conformance";
import { AMOUNTS_HELP, amountsCommand } from "./amounts.js";
import { conformanceCommand } from "./conformance.js";
import { convertCommand, parseOutputFormat } from "./convert.js";
import { EXIT, type ExitCode, type Io, UsageError } from "./io.js";
import { RESOLVE_HELP, resolveCommand } from "./resolve.js";
import { SERVE_HELP, serveCommand } from "./serve.js";
import { validateCommand } from "./validate.js";

export const HELP = `Usage: transactive <command> [options]

Commands:
  validate <file...> [--xsd] [--profile P]
      Decode each XML or JSON file (told apart by its first character, "<" or "{"),
      detect its standard and wire profile, and validate it. With --xsd, also check
      the XML (for JSON input: its XML encoding) against the profile's official XSD
      with xmllint. Prints "file: ok (profile, element)" or one "file: path: reason"
      line per problem, all on stdout.
  convert <file|-> --to json|xml [--profile P]
      Print the document converted to JSON (2-space indent) or XML. --profile
      chooses the output wire profile. "-" reads standard input.
${RESOLVE_HELP}${AMOUNTS_HELP}${SERVE_HELP}  conformance [--testee "CMD" | --files DIR | --endpoint URL] [--junit F] [--html F]
      Run the conformance suite: against our own codecs (no target), a testee
      speaking the line protocol (docs/conformance.md), a folder of payloads or a
      live EI HTTP endpoint. "transactive conformance --help" lists its options.
      Exit 0 only when every required case passes.
  help                Show this help.

Options:
  --profile P   openadr2b, openadr2a, cts or xcal
  --xsd         validate: also validate against the official XSD (needs xmllint)
  --to F        convert: json or xml
  -h, --help    Show this help.
  -V, --version Show the version.

Exit codes: 0 valid, 1 some input invalid, 2 usage or environment problem.
Environment: TRANSACTIVE_OASIS_DIR, the folder of the official XSDs (for --xsd).
`;

/**
 * Commands other modules provide: name -> runner over the command's own arguments. Each command
 * lives in its own module (resolve.ts, serve.ts, conformance.ts…) and is registered here with one line.
 */
export type CommandRunner = (args: readonly string[], io: Io) => Promise<ExitCode>;
const COMMANDS: Record<string, CommandRunner> = {
  resolve: resolveCommand,
  amounts: amountsCommand,
  conformance: conformanceCommand,
  serve: serveCommand,
};

const PLANNED = new Set(["resolve", "serve", "conformance"].filter((c) => !(c in COMMANDS)));

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

export async function main(argv: readonly string[], io: Io): Promise<ExitCode> {
  try {
    return await dispatch(argv, io);
  } catch (e) {
    if (e instanceof UsageError || e instanceof XsdUnavailableError || isParseArgsError(e)) {
      io.stderr(`transactive: ${(e as Error).message}\nRun "transactive --help" for usage.\n`);
      return EXIT.usage;
    }
    throw e;
  }
}

async function dispatch(argv: readonly string[], io: Io): Promise<ExitCode> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    io.stderr(HELP);
    return EXIT.usage;
  }
  if (command === "help" || command === "--help" || command === "-h") {
    io.stdout(HELP);
    return EXIT.ok;
  }
  if (command === "--version" || command === "-V") {
    io.stdout(`${version()}\n`);
    return EXIT.ok;
  }
  const runner = COMMANDS[command];
  if (runner) return runner(rest, io);
  if (PLANNED.has(command)) {
    io.stderr(`not implemented yet: ${command} (see README)\n`);
    return EXIT.usage;
  }
  if (command === "validate") {
    const { values, positionals } = parseArgs({
      args: [...rest],
      options: {
        xsd: { type: "boolean" },
        profile: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: true,
    });
    if (values.help) return help(io);
    return validateCommand(io, {
      files: positionals,
      xsd: values.xsd === true,
      profile: checkProfile(io, values.profile),
    });
  }
  if (command === "convert") {
    const { values, positionals } = parseArgs({
      args: [...rest],
      options: {
        to: { type: "string" },
        profile: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: true,
    });
    if (values.help) return help(io);
    if (positionals.length !== 1)
      throw new UsageError(`convert takes one file (or "-" for stdin), got ${positionals.length}`);
    const to = parseOutputFormat(values.to);
    return convertCommand(io, {
      file: positionals[0] as string,
      to,
      profile: checkProfile(io, values.profile),
    });
  }
  throw new UsageError(
    command.startsWith("-") ? `unknown option: ${command}` : `unknown command: ${command}`,
  );
}

function help(io: Io): ExitCode {
  io.stdout(HELP);
  return EXIT.ok;
}

function checkProfile(io: Io, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (io.registry.profiles.has(value)) return value;
  throw new UsageError(`unknown profile "${value}"; known: ${io.registry.profileOrder.join(", ")}`);
}

function isParseArgsError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_");
}
