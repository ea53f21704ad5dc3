/**
 * The README example, run as a program (through the package's exports, from the sources): it must
 * print what its comments say.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";

it("runs the README example and prints what its comments say", () => {
  const readme = readFileSync(join(import.meta.dirname, "../README.md"), "utf8");
  const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1] as string;
  const file = join(import.meta.dirname, `readme-example-${process.pid}.ts`);
  writeFileSync(file, code);
  try {
    const r = spawnSync(
      process.execPath,
      ["--conditions=@transactive/source", "--import", "tsx", file],
      { encoding: "utf8" },
    );
    expect(r.stderr).toBe("");
    const said = [...code.matchAll(/console\.log\(.*\); \/\/ (\S+(?: \S+)?)/g)].map((m) =>
      (m[1] as string).replace(/ \(.*$/, ""),
    );
    expect(r.stdout.trim().split("\n")).toEqual(said.map((s) => s.split(" (")[0]));
  } finally {
    rmSync(file, { force: true });
  }
});
