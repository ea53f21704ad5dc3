import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  dynamicImport,
  dynamicImportForm,
  readmeExample,
  requireForm,
  splitImports,
} from "../consumer-test.mjs";
import { listText, packRules, typeImports, typesPackageOf } from "../lib/pack.mjs";

const EXAMPLE = `import { decodeXml, type Registry } from "@transactive/codec";
import { registry } from "@transactive/ei"; // a comment
import * as fs from "node:fs";
import type { Doc } from "x";

const doc = decodeXml(registry, fs.readFileSync("a.xml"));
`;

describe("README example forms", () => {
  it("takes the first ts block, and refuses a README without one", () => {
    expect(readmeExample("# t\n```sh\nls\n```\n```ts\nconst a = 1;\n```\n```ts\nb\n```")).toBe(
      "const a = 1;\n",
    );
    expect(() => readmeExample("# no code")).toThrow(/no ```ts block/);
  });

  it("splits the imports from the body", () => {
    const { imports, body } = splitImports(EXAMPLE);
    expect(imports.map((i) => i.module)).toEqual([
      "@transactive/codec",
      "@transactive/ei",
      "node:fs",
      "x",
    ]);
    expect(imports[3]?.typeOnly).toBe(true);
    expect(body).toBe('const doc = decodeXml(registry, fs.readFileSync("a.xml"));\n');
  });

  it("rewrites imports to await import(), types to import() aliases", () => {
    const { imports } = splitImports(EXAMPLE);
    expect(dynamicImport(imports[0])).toBe(
      'const { decodeXml } = await import("@transactive/codec");\ntype Registry = import("@transactive/codec").Registry;',
    );
    expect(dynamicImport(imports[2])).toBe('const fs = await import("node:fs");');
    expect(dynamicImport(imports[3])).toBe('type Doc = import("x").Doc;');
    expect(dynamicImport({ typeOnly: false, clause: "a, { b as c }", module: "m" })).toBe(
      'const { b: c } = await import("m");\nconst a = (await import("m")).default;',
    );
    const cjs = dynamicImportForm(EXAMPLE);
    expect(cjs).not.toMatch(/^import /m);
    expect(cjs).toContain("void (async () => {");
  });

  it("keeps static imports at the top for the require() form", () => {
    const form = requireForm(EXAMPLE);
    expect(form.startsWith('import { decodeXml, type Registry } from "@transactive/codec";')).toBe(
      true,
    );
    expect(form).toContain('  const doc = decodeXml(registry, fs.readFileSync("a.xml"));');
  });
});

describe("packaging rules", () => {
  const workspace = {
    dir: "/nowhere",
    relDir: "packages/x",
    manifest: {
      name: "@transactive/x",
      description: "x",
      keywords: ["x"],
      license: "Apache-2.0",
      homepage: "https://example.org/x",
      bugs: { url: "https://example.org/x/issues" },
      repository: { type: "git", url: "git+https://example.org/x.git" },
      engines: { node: ">=20" },
      sideEffects: false,
      exports: {
        ".": {
          "@transactive/source": "./src/index.ts",
          types: "./dist/index.d.ts",
          default: "./dist/index.js",
        },
        "./internal/*": null,
      },
      bin: { x: "./dist/bin.js" },
    },
  };
  const files = (...paths) => ({
    files: paths.map((path) => ({ path, size: 1 })),
    unpackedSize: 1000,
  });

  it("accepts dist, types, README, LICENSE and package.json", () => {
    const ok = files(
      "LICENSE",
      "README.md",
      "package.json",
      "dist/index.js",
      "dist/index.d.ts",
      "dist/bin.js",
    );
    expect(packRules(workspace, ok)).toEqual([]);
  });

  it("names tests, sources, maps, a missing LICENSE and a missing export target", () => {
    const bad = files(
      "README.md",
      "package.json",
      "dist/index.js",
      "dist/index.js.map",
      "src/a.test.ts",
      "src/index.ts",
    );
    const problems = packRules(workspace, bad);
    expect(problems).toContain("LICENSE is missing");
    expect(problems).toContain("ships a source map without its sources: dist/index.js.map");
    expect(problems).toContain("ships a test file: src/a.test.ts");
    expect(problems).toContain("ships TypeScript source: src/index.ts");
    expect(problems).toContain("package.json points at ./dist/index.d.ts, not in the tarball");
    expect(problems).toContain("package.json points at ./dist/bin.js, not in the tarball");
  });

  it("names missing package metadata", () => {
    const bare = { ...workspace, manifest: { name: "@transactive/x", exports: {} } };
    const problems = packRules(bare, files("LICENSE", "README.md", "package.json"));
    expect(problems).toEqual(
      expect.arrayContaining([
        "package.json has no keywords",
        "package.json has no homepage",
        "package.json has no bugs.url",
        "package.json does not say sideEffects",
      ]),
    );
  });

  it("finds the modules a .d.ts imports, and their @types names", () => {
    const dir = mkdtempSync(join(tmpdir(), "transactive-dts-"));
    mkdirSync(join(dir, "dist"));
    writeFileSync(
      join(dir, "dist", "a.d.ts"),
      'import type { DateTime } from "luxon";\nimport type { Server } from "node:http";\nexport type T = import("@scope/pkg/sub").U;\nimport { x } from "./b.js";\n',
    );
    const found = typeImports({ ...workspace, dir }, files("dist/a.d.ts"));
    expect([...found.keys()].sort()).toEqual(["@scope/pkg", "luxon"]);
    expect(typesPackageOf("luxon")).toBe("@types/luxon");
    expect(typesPackageOf("@scope/pkg")).toBe("@types/scope__pkg");
  });

  it("writes a list with a size limit above the measured size", () => {
    const text = listText("@transactive/x", files("LICENSE", "dist/index.js"));
    expect(text).toContain("# max unpacked bytes: 1200 (measured 1000)");
    expect(text.split("\n").filter((l) => l && !l.startsWith("#"))).toEqual([
      "LICENSE",
      "dist/index.js",
    ]);
  });
});

// starts node processes: generous timeouts on a loaded machine
describe("ci-summary", { timeout: 60_000 }, () => {
  const summary = (...reports) => {
    const dir = mkdtempSync(join(tmpdir(), "transactive-summary-"));
    const paths = reports.map((r, i) => {
      const path = join(dir, `${i}.json`);
      if (r !== undefined) writeFileSync(path, JSON.stringify(r));
      return path;
    });
    const r = spawnSync(
      process.execPath,
      [join(import.meta.dirname, "..", "ci-summary.mjs"), ...paths],
      { encoding: "utf8" },
    );
    return { code: r.status, out: r.stdout.trim() };
  };

  it("adds up vitest's report and the check reports", () => {
    expect(
      summary(
        { numPassedTests: 10, numFailedTests: 0, numTotalTests: 10 },
        { numPassedTests: 5, numFailedTests: 0, numTotalTests: 5 },
      ),
    ).toEqual({ code: 0, out: "15 passed, 0 failed" });
  });

  it("fails on a failed check, a missing report and an empty one", () => {
    expect(
      summary(
        { numPassedTests: 10, numFailedTests: 0, numTotalTests: 10 },
        { numPassedTests: 4, numFailedTests: 1, numTotalTests: 5 },
      ),
    ).toEqual({ code: 1, out: "14 passed, 1 failed" });
    expect(summary({ numPassedTests: 3, numFailedTests: 0, numTotalTests: 3 }, undefined)).toEqual({
      code: 1,
      out: "3 passed, 0 failed",
    });
    expect(summary({ numPassedTests: 0, numFailedTests: 0, numTotalTests: 0 }).code).toBe(1);
  });
});
