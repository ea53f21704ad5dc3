/** Where the shared market oracle cases are (../shared/market-oracles from the repo root), and their files. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ORACLES_DIR =
  process.env.TRANSACTIVE_MARKET_ORACLES_DIR ??
  fileURLToPath(new URL("../../../../shared/market-oracles", import.meta.url));

export const CI = process.env.CI === "true";
export const HAVE_ORACLES = existsSync(join(ORACLES_DIR, "README.md"));

/** Every case file as [family/file, parsed JSON, raw text], sorted. */
export function oracleCases(): { name: string; file: string; json: Record<string, unknown> }[] {
  return ["gridlabd", "powermatcher"].flatMap((family) =>
    readdirSync(join(ORACLES_DIR, family))
      .filter((f) => f.endsWith(".json"))
      .sort()
      .map((f) => {
        const file = join(ORACLES_DIR, family, f);
        return { name: `${family}/${f}`, file, json: JSON.parse(readFileSync(file, "utf8")) };
      }),
  );
}
