/** The nats-server harness: a missing binary and a bad option are typed errors; a server starts and stops. */
import { connect } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import { HAVE_NATS, requireNats } from "../tests/nats.js";
import { ScaleError } from "./errors.js";
import { startNatsServer } from "./server.js";

describe("startNatsServer", () => {
  it("a binary that is not there: ScaleError nats-server-missing", async () => {
    const e = await startNatsServer({ bin: "/nonexistent/nats-server" }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ScaleError);
    expect((e as ScaleError).code).toBe("nats-server-missing");
  });

  it.skipIf(!HAVE_NATS && process.env.CI !== "true")(
    "a bad port: bad-option; a server starts on a free port and stops",
    async () => {
      requireNats();
      const bad = await startNatsServer({ port: 70000 }).catch((x: unknown) => x);
      expect((bad as ScaleError).code).toBe("bad-option");
      const s = await startNatsServer();
      expect(s.url).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
      const nc = await connect({ servers: s.url });
      await nc.close();
      await s.stop();
      await expect(connect({ servers: s.url, reconnect: false, timeout: 1000 })).rejects.toThrow();
    },
  );
});
