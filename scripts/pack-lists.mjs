// Regenerates scripts/pack-lists/<package>.txt: what each public package's npm tarball ships
// (`npm run pack:lists`). scripts/consumer-test.mjs fails on any file not listed, or missing.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { LISTS, listPath, listText, pack, packRules } from "./lib/pack.mjs";
import { publicWorkspaces, ROOT, slugOf } from "./lib/workspaces.mjs";

mkdirSync(LISTS, { recursive: true });
const keep = new Set();
let problems = 0;
for (const w of publicWorkspaces()) {
  const packed = pack(w);
  for (const p of packRules(w, packed)) {
    console.error(`${w.manifest.name}: ${p}`);
    problems++;
  }
  writeFileSync(listPath(w.manifest.name), listText(w.manifest.name, packed));
  keep.add(`${slugOf(w.manifest.name)}.txt`);
  console.log(
    `${relative(ROOT, listPath(w.manifest.name))}: ${packed.files.length} files, ${packed.unpackedSize} bytes unpacked, ${packed.size} packed`,
  );
}
// lists of packages that are gone or private now
for (const file of readdirSync(LISTS)) if (!keep.has(file)) rmSync(join(LISTS, file));
if (problems > 0) {
  console.error(`pack-lists: ${problems} problem(s) above; fix them before publishing`);
  process.exit(1);
}
