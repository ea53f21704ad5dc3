import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Case, CaseFileError, loadCaseFiles } from "../src/cases.js";
import { parseKnownFailures, score } from "../src/known-failures.js";
import { consoleSummary } from "../src/reports.js";
import type { CaseResult } from "../src/run.js";

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "transactive-cases-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const good = {
  id: "x.valid.one",
  standard: "ei",
  clause: "EI 1.0 §1",
  level: "required",
  kind: "valid",
  profile: "openadr2b",
  xml: "one.xml",
};

describe("case loader", () => {
  it("loads a valid case file with its paths resolved", () => {
    const dir = folder({ "ei/g/one.case.json": JSON.stringify(good), "ei/g/one.xml": "<a/>" });
    const [c] = loadCaseFiles(dir, "/nowhere");
    expect(c?.id).toBe("x.valid.one");
    expect(c?.xmlPath).toBe(join(dir, "ei/g/one.xml"));
  });

  it("names the file and the path of every problem", () => {
    const dir = folder({
      "ei/g/bad.case.json": JSON.stringify({ ...good, level: "must", extra: 1 }),
      "ei/g/nojson.case.json": "{",
      "ei/g/missing.case.json": JSON.stringify({ ...good, id: "x.missing", xml: "gone.xml" }),
      "ei/g/invalid.case.json": JSON.stringify({ ...good, id: "x.inv", kind: "invalid" }),
      "ei/g/one.xml": "<a/>",
    });
    let error: unknown;
    try {
      loadCaseFiles(dir, "/nowhere");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CaseFileError);
    const text = (error as CaseFileError).message;
    expect(text).toMatch(/g\/bad\.case\.json: \/level: must be equal to one of the allowed values/);
    expect(text).toMatch(/g\/bad\.case\.json: \/: must NOT have additional properties \(extra\)/);
    expect(text).toMatch(/g\/nojson\.case\.json: not JSON/);
    expect(text).toMatch(/g\/missing\.case\.json: missing xml .*gone\.xml/);
    expect(text).toMatch(/g\/invalid\.case\.json: an invalid case needs `reject\.reason`/);
  });

  it("refuses duplicate ids", () => {
    const dir = folder({
      "ei/a/one.case.json": JSON.stringify(good),
      "ei/b/one.case.json": JSON.stringify(good),
      "ei/a/one.xml": "<a/>",
      "ei/b/one.xml": "<a/>",
    });
    expect(() => loadCaseFiles(dir, "/nowhere")).toThrow(/id x\.valid\.one is already used by/);
  });
});

describe("known failures", () => {
  const result = (id: string, passed: boolean): CaseResult => ({
    case: { ...good, id, source: id, xmlPath: "", expectPaths: {} } as unknown as Case,
    passed,
    checks: [{ rule: "accept", ok: passed, message: "" }],
  });

  it("parses entries and refuses lines without a reason", () => {
    expect(parseKnownFailures("# c\n\na.b # why\n")).toEqual([
      { id: "a.b", reason: "why", line: 3 },
    ]);
    expect(() => parseKnownFailures("a.b\n")).toThrow(/known-failures.txt:1: expected/);
    expect(() => parseKnownFailures("a # x\na # y\n")).toThrow(/listed twice/);
  });

  it("fails on a new failure, a listed case that passes and a stale entry", () => {
    const known = parseKnownFailures("k # known\n");
    expect(score([result("k", false), result("p", true)], known).ok).toBe(true);
    expect(score([result("k", false), result("n", false)], known).ok).toBe(false);
    const fixed = score([result("k", true)], known);
    expect(fixed.ok).toBe(false);
    expect(fixed.results[0]?.outcome).toBe("fixed");
    const stale = score([result("p", true)], known);
    expect(stale.ok).toBe(false);
    expect(stale.stale.map((s) => s.id)).toEqual(["k"]);
  });

  it("never calls a run with no case conformant, and says why", () => {
    const empty = score([]);
    expect(empty.ok).toBe(false);
    const summary = consoleSummary(empty, "an install without cases");
    expect(summary).toContain("NO CASE RAN");
    expect(summary).toContain("NOT CONFORMANT");
    // one passing case is enough to be conformant
    const one = score([result("p", true)]);
    expect(one.ok).toBe(true);
    expect(consoleSummary(one, "one case")).not.toContain("NO CASE RAN");
  });
});
