/**
 * The README example is tests/readme-example.ts word for word, and it runs against a real
 * nats-server: a child market joins its parent over NATS and gets the price and its award.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { HAVE_NATS, requireNats } from "./nats.js";

const script = fileURLToPath(new URL("./readme-example.ts", import.meta.url));
const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("README example", () => {
  it("is the script, word for word", () => {
    expect(readme).toContain(readFileSync(script, "utf8"));
  });

  it.skipIf(!HAVE_NATS && process.env.CI !== "true")(
    "runs and prints what its comments say",
    () => {
      requireNats();
      const out = execFileSync(
        process.execPath,
        ["--conditions=@transactive/source", "--import", "tsx", script],
        { encoding: "utf8", cwd: fileURLToPath(new URL("..", import.meta.url)) },
      );
      expect(out.trim().split("\n")).toEqual(["0.2 2"]);
    },
  );
});
