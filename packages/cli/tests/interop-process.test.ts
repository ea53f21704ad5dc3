/**
 * `transactive interop` end to end as a user runs it: the bin in its own process runs a real
 * scenario between our VTN and our VEN (each in a process of its own) and writes the reports.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO } from "./helpers.js";

const BIN = join(REPO, "packages/cli/src/bin.ts");
const dir = mkdtempSync(join(tmpdir(), "transactive-interop-process-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ["--conditions=@transactive/source", "--import", "tsx", BIN, ...args],
      { cwd: REPO, encoding: "utf8", timeout: 170_000 },
      (error, stdout, stderr) =>
        done({
          code: error ? ((error as { code?: number }).code ?? 1) : 0,
          stdout,
          stderr,
        }),
    );
  });
}

describe("transactive interop, the process", { timeout: 180_000 }, () => {
  it("runs oadr-registration ours vs ours: exit 0, JUnit and HTML written", async () => {
    const junit = join(dir, "junit.xml");
    const html = join(dir, "report.html");
    const r = await cli([
      "interop",
      "--scenario",
      "oadr-registration",
      "--vtn",
      "ours",
      "--ven",
      "ours",
      "--junit",
      junit,
      "--html",
      html,
    ]);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/^PASS {2}oadr-registration/m);
    expect(existsSync(junit) && existsSync(html)).toBe(true);
    expect(readFileSync(junit, "utf8")).toMatch(
      /<testsuites name="transactive interop" tests="\d+" failures="0"/,
    );
    const page = readFileSync(html, "utf8");
    expect(page).toContain("1 of 1 scenario passed.");
    expect(page).toContain("oadrCreatePartyRegistration");
  });

  it("--list names every scenario of conformance/interop with its title", async () => {
    const r = await cli(["interop", "--list"]);
    expect(r.code).toBe(0);
    const files = (await import("node:fs"))
      .readdirSync(join(REPO, "conformance/interop"))
      .filter((f) => f.endsWith(".json") && f !== "scenario.schema.json");
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(files.length);
    for (const f of files) {
      const { name, title } = JSON.parse(
        readFileSync(join(REPO, "conformance/interop", f), "utf8"),
      );
      expect(lines).toContainEqual(
        expect.stringMatching(
          new RegExp(`^${name} +${title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`),
        ),
      );
    }
  });
});
