import { decodeXml, encodeTree, getProfile, readXml, validate, writeXml, DEFAULT_XML_LIMITS } from "@transactive/codec";
import { registry } from "@transactive/ei";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { checkWellFormed } from "../src/xml/well-formed.js";
import { generatedSet, loadCorpus, BASELINE_PARSER_OPTIONS } from "./documents.js";
import { measureAll, ratio } from "./measure.js";
for (const set of [loadCorpus(registry), generatedSet(registry, 10, 288)]) {
  if (typeof set === "string") continue;
  const docs = set.docs;
  const p = new XMLParser(BASELINE_PARSER_OPTIONS);
  const each = (f: (d: (typeof docs)[number]) => unknown) => () => { let x: unknown; for (const d of docs) x = f(d); return x; };
  const profile = getProfile(registry, "openadr2b");
  const cases: [string, () => unknown][] = [
    ["parse", each((d) => p.parse(d.text))],
    ["checkWellFormed", each((d) => checkWellFormed(d.text, DEFAULT_XML_LIMITS))],
    ["XMLValidator", each((d) => XMLValidator.validate(d.text))],
    ["readXml", each((d) => readXml(d.text))],
    ["decodeXml", each((d) => decodeXml(registry, d.text))],
    ["validate only", each((d) => validate(registry, d.doc))],
    ["validate profile:false", each((d) => validate(registry, d.doc, { profile: false }))],
    ["encodeTree", each((d) => encodeTree(registry, getProfile(registry, d.doc.profile), d.doc.element, d.doc.value))],
    ["writeXml(tree)", (() => { const trees = docs.map((d) => encodeTree(registry, getProfile(registry, d.doc.profile), d.doc.element, d.doc.value)); return () => { let x; for (const t of trees) x = writeXml(t); return x; }; })()],
  ];
  void profile;
  const ms = measureAll(cases.map((c) => c[1]), 800, 200);
  console.log(set.id);
  cases.forEach((c, k) => console.log(`  ${c[0].padEnd(24)} ${ms[k]!.msPerOp.toFixed(3).padStart(9)} ms  ${ratio(ms[k]!, ms[0]!).toFixed(2)}x of parse time-ratio=${(1/ratio(ms[k]!, ms[0]!)).toFixed(2)}`));
}
