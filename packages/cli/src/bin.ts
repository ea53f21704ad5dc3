#!/usr/bin/env node
/**
 * The `transactive` executable: wires the real process into main(). The registry (every schema)
 * is imported only when a command runs, so `--help` answers without loading it.
 */
import { main } from "./cli.js";

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

// main() reports its own errors; this catches what escapes it (a failed stream, a stray
// callback): one line and exit 2, the stack trace only with TRANSACTIVE_DEBUG
function fatal(e: unknown): never {
  if (process.env.TRANSACTIVE_DEBUG) console.error(e);
  else {
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`transactive: internal error: ${message.split("\n")[0]}\n`);
  }
  process.exit(2);
}
process.on("uncaughtException", fatal);
process.on("unhandledRejection", fatal);

// `transactive … | head` closes the pipe early: stop quietly
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  fatal(e);
});

process.exitCode = await main(process.argv.slice(2), {
  loadRegistry: async () => (await import("@transactive/ei/registry")).registry,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdin: readStdin,
});
