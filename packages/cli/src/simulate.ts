/**
 * `transactive simulate`: draws a scenario from a seed, runs it through the market engine for the
 * chosen mechanism and through the no-market baseline on the same seed, and writes report.html
 * and summary.json into --out. Prints the report's path on stdout; a progress bar goes to stderr,
 * on a terminal only.
 */
import { parseArgs } from "node:util";
import type { EngineFactory, Mechanism, Scenario } from "@transactive/sim";
import { EXIT, type ExitCode, type Io, UsageError } from "./io.js";

export const SIMULATE_HELP = `  simulate [--agents N] [--levels L] [--interval PT5M] [--hours H] [--seed S]
           [--mechanism cda|call] [--out DIR] [--ledger DIR]
           [--nats URL [--processes P] [--worker-nats URL,URL…] [--nats-format xml|json]]
      Simulate a microgrid's day: PV on a clear-sky curve, households with morning
      and evening peaks, EVs arriving in the evening, HVAC driven by the outdoor
      temperature, batteries and a grid tie; once with the market, once without it
      on the same seed. Writes DIR/report.html (charts, opens offline) and
      DIR/summary.json (peak import, peak-to-average ratio, energy traded,
      transactions) and prints the report's path.
      Defaults: 100 agents, 1 level, PT5M, 24 hours, seed 1, call, ./sim-out.
      --ledger DIR: also write the market's day into a new ledger in DIR (refused
      when DIR holds a ledger): the market and every agent that traded register,
      each agent's transactions with the market become signed contracts, each
      agent's meter its deliveries, and the market settles the run at its
      clearing prices, in parts (settlement records of groups of agents under
      the record size limit, so any number of agents settles); summary.json's
      "ledger" and the report show the records, the median transaction value,
      the settlement (its net changes sum to 0) and its parts.
      Check it with \`transactive ledger verify DIR\`.
      --agents 1..1000000, --levels 1..8 (nesting depth of markets), --hours
      1..168 (a whole number of intervals), --interval an ISO 8601 duration that
      divides 24 h (PT1M … PT1H …), --seed 0..18446744073709551615.
      --nats URL: split the market over processes connected through the NATS
      server at URL (docs/scale-out.md): this process runs the root market, each
      child market of the root (with its subtree and agents) runs in one of P
      worker processes (--processes, default min(children, 4)); needs --levels 2
      or more. The results (summary.json) are the single-process run's.
      --worker-nats URL,URL…: the servers the workers connect to, in turn (e.g. a
      leaf-node server per microgrid); default the --nats URL. --nats-format: the
      EI encoding on the wire (default xml).
`;

const MECHANISMS: readonly Mechanism[] = ["cda", "call"];

/**
 * The market engine of each mechanism, loaded only when it runs. A mechanism without one runs the
 * no-market baseline alone, and the command says so on stderr and in the report.
 */
const MARKET_ENGINES: Partial<Record<Mechanism, () => Promise<EngineFactory>>> = {
  call: async () => (await import("@transactive/sim")).marketEngine,
  cda: async () => (await import("@transactive/sim")).marketEngine,
};

export async function simulateCommand(args: readonly string[], io: Io): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      agents: { type: "string" },
      levels: { type: "string" },
      interval: { type: "string" },
      hours: { type: "string" },
      seed: { type: "string" },
      mechanism: { type: "string" },
      out: { type: "string" },
      ledger: { type: "string" },
      nats: { type: "string" },
      processes: { type: "string" },
      "worker-nats": { type: "string" },
      "nats-format": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(SIMULATE_HELP);
    return EXIT.ok;
  }
  if (positionals.length)
    throw new UsageError(`simulate takes no file arguments, got ${positionals.join(" ")}`);
  const agents = integer("--agents", values.agents ?? "100", 1, 1_000_000);
  const levels = integer("--levels", values.levels ?? "1", 1, 8);
  const hours = integer("--hours", values.hours ?? "24", 1, 168);
  const mechanism = (values.mechanism ?? "call") as Mechanism;
  if (!MECHANISMS.includes(mechanism))
    throw new UsageError(`simulate --mechanism must be cda or call, not "${values.mechanism}"`);
  const out = values.out ?? "sim-out";
  if (out === "") throw new UsageError("simulate --out must name a folder");
  const ledgerDir = values.ledger;
  if (ledgerDir === "") throw new UsageError("simulate --ledger must name a folder");
  const ledgerMod = ledgerDir === undefined ? undefined : await import("./simulate-ledger.js");
  if (ledgerMod !== undefined && ledgerDir !== undefined) {
    try {
      ledgerMod.checkLedgerTarget(ledgerDir);
    } catch (e) {
      if (e instanceof ledgerMod.LedgerTargetError) throw new UsageError(e.message);
      throw e;
    }
  }

  const nats = natsOptions(values, levels);

  const sim = await import("@transactive/sim");
  let scenario: Scenario;
  const scenarioInput = {
    agents,
    hours,
    interval: values.interval ?? "PT5M",
    seed: values.seed ?? "1",
  };
  try {
    scenario = sim.createScenario(scenarioInput);
  } catch (e) {
    if (e instanceof sim.SimulationError) throw new UsageError(`simulate --${e.message}`);
    throw e;
  }

  const loadMarket = MARKET_ENGINES[mechanism];
  const market =
    nats === undefined
      ? loadMarket
        ? await loadMarket()
        : undefined
      : (await import("@transactive/scale")).natsSimulationEngine({
          ...nats,
          scenario: scenarioInput,
        });
  if (market === undefined)
    io.stderr(
      `transactive: simulate: no market engine for --mechanism ${mechanism} in this build; the report shows the no-market baseline only\n`,
    );
  if (ledgerDir !== undefined && market === undefined)
    throw new UsageError(`simulate --ledger: no market engine for --mechanism ${mechanism}`);
  const bar = progressBar();
  const day: import("./simulate-ledger.js").LedgerInterval[] = [];
  try {
    const result = await sim.runSimulation(scenario, {
      ...(market ? { market, mechanism } : {}),
      levels,
      onProgress: bar.update,
      ...(ledgerDir === undefined
        ? {}
        : { onMarketOutcome: (interval, outcome) => day.push({ interval, outcome }) }),
    });
    bar.done();
    let ledger: import("@transactive/sim").LedgerSummary | undefined;
    if (ledgerMod !== undefined && ledgerDir !== undefined) {
      const { LedgerError } = await import("@transactive/ledger");
      try {
        ledger = await ledgerMod.writeDayToLedger(ledgerDir, day, scenario.currency);
      } catch (e) {
        if (e instanceof LedgerError) {
          io.stderr(`transactive: simulate --ledger ${ledgerDir}: ${e.message} [${e.code}]\n`);
          return EXIT.invalid;
        }
        throw e;
      }
    }
    const written = await sim.writeSimulationOutput(
      result,
      out,
      ledger === undefined ? {} : { ledger },
    );
    io.stdout(`${written.report}\n`);
    return EXIT.ok;
  } catch (e) {
    bar.done();
    if (e instanceof sim.SimulationError) {
      io.stderr(`transactive: simulate: ${e.message} [${e.code}]\n`);
      return EXIT.invalid;
    }
    if (nats !== undefined) {
      const { ScaleError } = await import("@transactive/scale");
      // the server, a worker process or the machine: an environment problem (exit 2)
      if (e instanceof ScaleError) {
        io.stderr(`transactive: simulate --nats: ${e.message} [${e.code}]\n`);
        return EXIT.usage;
      }
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EACCES" || code === "ENOTDIR" || code === "EEXIST" || code === "EROFS")
      throw new UsageError(`simulate --out ${out}: cannot write there (${code})`);
    throw e;
  }
}

/** The --nats options, checked; undefined without --nats. */
function natsOptions(
  values: Record<string, string | boolean | undefined>,
  levels: number,
):
  | {
      url: string;
      processes?: number;
      workerUrls?: string[];
      format?: "xml" | "json";
    }
  | undefined {
  const url = values.nats as string | undefined;
  const rest = ["processes", "worker-nats", "nats-format"].filter((k) => values[k] !== undefined);
  if (url === undefined) {
    if (rest.length > 0) throw new UsageError(`simulate --${rest[0]} needs --nats URL`);
    return undefined;
  }
  if (!/^(nats|tls|ws|wss):\/\/[^\s]+$/.test(url) && !/^[\w.-]+:\d+$/.test(url))
    throw new UsageError(`simulate --nats must be a NATS URL (nats://host:port), not "${url}"`);
  if (levels < 2)
    throw new UsageError(
      "simulate --nats needs --levels 2 or more: each child market of the root runs in a worker process",
    );
  const format = values["nats-format"] as string | undefined;
  if (format !== undefined && format !== "xml" && format !== "json")
    throw new UsageError(`simulate --nats-format must be xml or json, not "${format}"`);
  const workers = values["worker-nats"] as string | undefined;
  const workerUrls = workers?.split(",").filter((u) => u !== "");
  if (workers !== undefined && (workerUrls === undefined || workerUrls.length === 0))
    throw new UsageError("simulate --worker-nats must list NATS URLs separated by commas");
  return {
    url,
    ...(values.processes !== undefined
      ? { processes: integer("--processes", values.processes as string, 1, 256) }
      : {}),
    ...(workerUrls !== undefined ? { workerUrls } : {}),
    ...(format !== undefined ? { format } : {}),
  };
}

function integer(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max)
    throw new UsageError(
      `simulate ${flag} must be an integer from ${min} to ${max}, not "${text}"`,
    );
  return n;
}

/** A one-line bar on stderr, redrawn in place; nothing at all when stderr is not a terminal. */
function progressBar(): { update: (done: number, total: number) => void; done: () => void } {
  const stderr = process.stderr;
  if (!stderr.isTTY) return { update: () => {}, done: () => {} };
  let shown = -1;
  let drawn = false;
  return {
    update(done, total) {
      const width = 30;
      const filled = Math.round((done / total) * width);
      const percent = Math.floor((done / total) * 100);
      if (percent === shown) return;
      shown = percent;
      drawn = true;
      stderr.write(
        `\rsimulating [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} intervals ${percent}%`,
      );
    },
    done() {
      if (drawn) stderr.write("\r\x1b[2K");
      drawn = false;
    },
  };
}
