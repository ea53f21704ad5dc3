// The consumer test: what someone who installs our packages from npm gets. Packs every public
// workspace, checks each tarball against its list (scripts/pack-lists/) and the packaging rules,
// installs the tarballs into a fresh project outside the repository, then runs the root README's
// first ```ts example as ESM and as CommonJS, typechecks it (strict, nodenext, no skipLibCheck),
// imports every export of every package, and runs the `transactive` command (--help, validate,
// convert, conformance with every case).
//
//   node scripts/consumer-test.mjs [--report FILE] [--keep] [--no-build]
//
// "Run as CommonJS": our packages are ESM only (no "require" condition). A CommonJS consumer
// either require()s them, which Node supports for ESM without top-level await from 20.19 on
// (require(esm)), or uses `await import()`, which works on every Node 20. Both are tested: the
// example compiled as a .cts (its imports become require() calls) and rewritten to `await import()`.
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { createChecks, reportArg } from "./lib/checks.mjs";
import { pack, packRules, readList, typeImports, typesPackageOf } from "./lib/pack.mjs";
import { publicWorkspaces, ROOT } from "./lib/workspaces.mjs";

const checks = createChecks("consumer");
const { check } = checks;
const keep = process.argv.includes("--keep");
const report = reportArg();

function run(command, args, options = {}) {
  const r = spawnSync(command, args, {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    ...options,
    env: { ...process.env, NO_COLOR: "1", ...options.env },
  });
  return {
    code: r.status ?? -1,
    stdout: r.stdout ?? "",
    stderr: `${r.stderr ?? ""}${r.error ? r.error.message : ""}`,
  };
}
const tail = (text, n = 3000) => (text.length > n ? `…${text.slice(-n)}` : text);

/** The first ```ts block of the root README: the example a consumer copies. */
export function readmeExample(readme) {
  const m = /```ts\n([\s\S]*?)```/.exec(readme);
  if (!m) throw new Error("README.md has no ```ts block");
  return m[1];
}

const IMPORT =
  /^import\s+(type\s+)?([\s\S]*?)\s+from\s+["']([^"']+)["']\s*;?[^\n]*$|^import\s+["']([^"']+)["']\s*;?[^\n]*$/gm;

/** Splits an example into its leading import statements and the rest. */
export function splitImports(source) {
  const imports = [];
  let body = source;
  for (const m of source.matchAll(IMPORT)) {
    imports.push({ text: m[0], typeOnly: m[1] !== undefined, clause: m[2], module: m[3] ?? m[4] });
    body = body.replace(m[0], "");
  }
  return { imports, body: body.replace(/^\s*\n/, "") };
}

/** One import statement as `await import()` (values) and `import("m").T` aliases (types). */
export function dynamicImport({ typeOnly, clause, module }) {
  const m = JSON.stringify(module);
  if (clause === undefined) return `await import(${m});`;
  const lines = [];
  const typeAlias = (name, alias = name) => lines.push(`type ${alias} = import(${m}).${name};`);
  let rest = clause.trim();
  const ns = /^\*\s+as\s+(\w+)$/.exec(rest);
  if (ns)
    return typeOnly
      ? `type ${ns[1]} = typeof import(${m});`
      : `const ${ns[1]} = await import(${m});`;
  const def = /^(\w+)\s*(?:,\s*)?/.exec(rest);
  if (def && !rest.startsWith("{")) {
    lines.push(`const ${def[1]} = (await import(${m})).default;`);
    rest = rest.slice(def[0].length);
  }
  const named = /^\{([\s\S]*)\}$/.exec(rest.trim());
  if (named) {
    const values = [];
    for (const part of named[1]
      .split(",")
      .map((p) => p.trim())
      .filter(Boolean)) {
      const t = /^type\s+(.+)$/.exec(part);
      const [name, alias] = (t ? t[1] : part).split(/\s+as\s+/).map((s) => s.trim());
      if (typeOnly || t) typeAlias(name, alias);
      else values.push(alias ? `${name}: ${alias}` : name);
    }
    if (values.length > 0) lines.unshift(`const { ${values.join(", ")} } = await import(${m});`);
  }
  return lines.join("\n");
}

const indent = (text) => text.replace(/^(?=.)/gm, "  ");
const asyncMain = (text) =>
  `void (async () => {\n${indent(text)}})().catch((error: unknown) => {\n  console.error(error);\n  process.exitCode = 1;\n});\n`;

/** The example as a CommonJS module whose imports become require() calls (require(esm)). */
export function requireForm(example) {
  const { imports, body } = splitImports(example);
  return `${imports.map((i) => i.text).join("\n")}\n\n${asyncMain(body)}`;
}

/** The example as a CommonJS module that loads every module with `await import()`. */
export function dynamicImportForm(example) {
  const { imports, body } = splitImports(example);
  return `export {};\n\n${asyncMain(`${imports.map(dynamicImport).join("\n")}\n${body}`)}`;
}

function main() {
  const workspaces = publicWorkspaces();
  check(
    "public workspaces found",
    workspaces.length > 0,
    "no workspace without private: true in the root workspaces list",
  );

  if (!process.argv.includes("--no-build")) {
    const b = run("npx", ["turbo", "run", "build", "--output-logs=errors-only"], { cwd: ROOT });
    if (!check("turbo run build", b.code === 0, tail(b.stdout + b.stderr))) return;
  }

  const temp = mkdtempSync(join(tmpdir(), "transactive-consumer-"));
  check(
    "the consumer project is outside the repository",
    relative(ROOT, temp).startsWith(".."),
    temp,
  );
  try {
    consume(workspaces, temp);
  } finally {
    if (keep) console.log(`consumer: kept ${temp}`);
    else rmSync(temp, { recursive: true, force: true });
  }
}

function consume(workspaces, temp) {
  // 1. pack, and hold every tarball to its list and to the packaging rules
  const tarballs = join(temp, "tarballs");
  mkdirSync(tarballs);
  const packed = [];
  for (const w of workspaces) {
    const name = w.manifest.name;
    let p;
    try {
      p = pack(w, tarballs);
    } catch (e) {
      check(`${name}: npm pack`, false, e.message);
      continue;
    }
    packed.push({ w, p });
    const problems = packRules(w, p);
    check(
      `${name}: ships dist, types, README and LICENSE; no tests, sources or maps`,
      problems.length === 0,
      problems.join("\n"),
    );
    const list = readList(name);
    if (
      !check(
        `${name}: has a pack list`,
        list !== undefined,
        "run `npm run pack:lists` and commit scripts/pack-lists/",
      )
    )
      continue;
    const paths = p.files.map((f) => f.path);
    const unexpected = paths.filter((f) => !list.files.includes(f));
    const missing = list.files.filter((f) => !paths.includes(f));
    check(
      `${name}: ships exactly its pack list (${paths.length} files)`,
      unexpected.length === 0 && missing.length === 0,
      [
        ...unexpected.map((f) => `unexpected: ${f}`),
        ...missing.map((f) => `missing: ${f}`),
        "if intended: npm run pack:lists",
      ].join("\n"),
    );
    check(
      `${name}: ${p.unpackedSize} bytes unpacked, within ${list.maxUnpacked}`,
      p.unpackedSize <= list.maxUnpacked,
      "the tarball grew past its pack list's size limit; if intended: npm run pack:lists",
    );
    // the types a shipped .d.ts names must install with the package (no skipLibCheck needed)
    const deps = { ...w.manifest.dependencies, ...w.manifest.peerDependencies };
    const unresolved = [...typeImports(w, p)]
      .filter(
        ([pkg]) => !(pkg in deps && !typesOnlyElsewhere(pkg)) && !(typesPackageOf(pkg) in deps),
      )
      .map(
        ([pkg, files]) =>
          `${pkg} (imported by ${[...new Set(files)].join(", ")}) is not a dependency, nor is ${typesPackageOf(pkg)}`,
      );
    check(
      `${name}: every module its .d.ts files import is a dependency`,
      unresolved.length === 0,
      unresolved.join("\n"),
    );
    // an @types package in dependencies must be one the shipped .d.ts files need
    const imported = new Set([...typeImports(w, p).keys()].map(typesPackageOf));
    const needless = Object.keys(w.manifest.dependencies ?? {}).filter(
      (d) => d.startsWith("@types/") && !imported.has(d),
    );
    check(
      `${name}: no @types package in dependencies that its .d.ts files do not need`,
      needless.length === 0,
      needless.join("\n"),
    );
  }
  if (packed.length !== workspaces.length) return;

  // 2. a fresh project, with the tarballs and nothing of the repository
  const project = join(temp, "project");
  mkdirSync(project);
  writeFileSync(
    join(project, "package.json"),
    `${JSON.stringify({ name: "transactive-consumer", version: "0.0.0", private: true }, null, 2)}\n`,
  );
  const typesNode = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).devDependencies[
    "@types/node"
  ];
  // optional peers too (fast-check for @transactive/codec/testing), as a consumer of those exports would
  const optionalPeers = new Map();
  for (const { w } of packed)
    for (const [peer, meta] of Object.entries(w.manifest.peerDependenciesMeta ?? {}))
      if (meta?.optional && w.manifest.peerDependencies?.[peer])
        optionalPeers.set(peer, w.manifest.peerDependencies[peer]);
  const install = run(
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      ...packed.map(({ p }) => p.filename),
      `@types/node@${typesNode}`,
      ...[...optionalPeers].map(([peer, range]) => `${peer}@${range}`),
    ],
    { cwd: project },
  );
  if (
    !check(
      "npm install of the tarballs into a fresh project",
      install.code === 0,
      tail(install.stderr),
    )
  )
    return;
  const lock = JSON.parse(readFileSync(join(project, "package-lock.json"), "utf8"));
  const fromRegistry = Object.entries(lock.packages)
    .filter(([path]) => workspaces.some((w) => path.endsWith(`node_modules/${w.manifest.name}`)))
    .filter(([, entry]) => !String(entry.resolved).startsWith("file:"))
    .map(([path, entry]) => `${path} from ${entry.resolved}`);
  check(
    "every @transactive package comes from our tarballs, none from the registry",
    fromRegistry.length === 0,
    fromRegistry.join("\n"),
  );
  cpSync(join(ROOT, "examples"), join(project, "examples"), { recursive: true });

  // 3. every export of every package loads without anything the repository has (dev dependencies)
  const specifiers = [];
  const blocked = [];
  for (const { w } of packed)
    for (const [subpath, target] of Object.entries(w.manifest.exports ?? { ".": w.manifest.main }))
      if (target === null) blocked.push(w.manifest.name + subpath.slice(1).replace("*", "x"));
      else if (!subpath.includes("*")) specifiers.push(w.manifest.name + subpath.slice(1));
  const probe = `for (const s of ${JSON.stringify(specifiers)}) await import(s);
for (const s of ${JSON.stringify(blocked)}) { try { await import(s); console.log("not blocked: " + s); process.exitCode = 1; } catch (e) { if (e.code !== "ERR_PACKAGE_PATH_NOT_EXPORTED") throw e; } }`;
  writeFileSync(join(project, "probe.mjs"), probe);
  const imports = run(process.execPath, ["probe.mjs"], { cwd: project });
  check(
    `every export loads from the installed packages (${specifiers.length}), none of the blocked ones (${blocked.length})`,
    imports.code === 0 && imports.stderr === "",
    tail(imports.stdout + imports.stderr),
  );

  // 4. the README example: ESM, CommonJS (require), CommonJS (await import()), typechecked
  const example = readmeExample(readFileSync(join(ROOT, "README.md"), "utf8"));
  mkdirSync(join(project, "src"));
  writeFileSync(join(project, "src", "example.mts"), example);
  writeFileSync(join(project, "src", "example.cts"), requireForm(example));
  writeFileSync(join(project, "src", "example-import.cts"), dynamicImportForm(example));
  const tsconfig = {
    compilerOptions: {
      // no "lib": TypeScript's default for the target, as in most projects
      target: "es2022",
      module: "nodenext",
      moduleResolution: "nodenext",
      strict: true,
      skipLibCheck: false,
      types: ["node"],
      rootDir: "src",
      outDir: "out",
    },
    include: ["src"],
  };
  writeFileSync(join(project, "tsconfig.json"), `${JSON.stringify(tsconfig, null, 2)}\n`);
  const tsc = run(
    process.execPath,
    [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"],
    { cwd: project },
  );
  check(
    "the README example typechecks (tsc strict, nodenext, without skipLibCheck)",
    tsc.code === 0,
    tail(tsc.stdout + tsc.stderr),
  );
  for (const [file, what] of [
    ["example.mjs", "as ESM"],
    ["example.cjs", "as CommonJS with require() (Node >= 20.19)"],
    ["example-import.cjs", "as CommonJS with await import()"],
  ]) {
    const r = existsSync(join(project, "out", file))
      ? run(process.execPath, [join("out", file)], { cwd: project })
      : { code: -1, stdout: "", stderr: `tsc wrote no out/${file}` };
    const warnings = r.stderr
      .split("\n")
      .filter((l) => l.trim() !== "" && !/ExperimentalWarning|--trace-warnings/.test(l));
    check(
      `the README example runs ${what}`,
      r.code === 0 && warnings.length === 0,
      tail(r.stdout + r.stderr),
    );
  }

  // 5. the command line, as `npx transactive`
  const cli = (args, env = {}) =>
    run("npx", ["--no-install", "transactive", ...args], { cwd: project, env });
  const help = cli(["--help"]);
  check(
    "npx transactive --help",
    help.code === 0 && /Usage/i.test(help.stdout),
    tail(help.stdout + help.stderr),
  );
  const examples = readdirSync(join(project, "examples"))
    .filter((f) => /\.(xml|json)$/.test(f) && !f.startsWith("biome"))
    .map((f) => join("examples", f));
  const validate = cli(["validate", ...examples]);
  check(
    `npx transactive validate (${examples.length} example files)`,
    validate.code === 0 &&
      validate.stdout.split("\n").filter((l) => l.includes(": ok (")).length === examples.length,
    tail(validate.stdout + validate.stderr),
  );
  const outOfTheBox = cli(["validate", "--xsd", examples[0]], { TRANSACTIVE_OASIS_DIR: "" });
  check(
    "npx transactive validate --xsd without the XSDs exits 2 and says where they come from",
    outOfTheBox.code === 2 &&
      outOfTheBox.stderr.includes("TRANSACTIVE_OASIS_DIR") &&
      outOfTheBox.stderr.includes("#use-it-from-your-project"),
    tail(outOfTheBox.stdout + outOfTheBox.stderr),
  );
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const section = /^## Use it from your project\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? "";
  check(
    'README.md "Use it from your project" (the error links there) says how to get and point at the XSDs',
    section.includes("TRANSACTIVE_OASIS_DIR") &&
      /official XSDs/.test(section) &&
      /Node 20/.test(section),
    "README.md needs a ## Use it from your project section naming the XSD sources, TRANSACTIVE_OASIS_DIR and the Node version",
  );
  const oasis = process.env.TRANSACTIVE_OASIS_DIR
    ? resolve(process.env.TRANSACTIVE_OASIS_DIR)
    : resolve(ROOT, "..", "shared", "oasis");
  const haveOasis = existsSync(join(oasis, "validation.tsv"));
  if (process.env.CI === "true")
    check(`the OASIS folder is present under CI (${oasis})`, haveOasis);
  if (haveOasis) {
    const xsd = cli(["validate", "--xsd", ...examples], { TRANSACTIVE_OASIS_DIR: oasis });
    check(
      "npx transactive validate --xsd with TRANSACTIVE_OASIS_DIR",
      xsd.code === 0,
      tail(xsd.stdout + xsd.stderr),
    );
  }
  const convert = cli([
    "convert",
    join("examples", "openadr2b-distribute-event.xml"),
    "--to",
    "json",
  ]);
  let converted;
  try {
    converted = JSON.parse(convert.stdout);
  } catch {
    converted = undefined;
  }
  check(
    "npx transactive convert --to json prints examples/openadr2b-distribute-event.json",
    convert.code === 0 &&
      isDeepStrictEqual(
        converted,
        JSON.parse(readFileSync(join(ROOT, "examples", "openadr2b-distribute-event.json"), "utf8")),
      ),
    tail(convert.stdout + convert.stderr),
  );

  // the suite in the package must hold every case the repository's suite has
  const oasisEnv = haveOasis ? oasis : join(temp, "no-oasis");
  const expected = run(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `import { loadSuite } from ${JSON.stringify(join(ROOT, "conformance", "dist", "index.js"))}; console.log(loadSuite().length);`,
    ],
    { cwd: ROOT, env: { TRANSACTIVE_OASIS_DIR: oasisEnv } },
  );
  const want = Number(expected.stdout.trim());
  check(
    `the repository's suite has cases (${want})`,
    expected.code === 0 && want > 0,
    tail(expected.stderr),
  );
  const conformance = cli(["conformance"], { TRANSACTIVE_OASIS_DIR: oasisEnv });
  const ran = /Running (\d+) cases/.exec(conformance.stderr);
  check(
    `npx transactive conformance runs every case (${ran?.[1] ?? "?"} of ${want}) and is CONFORMANT`,
    conformance.code === 0 &&
      ran !== null &&
      Number(ran[1]) === want &&
      /: CONFORMANT\s*$/.test(conformance.stdout.trim()),
    tail(conformance.stdout + conformance.stderr),
  );
}

/** A package named in a .d.ts that also needs its @types package (its own types are not bundled). */
function typesOnlyElsewhere(pkg) {
  const dir = join(ROOT, "node_modules", pkg);
  if (!existsSync(join(dir, "package.json"))) return false;
  const m = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const main = typeof m.main === "string" ? m.main.replace(/\.[cm]?js$/, "") : "index";
  const hasTypes =
    m.types ||
    m.typings ||
    existsSync(join(dir, `${main}.d.ts`)) ||
    existsSync(join(dir, main, "index.d.ts")) ||
    existsSync(join(dir, "index.d.ts")) ||
    JSON.stringify(m.exports ?? {}).includes('"types"');
  return !hasTypes;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  main();
  process.exit(checks.finish(report) ? 0 : 1);
}
