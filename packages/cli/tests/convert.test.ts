import { readFileSync } from "node:fs";
import { infosetDiff, readXml } from "@transactive/codec";
import { describe, expect, it } from "vitest";
import { example, exampleFiles, run, tempFile } from "./helpers.js";

describe("convert", () => {
  it.each(exampleFiles("xml").map((f) => [f.slice(f.lastIndexOf("/") + 1), f]))(
    "%s: XML -> JSON -> XML keeps the infoset",
    async (_, file) => {
      const json = await run(["convert", file, "--to", "json"]);
      expect(json.stderr).toBe("");
      expect(json.code).toBe(0);
      const xml = await run(["convert", tempFile(json.stdout, "json"), "--to", "xml"]);
      expect(xml.code).toBe(0);
      expect(infosetDiff(readXml(readFileSync(file)), readXml(xml.stdout))).toBeUndefined();
    },
  );

  it("prints JSON with a 2-space indent and $profile first", async () => {
    const r = await run(["convert", example("openadr2b-distribute-event.xml"), "--to", "json"]);
    expect(
      r.stdout.startsWith(
        '{\n  "$profile": "openadr2b",\n  "oadr:oadrPayload": {\n    "oadrSignedObject"',
      ),
    ).toBe(true);
    expect(r.stdout.endsWith("}\n")).toBe(true);
  });

  it("the checked-in JSON examples are what convert --to json prints", async () => {
    for (const json of exampleFiles("json")) {
      const r = await run(["convert", json.replace(/\.json$/, ".xml"), "--to", "json"]);
      expect(r.stdout, json).toBe(readFileSync(json, "utf8"));
    }
  });

  it("JSON -> JSON and XML -> XML are accepted", async () => {
    const json = example("xcal-wscalendar-interval.json");
    expect((await run(["convert", json, "--to", "json"])).stdout).toBe(readFileSync(json, "utf8"));
    const xml = await run(["convert", example("openadr2a-distribute-event.xml"), "--to", "xml"]);
    expect(xml.stdout).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\s*<oadr:oadrDistributeEvent xmlns:oadr="http:\/\/openadr.org\/oadr-2.0a\/2012\/07"/,
    );
  });

  it("reads standard input for -", async () => {
    const r = await run(
      ["convert", "-", "--to", "json"],
      readFileSync(example("openadr2a-distribute-event.xml"), "utf8"),
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).$profile).toBe("openadr2a");
  });

  it("--profile re-targets to another wire profile when the model fits", async () => {
    const file = example("openadr2a-distribute-event.xml");
    const xml = await run(["convert", file, "--to", "xml", "--profile", "openadr2b"]);
    expect(xml.code).toBe(0);
    expect(xml.stdout).toContain(
      '<oadr:oadrDistributeEvent xmlns:oadr="http://openadr.org/oadr-2.0b/2012/07"',
    );
    const json = await run(["convert", file, "--to", "json", "--profile", "openadr2b"]);
    expect(JSON.parse(json.stdout).$profile).toBe("openadr2b");
  });

  it("--profile fails with the codec's reason when the model does not fit", async () => {
    const file = example("xcal-wscalendar-interval.xml");
    for (const to of ["xml", "json"]) {
      const r = await run(["convert", file, "--to", to, "--profile", "openadr2b"]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(
        new RegExp(
          `^${file}: /(xcal:)?vcalendar: element xcal:vcalendar is not part of profile openadr2b\n$`,
        ),
      );
    }
  });

  it("reports an invalid input on stderr with file and path, and exits 1", async () => {
    const file = tempFile(
      readFileSync(example("openadr2a-distribute-event.xml"), "utf8").replace(
        "<ei:signalType>level</ei:signalType>",
        "<ei:signalType>loud</ei:signalType>",
      ),
    );
    const r = await run(["convert", file, "--to", "json"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      new RegExp(
        `^${file}: /oadrDistributeEvent/oadrEvent\\[0\\]/eiEvent/eiEventSignals/eiEventSignal\\[0\\]/signalType: `,
      ),
    );
  });
});

describe("usage", () => {
  it.each([
    [[], "Usage: transactive"],
    [["frobnicate"], "unknown command: frobnicate"],
    [["--frobnicate"], "unknown option: --frobnicate"],
    [["validate"], "validate needs at least one file"],
    [["validate", "--bogus", "x.xml"], "Unknown option '--bogus'"],
    [["validate", "--profile", "openadr3", "x.xml"], 'unknown profile "openadr3"; known: '],
    [["validate", "--profile"], "argument missing"],
    [["convert", "x.xml"], "convert needs --to json or --to xml"],
    [["convert", "x.xml", "--to", "yaml"], '--to must be json or xml, not "yaml"'],
    [["convert", "a.xml", "b.xml", "--to", "json"], "convert takes one file"],
    [["convert", "--xsd", "a.xml", "--to", "json"], "Unknown option '--xsd'"],
    [
      ["convert", "/nonexistent/x.xml", "--to", "json"],
      "cannot read /nonexistent/x.xml: no such file",
    ],
    [["convert", "/", "--to", "json"], "cannot read /: is a directory"],
  ])("%j exits 2: %s", async (argv, message) => {
    const r = await run(argv as string[]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(message);
  });

  it.each(["resolve", "serve", "conformance"])(
    "%s is a command listed in the help",
    async (command) => {
      const r = await run(["--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^  ${command}\\b`, "m"));
      expect(r.stdout).not.toMatch(/not implemented/);
    },
  );

  it("an unknown command is a usage error", async () => {
    const r = await run(["frobnicate"]);
    expect(r.code).toBe(2);
  });

  it.each([["--help"], ["-h"], ["help"]])("%j prints the help on stdout", async (...argv) => {
    const r = await run(argv);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: transactive <command> [options]");
    expect(r.stdout).toContain(
      "Exit codes: 0 valid, 1 some input invalid, 2 usage or environment problem.",
    );
  });

  it.each([
    [["validate", "--help"], "Usage: transactive validate <file...>", "--xsd-engine E"],
    [["convert", "-h"], "Usage: transactive convert <file|-> --to json|xml", "--profile P"],
  ])("%j prints the command's own help", async (argv, usage, option) => {
    const r = await run(argv);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout.startsWith(usage)).toBe(true);
    expect(r.stdout).toContain(option);
  });

  it("--version prints the package version", async () => {
    const { version } = JSON.parse(
      readFileSync(new URL("../package.json", import.meta.url), "utf8"),
    );
    expect(await run(["--version"])).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
  });
});
