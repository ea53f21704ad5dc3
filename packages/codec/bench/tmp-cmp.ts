import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as A from "@transactive/codec";
import { registry } from "@transactive/ei";
import { generatedSet, loadCorpus, oasisDir } from "./documents.js";
import { measureAll, ratio } from "./measure.js";
import * as B from "./tmp-src/index.js";

const dir = oasisDir();
const outcome = (f: () => unknown) => {
  try {
    return JSON.stringify(f());
  } catch (e) {
    return `ERR ${e instanceof Error ? e.message : e}`;
  }
};
let same = 0,
  diff = 0;
const texts: string[] = [];
for (const line of readFileSync(join(dir, "validation.tsv"), "utf8").trim().split("\n").slice(1)) {
  const bytes = readFileSync(join(dir, line.split("\t")[0]!));
  texts.push(bytes.toString("latin1"));
  for (const input of [bytes]) {
    const a = outcome(() => {
      const d = A.decodeXml(registry, input);
      return [d, A.validate(registry, d), A.encodeXml(registry, d)];
    });
    const b = outcome(() => {
      const d = B.decodeXml(registry, input);
      return [d, B.validate(registry, d), B.encodeXml(registry, d)];
    });
    if (a === b) same++;
    else {
      diff++;
      console.log("DIFF", line.split("\t")[0], "\n A", a.slice(0, 300), "\n B", b.slice(0, 300));
    }
  }
}
// broken inputs: drop / swap / duplicate child elements of valid docs
const corpus = loadCorpus(registry);
if (typeof corpus !== "string")
  for (const d of corpus.docs) {
    const t = d.text;
    const muts = [
      t.replace(/<ei:eventID>[^<]*<\/ei:eventID>/, ""),
      t.replace(/(<pyld:requestID>[^<]*<\/pyld:requestID>)/, "$1$1"),
      t.replace(/<ei:responseCode>/, "<ei:bogus/><ei:responseCode>"),
      t.replace(/<ei:vtnID>[^<]*<\/ei:vtnID>/, ""),
    ];
    for (const m of muts) {
      if (m === t) continue;
      const a = outcome(() => A.decodeXml(registry, m)),
        b = outcome(() => B.decodeXml(registry, m));
      if (a === b) same++;
      else {
        diff++;
        console.log("DIFF mut", d.name, "\n A", a.slice(0, 300), "\n B", b.slice(0, 300));
      }
    }
  }
// model-side errors for encode/validate
for (const s of [generatedSet(registry, 1, 3)]) {
  const doc = structuredClone(s.docs[0]!.doc) as any;
  const de = doc.value.oadrSignedObject.oadrDistributeEvent;
  const variants = [
    { ...de, bogus: 1 },
    { ...de, vtnID: undefined },
    { ...de, $text: "x" },
    { ...de, "@ei:schemaVersion": undefined },
  ];
  for (const v of variants) {
    const dd = { ...doc, value: { oadrSignedObject: { oadrDistributeEvent: v } } };
    const a = outcome(() => [A.validate(registry, dd), A.encodeXml(registry, dd)]),
      b = outcome(() => [B.validate(registry, dd), B.encodeXml(registry, dd)]);
    if (a === b) same++;
    else {
      diff++;
      console.log("DIFF model", "\n A", a.slice(0, 300), "\n B", b.slice(0, 300));
    }
  }
}
console.log({ same, diff });
for (const set of [corpus, generatedSet(registry, 1, 288), generatedSet(registry, 10, 288)]) {
  if (typeof set === "string") continue;
  const each = (f: (d: (typeof set.docs)[number]) => unknown) => () => {
    let x: unknown;
    for (const d of set.docs) x = f(d);
    return x;
  };
  const cases: [string, () => unknown][] = [
    ["decode A", each((d) => A.decodeXml(registry, d.text))],
    ["decode B", each((d) => B.decodeXml(registry, d.text))],
    ["decode+validate A", each((d) => A.validate(registry, A.decodeXml(registry, d.text)))],
    ["decode+validate B", each((d) => B.validate(registry, B.decodeXml(registry, d.text)))],
    ["encode A", each((d) => A.encodeXml(registry, d.doc))],
    ["encode B", each((d) => B.encodeXml(registry, d.doc))],
  ];
  const ms = measureAll(
    cases.map((c) => c[1]),
    1500,
    300,
  );
  console.log(set.id);
  for (let k = 0; k < cases.length; k += 2)
    console.log(
      `  ${cases[k]![0].padEnd(20)} ${ms[k]!.msPerOp.toFixed(2)} -> ${ms[k + 1]!.msPerOp.toFixed(2)} ms  speedup ${ratio(ms[k + 1]!, ms[k]!).toFixed(2)}x`,
    );
}
