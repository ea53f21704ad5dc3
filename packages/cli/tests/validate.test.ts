import { readFileSync } from "node:fs";
import { registry } from "@transactive/ei";
import { describe, expect, it } from "vitest";
import { main } from "../src/index.js";
import {
  example,
  exampleFiles,
  requireXsd,
  run,
  SKIP_OASIS_XSDS,
  SKIP_XSD,
  tempFile,
} from "./helpers.js";

const DISTRIBUTE_2B = example("openadr2b-distribute-event.xml");
const distribute2b = readFileSync(DISTRIBUTE_2B, "utf8");

describe("validate", () => {
  it("prints file: ok (profile, element) and exits 0 for a valid XML file", async () => {
    const r = await run(["validate", DISTRIBUTE_2B]);
    expect(r).toEqual({
      code: 0,
      stdout: `${DISTRIBUTE_2B}: ok (openadr2b, oadr:oadrPayload)\n`,
      stderr: "",
    });
  });

  it("detects the standard and profile of every example", async () => {
    const r = await run(["validate", ...exampleFiles("xml"), ...exampleFiles("json")]);
    expect(r.stdout).toContain(
      "openadr2a-distribute-event.xml: ok (openadr2a, oadr:oadrDistributeEvent)",
    );
    expect(r.stdout).toContain("cts-create-tender.xml: ok (cts, pyld:eiCreateTender)");
    expect(r.stdout).toContain("xcal-wscalendar-interval.xml: ok (xcal, xcal:vcalendar)");
    expect(r.stdout).toContain("openadr2b-update-report.xml: ok (openadr2b, oadr:oadrPayload)");
    expect(r.stdout).toContain("openadr2b-distribute-event.json: ok (openadr2b, oadr:oadrPayload)");
    expect(r.code).toBe(0);
  });

  it("reports an invalid value as file: path: reason and exits 1", async () => {
    const file = tempFile(
      distribute2b.replace(
        "<ei:eventStatus>far</ei:eventStatus>",
        "<ei:eventStatus>soonish</ei:eventStatus>",
      ),
    );
    const r = await run(["validate", file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      new RegExp(
        `^${file}: /oadrPayload/oadrSignedObject/oadrDistributeEvent/oadrEvent\\[0\\]/eiEvent/eventDescriptor/eventStatus: .+`,
        "m",
      ),
    );
    expect(r.stdout).not.toContain(": ok (");
  });

  it("reports a missing element with its path", async () => {
    const file = tempFile(distribute2b.replace(/<ei:vtnID>[^<]*<\/ei:vtnID>/, ""));
    const r = await run(["validate", file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${file}: /oadrPayload/oadrSignedObject/oadrDistributeEvent/`);
    expect(r.stdout).toContain("vtnID");
  });

  it("reports malformed XML", async () => {
    const file = tempFile(distribute2b.replace("</ei:vtnID>", "</ei:vtnId>"));
    const r = await run(["validate", file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^${file}: .+`, "m"));
    expect(r.stdout).not.toContain(": ok (");
  });

  it("reports a document element in an unknown namespace", async () => {
    const file = tempFile('<x:oadrPayload xmlns:x="http://example.com/not-openadr"/>');
    const r = await run(["validate", file]);
    expect(r).toMatchObject({
      code: 1,
      stdout: `${file}: /oadrPayload: no known element {http://example.com/not-openadr}oadrPayload\n`,
    });
  });

  it("reports input that is neither XML nor JSON", async () => {
    const file = tempFile("hello", "txt");
    const r = await run(["validate", file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${file}: /: neither XML nor JSON`);
  });

  it("validates JSON input, and reports JSON errors with a path", async () => {
    const json = JSON.parse(readFileSync(example("openadr2b-distribute-event.json"), "utf8"));
    json["oadr:oadrPayload"].oadrSignedObject.oadrDistributeEvent.vtnID = 42;
    const file = tempFile(JSON.stringify(json), "json");
    const r = await run(["validate", file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `${file}: /oadrPayload/oadrSignedObject/oadrDistributeEvent/vtnID: `,
    );
    const broken = tempFile('{"$profile": "openadr2b", ', "json");
    expect((await run(["validate", broken])).stdout).toContain(`${broken}: /: not valid JSON`);
  });

  it("--profile forces the wire profile", async () => {
    expect((await run(["validate", "--profile", "openadr2b", DISTRIBUTE_2B])).code).toBe(0);
    const r = await run(["validate", "--profile", "openadr2a", DISTRIBUTE_2B]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${DISTRIBUTE_2B}: /oadrPayload: no known element`);
  });

  it("reads standard input for -", async () => {
    const r = await run(["validate", "-"], distribute2b);
    expect(r).toMatchObject({ code: 0, stdout: "-: ok (openadr2b, oadr:oadrPayload)\n" });
  });

  it("exits 1 when one of several files is invalid, still reporting the others", async () => {
    const bad = tempFile("<oops");
    const r = await run(["validate", DISTRIBUTE_2B, bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${DISTRIBUTE_2B}: ok`);
    expect(r.stdout).toContain(`${bad}: `);
  });

  it("reports an unexpected exception as an internal error for that file only", async () => {
    let stdout = "";
    const broken = { ...registry, profileOrder: null as unknown as string[] };
    const code = await main(["validate", DISTRIBUTE_2B, DISTRIBUTE_2B], {
      registry: broken,
      stdout: (t) => {
        stdout += t;
      },
      stderr: () => undefined,
      stdin: async () => new Uint8Array(),
    });
    expect(code).toBe(1);
    expect(
      stdout.split("\n").filter((l) => l.startsWith(`${DISTRIBUTE_2B}: internal error: `)),
    ).toHaveLength(2);
  });

  it("exits 2 for a missing file, after validating the readable ones", async () => {
    const r = await run(["validate", DISTRIBUTE_2B, "/nonexistent/x.xml"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`${DISTRIBUTE_2B}: ok`);
    expect(r.stderr).toContain("cannot read /nonexistent/x.xml: no such file");
  });
});

describe.skipIf(SKIP_XSD)("validate --xsd", () => {
  it("passes every example, XML and JSON, against the official XSDs", async () => {
    requireXsd();
    const files = [...exampleFiles("xml"), ...exampleFiles("json")];
    expect(files.length).toBeGreaterThanOrEqual(7);
    const r = await run(["validate", "--xsd", ...files]);
    expect(r.stderr).toBe("");
    for (const f of files)
      expect(r.stdout).toMatch(new RegExp(`^${f}: ok \\(\\w+, [\\w:]+, xsd\\)$`, "m"));
    expect(r.code).toBe(0);
  });

  it("adds the XSD's verdict with a line number for an invalid file", async () => {
    requireXsd();
    const file = tempFile(
      distribute2b.replace(
        "<ei:eventStatus>far</ei:eventStatus>",
        "<ei:eventStatus>soonish</ei:eventStatus>",
      ),
    );
    const r = await run(["validate", "--xsd", file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^${file}: xsd line 29: .*eventStatus.*soonish`, "m"));
  });

  it("validates standard input", async () => {
    requireXsd();
    const r = await run(["validate", "--xsd", "-"], distribute2b);
    expect(r).toMatchObject({ code: 0, stdout: "-: ok (openadr2b, oadr:oadrPayload, xsd)\n" });
  });

  it("exits 2 when the XSD folder is missing", async () => {
    requireXsd();
    const saved = process.env.TRANSACTIVE_OASIS_DIR;
    process.env.TRANSACTIVE_OASIS_DIR = "/nonexistent/oasis";
    try {
      const r = await run(["validate", "--xsd", DISTRIBUTE_2B]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("XSD for profile openadr2b not found at /nonexistent/oasis/");
      expect(r.stderr).toContain("TRANSACTIVE_OASIS_DIR");
      // a consumer learns where the official XSDs come from
      expect(r.stderr).toContain("#use-it-from-your-project");
    } finally {
      if (saved === undefined) delete process.env.TRANSACTIVE_OASIS_DIR;
      else process.env.TRANSACTIVE_OASIS_DIR = saved;
    }
  });
});

describe.skipIf(SKIP_OASIS_XSDS)("validate --xsd without xmllint", () => {
  // a PATH without xmllint: validate falls back to xmllint-wasm, as the conformance suite does
  async function withoutXmllint(argv: string[], stdin?: string) {
    const saved = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      return await run(argv, stdin);
    } finally {
      process.env.PATH = saved;
    }
  }

  it("falls back to xmllint-wasm: a valid file is ok, XML and JSON", async () => {
    const json = example("openadr2b-distribute-event.json");
    const r = await withoutXmllint(["validate", "--xsd", DISTRIBUTE_2B, json]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(
      `${DISTRIBUTE_2B}: ok (openadr2b, oadr:oadrPayload, xsd)\n${json}: ok (openadr2b, oadr:oadrPayload, xsd)\n`,
    );
    expect(r.code).toBe(0);
  });

  it("falls back to xmllint-wasm: an XSD-invalid file fails with the line", async () => {
    const file = tempFile(
      distribute2b.replace(
        "<ei:eventStatus>far</ei:eventStatus>",
        "<ei:eventStatus>soonish</ei:eventStatus>",
      ),
    );
    // a valid file after it: xmllint-wasm's verdict lines must not be taken for broken schemas
    const r = await withoutXmllint(["validate", "--xsd", file, DISTRIBUTE_2B]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(new RegExp(`^${file}: xsd line 29: .*eventStatus.*soonish`, "m"));
    expect(r.stdout).toContain(`${DISTRIBUTE_2B}: ok (openadr2b, oadr:oadrPayload, xsd)`);
  });

  it("--xsd-engine xmllint-wasm chooses it; a bad engine or one without --xsd is a usage error", async () => {
    const ok = await run(["validate", "--xsd", "--xsd-engine", "xmllint-wasm", DISTRIBUTE_2B]);
    expect(ok).toMatchObject({
      code: 0,
      stdout: `${DISTRIBUTE_2B}: ok (openadr2b, oadr:oadrPayload, xsd)\n`,
    });
    const bad = await run(["validate", "--xsd", "--xsd-engine", "saxon", DISTRIBUTE_2B]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--xsd-engine must be xmllint or xmllint-wasm, got "saxon"');
    const alone = await run(["validate", "--xsd-engine", "xmllint-wasm", DISTRIBUTE_2B]);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain("--xsd-engine goes with --xsd");
  });
});
