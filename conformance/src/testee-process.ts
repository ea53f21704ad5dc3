/**
 * A testee as a child process speaking the line protocol (protocol.ts). Requests are written as
 * they come; answers are matched by id. A crash, an unparsable line or a timeout turns the pending
 * requests into "error" answers naming the cause, never into passes.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import {
  type Answer,
  responseProblem,
  type TesteeRequest,
  type TesteeResponse,
  toAnswer,
} from "./protocol.js";

export interface TesteeOptions {
  /** per request, in milliseconds (default 30 s) */
  readonly timeoutMs?: number;
  readonly cwd?: string;
}

/** A command line (run through the shell) or an argv (run directly). */
export type TesteeCommand = string | readonly [string, ...string[]];

export class TesteeProcess {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #pending = new Map<string, (a: Answer) => void>();
  readonly #timeoutMs: number;
  #stderr = "";
  #dead: string | undefined;
  /** protocol problems seen (lines that were not responses), for the report */
  readonly problems: string[] = [];

  constructor(command: TesteeCommand, options: TesteeOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    const cwd = options.cwd ?? process.cwd();
    this.#child =
      typeof command === "string"
        ? spawn(command, { shell: true, cwd, stdio: ["pipe", "pipe", "pipe"] })
        : spawn(command[0], command.slice(1), { cwd, stdio: ["pipe", "pipe", "pipe"] });
    this.#child.stderr.setEncoding("utf8");
    this.#child.stderr.on("data", (c: string) => {
      if (this.#stderr.length < 64_000) this.#stderr += c;
    });
    this.#child.stdin.on("error", () => undefined); // reported through "exit" instead
    this.#child.on("error", (e) => this.#fail(`cannot start testee: ${e.message}`));
    this.#child.on("exit", (code, signal) =>
      this.#fail(
        `testee exited (${signal ?? `code ${code}`})${this.#stderr ? `; stderr: ${this.#stderr.trim().slice(-500)}` : ""}`,
      ),
    );
    const lines = createInterface({ input: this.#child.stdout });
    lines.on("line", (line) => this.#onLine(line));
  }

  /** stderr output of the testee so far (first 64 kB) */
  get stderr(): string {
    return this.#stderr;
  }

  request(request: TesteeRequest): Promise<Answer> {
    if (this.#dead !== undefined) return Promise.resolve({ kind: "error", reason: this.#dead });
    if (this.#pending.has(request.id))
      throw new Error(`duplicate request id ${JSON.stringify(request.id)}`);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(request.id);
        resolve({ kind: "error", reason: `no answer within ${this.#timeoutMs} ms` });
      }, this.#timeoutMs);
      this.#pending.set(request.id, (answer) => {
        clearTimeout(timer);
        this.#pending.delete(request.id);
        resolve(answer);
      });
      this.#child.stdin.write(`${JSON.stringify(request)}\n`);
    });
  }

  /** Closes stdin (the testee should then exit) and waits for the exit, killing it after 5 s. */
  async close(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.#child.once("exit", () => resolve()));
    this.#child.stdin.end();
    const timer = setTimeout(() => this.#child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  }

  #onLine(line: string): void {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      this.#problem(`not JSON: ${line.slice(0, 200)}`);
      return;
    }
    const problem = responseProblem(value);
    const id = (value as { id?: unknown }).id;
    if (problem !== undefined) {
      this.#problem(`${problem}: ${line.slice(0, 200)}`);
      // a malformed answer to a known request still settles it, as an error
      if (typeof id === "string") this.#pending.get(id)?.({ kind: "error", reason: problem });
      return;
    }
    const settle = this.#pending.get(id as string);
    if (settle === undefined) {
      this.#problem(`answer to an unknown or timed-out id ${JSON.stringify(id)}`);
      return;
    }
    settle(toAnswer(value as TesteeResponse));
  }

  #problem(text: string): void {
    if (this.problems.length < 100) this.problems.push(text);
  }

  #fail(reason: string): void {
    this.#dead ??= reason;
    for (const settle of [...this.#pending.values()]) settle({ kind: "error", reason });
  }
}
