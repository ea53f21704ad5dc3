/**
 * Bootstraps schemas/*.schema.json from the profile XSD sets (OpenADR 2.0b/2.0a, CTS 0.4, xCal with the
 * WS-Calendar extensions). The committed JSON Schemas are the source of truth; re-run this only to
 * re-import, and review the diff: `npm run import -w @transactive/schema-import`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { PROFILES } from "./config.js";
import { convertProfile, type ProfileDescriptors } from "./convert.js";
import { emitSchemas } from "./emit.js";
import { loadXsdSet } from "./xsd-load.js";

const repo = resolve(import.meta.dirname, "../../..");
const oasis = process.env.TRANSACTIVE_OASIS_DIR ?? resolve(repo, "../shared/oasis");
const out = join(repo, "schemas");

const descriptors = new Map<string, ProfileDescriptors>();
const namespaces = new Map<string, Map<string, string>>();
for (const p of PROFILES) {
  const set = loadXsdSet(
    p.roots.map((r) => join(oasis, r)),
    p.errata,
  );
  const map = new Map(Object.entries(p.namespaces));
  for (const ns of set.namespaces)
    if (!map.has(ns) && ns !== "")
      throw new Error(`${p.name}: namespace ${ns} has no canonical prefix`);
  descriptors.set(p.name, convertProfile(set, map));
  namespaces.set(p.name, map);
}
mkdirSync(out, { recursive: true });
for (const [file, doc] of emitSchemas(descriptors, namespaces)) {
  writeFileSync(join(out, `${file}.schema.json`), `${JSON.stringify(doc, null, 2)}\n`);
}
const profiles = Object.fromEntries(
  PROFILES.map((p) => [
    p.name,
    {
      title: p.title,
      ...(p.errata ? { errata: p.errata } : {}),
      namespaces: Object.fromEntries(
        Object.entries(p.namespaces).map(([uri, prefix]) => [prefix, uri]),
      ),
    },
  ]),
);
writeFileSync(
  join(out, "profiles.json"),
  `${JSON.stringify({ $comment: "Wire profiles: canonical prefix -> namespace URI per profile. Written by @transactive/schema-import.", profiles }, null, 2)}\n`,
);
for (const [name, d] of descriptors)
  process.stdout.write(`${name}: ${d.elements.size} global elements, ${d.types.size} types\n`);
