/**
 * The whole suite against our own implementation, through the protocol, as a child process
 * (src/testee.ts): every required case passes or is listed in known-failures.txt, and the list is
 * exact. The Python example testee runs too and scores exactly what its XML subset can reject.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { haveOasis } from "../src/oasis.js";
import { ownKnownFailures, ownTesteeCommand, runTestee } from "../src/session.js";
import { loadSuite } from "../src/suite.js";
import { hasXmllint } from "../src/xsd.js";
import { xsdOracle } from "../src/xsd-oracle.js";

const present = haveOasis();
const cases = present ? loadSuite() : [];

describe.skipIf(!present)("the conformance suite", () => {
  it("has cases for every standard, every OASIS sample and every example", () => {
    const per = (s: string) => cases.filter((c) => c.standard === s).length;
    expect(per("ws-calendar")).toBeGreaterThan(0);
    expect(per("emix")).toBeGreaterThan(0);
    expect(per("ei")).toBeGreaterThan(0);
    expect(cases.filter((c) => c.oasis !== undefined).length).toBeGreaterThanOrEqual(57);
    expect(cases.filter((c) => c.id.startsWith("example.")).length).toBeGreaterThanOrEqual(5);
  });

  it("our implementation passes every required case through the protocol", async () => {
    if (!(await hasXmllint()) && process.env.CI === "true")
      throw new Error("xmllint is required under CI");
    const run = await runTestee({
      cases,
      command: ownTesteeCommand(),
      xsd: await xsdOracle(),
      knownFailures: ownKnownFailures(),
    });
    expect(run.protocolProblems).toEqual([]);
    const bad = run.score.results
      .filter((r) => r.outcome === "fail" || r.outcome === "fixed")
      .map(
        (r) =>
          `${r.outcome} ${r.case.id}: ${r.checks
            .filter((c) => !c.ok)
            .map((c) => c.message)
            .join("; ")}`,
      );
    expect(bad).toEqual([]);
    expect(run.score.stale).toEqual([]);
    expect(run.score.ok).toBe(true);
    // every valid case went through all of its rules, XSD included
    for (const r of run.score.results.filter((x) => x.case.kind === "valid" && x.passed))
      expect(r.checks.map((c) => c.rule)).toEqual(
        expect.arrayContaining(["accept", "decode", "json-schema", "encode", "xsd"]),
      );
  }, 600_000);

  const python = join(import.meta.dirname, "..", "testees", "python", "testee.py");
  it("the Python example testee scores exactly the XML-level rejections", async () => {
    expect(existsSync(python)).toBe(true);
    const run = await runTestee({ cases, command: ["python3", python], xsd: false });
    expect(run.protocolProblems).toEqual([]);
    const passed = run.score.results
      .filter((r) => r.passed)
      .map((r) => r.case.id)
      .sort();
    // its subset: well-formedness, declared prefixes, no DTD, document element in a profile namespace
    const expected = cases
      .filter(
        (c) =>
          c.kind === "invalid" && (c.reject?.rule === "xml" || c.reject?.code === "unknown-root"),
      )
      .map((c) => c.id)
      .sort();
    expect(expected.length).toBeGreaterThan(10);
    expect(passed).toEqual(expected);
    const unsupported = run.score.results.filter((r) => r.checks.some((c) => c.unsupported));
    // everything else asks for an operation it does not implement (decode, encode, the semantics)
    expect(unsupported.length).toBe(
      cases.filter((c) => c.kind === "valid" || c.reject?.rule === "semantic").length,
    );
  }, 600_000);
});
