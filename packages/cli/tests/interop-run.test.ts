/**
 * `transactive interop` around the runner: the runner (H2's runScenario, loadScenario,
 * listScenarios) is replaced by a stand-in that returns runs made of the recorded transcripts of
 * packages/interop/tests/vectors, checked by the real checks; the reports are the real ones. This
 * tests what the command does with runs: exit codes, reports written, players passed, roles.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { run } from "./helpers.js";

const calls = vi.hoisted(() => ({
  runs: [] as { scenario: string; players: unknown; options: unknown }[],
  fail: new Set<string>(),
}));

vi.mock("@transactive/interop", async (importOriginal) => {
  const real = (await importOriginal()) as typeof import("@transactive/interop");
  const { readFileSync: read } = await import("node:fs");
  const { join: j } = await import("node:path");
  const transcript = JSON.parse(
    read(j(import.meta.dirname, "../../interop/tests/vectors/ours-pull.json"), "utf8"),
  ).transcript;
  const scenarios: Record<
    string,
    { name: string; title: string; profile: "openadr2b"; roles: ["vtn", "ven"]; steps: [] }
  > = {
    "openadr-registration": {
      name: "openadr-registration",
      title: "Registration",
      profile: "openadr2b",
      roles: ["vtn", "ven"],
      steps: [],
    },
    "openadr-broken": {
      name: "openadr-broken",
      title: "A broken VTN",
      profile: "openadr2b",
      roles: ["vtn", "ven"],
      steps: [],
    },
  };
  class ScenarioError extends Error {
    override readonly name = "ScenarioError";
  }
  return {
    ...real,
    // as the real one: the names; the titles come from loading each
    listScenarios: () => Object.keys(scenarios),
    loadScenario: (name: string) => {
      const s = scenarios[name];
      if (!s)
        throw new ScenarioError(`no scenario named "${name}" (conformance/interop/${name}.json)`);
      return s;
    },
    runScenario: async (
      scenario: { name: string; title: string },
      players: unknown,
      options: unknown,
    ) => {
      calls.runs.push({ scenario: scenario.name, players, options });
      const t =
        scenario.name === "openadr-broken"
          ? transcript.map((e: { seq: number; body: string }) =>
              e.seq === 4
                ? { ...e, body: e.body.replace(/<pyld:requestID>[^<]*</, "<pyld:requestID>wrong<") }
                : e,
            )
          : transcript;
      const checks = real.checkTranscript(t, { profile: "openadr2b" });
      return {
        scenario: scenario.name,
        title: scenario.title,
        players: { vtn: "ours", ven: "ours" },
        startedAt: new Date(0).toISOString(),
        durationMs: 10,
        transcript: t,
        checks,
        passed: checks.every((c) => c.ok),
      };
    },
  };
});

const dir = mkdtempSync(join(tmpdir(), "transactive-interop-run-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => {
  calls.runs.length = 0;
});

describe("transactive interop with a runner", () => {
  it("--list prints each scenario's name and title", async () => {
    const r = await run(["interop", "--list"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      "openadr-registration  Registration\nopenadr-broken        A broken VTN\n",
    );
  });

  it("a passing scenario: exit 0, the summary on stdout, JUnit and HTML written, players default to ours", async () => {
    const junit = join(dir, "pass.xml");
    const html = join(dir, "pass.html");
    const r = await run([
      "interop",
      "--scenario",
      "openadr-registration",
      "--junit",
      junit,
      "--html",
      html,
      "--timeout",
      "5",
    ]);
    expect(r.stderr).toContain("Running openadr-registration (vtn: ours, ven: ours)");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^PASS {2}openadr-registration/m);
    expect(calls.runs).toHaveLength(1);
    expect(calls.runs[0]?.players).toEqual({ vtn: { kind: "ours" }, ven: { kind: "ours" } });
    expect(calls.runs[0]?.options).toMatchObject({ stepTimeoutMs: 5000 });
    expect(readFileSync(junit, "utf8")).toMatch(
      /<testsuites name="transactive interop" tests="\d+" failures="0"/,
    );
    expect(readFileSync(html, "utf8")).toContain("1 of 1 scenario passed.");
  });

  it("a failing check: exit 1, the failure named on stdout and in the reports", async () => {
    const junit = join(dir, "fail.xml");
    const r = await run([
      "interop",
      "--scenario",
      "openadr-registration",
      "--scenario",
      "openadr-broken",
      "--vtn",
      "http://127.0.0.1:9/",
      "--ven",
      "script",
      "--junit",
      junit,
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL {2}openadr-broken/m);
    expect(r.stdout).toMatch(/request-id-echo #4,#3|request-id-echo #3,#4/);
    expect(r.stdout).toContain('expected eiResponse/requestID "registration-');
    expect(r.stdout).toMatch(/1 of 2 scenarios passed; 1 check failed/);
    expect(calls.runs.map((c) => c.players)).toEqual([
      { vtn: { kind: "url", url: "http://127.0.0.1:9" }, ven: { kind: "script" } },
      { vtn: { kind: "url", url: "http://127.0.0.1:9" }, ven: { kind: "script" } },
    ]);
    expect(readFileSync(junit, "utf8")).toMatch(/failures="1"/);
  });

  it("an unknown scenario: one line, exit 2, nothing run", async () => {
    const r = await run(["interop", "--scenario", "nope"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'transactive: no scenario named "nope" (conformance/interop/nope.json)\nRun "transactive --help" for usage.\n',
    );
    expect(calls.runs).toHaveLength(0);
  });

  it("a player for a role the scenario does not have: exit 2", async () => {
    const r = await run(["interop", "--scenario", "openadr-registration", "--market", "ours"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "scenario openadr-registration has roles vtn and ven; --market does not apply",
    );
  });

  it("a report that cannot be written: exit 2 after the run", async () => {
    const r = await run([
      "interop",
      "--scenario",
      "openadr-registration",
      "--html",
      join(dir, "no/such/dir/r.html"),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot write .*r\.html: ENOENT/);
    expect(existsSync(join(dir, "no"))).toBe(false);
  });
});
