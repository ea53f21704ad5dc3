/**
 * What a command touches outside itself, injectable for tests: output streams, stdin and the
 * registry of schemas. bin.ts wires the real process in.
 */
import { readFile } from "node:fs/promises";
import { type Registry, sniffFormat } from "@transactive/codec";

export interface Io {
  readonly registry: Registry;
  /** writes text as given (callers add the newlines) */
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** the whole of standard input, read when a file argument is "-" */
  readonly stdin: () => Promise<Uint8Array>;
}

/**
 * An Io whose registry is loaded on demand: main() calls loadRegistry only when a command runs,
 * so the help and usage errors answer without loading every schema.
 */
export type LazyIo = Omit<Io, "registry"> & {
  /** Loads the registry of schemas; called once a command is about to run. */
  readonly loadRegistry: () => Promise<Registry>;
};

/** Exit codes: 0 everything valid, 1 some input invalid, 2 usage or environment problem. */
export const EXIT = { ok: 0, invalid: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A usage or environment problem: reported on stderr, exit 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** A --profile value: one of the registry's wire profiles, else a UsageError listing them. */
export function checkProfile(io: Io, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (io.registry.profiles.has(value)) return value;
  throw new UsageError(`unknown profile "${value}"; known: ${io.registry.profileOrder.join(", ")}`);
}

/** Reads a file argument ("-" is standard input); unreadable files are a UsageError. */
export async function readInput(io: Io, file: string): Promise<Uint8Array> {
  if (file === "-") return io.stdin();
  try {
    return await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "is a directory"
          : code === "EACCES"
            ? "permission denied"
            : (e as Error).message;
    throw new UsageError(`cannot read ${file}: ${why}`);
  }
}

export type InputFormat = "xml" | "json";

/**
 * XML or JSON by the first non-space character ("<" or "{") after a byte order mark, read in the
 * encoding that mark shows; undefined for anything else. The codec's `sniffFormat`, as the HTTP
 * dispatcher uses it.
 */
export function detectFormat(bytes: Uint8Array): InputFormat | undefined {
  return sniffFormat(bytes);
}
