/** A few real processes: the shebang entry, exit codes and stdin through the OS. */
import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { example, REPO, tempFile } from "./helpers.js";

const BIN = join(REPO, "packages/cli/src/bin.ts");

function cli(args: readonly string[], input?: string) {
  const r = spawnSync(
    process.execPath,
    ["--conditions=@transactive/source", "--import", "tsx", BIN, ...args],
    { cwd: REPO, input, encoding: "utf8" },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("the installed command", () => {
  // npm links package.json's bin at install time: in a fresh clone that is before the build, so
  // the linked file is a committed, executable shim, not dist/bin.js
  it("is a committed shim with its execute bit that loads dist/bin.js", () => {
    const manifest = JSON.parse(readFileSync(join(REPO, "packages/cli/package.json"), "utf8"));
    expect(manifest.bin).toEqual({ transactive: "./bin/transactive.js" });
    expect(manifest.files).toContain("bin");
    const shim = join(REPO, "packages/cli/bin/transactive.js");
    expect(readFileSync(shim, "utf8")).toMatch(
      /^#!\/usr\/bin\/env node\n[\s\S]*"\.\.\/dist\/bin\.js"/,
    );
    const staged = spawnSync("git", ["ls-files", "-s", "packages/cli/bin/transactive.js"], {
      cwd: REPO,
      encoding: "utf8",
    });
    expect(staged.stdout).toMatch(/^100755 /);
    expect(statSync(shim).mode & 0o111).toBe(0o111);
  });

  it("the repository root depends on the CLI, so npm links transactive at the root", () => {
    const root = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8"));
    expect(root.dependencies?.["@transactive/cli"]).toBeDefined();
  });
});

describe("the transactive process", () => {
  it("starts with a node shebang", () => {
    expect(readFileSync(BIN, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
  });

  it("exits 0 for a valid file and 1 for an invalid one", () => {
    const ok = example("openadr2b-update-report.xml");
    expect(cli(["validate", ok])).toEqual({
      code: 0,
      stdout: `${ok}: ok (openadr2b, oadr:oadrPayload)\n`,
      stderr: "",
    });
    const bad = tempFile(
      readFileSync(ok, "utf8").replace(
        "<ei:confidence>100</ei:confidence>",
        "<ei:confidence>high</ei:confidence>",
      ),
    );
    const r = cli(["validate", bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `${bad}: /oadrPayload/oadrSignedObject/oadrUpdateReport/oadrReport[0]/intervals/interval[0]/`,
    );
  });

  it("converts standard input and exits 2 on a usage error", () => {
    const r = cli(
      ["convert", "-", "--to", "json"],
      readFileSync(example("xcal-wscalendar-interval.xml"), "utf8"),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(example("xcal-wscalendar-interval.json"), "utf8"));
    expect(cli(["convert", "-"])).toMatchObject({
      code: 2,
      stdout: "",
      stderr: expect.stringContaining("convert needs --to json or --to xml"),
    });
  });
});
