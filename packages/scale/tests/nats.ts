/**
 * Test support: real nats-server processes (none mocked). Without the binary the tests that need
 * it are skipped, except under CI=true, where `requireNats` fails them (.ci/run installs it).
 */
import { findNatsServer } from "../src/server.js";

/** True when nats-server can run here. */
export const HAVE_NATS = findNatsServer() !== undefined;

/** Throws under CI=true when nats-server is missing (the suite must not silently skip there). */
export function requireNats(): void {
  if (!HAVE_NATS && process.env.CI === "true")
    throw new Error("nats-server is not installed (CI=true): apt-get install nats-server");
}
