import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { listScenarios, loadScenario, SCENARIO_DIR, ScenarioError } from "./scenario.js";

const dir = mkdtempSync(join(tmpdir(), "interop-scenario-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const minimal = {
  name: "tiny",
  title: "a tiny scenario",
  profile: "openadr2b",
  roles: ["vtn", "ven"],
  steps: [{ name: "query", from: "ven", send: { xml: "<x/>" } }],
};
function write(data: unknown, name = "s.json"): string {
  const f = join(dir, name);
  writeFileSync(f, typeof data === "string" ? data : JSON.stringify(data));
  return f;
}
function refusal(f: () => unknown): ScenarioError {
  try {
    f();
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error("no ScenarioError");
}

describe("loadScenario", () => {
  it("loads every scenario of conformance/interop by name, with its file", () => {
    const names = listScenarios();
    expect(names.length).toBeGreaterThanOrEqual(10);
    for (const n of names) {
      const s = loadScenario(n);
      expect(s.name).toBe(n);
      expect(s.file).toBe(join(SCENARIO_DIR, `${n}.json`));
    }
  });

  it("keeps each signed variant equal to its base scenario but for name, title and signed", () => {
    for (const n of listScenarios().filter((x) => x.endsWith("-signed"))) {
      const signed = JSON.parse(readFileSync(join(SCENARIO_DIR, `${n}.json`), "utf8"));
      const base = JSON.parse(
        readFileSync(join(SCENARIO_DIR, `${n.replace(/-signed$/, "")}.json`), "utf8"),
      );
      expect(signed.signed).toBe(true);
      expect({ ...signed, name: base.name, title: base.title, signed: undefined }).toEqual({
        ...base,
        signed: undefined,
      });
    }
  });

  it("loads a file by path and resolves its templates next to it", () => {
    const f = write(minimal, "tiny.json");
    expect(loadScenario(f).steps[0]?.name).toBe("query");
    const withFile = write(
      { ...minimal, steps: [{ name: "q", from: "ven", send: { file: "templates/none.xml" } }] },
      "missing-template.json",
    );
    const e = refusal(() => loadScenario(withFile));
    expect(e.pointer).toBe("/steps/0/send/file");
    expect(e.message).toContain(join(dir, "templates/none.xml"));
  });

  it("names an unknown scenario with the known ones", () => {
    const e = refusal(() => loadScenario("no-such-scenario"));
    expect(e.message).toMatch(/no such scenario \(known: .*oadr-registration/);
  });

  it("refuses text that is not JSON, naming the file", () => {
    const f = write("{ not json", "bad.json");
    const e = refusal(() => loadScenario(f));
    expect(e.file).toBe(f);
    expect(e.message).toContain("is not JSON");
  });

  it("names the JSON pointer of an unknown property, a bad enum and a missing property", () => {
    let e = refusal(() =>
      loadScenario(write({ ...minimal, steps: [{ ...minimal.steps[0], sned: 1 }] })),
    );
    expect(e.pointer).toBe("/steps/0/sned");
    expect(e.reason).toBe('unknown property "sned"');
    e = refusal(() => loadScenario(write({ ...minimal, profile: "openadr3" })));
    expect(e.pointer).toBe("/profile");
    expect(e.reason).toContain('"openadr2b"');
    const { title: _, ...untitled } = minimal;
    e = refusal(() => loadScenario(write(untitled)));
    expect(e.reason).toBe('missing property "title"');
    e = refusal(() =>
      loadScenario(
        write({ ...minimal, steps: [{ ...minimal.steps[0], timing: { within: "30s" } }] }),
      ),
    );
    expect(e.pointer).toBe("/steps/0/timing/within");
  });

  it("says what is wrong with a step's kind, its role and its name", () => {
    let e = refusal(() =>
      loadScenario(
        write({
          ...minimal,
          steps: [{ name: "x", from: "ven", send: { xml: "<x/>" }, await: { payload: "y" } }],
        }),
      ),
    );
    expect(e.pointer).toBe("/steps/0");
    expect(e.reason).toContain(
      "exactly one of send, await, admin, state; this one has send and await",
    );
    e = refusal(() =>
      loadScenario(write({ ...minimal, steps: [{ name: "x", await: { payload: "y" } }] })),
    );
    expect(e.reason).toContain('needs "from"');
    e = refusal(() =>
      loadScenario(
        write({ ...minimal, steps: [{ name: "x", from: "agent", await: { payload: "y" } }] }),
      ),
    );
    expect(e.pointer).toBe("/steps/0/from");
    e = refusal(() =>
      loadScenario(write({ ...minimal, steps: [minimal.steps[0], minimal.steps[0]] })),
    );
    expect(e.pointer).toBe("/steps/1/name");
  });
});
