/**
 * Runs one benchmark case in a loop, for a CPU profile of it:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx --conditions=@transactive/source \
 *     bench/profile.ts <corpus|event-1x288|event-10x288> <case id> [seconds]
 *
 * Case ids: parse read decode decode-validate build encode to-json from-json (see cases.ts).
 */
import { registry } from "@transactive/ei";
import { casesFor } from "./cases.js";
import { type DocumentSet, generatedSet, loadCorpus } from "./documents.js";

const [setId = "event-10x288", caseId = "decode-validate", seconds = "5"] = process.argv.slice(2);

function setFor(id: string): DocumentSet {
  if (id === "corpus") {
    const corpus = loadCorpus(registry);
    if (typeof corpus === "string") throw new Error(`OASIS corpus ${corpus}`);
    return corpus;
  }
  const m = /^event-(\d+)x(\d+)$/.exec(id);
  if (m === null) throw new Error(`unknown set ${id}: corpus or event-<events>x<intervals>`);
  return generatedSet(registry, Number(m[1]), Number(m[2]));
}

const c = casesFor(registry, setFor(setId)).find((x) => x.id === caseId);
if (c === undefined) throw new Error(`unknown case ${caseId}`);
const end = performance.now() + Number(seconds) * 1000;
let n = 0;
while (performance.now() < end) {
  c.run();
  n++;
}
console.log(
  `${setId} ${caseId}: ${n} operations, ${((Number(seconds) * 1000) / n).toFixed(3)} ms/op`,
);
