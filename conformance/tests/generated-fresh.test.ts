/**
 * The checked-in packages/<pkg>/src/gen/ files must equal a fresh run of scripts/generate.ts over
 * schemas/. Every workspace whose "generate" script runs scripts/generate.ts is checked.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const FIX = "run `npm run generate` and commit the result";

const generated = readdirSync(join(ROOT, "packages")).filter((pkg) => {
  const manifest = join(ROOT, "packages", pkg, "package.json");
  if (!existsSync(manifest)) return false;
  const scripts = JSON.parse(readFileSync(manifest, "utf8")).scripts ?? {};
  return String(scripts.generate ?? "").includes("scripts/generate.ts");
});

function files(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

/** One line per file that differs, naming the committed path. */
function staleFiles(pkg: string, freshDir: string): string[] {
  const committedDir = join(ROOT, "packages", pkg, "src", "gen");
  const names = [...new Set([...files(freshDir), ...files(committedDir)])].sort();
  const problems: string[] = [];
  for (const name of names) {
    const path = `packages/${pkg}/src/gen/${name}`;
    const committed = join(committedDir, name);
    const fresh = join(freshDir, name);
    if (!existsSync(committed)) problems.push(`${path} is missing: ${FIX}`);
    else if (!existsSync(fresh)) problems.push(`${path} is no longer generated: ${FIX}`);
    else if (!readFileSync(committed).equals(readFileSync(fresh)))
      problems.push(`${path} is stale: ${FIX}`);
  }
  return problems;
}

describe("generated code matches schemas/", () => {
  let out = "";

  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), "transactive-gen-"));
    const tsx = join(ROOT, "node_modules", ".bin", "tsx");
    execFileSync(tsx, [join(ROOT, "scripts", "generate.ts"), ...generated, "--out", out], {
      cwd: ROOT,
      stdio: "pipe",
    });
  }, 300_000);

  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it("covers the codec and the standard packages", () => {
    expect(generated).toEqual(expect.arrayContaining(["codec", "ei", "emix", "ws-calendar"]));
  });

  it.each(generated)("packages/%s/src/gen is fresh", (pkg) => {
    expect(staleFiles(pkg, join(out, pkg))).toEqual([]);
  });
});
