// biome-ignore-all lint/suspicious/noTemplateCurlyInString: scenario templates write variables as ${name}
/**
 * The runner's own semantics against our VTN (and VEN) in their processes: a wrong expectation,
 * a message that never comes, a variable never captured, and the players that are not ours
 * (a command as the VTN, whose admin steps become instructions; a command as the VEN).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PlayerError, parsePlayer, transactiveCommand } from "./players.js";
import { durationMs, runScenario } from "./runner.js";
import { parseScenario, SCENARIO_DIR, ScenarioError } from "./scenario.js";
import type { InteropRun, Step } from "./types.js";

const LIMIT = 120_000;
const shell = (args: string) =>
  `${transactiveCommand()
    .map((a) => `'${a}'`)
    .join(" ")} ${args}`;

/** an inline scenario whose templates resolve in conformance/interop/ */
function scenario(steps: Step[], extra: Record<string, unknown> = {}) {
  return parseScenario(
    {
      name: "inline",
      title: "an inline scenario",
      profile: "openadr2b",
      roles: ["vtn", "ven"],
      variables: { venName: "inline-ven" },
      ours: { vtn: { vtnId: "InlineVTN", pollFreq: "PT1S" }, ven: { venName: "inline-ven" } },
      steps,
      ...extra,
    },
    join(SCENARIO_DIR, "inline.json"),
  );
}
const query: Step = {
  name: "query",
  from: "ven",
  send: { file: "templates/oadrQueryRegistration.xml" },
  expect: { payload: "oadrCreatedPartyRegistration" },
};
const create: Step = {
  name: "create",
  from: "ven",
  send: { file: "templates/oadrCreatePartyRegistration.xml" },
  expect: { payload: "oadrCreatedPartyRegistration" },
  capture: { response: { venID: "venID" } },
  timing: { pollUntil: true },
};
const failed = (run: InteropRun) => run.checks.filter((c) => !c.ok);

describe("runScenario", { timeout: LIMIT }, () => {
  it("fails the check of an answer that is not the one expected, with what came", async () => {
    const run = await runScenario(
      scenario([{ ...query, expect: { payload: "oadrResponse" } }, create]),
      { vtn: { kind: "ours" }, ven: { kind: "script" } },
      { variables: { venName: "given-ven" } },
    );
    expect(run.passed).toBe(false);
    // the run's variables win over the scenario's
    expect(run.transcript[2]?.body).toContain("<oadr:oadrVenName>given-ven</oadr:oadrVenName>");
    // a failed check does not end the run: the next step ran
    expect(run.checks.find((c) => c.step === "create")?.ok).toBe(true);
    expect(failed(run)).toEqual([
      expect.objectContaining({
        rule: "payload-type",
        step: "query",
        message: expect.stringContaining(
          "answering #1 oadrQueryRegistration: expected oadrResponse, got oadrCreatedPartyRegistration",
        ),
        entries: [1, 2],
      }),
    ]);
  });

  it("fails a step whose message does not come in time, and runs no later step", async () => {
    const run = await runScenario(
      scenario([
        query,
        {
          name: "opt",
          from: "ven",
          await: { payload: "oadrCreateOpt" },
          timing: { within: "PT2S" },
        },
        create,
      ]),
      { vtn: { kind: "ours" }, ven: { kind: "ours" } },
    );
    expect(run.passed).toBe(false);
    expect(failed(run).map((c) => [c.step, c.message])).toEqual([
      ["opt", "no oadrCreateOpt from the ven within PT2S"],
      ["create", 'not run, since step "opt" failed: create'],
    ]);
    expect(run.logs?.ven).toContain("registered with VTN InlineVTN");
  });

  it("fails a step whose template needs a variable no step captured", async () => {
    const run = await runScenario(
      scenario([{ name: "poll", from: "ven", send: { file: "templates/oadrPoll.xml" } }]),
      { vtn: { kind: "ours" }, ven: { kind: "script" } },
    );
    expect(failed(run)[0]?.message).toMatch(/variable \$\{venID\} is not defined/);
  });

  it("refuses a script as the VTN, a missing player and a signed run without credentials", async () => {
    await expect(
      runScenario(scenario([query]), { vtn: { kind: "script" }, ven: { kind: "ours" } }),
    ).rejects.toThrow(/a script can play only the client role \(ven\)/);
    await expect(runScenario(scenario([query]), { vtn: { kind: "ours" } })).rejects.toBeInstanceOf(
      PlayerError,
    );
    await expect(
      runScenario(scenario([query], { signed: true }), {
        vtn: { kind: "ours" },
        ven: { kind: "script" },
      }),
    ).rejects.toBeInstanceOf(ScenarioError);
  });

  it("runs a VTN given as a command: admin steps become instructions, state is not checked", async () => {
    const told: string[] = [];
    const run = await runScenario(
      scenario([
        query,
        create,
        {
          name: "publish",
          admin: {
            on: "vtn",
            method: "POST",
            path: "/admin/events",
            body: {},
            instruction: "Publish an event for VEN ${venID}.",
          },
        },
        { name: "state", state: { on: "vtn", get: "/admin/vens/${venID}", expect: { "/x": 1 } } },
      ]),
      {
        vtn: {
          kind: "command",
          command: shell(
            'serve --host 127.0.0.1 --port "$TRANSACTIVE_LISTEN_PORT" --vtn-id CommandVTN',
          ),
        },
        ven: { kind: "ours" },
      },
      { onInstruction: (t) => told.push(t) },
    );
    expect(failed(run)).toEqual([]);
    expect(told).toEqual([
      expect.stringMatching(/publish: on the vtn: Publish an event for VEN \S+\./),
    ]);
    expect(run.checks.find((c) => c.step === "state")?.message).toContain("not checked");
    expect(run.players.vtn).toContain("command");
  });

  it("runs a VEN given as a command, with the VTN's URL in TRANSACTIVE_VTN_URL", async () => {
    const { loadScenario } = await import("./scenario.js");
    const run = await runScenario(loadScenario("oadr-events-poll"), {
      vtn: { kind: "ours" },
      ven: {
        kind: "command",
        command: shell('ven --vtn "$TRANSACTIVE_VTN_URL" --ven-name cmd-ven'),
      },
    });
    expect(failed(run)).toEqual([]);
    expect(run.logs?.ven).toContain("registered with VTN InteropVTN");
  });
});

describe("parsePlayer", () => {
  it("reads ours, script, commands and URLs, and refuses anything else", () => {
    expect(parsePlayer("vtn", "ours")).toEqual({ kind: "ours" });
    expect(parsePlayer("ven", "script")).toEqual({ kind: "script" });
    expect(parsePlayer("ven", "cmd:my-ven --vtn $TRANSACTIVE_VTN_URL")).toEqual({
      kind: "command",
      command: "my-ven --vtn $TRANSACTIVE_VTN_URL",
    });
    expect(parsePlayer("vtn", "https://vtn.example:8443/oadr")).toEqual({
      kind: "url",
      url: "https://vtn.example:8443/oadr",
    });
    expect(() => parsePlayer("vtn", "ftp://x")).toThrow(/vtn: "ftp:\/\/x" is not a player/);
    expect(() => parsePlayer("ven", "cmd:")).toThrow(PlayerError);
  });
});

describe("durationMs", () => {
  it("reads the durations of timing rules", () => {
    expect(durationMs("PT30S")).toBe(30_000);
    expect(durationMs("P1DT1H1M0.5S")).toBe(90_060_500);
    expect(durationMs("P1W")).toBe(604_800_000);
    expect(durationMs("P")).toBeUndefined();
    expect(durationMs("PT")).toBeUndefined();
    expect(durationMs("30s")).toBeUndefined();
  });
});
