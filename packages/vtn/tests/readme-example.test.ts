/**
 * The README example is tests/readme-example.ts word for word, and it runs: a VTN, a VEN that
 * registers and polls, an event published through the admin API.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const script = fileURLToPath(new URL("./readme-example.ts", import.meta.url));
const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("README example", () => {
  it("is the script, word for word", () => {
    expect(readme).toContain(readFileSync(script, "utf8"));
  });

  it("runs and prints what its comments say", () => {
    const out = execFileSync(
      process.execPath,
      ["--conditions=@transactive/source", "--import", "tsx", script],
      { encoding: "utf8", cwd: fileURLToPath(new URL("..", import.meta.url)) },
    );
    expect(out.trim().split("\n")).toEqual(["oadr:oadrDistributeEvent", "true"]);
  });
});
