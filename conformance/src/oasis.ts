/**
 * Where the OASIS artifacts (profile XSD sets and real sample messages) are: $TRANSACTIVE_OASIS_DIR,
 * else ../shared/oasis beside the repository. They are never copied into the repository.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { oasisDir } from "./xsd.js";

export function repoRoot(from: string = import.meta.dirname): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "turbo.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no repository root (turbo.json) above ${from}`);
  }
}

export { oasisDir };

/**
 * True when the OASIS folder is there. When it is missing, tests that need it are skipped on a
 * developer machine and fail under CI=true: a missing oracle must never look like a pass.
 */
export function haveOasis(): boolean {
  const ok = existsSync(join(oasisDir(), "validation.tsv"));
  if (!ok && process.env.CI === "true")
    throw new Error(`OASIS artifacts not found at ${oasisDir()} (set TRANSACTIVE_OASIS_DIR)`);
  return ok;
}
