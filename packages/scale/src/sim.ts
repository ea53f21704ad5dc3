/**
 * A simulation split over processes connected through NATS: the engine of `transactive simulate
 * --nats URL`. This process runs the root market ("grid": the grid tie and the clearing); each
 * child node of the root ("grid.<k>", with its whole subtree of nodes and device agents) runs in a
 * worker process, several children per worker when there are more children than workers. The
 * market traffic between them is the nesting protocol of nesting.ts (EI messages on per-interval
 * subjects); the root's EI services answer on its EI subjects (market context, agents' tenders).
 *
 * Each process builds the same scenario from the same inputs (createScenario is deterministic in
 * its seed) and the same market tree (marketTree of @transactive/sim), then keeps its part. After
 * delivery, each worker sends the exact integer tally of its children's agents on the run's
 * control subject (`<prefix>.sim.tally`, JSON: simulation bookkeeping, not market data); the root
 * merges the tallies in agent order. The outcome is the single-process run's, exactly.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { createMarketDispatcher } from "@transactive/market/ei";
import {
  type AwardTally,
  createScenario,
  type EngineFactory,
  type IntervalOutcome,
  type Mechanism,
  marketTree,
  mergeTallies,
  outcomeOfTally,
  type ScenarioOptions,
  type SimInterval,
  type SimulationEngine,
  tallyAwards,
} from "@transactive/sim";
import { serveEiOverNats } from "./ei-nats.js";
import { ScaleError } from "./errors.js";
import { NatsChildren } from "./nesting.js";
import { DEFAULT_PREFIX, simSubject } from "./subjects.js";

/** How to split a simulation over processes. */
export interface NatsSimulationOptions {
  /** the NATS server of the root process (and of the workers, unless `workerUrls`) */
  readonly url: string;
  /** the scenario inputs: every worker rebuilds the scenario from them (the factory's scenario must be createScenario(scenario)) */
  readonly scenario: ScenarioOptions;
  /** worker processes (default: one per child of the root, at most 4) */
  readonly processes?: number;
  /** servers the workers connect to, assigned in turn (e.g. one leaf-node server per microgrid) */
  readonly workerUrls?: readonly string[];
  /** encoding of the nesting messages (default "xml") */
  readonly format?: "xml" | "json";
  /** milliseconds to wait for a worker's curve or tally, and for the workers to start (default 120 000) */
  readonly timeoutMs?: number;
  /** first subject token; the run adds its own ID after it (default "transactive") */
  readonly prefix?: string;
}

/** What a worker process is told (its only argument, JSON). */
export interface SimWorkerConfig {
  readonly url: string;
  readonly prefix: string;
  readonly format: "xml" | "json";
  readonly scenario: ScenarioOptions;
  readonly levels: number;
  readonly mechanism: Mechanism;
  /** the children of the root it runs (k of "grid.<k>") */
  readonly branches: readonly number[];
  readonly worker: number;
  readonly timeoutMs: number;
}

/** A tally on the wire: integers as numbers, the battery sum as a decimal string. */
export type TallyJson = Omit<AwardTally, "stored"> & { readonly stored: string };

/** The engine factory of a simulation split over processes (see the module comment). */
export function natsSimulationEngine(options: NatsSimulationOptions): EngineFactory {
  return async (scenario, engineOptions) => {
    if (engineOptions.mechanism === null)
      throw new ScaleError(
        "bad-option",
        "/mechanism",
        "a split simulation needs a market mechanism",
      );
    if (engineOptions.levels < 2)
      throw new ScaleError(
        "bad-option",
        "/levels",
        "a simulation over NATS needs --levels 2 or more: each child market of the root runs in a worker process",
      );
    const engine = new NatsEngine(options, engineOptions.levels, engineOptions.mechanism);
    try {
      await engine.start(scenario.devices.length);
    } catch (e) {
      await engine.close();
      throw e;
    }
    return engine;
  };
}

class NatsEngine implements SimulationEngine {
  readonly name: string;
  /** curves received from the workers and their steps (EiTenders), for benchmarks */
  get received(): { readonly curves: number; readonly steps: number } {
    return this.nesting?.received ?? { curves: 0, steps: 0 };
  }
  private readonly tree: ReturnType<typeof marketTree>;
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private nc: NatsConnection | undefined;
  private nesting: NatsChildren | undefined;
  private readonly workers: { child: ChildProcess; stderr: string; done: boolean }[] = [];
  private readonly tallies = new Map<number, Map<number, AwardTally>>();
  private tallyWaiter: (() => void) | undefined;
  private failure: ScaleError | undefined;
  private failed: (() => void) | undefined;
  private closers: (() => Promise<void>)[] = [];

  constructor(
    private readonly options: NatsSimulationOptions,
    private readonly levels: number,
    private readonly mechanism: Mechanism,
  ) {
    const scenario = createScenario(options.scenario);
    this.tree = marketTree(scenario, { levels, mechanism });
    // the single-process engine's name: summary.json is the same file either way
    this.name = this.tree.name;
    this.prefix = `${options.prefix ?? DEFAULT_PREFIX}.run-${randomBytes(6).toString("hex")}`;
    this.timeoutMs = options.timeoutMs ?? 120_000;
  }

  async start(devices: number): Promise<void> {
    if (devices !== this.tree.agents.length - 1)
      throw new ScaleError(
        "bad-option",
        "/scenario",
        "the engine's scenario is not createScenario(options.scenario): workers would simulate another one",
      );
    const nc = await connect({ servers: this.options.url }).catch((e: Error) => {
      throw new ScaleError(
        "transport",
        this.options.url,
        `cannot connect to ${this.options.url}: ${e.message}`,
      );
    });
    this.nc = nc;
    const root = this.tree.root;
    for (const c of this.tree.children) root.removeMember(c.id);
    const served = await serveEiOverNats(nc, createMarketDispatcher(root), {
      market: root.id,
      prefix: this.prefix,
    });
    this.closers.push(() => served.close());
    const nesting = new NatsChildren(nc, root, {
      prefix: this.prefix,
      format: this.options.format ?? "xml",
    });
    for (const c of this.tree.children) nesting.addChild(c.id);
    await nesting.start();
    this.nesting = nesting;
    this.closers.push(() => nesting.close());

    const ready = new Set<number>();
    let readyWaiter: (() => void) | undefined;
    const sub = nc.subscribe(simSubject("*" as "ready", this.prefix), {
      callback: (_e, msg) => {
        const what = msg.subject.slice(msg.subject.lastIndexOf(".") + 1);
        if (what === "ready") {
          ready.add((msg.json() as { worker: number }).worker);
          readyWaiter?.();
        } else if (what === "tally") {
          const t = msg.json() as { index: number; tallies: Record<string, TallyJson> };
          let m = this.tallies.get(t.index);
          if (m === undefined) this.tallies.set(t.index, (m = new Map()));
          for (const [k, v] of Object.entries(t.tallies))
            m.set(Number(k), { ...v, stored: BigInt(v.stored) });
          this.tallyWaiter?.();
        }
      },
    });
    this.closers.push(() => sub.drain());
    await nc.flush();

    const n = this.tree.children.length;
    const processes = Math.max(1, Math.min(n, this.options.processes ?? Math.min(n, 4)));
    const urls = this.options.workerUrls?.length ? this.options.workerUrls : [this.options.url];
    const size = Math.ceil(n / processes);
    for (let w = 0; w * size < n; w++) {
      const branches = Array.from({ length: Math.min(size, n - w * size) }, (_, j) => w * size + j);
      this.spawnWorker({
        url: urls[w % urls.length] as string,
        prefix: this.prefix,
        format: this.options.format ?? "xml",
        scenario: this.options.scenario,
        levels: this.levels,
        mechanism: this.mechanism,
        branches,
        worker: w,
        timeoutMs: this.timeoutMs,
      });
    }
    await this.until(
      () => ready.size === this.workers.length,
      "the workers to start",
      (f) => {
        readyWaiter = f;
      },
    );
  }

  private spawnWorker(config: SimWorkerConfig): void {
    const { file, execArgv } = workerEntry();
    const child = spawn(process.execPath, [...execArgv, file, JSON.stringify(config)], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    const w = { child, stderr: "", done: false };
    this.workers.push(w);
    child.stderr?.on("data", (c: Buffer) => {
      w.stderr = (w.stderr + c.toString("utf8")).slice(-4000);
    });
    child.once("exit", (code, signal) => {
      w.done = true;
      if (code !== 0 && this.failure === undefined) {
        this.failure = new ScaleError(
          "worker-failed",
          `worker ${config.worker}`,
          `worker ${config.worker} (children ${config.branches.join(", ")}) exited with ${code ?? signal}: ${w.stderr.trim().split("\n").slice(-5).join(" | ")}`,
        );
        this.failed?.();
      }
    });
  }

  /** Resolves when `done()` holds; rejects on a worker failure or after the timeout. */
  private async until(
    done: () => boolean,
    what: string,
    setWaiter: (f: (() => void) | undefined) => void,
  ): Promise<void> {
    if (this.failure) throw this.failure;
    if (done()) return;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => {
        finish();
        reject(
          new ScaleError(
            "transport",
            this.options.url,
            `timed out waiting for ${what} (${this.timeoutMs} ms)`,
          ),
        );
      }, this.timeoutMs);
      const finish = () => {
        clearTimeout(t);
        setWaiter(undefined);
        this.failed = undefined;
      };
      setWaiter(() => {
        if (!done()) return;
        finish();
        resolve();
      });
      this.failed = () => {
        finish();
        reject(this.failure);
      };
    });
  }

  async step(interval: SimInterval): Promise<IntervalOutcome> {
    const i = interval.index;
    const nesting = this.nesting as NatsChildren;
    const deadline = Date.now() + this.timeoutMs;
    let missing: string[];
    do {
      missing = await nesting.collect(i, 1000);
      if (this.failure) throw this.failure;
    } while (missing.length > 0 && Date.now() < deadline);
    if (missing.length > 0)
      throw new ScaleError(
        "worker-failed",
        missing.join(", "),
        `no curve for interval ${i} from ${missing.join(", ")}`,
      );
    const result = this.tree.root.clear(i);
    this.tree.root.deliverInterval(i);
    const own = tallyAwards(this.tree.agents.filter((a) => a.branch === undefined));
    const n = this.tree.children.length;
    await this.until(
      () => (this.tallies.get(i)?.size ?? 0) === n,
      `the tallies of interval ${i}`,
      (f) => {
        this.tallyWaiter = f;
      },
    );
    const got = this.tallies.get(i) as Map<number, AwardTally>;
    this.tallies.delete(i);
    const parts = [own, ...Array.from({ length: n }, (_, k) => got.get(k) as AwardTally)];
    return outcomeOfTally(mergeTallies(parts), result.quote.price, interval);
  }

  async close(): Promise<void> {
    // workers exit after the last interval; stop any left (a failed or cut-short run)
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.done) return resolve();
            const t = setTimeout(() => w.child.kill("SIGKILL"), this.failure ? 0 : 10_000);
            w.child.once("exit", () => {
              clearTimeout(t);
              resolve();
            });
          }),
      ),
    );
    for (const c of this.closers.reverse()) await c().catch(() => {});
    await this.nc?.close().catch(() => {});
  }
}

/** The worker script: dist/sim-worker.js, or src/sim-worker.ts run through tsx from source. */
function workerEntry(): { file: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith(".ts"))
    return {
      file: here.replace(/sim\.ts$/, "sim-worker.ts"),
      execArgv: ["--conditions=@transactive/source", "--import", "tsx"],
    };
  return { file: here.replace(/sim\.js$/, "sim-worker.js"), execArgv: [] };
}
