// npm pack/publish lifecycle for every public workspace (run from the workspace folder):
// `prepack` copies in the files a consumer needs that live once at the repository root (LICENSE;
// for @transactive/conformance the examples/ messages its example cases are made from), and
// `postpack` removes them again, so git holds one copy of each. The copies are gitignored.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const workspace = process.cwd();
const name = JSON.parse(readFileSync(join(workspace, "package.json"), "utf8")).name;
if (relative(root, workspace).startsWith("..") || workspace === root) {
  console.error(`pack-files: run it from a workspace folder, not ${workspace}`);
  process.exit(2);
}

/** [from (repo root), to (workspace)] pairs; example messages only for the conformance suite. */
function copies() {
  const list = [["LICENSE", "LICENSE"]];
  if (name === "@transactive/conformance")
    for (const file of readdirSync(join(root, "examples")).sort())
      if (/\.(xml|json)$/.test(file) && file !== "biome.json")
        list.push([join("examples", file), join("examples", file)]);
  return list;
}

const phase = process.argv[2];
if (phase === "prepack") {
  for (const [from, to] of copies()) {
    mkdirSync(dirname(join(workspace, to)), { recursive: true });
    copyFileSync(join(root, from), join(workspace, to));
  }
} else if (phase === "postpack") {
  for (const [, to] of copies()) rmSync(join(workspace, to), { force: true });
  const examples = join(workspace, "examples");
  if (
    name === "@transactive/conformance" &&
    existsSync(examples) &&
    readdirSync(examples).length === 0
  )
    rmSync(examples, { recursive: true });
} else {
  console.error(`pack-files: expected prepack or postpack, got ${phase ?? "nothing"}`);
  process.exit(2);
}
