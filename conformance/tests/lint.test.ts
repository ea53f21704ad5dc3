/** The one linter/formatter (Biome) over the whole repository, counted with the other tests. */
import { spawnSync } from "node:child_process";
import { expect, it } from "vitest";
import { repoRoot } from "../src/oasis.js";

it("biome check passes on the repository", () => {
  const root = repoRoot();
  const r = spawnSync(
    process.execPath,
    [`${root}/node_modules/@biomejs/biome/bin/biome`, "check", "."],
    { cwd: root, encoding: "utf8" },
  );
  expect(r.status, `${r.stdout}\n${r.stderr}`.slice(-4000)).toBe(0);
}, 300_000);
