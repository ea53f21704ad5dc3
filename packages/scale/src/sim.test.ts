/**
 * A simulation split over worker processes through a real nats-server gives the single-process
 * run's result, interval by interval and summary.json byte for byte: call auction over 2 levels
 * (children spread over 2 workers), CDA over 3 levels (XML on the wire) and JSON on the wire.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createScenario,
  type Mechanism,
  marketEngine,
  runSimulation,
  writeSimulationOutput,
} from "@transactive/sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HAVE_NATS, requireNats } from "../tests/nats.js";
import { ScaleError } from "./errors.js";
import { type NatsServer, startNatsServer } from "./server.js";
import { natsSimulationEngine } from "./sim.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function both(
  url: string,
  input: { agents: number; hours: number; interval: string; seed: string },
  levels: number,
  mechanism: Mechanism,
  extra: { processes?: number; format?: "xml" | "json" } = {},
) {
  const scenario = createScenario(input);
  const single = await runSimulation(scenario, { market: marketEngine, mechanism, levels });
  const split = await runSimulation(scenario, {
    market: natsSimulationEngine({ url, scenario: input, ...extra }),
    mechanism,
    levels,
  });
  const out = mkdtempSync(join(tmpdir(), "scale-sim-"));
  dirs.push(out);
  const a = await writeSimulationOutput(single, join(out, "single"));
  const b = await writeSimulationOutput(split, join(out, "split"));
  return {
    single,
    split,
    summaries: [readFileSync(a.summaryPath, "utf8"), readFileSync(b.summaryPath, "utf8")],
  };
}

describe.skipIf(!HAVE_NATS && process.env.CI !== "true")("a simulation over NATS", () => {
  let server: NatsServer;
  beforeAll(async () => {
    requireNats();
    server = await startNatsServer({ jetStream: false });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("call auction, 2 levels, children in 2 workers: the single-process result exactly", async () => {
    const r = await both(
      server.url,
      { agents: 30, hours: 3, interval: "PT15M", seed: "7" },
      2,
      "call",
      {
        processes: 2,
      },
    );
    expect(r.split.intervals).toEqual(r.single.intervals);
    expect(r.summaries[1]).toBe(r.summaries[0]);
    expect(JSON.parse(r.summaries[0] as string).market.transactionCount).toBeGreaterThan(0);
  }, 120_000);

  it("continuous double auction, 3 levels, JSON on the wire: the single-process result exactly", async () => {
    const r = await both(
      server.url,
      { agents: 27, hours: 2, interval: "PT15M", seed: "11" },
      3,
      "cda",
      {
        processes: 3,
        format: "json",
      },
    );
    expect(r.split.intervals).toEqual(r.single.intervals);
    expect(r.summaries[1]).toBe(r.summaries[0]);
  }, 120_000);

  it("refuses one level (no child market to run elsewhere) with a typed error", async () => {
    const input = { agents: 5, hours: 1, interval: "PT15M", seed: "1" };
    const e = await runSimulation(createScenario(input), {
      market: natsSimulationEngine({ url: server.url, scenario: input }),
      mechanism: "call",
      levels: 1,
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ScaleError);
    expect((e as ScaleError).code).toBe("bad-option");
    expect((e as ScaleError).path).toBe("/levels");
  });
});
