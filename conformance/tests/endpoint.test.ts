/** runEndpoint against a port nobody listens on, and against an endpoint that answers badly. */
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { EndpointUnreachableError, loadSuite, runEndpoint } from "../src/index.js";

const cases = loadSuite({ oasis: false });

/** A port that was free a moment ago: bound to a random port, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("runEndpoint", () => {
  it("says once that it cannot connect when nothing listens", async () => {
    const port = await closedPort();
    let progress = 0;
    const error = await runEndpoint(`http://127.0.0.1:${port}/`, cases, {
      onProgress: () => progress++,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EndpointUnreachableError);
    expect((error as Error).message).toBe(
      `cannot connect to http://127.0.0.1:${port} (ECONNREFUSED)`,
    );
    // it stopped at the first request instead of failing every case
    expect(progress).toBe(1);
  });

  it("says cannot connect for a port fetch refuses outright (port 1)", async () => {
    await expect(runEndpoint("http://127.0.0.1:1/", cases)).rejects.toThrow(
      new EndpointUnreachableError(
        "cannot connect to http://127.0.0.1:1 (fetch refuses this port)",
      ),
    );
  });

  it("an endpoint that answers, even badly, is tested: every case is a failure, not unreachable", async () => {
    const server = createHttpServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(500, { "content-type": "text/plain" }).end("broken"));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    try {
      const run = await runEndpoint(`http://127.0.0.1:${port}`, cases);
      expect(run.results.length).toBeGreaterThan(0);
      expect(run.results.every((r) => !r.passed)).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
