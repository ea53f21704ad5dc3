/**
 * A worker process of a simulation split over NATS (sim.ts): runs some children of the root market,
 * each with its whole subtree, joined to the root through NatsParentLink. Its one argument is a
 * SimWorkerConfig (JSON). Exits 0 after the last interval; on any failure prints it on stderr and
 * exits 1 (the root reports it).
 */
import { connect } from "@nats-io/transport-node";
import { createScenario, marketTree, tallyAwards } from "@transactive/sim";
import { NatsParentLink } from "./nesting.js";
import type { SimWorkerConfig, TallyJson } from "./sim.js";
import { simSubject } from "./subjects.js";

async function main(config: SimWorkerConfig): Promise<void> {
  const scenario = createScenario(config.scenario);
  const tree = marketTree(scenario, { levels: config.levels, mechanism: config.mechanism });
  const nc = await connect({ servers: config.url, maxReconnectAttempts: -1 });
  const mine = config.branches.map((k) => {
    const child = tree.children[k];
    if (child === undefined) throw new Error(`the root has no child ${k}`);
    tree.root.removeMember(child.id);
    return {
      k,
      child,
      agents: tree.agents.filter((a) => a.branch === k),
      link: new NatsParentLink(nc, child, {
        parent: tree.root.id,
        marketContext: tree.root.marketContext,
        prefix: config.prefix,
        format: config.format,
        timeoutMs: config.timeoutMs,
      }),
    };
  });
  for (const m of mine) await m.link.connect();
  nc.publish(simSubject("ready", config.prefix), JSON.stringify({ worker: config.worker }));
  const intervals = Math.round((scenario.hours * 3600) / scenario.intervalSeconds);
  for (let i = 0; i < intervals; i++) {
    await Promise.all(mine.map((m) => m.link.submit(i)));
    await Promise.all(mine.map((m) => m.link.settle(i)));
    // one message per child: a worker's whole tally could outgrow NATS's max_payload (1 MiB)
    for (const m of mine) {
      m.child.deliverInterval(i);
      const t = tallyAwards(m.agents);
      const tallies: Record<string, TallyJson> = { [m.k]: { ...t, stored: t.stored.toString() } };
      nc.publish(simSubject("tally", config.prefix), JSON.stringify({ index: i, tallies }));
    }
  }
  await nc.flush();
  await nc.close();
}

main(JSON.parse(process.argv[2] ?? "{}") as SimWorkerConfig).then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(1);
  },
);
