/**
 * Writes one valid case per global element of each wire profile (conformance/<standard>/elements/):
 * a document generated from the schema descriptors with a fixed seed, its XML as our encoder
 * writes it and its JSON form. Only documents that the profile's official XSD accepts (xmllint) are
 * kept, so every case is an instance the standard's own schema vouches for. Run:
 *   npx tsx --conditions=@transactive/source conformance/scripts/element-cases.ts
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeXml, encodeXml, toJson } from "@transactive/codec";
import { arbitraryDocument, generatableElements } from "@transactive/codec/testing";
import { registry } from "@transactive/ei";
import { FILES } from "@transactive/schema-import";
import fc from "fast-check";
import { arbitraryOptions } from "../../packages/codec/tests/property-fixtures.js";
import { repoRoot } from "../src/oasis.js";
import { xmllintValidate, xsdFor } from "../src/xsd.js";

/** canonical prefix -> the standard whose schema file defines it (XML Signature, Atom, ESPI, GML: none) */
const STANDARD_OF: Record<string, "ws-calendar" | "emix" | "ei"> = Object.fromEntries(
  Object.entries(FILES).flatMap(([prefix, file]) => {
    const standard = { "ws-calendar": "ws-calendar", emix: "emix", ei: "ei", openadr: "ei" }[file];
    return standard ? [[prefix, standard]] : [];
  }),
) as Record<string, "ws-calendar" | "emix" | "ei">;

const CLAUSE: Record<string, string> = {
  xcal: "WS-Calendar 1.0 (CS01) / xCal (RFC 6321) component and property schema",
  strm: "Energy Interoperation 1.0 (CS01) streams (EiStreams)",
  xcalmin: "WS-Calendar Minimal PIM-Conformant Schema 1.0 (CS01)",
  streams: "Schedule Signals and Streams 1.0 (CS01)",
  emix: "EMIX 1.0 (CS02) base, product and terms schema",
  power: "EMIX 1.0 (CS02) Power schema: power, energy and related items",
  scale: "EMIX 1.0 (CS02) SI scale codes",
  clm5ISO42173A: "EMIX 1.0 (CS02) currency codes (UN/CEFACT ISO 4217 code list)",
  ei: "Energy Interoperation 1.0 (CS01) classes (EiClasses)",
  pyld: "Energy Interoperation 1.0 (CS01) service payloads (EiPayloads)",
  oadr: "OpenADR 2.0 Profile Specification: oadr payloads",
  oadrdsig: "OpenADR 2.0b Profile Specification: XML Signature properties (ReplayProtect)",
};

const PROFILES = ["openadr2b", "openadr2a", "cts", "xcal", "xcal-strict"] as const;
const root = join(repoRoot(), "conformance");
const work = mkdtempSync(join(tmpdir(), "element-cases-"));
let written = 0;
let rejected = 0;

/** a small, stable seed per profile and element */
const seedOf = (s: string): number => [...s].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 7);

for (const profile of PROFILES) {
  const title = registry.profiles.get(profile)?.title ?? profile;
  const candidates: { element: string; xml: string; json: string; file: string }[] = [];
  for (const element of generatableElements(registry, profile)) {
    const prefix = element.slice(0, element.indexOf(":"));
    if (!(prefix in STANDARD_OF)) continue; // XML Signature, Atom, ESPI, GML: not ours to test
    const options = {
      ...arbitraryOptions(profile, { foreignAttributes: false }),
      maxDepth: 3,
      maxItems: 2,
    };
    const [doc] = fc.sample(arbitraryDocument(registry, profile, element, options), {
      numRuns: 1,
      seed: seedOf(`${profile} ${element}`),
    });
    if (!doc) continue;
    const xml = encodeXml(registry, doc);
    // what a codec must produce from the XML: our decoder's reading of it, in the same profile
    const json = `${toJson(decodeXml(registry, xml, { profile }), { space: 2 })}\n`;
    const file = join(work, `${profile}-${candidates.length}.xml`);
    writeFileSync(file, xml);
    candidates.push({ element, xml, json, file });
  }
  const verdicts = await xmllintValidate(
    await xsdFor(profile),
    candidates.map((c) => c.file),
  );
  for (const c of candidates) {
    if (!verdicts.get(c.file)?.valid) {
      rejected++;
      continue;
    }
    const [prefix, local] = c.element.split(":") as [string, string];
    const standard = STANDARD_OF[prefix] as string;
    const dir = join(root, standard, "elements", profile);
    mkdirSync(dir, { recursive: true });
    const name = `${prefix}-${local}`;
    writeFileSync(join(dir, `${name}.xml`), `${c.xml}\n`);
    writeFileSync(join(dir, `${name}.json`), c.json);
    const kase = {
      id: `${standard}.element.${profile}.${prefix}.${local}`.replace(/[^A-Za-z0-9._-]/g, "-"),
      standard,
      clause: `${CLAUSE[prefix]}: element ${c.element}, as profiled by ${title}`,
      level: "required",
      kind: "valid",
      profile,
      description: `a generated instance of ${c.element} that the ${title} XSD accepts`,
      xml: `${name}.xml`,
      json: `${name}.json`,
    };
    writeFileSync(join(dir, `${name}.case.json`), `${JSON.stringify(kase, null, 2)}\n`);
    written++;
  }
}
rmSync(work, { recursive: true, force: true });
process.stdout.write(
  `${written} element cases written, ${rejected} generated documents refused by the XSD\n`,
);
