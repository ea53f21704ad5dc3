import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

// Resolve sibling @transactive/* packages to their src/index.ts (first entry of each exports map),
// so tests run without a build. Vitest appends its own defaults ("node", "development|production").
const conditions = ["@transactive/source"];

// One project per workspace. Inline projects with `extends: true` inherit the conditions above;
// a plain "packages/*" glob would not (each folder would get a bare default config).
const workspaces = [
  ...readdirSync("packages", { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join("packages", entry.name)),
  "conformance",
].filter((dir) => existsSync(join(dir, "package.json")));

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    // Many tests start processes or servers, load every schema or run an XSD validator: on a busy
    // 2-core machine they take many times their idle time. Generous limits here (inherited by each
    // project through `extends: true`); a hung test still fails, and speed is measured in benches.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      ...workspaces.map((root) => ({
        extends: true,
        test: {
          name: JSON.parse(readFileSync(join(root, "package.json"), "utf8")).name,
          root,
          include: ["src/**/*.test.ts", "tests/**/*.test.ts"],
        },
      })),
      // the repository's own scripts (consumer test, pack lists, CI summary)
      {
        extends: true,
        test: { name: "scripts", root: "scripts", include: ["tests/**/*.test.mjs"] },
      },
    ],
    coverage: {
      provider: "v8",
      include: ["packages/*/src/**/*.ts", "conformance/src/**/*.ts"],
      exclude: ["**/*.test.ts", "**/src/gen/**"],
    },
  },
});
