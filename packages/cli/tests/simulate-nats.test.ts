/**
 * `transactive simulate --nats URL`: the market split over worker processes through real
 * nats-server processes gives the same summary.json as the single-process run on the same seed;
 * also with a leaf-node server per microgrid (a hub and two leaf servers on 127.0.0.1, the workers
 * on the leaves). Usage errors are typed.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findNatsServer, type NatsServer, startNatsServer } from "@transactive/scale";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "./helpers.js";

const scratch = mkdtempSync(join(tmpdir(), "transactive-simulate-nats-"));
const servers: NatsServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
  rmSync(scratch, { recursive: true, force: true });
});

const HAVE_NATS = findNatsServer() !== undefined;
const SMALL = ["--agents", "24", "--hours", "3", "--interval", "PT15M", "--seed", "21"];

async function summaryOf(args: string[], out: string): Promise<string> {
  const r = await run(["simulate", ...SMALL, ...args, "--out", join(scratch, out)]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return readFileSync(join(scratch, out, "summary.json"), "utf8");
}

describe.skipIf(!HAVE_NATS && process.env.CI !== "true")("transactive simulate --nats", () => {
  it("call auction over 2 levels in 3 worker processes: summary.json equals the single-process run's", async () => {
    if (!HAVE_NATS)
      throw new Error("nats-server is not installed (CI=true): apt-get install nats-server");
    const server = await startNatsServer({ jetStream: false });
    servers.push(server);
    const single = await summaryOf(["--levels", "2"], "single");
    const split = await summaryOf(
      ["--levels", "2", "--nats", server.url, "--processes", "3"],
      "split",
    );
    expect(split).toBe(single);
    expect(JSON.parse(single).market.transactionCount).toBeGreaterThan(0);
  }, 120_000);

  it("a leaf-node server per microgrid: workers on two leaf servers, the root on the hub, same summary.json (CDA, 3 levels)", async () => {
    if (!HAVE_NATS)
      throw new Error("nats-server is not installed (CI=true): apt-get install nats-server");
    const hub = await startNatsServer({ name: "hub", jetStream: false, leafListen: true });
    servers.push(hub);
    const leaves = [];
    for (const name of ["microgrid-a", "microgrid-b"]) {
      const leaf = await startNatsServer({
        name,
        jetStream: false,
        leafRemotes: [hub.leafUrl as string],
      });
      servers.push(leaf);
      leaves.push(leaf.url);
    }
    const args = ["--levels", "3", "--mechanism", "cda"];
    const single = await summaryOf(args, "leaf-single");
    const split = await summaryOf(
      [
        ...args,
        "--nats",
        hub.url,
        "--processes",
        "2",
        "--worker-nats",
        leaves.join(","),
        "--nats-format",
        "json",
      ],
      "leaf-split",
    );
    expect(split).toBe(single);
  }, 120_000);

  it("usage errors: one level, a bad URL, an unreachable server, --processes without --nats", async () => {
    const one = await run([
      "simulate",
      ...SMALL,
      "--nats",
      "nats://127.0.0.1:4222",
      "--out",
      join(scratch, "x"),
    ]);
    expect(one.code).toBe(2);
    expect(one.stderr).toContain("--levels 2 or more");
    const bad = await run([
      "simulate",
      ...SMALL,
      "--levels",
      "2",
      "--nats",
      "http://x",
      "--out",
      join(scratch, "x"),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("must be a NATS URL");
    const alone = await run([
      "simulate",
      ...SMALL,
      "--processes",
      "2",
      "--out",
      join(scratch, "x"),
    ]);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain("--processes needs --nats URL");
  });
});
