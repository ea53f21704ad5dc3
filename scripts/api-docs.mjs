// The API reference (docs/api, markdown from typedoc) of every public workspace, and the check
// that every public export has a doc comment. Run after `npm run build` (typedoc reads each
// package through its exports map and tsconfig, and sibling packages through their dist).
//
//   node scripts/api-docs.mjs                      regenerate docs/api
//   node scripts/api-docs.mjs --check [--report F] fail when docs/api is stale or an export
//                                                  lacks a doc comment (CI)
//   node scripts/api-docs.mjs --accept-undocumented  rewrite scripts/api-undocumented.txt
//
// scripts/api-undocumented.txt lists the exports that had no doc comment when the check came in:
// an export missing from it fails the check, and so does an entry that is documented now (remove
// it), so the list only shrinks.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { createChecks, reportArg } from "./lib/checks.mjs";
import { publicWorkspaces, ROOT } from "./lib/workspaces.mjs";

const check = process.argv.includes("--check");
const accept = process.argv.includes("--accept-undocumented");
const BASELINE = join(ROOT, "scripts", "api-undocumented.txt");
const OUT = join(ROOT, "docs", "api");
const checks = createChecks("api-docs");

const out = check ? mkdtempSync(join(tmpdir(), "transactive-api-")) : OUT;
const entryPoints = publicWorkspaces().flatMap((w) => ["--entryPoints", w.relDir]);
const run = spawnSync(
  process.execPath,
  [
    join(ROOT, "node_modules", "typedoc", "bin", "typedoc"),
    "--options",
    "typedoc.json",
    "--out",
    out,
    ...entryPoints,
  ],
  { cwd: ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } },
);
// biome-ignore lint/suspicious/noControlCharactersInRegex: strips terminal colours
const log = `${run.stdout}${run.stderr}`.replace(/\x1b\[[0-9;]*m/g, "");
checks.check("typedoc converts every public package", run.status === 0, log.slice(-4000));

// "[warning] .CodecError (Class), defined in @transactive/codec/src/errors.ts, does not have any documentation"
const UNDOCUMENTED =
  /^\[warning\] (.+?) \((\w+)\), defined in (\S+?), does not have any documentation$/;
const undocumented = [];
const otherWarnings = [];
for (const line of log.split("\n")) {
  const m = UNDOCUMENTED.exec(line.trim());
  if (m) undocumented.push(`${m[3]}: ${m[1].replace(/^\./, "")} (${m[2]})`);
  else if (
    /^\[(warning|error)\]/.test(line.trim()) &&
    !/Found \d+ errors and \d+ warnings/.test(line)
  )
    otherWarnings.push(line.trim());
}
undocumented.sort();

if (accept) {
  writeFileSync(
    BASELINE,
    `# Public exports without a doc comment (scripts/api-docs.mjs). Document them and delete the line.\n${undocumented.join("\n")}\n`,
  );
  console.log(`api-docs: wrote ${undocumented.length} entries to ${relative(ROOT, BASELINE)}`);
}
const baseline = existsSync(BASELINE)
  ? readFileSync(BASELINE, "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "" && !l.startsWith("#"))
  : [];
const known = new Set(baseline);
const now = new Set(undocumented);
const added = undocumented.filter((u) => !known.has(u));
const fixed = baseline.filter((b) => !now.has(b));
checks.check(
  "every public export has a doc comment",
  added.length === 0,
  `${added.length} export(s) without a doc comment:\n${added.join("\n")}`,
);
checks.check(
  "scripts/api-undocumented.txt is exact",
  fixed.length === 0,
  `documented now, delete these lines from scripts/api-undocumented.txt:\n${fixed.join("\n")}`,
);
checks.check("no other typedoc warning", otherWarnings.length === 0, otherWarnings.join("\n"));

// each package README links to its page of the reference (absolute: READMEs are shown on npm too)
const index = existsSync(join(out, "README.md"))
  ? readFileSync(join(out, "README.md"), "utf8")
  : "";
const unlinked = [];
for (const w of publicWorkspaces()) {
  const page = new RegExp(`\\[${w.manifest.name.replace("/", "\\/")}\\]\\(([^)]+)\\)`).exec(
    index,
  )?.[1];
  const readme = existsSync(join(w.dir, "README.md"))
    ? readFileSync(join(w.dir, "README.md"), "utf8")
    : "";
  if (page === undefined || !readme.includes(`/docs/api/${page})`))
    unlinked.push(
      `${w.relDir}/README.md: no link to docs/api/${page ?? `<no page for ${w.manifest.name}>`}`,
    );
}
checks.check(
  "every package README links to its API reference",
  unlinked.length === 0,
  unlinked.join("\n"),
);

if (check) {
  const files = (dir) =>
    existsSync(dir)
      ? readdirSync(dir, { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => relative(dir, join(e.parentPath, e.name)))
          .sort()
      : [];
  const fresh = files(out);
  const committed = files(OUT);
  const stale = [
    ...fresh.filter((f) => !committed.includes(f)).map((f) => `missing: docs/api/${f}`),
    ...committed.filter((f) => !fresh.includes(f)).map((f) => `no longer generated: docs/api/${f}`),
    ...fresh
      .filter((f) => committed.includes(f))
      .filter((f) => readFileSync(join(out, f), "utf8") !== readFileSync(join(OUT, f), "utf8"))
      .map((f) => `changed: docs/api/${f}`),
  ];
  checks.check(
    "docs/api is up to date (npm run docs:api)",
    fresh.length > 0 && stale.length === 0,
    stale.slice(0, 30).join("\n"),
  );
  rmSync(out, { recursive: true, force: true });
}
process.exit(checks.finish(reportArg()) ? 0 : 1);
