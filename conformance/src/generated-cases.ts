/**
 * Cases generated at load time from data that already exists, so nothing is copied: every sample
 * of the OASIS manifest (validation.tsv: sample, schema, verdict, first error) and every message of
 * the repository's examples/ folder (with its .json twin when there is one).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { profilesFor, type Registry, readXml } from "@transactive/codec";
import type { Case, Standard } from "./cases.js";

/** "a/B_c.xml" -> "a.b-c" : lower-case, path separators as dots, other runs of symbols as "-". */
export function slug(path: string): string {
  return path
    .replace(/\.xml$/i, "")
    .split(/[/\\]+/)
    .map((part) =>
      part
        .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-+|-+$/g, ""),
    )
    .filter(Boolean)
    .join(".");
}

const PROFILE_OF_SCHEMA: readonly [RegExp, Case["profile"]][] = [
  [/oadr_20b\.xsd$/, "openadr2b"],
  [/oadr_20a\.xsd$/, "openadr2a"],
];

const CLAUSE: Readonly<Record<Case["profile"], string>> = {
  openadr2b: "Energy Interoperation 1.0, OpenADR 2.0b profile: message schema (oadr_20b.xsd)",
  openadr2a: "Energy Interoperation 1.0, OpenADR 2.0a profile: message schema (oadr_20a.xsd)",
  cts: "Energy Interoperation 1.0 / EMIX 1.0, CTS 0.4 profile: payload schemas (cts-all.xsd)",
  xcal: "WS-Calendar 1.0 §3 (xCal components and the WS-Calendar extensions)",
  "xcal-strict":
    "WS-Calendar 1.0 §3 (xCal components and the WS-Calendar extensions, strict schema)",
};

/**
 * One case per row of <oasis>/validation.tsv: valid rows must be accepted and round-trip, invalid
 * rows must be rejected (the manifest's first XSD error is the reason). Problems go to `problems`.
 */
export function oasisCases(oasisRoot: string, problems: string[]): Case[] {
  const manifest = join(oasisRoot, "validation.tsv");
  if (!existsSync(manifest)) return [];
  const lines = readFileSync(manifest, "utf8").split(/\r?\n/);
  const header = (lines[0] ?? "").split("\t");
  const col = (name: string) => header.indexOf(name);
  const [iSample, iSchema, iResult, iError] = [
    col("sample"),
    col("schema"),
    col("result"),
    col("first_error"),
  ];
  if (iSample < 0 || iSchema < 0 || iResult < 0) {
    problems.push(
      `${manifest}:1: expected the columns sample, schema, result (got ${header.join(", ")})`,
    );
    return [];
  }
  const cases: Case[] = [];
  lines.forEach((line, i) => {
    if (i === 0 || line.trim() === "") return;
    const cells = line.split("\t");
    const [sample, schema, result] = [cells[iSample], cells[iSchema], cells[iResult]];
    const source = `validation.tsv:${i + 1}`;
    const profile = PROFILE_OF_SCHEMA.find(([re]) => re.test(schema ?? ""))?.[1];
    if (!sample || profile === undefined || (result !== "valid" && result !== "invalid")) {
      problems.push(
        `${source}: cannot make a case of ${JSON.stringify(line)} (unknown schema or verdict)`,
      );
      return;
    }
    const xmlPath = join(oasisRoot, sample);
    if (!existsSync(xmlPath)) {
      problems.push(`${source}: missing oasis ${xmlPath}`);
      return;
    }
    const base = {
      id: `oasis.${slug(sample)}`,
      standard: "ei" as const,
      clause: CLAUSE[profile],
      level: "required" as const,
      profile,
      oasis: sample,
      description: `OASIS sample ${sample} (${result} against ${basename(schema ?? "")})`,
      source,
      xmlPath,
      expectPaths: {},
    };
    cases.push(
      result === "valid"
        ? { ...base, kind: "valid" }
        : {
            ...base,
            kind: "invalid",
            reject: {
              reason: `not valid against ${basename(schema ?? "")}: ${(iError >= 0 && cells[iError]) || "see validation.tsv"}`,
              rule: "schema",
            },
          },
    );
  });
  return cases;
}

const STANDARD_OF_PREFIX: Readonly<Record<string, Standard>> = {
  xcal: "ws-calendar",
  xcalmin: "ws-calendar",
  strm: "ws-calendar",
  streams: "ws-calendar",
  emix: "emix",
  power: "emix",
};

/**
 * One valid case per examples/*.xml; the profile comes from the document element's namespace and
 * a sibling <name>.json is the JSON form the case expects.
 */
export function exampleCases(
  examplesDir: string,
  registry: Registry,
  problems: string[],
  displayRoot: string,
): Case[] {
  if (!existsSync(examplesDir)) return [];
  const cases: Case[] = [];
  for (const name of readdirSync(examplesDir)
    .filter((n) => n.endsWith(".xml"))
    .sort()) {
    const xmlPath = join(examplesDir, name);
    const source = relative(displayRoot, xmlPath);
    let found: ReturnType<typeof profilesFor>[number] | undefined;
    try {
      found = profilesFor(registry, readXml(readFileSync(xmlPath)))[0];
    } catch (e) {
      problems.push(`${source}: example is not well-formed XML: ${(e as Error).message}`);
      continue;
    }
    if (found === undefined) {
      problems.push(`${source}: example's document element belongs to no known profile`);
      continue;
    }
    const profile = found.profile.name as Case["profile"];
    const prefix = found.element.split(":")[0] ?? "";
    const jsonPath = join(examplesDir, name.replace(/\.xml$/, ".json"));
    cases.push({
      id: `example.${slug(name)}`,
      standard: STANDARD_OF_PREFIX[prefix] ?? "ei",
      clause: CLAUSE[profile],
      level: "required",
      kind: "valid",
      profile,
      xml: relative(displayRoot, xmlPath),
      description: `repository example ${name} (${found.element})`,
      source,
      xmlPath,
      ...(existsSync(jsonPath) ? { json: relative(displayRoot, jsonPath), jsonPath } : {}),
      expectPaths: {},
    });
  }
  return cases;
}
