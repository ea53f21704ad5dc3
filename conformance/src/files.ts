/**
 * `--files DIR`: an implementer's own payloads, each checked as a valid case would be without a
 * testee: the profile is detected from the document element (XML) or "$profile"/the root key
 * (JSON), our codec decodes and validates it, and its XML (for JSON files: our encoding of it) is
 * validated against the profile's official XSD.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import {
  type CodecDocument,
  CodecError,
  decodeXml,
  encodeXml,
  fromJson,
  profilesFor,
  type Registry,
  readXml,
  validate,
} from "@transactive/codec";
import type { Case, Standard } from "./cases.js";
import type { CaseResult, Check } from "./run.js";
import type { XsdOracle } from "./xsd-oracle.js";

/** Every .xml and .json file under `dir`, sorted. */
export function payloadFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(xml|json)$/i.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

const STANDARD_OF_PREFIX: Readonly<Record<string, Standard>> = {
  xcal: "ws-calendar",
  xcalmin: "ws-calendar",
  strm: "ws-calendar",
  streams: "ws-calendar",
  emix: "emix",
  power: "emix",
};

const issueText = (issues: readonly { path: string; message: string }[]) =>
  issues
    .slice(0, 5)
    .map((i) => `${i.path}: ${i.message}`)
    .join("; ");

export async function checkFiles(
  dir: string,
  registry: Registry,
  xsd: XsdOracle | false,
): Promise<CaseResult[]> {
  const results: { case: Case; checks: Check[]; xml?: string }[] = [];
  for (const file of payloadFiles(dir)) {
    const shown = relative(dir, file);
    const bytes = readFileSync(file);
    const isJson = file.toLowerCase().endsWith(".json");
    const checks: Check[] = [];
    let doc: CodecDocument | undefined;
    let profile: string | undefined;
    try {
      if (isJson) doc = fromJson(registry, new TextDecoder().decode(bytes));
      else {
        profile = profilesFor(registry, readXml(bytes))[0]?.profile.name;
        doc = decodeXml(registry, bytes);
      }
      const issues = validate(registry, doc);
      checks.push(
        issues.length === 0
          ? { rule: "accept", ok: true, message: `${doc.profile}, ${doc.element}: valid` }
          : { rule: "accept", ok: false, message: issueText(issues) },
      );
    } catch (e) {
      if (!(e instanceof CodecError)) throw e;
      checks.push({ rule: "accept", ok: false, message: issueText(e.issues) });
    }
    profile = doc?.profile ?? profile;
    const prefix = doc?.element.split(":")[0] ?? "";
    const entry: { case: Case; checks: Check[]; xml?: string } = {
      case: {
        id: `file.${shown}`,
        standard: STANDARD_OF_PREFIX[prefix] ?? "ei",
        clause: profile ? `payload (${profile})` : "payload (profile not detected)",
        level: "required",
        kind: "valid",
        profile: (profile ?? "openadr2b") as Case["profile"],
        xml: shown,
        source: shown,
        xmlPath: file,
        expectPaths: {},
      },
      checks,
    };
    if (profile !== undefined) {
      if (!isJson) entry.xml = new TextDecoder().decode(bytes);
      else if (doc) entry.xml = encodeXml(registry, doc);
    }
    results.push(entry);
  }
  if (xsd !== false) {
    const byProfile = new Map<string, Map<string, string>>();
    results.forEach((r, i) => {
      if (r.xml === undefined) return;
      const m = byProfile.get(r.case.profile) ?? new Map<string, string>();
      m.set(String(i), r.xml);
      byProfile.set(r.case.profile, m);
    });
    for (const [profile, docs] of byProfile) {
      const verdicts = await xsd.validate(profile, docs);
      for (const key of docs.keys()) {
        const v = verdicts.get(key);
        (results[Number(key)] as (typeof results)[number]).checks.push(
          v?.valid
            ? { rule: "xsd", ok: true, message: `valid against the ${profile} XSD (${xsd.engine})` }
            : {
                rule: "xsd",
                ok: false,
                message: `not valid against the ${profile} XSD: ${(v?.errors ?? [])
                  .slice(0, 3)
                  .map((e) => `${e.line === undefined ? "" : `line ${e.line}: `}${e.message}`)
                  .join("; ")}`,
              },
        );
      }
    }
  }
  return results.map((r) => ({
    case: r.case,
    checks: r.checks,
    passed: r.checks.every((c) => c.ok),
  }));
}
