/**
 * The README example is tests/readme-example.ts word for word, and it runs: it checks a recorded
 * transcript with one answer broken, prints the failure and writes the HTML report.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const script = fileURLToPath(new URL("./readme-example.ts", import.meta.url));
const root = fileURLToPath(new URL("..", import.meta.url));
const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const html = fileURLToPath(new URL("../interop-example.html", import.meta.url));
afterAll(() => rmSync(html, { force: true }));

describe("README example", () => {
  it("is the script, word for word", () => {
    expect(readme).toContain(readFileSync(script, "utf8"));
  });

  it("runs, names the broken answer and writes the report", () => {
    const out = execFileSync(
      process.execPath,
      ["--conditions=@transactive/source", "--import", "tsx", script],
      { encoding: "utf8", cwd: root },
    );
    expect(out).toMatch(/^FAIL {2}recorded {2}\d+\/\d+ checks passed, 44 messages/m);
    expect(out).toMatch(
      /request-id-echo #3,#4: #4 oadrCreatedPartyRegistration \(vtn -> ven\) answering #3 oadrCreatePartyRegistration: expected eiResponse\/requestID "registration-[^"]+" \(the request's\), got "x"/,
    );
    expect(out).toMatch(/0 of 1 scenario passed; 1 check failed/);
    expect(existsSync(html)).toBe(true);
  });
});
