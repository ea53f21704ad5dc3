/** Test helper: the shared OASIS folder ($TRANSACTIVE_OASIS_DIR, else <repo>/../shared/oasis). */
import { resolve } from "node:path";

export function oasisDir(): string {
  const fromEnv = process.env.TRANSACTIVE_OASIS_DIR;
  if (fromEnv !== undefined && fromEnv !== "") return resolve(fromEnv);
  return resolve(import.meta.dirname, "../../../..", "shared", "oasis");
}
