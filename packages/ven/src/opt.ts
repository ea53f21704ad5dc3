/**
 * The VEN's opt policy: how it answers an event it receives new or modified. `always` and
 * `never` answer every event the same; `by-signal:NAME,...` opts in when one of the event's
 * signals has one of those signalNames; `command:CMD` runs CMD (through the shell) with the event
 * as JSON on stdin and reads `optIn` or `optOut` from its stdout. A command that fails, times out
 * or answers anything else means optOut (the VEN commits to nothing it was not told to), with a
 * warning in the log.
 */
import { spawn } from "node:child_process";
import type { OadrDistributeEventTypeOadrEvent, OptTypeType } from "@transactive/ei";
import type { Logger } from "./log.js";

/** What the opt policy is told about an event. */
export interface OptRequest {
  readonly eventID: string;
  readonly modificationNumber: number;
  readonly eventStatus: string;
  /** the signalNames of the event's signals, in order */
  readonly signalNames: readonly string[];
  /** the whole oadrEvent, in the canonical JSON model (docs/json-mapping.md) */
  readonly oadrEvent: OadrDistributeEventTypeOadrEvent;
}

/** Decides the VEN's answer (optIn or optOut) to an event. */
export type OptPolicy = (request: OptRequest, log: Logger) => Promise<OptTypeType>;

/** A bad --opt value. */
export class OptPolicyError extends Error {
  override readonly name = "OptPolicyError";
}

/** Opt in to every event. */
export const optAlways: OptPolicy = async () => "optIn";
/** Opt out of every event. */
export const optNever: OptPolicy = async () => "optOut";

/** Opts in when one of the event's signals is named in `names`. */
export function optBySignal(names: readonly string[]): OptPolicy {
  const wanted = new Set(names);
  return async (r) => (r.signalNames.some((n) => wanted.has(n)) ? "optIn" : "optOut");
}

/** Asks an external command (run through the shell): the event as JSON on stdin, optIn or optOut on stdout. */
export function optByCommand(command: string, timeoutMs = 10_000): OptPolicy {
  return async (r, log) => {
    const input = JSON.stringify({
      eventID: r.eventID,
      modificationNumber: r.modificationNumber,
      eventStatus: r.eventStatus,
      signalNames: r.signalNames,
      oadrEvent: r.oadrEvent,
    });
    const result = await runCommand(command, input, timeoutMs);
    const answer = /^\s*(optIn|optOut)\b/i.exec(result.stdout)?.[1]?.toLowerCase();
    if (result.error === undefined && answer) return answer === "optin" ? "optIn" : "optOut";
    log(
      "warn",
      `opt command for event ${r.eventID}: ${result.error ?? `answered ${JSON.stringify(result.stdout.trim().slice(0, 80))}, not optIn or optOut`}; opting out`,
    );
    return "optOut";
  };
}

/** Parses an --opt value: always | never | by-signal:NAME[,NAME...] | command:CMD. */
export function parseOptPolicy(spec: string): OptPolicy {
  if (spec === "always") return optAlways;
  if (spec === "never") return optNever;
  if (spec.startsWith("by-signal:")) {
    const names = spec
      .slice("by-signal:".length)
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
    if (names.length === 0)
      throw new OptPolicyError(
        "--opt by-signal: needs at least one signalName, e.g. by-signal:SIMPLE",
      );
    return optBySignal(names);
  }
  if (spec.startsWith("command:")) {
    const command = spec.slice("command:".length).trim();
    if (command === "") throw new OptPolicyError("--opt command: needs a command line");
    return optByCommand(command);
  }
  throw new OptPolicyError(
    `--opt must be always, never, by-signal:NAME[,NAME...] or command:CMD, not "${spec}"`,
  );
}

/** What a command printed, or why it failed. */
export interface CommandResult {
  readonly stdout: string;
  readonly error?: string;
}

/** Runs a shell command with `input` on stdin; never throws (a failure is `error`). */
export function runCommand(
  command: string,
  input: string,
  timeoutMs: number,
): Promise<CommandResult> {
  return new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    let settled = false;
    const done = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(error === undefined ? { stdout } : { stdout, error });
    };
    const child = spawn(command, { shell: true, stdio: ["pipe", "pipe", "pipe"] });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      done(`"${command}" did not finish within ${timeoutMs} ms`);
    }, timeoutMs);
    child.stdout.on("data", (c: Buffer) => {
      if (stdout.length < 1_000_000) stdout += c;
    });
    child.stderr.on("data", (c: Buffer) => {
      if (stderr.length < 10_000) stderr += c;
    });
    child.on("error", (e) => done(`"${command}" could not run: ${e.message}`));
    child.on("close", (code, signal) => {
      if (code === 0) done();
      else
        done(
          `"${command}" ${signal ? `was killed by ${signal}` : `exited with ${code}`}${stderr.trim() ? `: ${stderr.trim().split("\n")[0]}` : ""}`,
        );
    });
    // a command that does not read its stdin closes it early: not an error of ours
    child.stdin.on("error", () => {});
    child.stdin.end(input);
  });
}
