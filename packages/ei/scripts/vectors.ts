/**
 * Writes the EI conformance vectors (conformance/ei/<profile>/): for each scenario step, the
 * request (XML and JSON), the reference service's response (XML and JSON) and the case file. The
 * steps replay in order against one reference dispatcher (fixed clock, counter IDs), which is how
 * src/vectors.test.ts checks them; the files are data, reviewed when they change.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decodeXml, encodeXml, fromJson, toJson } from "@transactive/codec";
import { oasisDir } from "@transactive/conformance";
import { OPERATIONS, registry } from "../src/index.js";
import { SCENARIOS, setupDispatcher } from "../src/vectors.js";

const OUT = join(import.meta.dirname, "../../../conformance/ei");

for (const scenario of SCENARIOS) {
  const dir = join(OUT, scenario.profile);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const d = setupDispatcher(scenario.profile);
  for (const [i, step] of scenario.steps.entries()) {
    const stem = `${String(i + 1).padStart(2, "0")}-${step.operation}`;
    const doc = fromJson(registry, step.request);
    const xml = encodeXml(registry, doc);
    writeFileSync(join(dir, `${stem}.request.xml`), `${xml}\n`);
    writeFileSync(
      join(dir, `${stem}.request.json`),
      `${toJson(decodeXml(registry, xml), { space: 2 })}\n`,
    );
    const res = await d.dispatch({ body: xml });
    if (res.status !== 200) throw new Error(`${stem}: status ${res.status}: ${res.body}`);
    const answer = decodeXml(registry, res.body);
    writeFileSync(join(dir, `${stem}.response.xml`), `${res.body}\n`);
    writeFileSync(join(dir, `${stem}.response.json`), `${toJson(answer, { space: 2 })}\n`);
    const kase = {
      id: `ei.${scenario.profile}.${stem}`,
      standard: "ei",
      clause: step.clause,
      level: "required",
      kind: "valid",
      profile: scenario.profile,
      description: step.description,
      xml: `${stem}.request.xml`,
      json: `${stem}.request.json`,
      expect: { response: `${stem}.response.json` },
    };
    writeFileSync(join(dir, `${stem}.case.json`), `${JSON.stringify(kase, null, 2)}\n`);
  }
}
// the schema-valid OpenADR samples of the OASIS folder, referenced by path (never copied)
const oasisOut = join(OUT, "oasis");
rmSync(oasisOut, { recursive: true, force: true });
mkdirSync(oasisOut, { recursive: true });
const tsv = readFileSync(join(oasisDir(), "validation.tsv"), "utf8").trim().split("\n").slice(1);
let samples = 0;
for (const line of tsv) {
  const [sample, schema, verdict] = line.split("\t") as [string, string, string];
  if (verdict !== "valid" || !sample.startsWith("avob-OpenADR/")) continue;
  const profile = schema.includes("20a") ? "openadr2a" : "openadr2b";
  const doc = decodeXml(registry, readFileSync(join(oasisDir(), sample)));
  const signed =
    doc.element === "oadr:oadrPayload"
      ? Object.keys((doc.value as { oadrSignedObject: object }).oadrSignedObject).filter(
          (k) => !k.startsWith("@"),
        )
      : [];
  const element = signed.length ? `oadr:${signed[0]}` : doc.element;
  const op = OPERATIONS.find(
    (o) => o.request === element || o.response === element || o.alsoResponds?.includes(element),
  );
  if (!op) throw new Error(`${sample}: ${element} is in no catalog operation`);
  const name = sample
    .split("/")
    .slice(-2)
    .join("-")
    .replace(/\.xml$/, "");
  const id = `ei.oasis.${profile}.${name}`.toLowerCase().replace(/[^a-z0-9.-]/g, "-");
  const kase = {
    id,
    standard: "ei",
    clause: `${profile === "openadr2a" ? "OpenADR 2.0a" : "OpenADR 2.0b"} Profile Specification, ${op.service}: ${element.slice(5)}`,
    level: "required",
    kind: "valid",
    profile,
    description: `OASIS sample ${element} (${op.request === element ? "request" : "response"} of ${op.service}.${op.operation})`,
    oasis: sample,
  };
  writeFileSync(
    join(oasisOut, `${id.slice("ei.oasis.".length)}.case.json`),
    `${JSON.stringify(kase, null, 2)}\n`,
  );
  samples++;
}
process.stdout.write(`referenced ${samples} OASIS samples\n`);
process.stdout.write(
  `wrote ${SCENARIOS.reduce((n, s) => n + s.steps.length, 0)} cases under ${OUT}\n`,
);
