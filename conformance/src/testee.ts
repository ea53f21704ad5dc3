#!/usr/bin/env node
/**
 * `transactive-testee`: our implementation as a testee (protocol.ts). Reads one JSON request per
 * line on stdin, writes one JSON response per line on stdout, exits when stdin closes. A request
 * that is not valid JSON or lacks an id is answered on stderr (it has no id to answer to).
 */
import { createInterface } from "node:readline";
import type { TesteeRequest } from "./protocol.js";
import { handle } from "./reference-testee.js";

const lines = createInterface({ input: process.stdin });
const pending = new Set<Promise<void>>();

lines.on("line", (line) => {
  if (line.trim() === "") return;
  let request: TesteeRequest;
  try {
    request = JSON.parse(line) as TesteeRequest;
  } catch {
    process.stderr.write(`transactive-testee: not JSON: ${line.slice(0, 200)}\n`);
    return;
  }
  if (typeof request?.id !== "string") {
    process.stderr.write(
      `transactive-testee: request without a string "id": ${line.slice(0, 200)}\n`,
    );
    return;
  }
  const job = handle(request)
    .catch((e: unknown) => ({ id: request.id, error: `internal error: ${(e as Error).message}` }))
    .then((response) => {
      process.stdout.write(`${JSON.stringify(response)}\n`);
    })
    .finally(() => pending.delete(job));
  pending.add(job);
});

lines.on("close", () => {
  void Promise.all(pending);
});
