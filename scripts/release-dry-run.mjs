// Proves the release configuration: checks .changeset/config.json against the workspaces, then
// runs `changeset version` on a copy of the manifests and changesets in a temporary folder (the
// repository is not touched) and checks what it did.
//
//   node scripts/release-dry-run.mjs [--report FILE]
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createChecks, reportArg } from "./lib/checks.mjs";
import { ROOT, workspaces } from "./lib/workspaces.mjs";

const checks = createChecks("release");
const { check } = checks;
const all = workspaces();
const names = new Set(all.map((w) => w.manifest.name));
const publicNames = all.filter((w) => w.manifest.private !== true).map((w) => w.manifest.name);
const privateNames = all.filter((w) => w.manifest.private === true).map((w) => w.manifest.name);
const config = JSON.parse(readFileSync(join(ROOT, ".changeset", "config.json"), "utf8"));

// 1. the configuration says what the workspaces are
const fixed = config.fixed ?? [];
const grouped = fixed.flat();
const unknown = [...grouped, ...(config.linked ?? []).flat(), ...(config.ignore ?? [])].filter(
  (n) => !names.has(n),
);
check("config.json names only existing workspaces", unknown.length === 0, unknown.join("\n"));
check(
  "every public package is in the one fixed group (one shared version)",
  fixed.length === 1 && publicNames.every((n) => grouped.includes(n)),
  `public: ${publicNames.join(", ")}\nfixed: ${JSON.stringify(fixed)}`,
);
const privateGrouped = grouped.filter((n) => privateNames.includes(n));
check(
  "no private workspace in the fixed group",
  privateGrouped.length === 0,
  privateGrouped.join("\n"),
);
const ignoredPublic = (config.ignore ?? []).filter((n) => publicNames.includes(n));
check("no public package is ignored", ignoredPublic.length === 0, ignoredPublic.join("\n"));
check('config.json publishes with access "public"', config.access === "public");

// 2. every changeset names public packages only
const changesetFiles = readdirSync(join(ROOT, ".changeset")).filter(
  (f) => f.endsWith(".md") && f !== "README.md",
);
const badNames = [];
for (const f of changesetFiles) {
  const front = /^---\s*\n([\s\S]*?)\n---/.exec(readFileSync(join(ROOT, ".changeset", f), "utf8"));
  if (!front) {
    badNames.push(`${f}: no front matter`);
    continue;
  }
  for (const m of front[1].matchAll(/^\s*"([^"]+)"\s*:\s*(\w+)/gm))
    if (!publicNames.includes(m[1])) badNames.push(`${f}: ${m[1]} is not a public package`);
}
check(
  `the ${changesetFiles.length} changesets name public packages only`,
  badNames.length === 0,
  badNames.join("\n"),
);

// 3. `changeset version` on a copy
const temp = mkdtempSync(join(tmpdir(), "transactive-release-"));
try {
  cpSync(join(ROOT, "package.json"), join(temp, "package.json"));
  cpSync(join(ROOT, ".changeset"), join(temp, ".changeset"), { recursive: true });
  for (const w of all) {
    mkdirSync(join(temp, w.relDir), { recursive: true });
    for (const f of ["package.json", "CHANGELOG.md"])
      if (existsSync(join(w.dir, f))) cpSync(join(w.dir, f), join(temp, w.relDir, f));
  }
  const r = spawnSync(
    process.execPath,
    [join(ROOT, "node_modules", "@changesets", "cli", "bin.js"), "version"],
    {
      cwd: temp,
      encoding: "utf8",
    },
  );
  if (check("changeset version runs", r.status === 0, `${r.stdout}${r.stderr}`)) {
    const after = Object.fromEntries(
      all.map((w) => [
        w.manifest.name,
        JSON.parse(readFileSync(join(temp, w.relDir, "package.json"), "utf8")),
      ]),
    );
    const versions = new Set(publicNames.map((n) => after[n].version));
    const before = new Set(
      publicNames.map((n) => all.find((w) => w.manifest.name === n).manifest.version),
    );
    const [next] = versions;
    check(
      `every public package moves to one version (${[...before].join(", ")} -> ${[...versions].join(", ")})`,
      versions.size === 1 && (changesetFiles.length === 0 || !before.has(next)),
    );
    const stale = [];
    for (const n of [...publicNames, ...privateNames])
      for (const field of ["dependencies", "peerDependencies", "optionalDependencies"])
        for (const [dep, range] of Object.entries(after[n][field] ?? {}))
          if (publicNames.includes(dep) && range !== `^${next}`)
            stale.push(`${n} ${field}.${dep}: ${range}`);
    check(`internal dependency ranges follow (^${next})`, stale.length === 0, stale.join("\n"));
    const unchanged = privateNames.filter(
      (n) => after[n].version !== all.find((w) => w.manifest.name === n).manifest.version,
    );
    check("private workspaces keep their version", unchanged.length === 0, unchanged.join("\n"));
    const noLog = all
      .filter((w) => publicNames.includes(w.manifest.name))
      .filter((w) => changesetFiles.length > 0 && !existsSync(join(temp, w.relDir, "CHANGELOG.md")))
      .map((w) => w.relDir);
    check("every public package gets a CHANGELOG.md", noLog.length === 0, noLog.join("\n"));
    const left = readdirSync(join(temp, ".changeset")).filter(
      (f) => f.endsWith(".md") && f !== "README.md",
    );
    check("every changeset is consumed", left.length === 0, left.join("\n"));
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}
process.exit(checks.finish(reportArg()) ? 0 : 1);
