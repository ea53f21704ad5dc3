import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { haveOasis } from "@transactive/conformance";
import * as ei from "@transactive/ei";
import * as eiReference from "@transactive/ei/reference";
import * as eiNode from "@transactive/ei-node";
import { describe, expect, it } from "vitest";
import { EXAMPLES, example, exampleFiles, REPO, run, SKIP_XSD } from "./helpers.js";

const scratch = mkdtempSync(join(tmpdir(), "transactive-conformance-cli-"));
const present = haveOasis();

describe("transactive conformance", () => {
  it("prints its help", async () => {
    const r = await run(["conformance", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--testee "COMMAND"/);
  });

  it("--endpoint where nothing listens: one 'cannot connect' line, exit 2", async () => {
    // a port that was free a moment ago: bound to a random port, then closed
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve));
    const r = await run(["conformance", "--endpoint", `http://127.0.0.1:${port}/`, "--no-xsd"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    const lines = r.stderr.split("\n").filter((l) => l.startsWith("transactive:"));
    expect(lines).toEqual([
      `transactive: cannot connect to http://127.0.0.1:${port} (ECONNREFUSED)`,
    ]);
    expect(r.stderr).not.toMatch(/fetch failed|\n\s+at /);
  });

  it("refuses two targets and bad options with exit 2", async () => {
    expect((await run(["conformance", "--files", "a", "--testee", "b"])).code).toBe(2);
    const r = await run(["conformance", "--xsd-engine", "saxon"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--xsd-engine must be xmllint or xmllint-wasm/);
  });

  it.skipIf(SKIP_XSD)(
    "--files passes the examples and fails a folder with a bad payload",
    async () => {
      // the payloads of examples/ (examples/vtn also holds event descriptions, which are
      // operator input for `transactive serve --event`, not payloads; its event file is one)
      const payloads = mkdtempSync(join(scratch, "examples-"));
      for (const f of [...exampleFiles("xml"), ...exampleFiles("json")])
        copyFileSync(f, join(payloads, basename(f)));
      copyFileSync(example("vtn/distribute-event.xml"), join(payloads, "vtn-distribute-event.xml"));
      const ok = await run(["conformance", "--files", payloads]);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(/8 passed, 0 failed .*CONFORMANT/);
      const dir = mkdtempSync(join(scratch, "files-"));
      writeFileSync(
        join(dir, "good.xml"),
        readFileSync(join(EXAMPLES, "openadr2a-distribute-event.xml")),
      );
      writeFileSync(
        join(dir, "bad.xml"),
        readFileSync(join(EXAMPLES, "openadr2a-distribute-event.xml"), "utf8").replace(
          /<ei:eventID>[^<]*<\/ei:eventID>/,
          "",
        ),
      );
      const bad = await run(["conformance", "--files", dir]);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toMatch(/FAIL \[required\]: file\.bad\.xml/);
      expect(bad.stdout).toMatch(/eventID/);
    },
  );

  it.skipIf(!present)(
    "scores the Python example testee and writes JUnit and HTML reports",
    async () => {
      const junit = join(scratch, "py.xml");
      const html = join(scratch, "py.html");
      const python = join(REPO, "conformance", "testees", "python", "testee.py");
      const r = await run([
        "conformance",
        "--testee",
        `python3 ${python}`,
        "--no-xsd",
        "--junit",
        junit,
        "--html",
        html,
      ]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/NOT CONFORMANT/);
      const xml = readFileSync(junit, "utf8");
      expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
      expect(xml).toMatch(/<testsuite name="ei" tests="\d+" failures="\d+"/);
      const page = readFileSync(html, "utf8");
      expect(page).toMatch(/^<!doctype html>/);
      expect(page).not.toMatch(/<script|<link /);
      expect(page).toMatch(/not implemented: the Python example testee implements only validate/);
    },
    600_000,
  );

  it.skipIf(!present || SKIP_XSD)(
    "with no target runs our codecs through the protocol and passes",
    async () => {
      const r = await run(["conformance"]);
      expect(r.stdout).toMatch(/CONFORMANT/);
      expect(r.stdout).not.toMatch(/NOT CONFORMANT/);
      expect(r.code).toBe(0);
    },
    600_000,
  );

  // The EI vectors were recorded against setupDispatcher (fixed clock, one published event); a plain
  // dispatcher rightly fails the event steps. Under CI=true nothing here may be missing.
  const api = { ...ei, ...eiReference, ...eiNode } as Record<string, unknown>;
  const haveServer = ["setupDispatcher", "startEiServer", "operationFor"].every(
    (name) => typeof api[name] === "function",
  );
  if (!haveServer)
    throw new Error(
      "@transactive/ei (operationFor), @transactive/ei/reference (setupDispatcher) and @transactive/ei-node (startEiServer) must export these",
    );
  it.skipIf(!present)(
    "--endpoint drives our EI HTTP server through its services",
    async () => {
      const start = api.startEiServer as (
        o: object,
      ) => Promise<{ url: string; close(): Promise<void> }>;
      const dispatcher = (api.setupDispatcher as (profile: string) => object)("openadr2b");
      const server = await start({ dispatcher });
      try {
        const r = await run(["conformance", "--endpoint", server.url, "--no-xsd"]);
        expect(r.stdout).toMatch(/CONFORMANT/);
        expect(r.code).toBe(0);
      } finally {
        await server.close();
      }
    },
    600_000,
  );
});
