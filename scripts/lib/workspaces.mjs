// The repository's public workspaces (published packages), found from the root package.json's
// "workspaces" list and each package.json's "private" flag, so new packages join every check.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** @returns {{ dir: string, relDir: string, manifest: any }[]} every workspace, in the listed order */
export function workspaces() {
  const root = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  const dirs = [];
  for (const pattern of root.workspaces ?? []) {
    if (pattern.endsWith("/*")) {
      const parent = join(ROOT, pattern.slice(0, -2));
      for (const entry of readdirSync(parent, { withFileTypes: true }).sort((a, b) =>
        a.name.localeCompare(b.name),
      ))
        if (entry.isDirectory()) dirs.push(join(parent, entry.name));
    } else if (!pattern.includes("*")) dirs.push(join(ROOT, pattern));
    else throw new Error(`workspaces: pattern ${pattern} is not supported (use "dir/*" or "dir")`);
  }
  return dirs
    .filter((dir) => existsSync(join(dir, "package.json")))
    .map((dir) => ({
      dir,
      relDir: relative(ROOT, dir),
      manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")),
    }));
}

/** The workspaces that are published: `"private": true` keeps a workspace out. */
export function publicWorkspaces() {
  return workspaces().filter((w) => w.manifest.private !== true);
}

/** File-name form of a package name: @transactive/codec -> transactive-codec. */
export function slugOf(name) {
  return name.replace(/^@/, "").replace(/\//g, "-");
}
