/**
 * The repository's own clearing cases (examples/market, written for this project and run by
 * `npm run demo`) clear exactly to the values their `expected` states.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Decimal } from "@transactive/emix";
import { describe, expect, it } from "vitest";
import { clearCase, readClearingCase } from "../src/index.js";

const DIR = join(import.meta.dirname, "../../../examples/market");
const cases = readdirSync(DIR)
  .filter((f) => f.endsWith(".json"))
  .map((f) => ({ name: f, json: JSON.parse(readFileSync(join(DIR, f), "utf8")) }));

describe("examples/market cases", () => {
  it("has at least one case", () => expect(cases.length).toBeGreaterThan(0));

  it.each(cases)("$name", ({ json }) => {
    const r = clearCase(readClearingCase(json)) as unknown as Record<string, unknown>;
    for (const [field, value] of Object.entries(json.expected as Record<string, unknown>)) {
      if (typeof value === "string") expect(r[field], field).toBe(value);
      else expect((r[field] as Decimal).cmp(Decimal.of(value as number)), field).toBe(0);
    }
  });
});
