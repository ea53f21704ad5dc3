/**
 * The root entry never loads ajv: a child process decodes, validates and round-trips an OpenADR
 * message through @transactive/codec and @transactive/ei, then lists the loaded modules. ajv is
 * CommonJS, so every file of it that was loaded (by require or by import) is in require.cache.
 * The second case loads the `json-schema` subpath on purpose: it proves the probe sees ajv.
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const repo = resolve(import.meta.dirname, "../../..");

const probe = (oracle: boolean): string => `
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { decodeXml, encodeXml, fromJson, toJson, validate } from "@transactive/codec";
import { registry } from "@transactive/ei";
const xml = readFileSync("examples/openadr2b-distribute-event.xml", "utf8");
const doc = decodeXml(registry, xml, { validate: true });
const issues = [...validate(registry, doc), ...validate(registry, doc, { profile: true })];
const back = fromJson(registry, toJson(doc));
encodeXml(registry, back);
${
  oracle
    ? `const { typeValidator } = await import("@transactive/codec/json-schema");
typeValidator(registry, "oadr:oadrPayload");`
    : ""
}
const loaded = Object.keys(createRequire(process.cwd() + "/").cache);
console.log(JSON.stringify({ issues: issues.length, ajv: loaded.filter((p) => /[\\\\/]ajv[\\\\/]/.test(p)).length }));
`;

function run(oracle: boolean): { issues: number; ajv: number } {
  const r = spawnSync(
    process.execPath,
    [
      "--conditions=@transactive/source",
      "--import",
      "tsx",
      "--input-type=module",
      "-e",
      probe(oracle),
    ],
    { cwd: repo, encoding: "utf8" },
  );
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout.trim().split("\n").at(-1) as string);
}

describe("module graph", () => {
  it("decode + validate + JSON round trip load no ajv module", () => {
    expect(run(false)).toEqual({ issues: 0, ajv: 0 });
  }, 120_000);

  it("the json-schema subpath does load ajv (the probe sees it)", () => {
    const r = run(true);
    expect(r.issues).toBe(0);
    expect(r.ajv).toBeGreaterThan(0);
  }, 120_000);
});
