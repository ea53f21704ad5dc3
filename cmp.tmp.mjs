import { decodeXml, typeCheck } from "@transactive/codec";
import { typeValidator } from "@transactive/codec/json-schema";
import { registry } from "@transactive/ei";
import { readFileSync } from "node:fs";
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const type = registry.profiles.get("openadr2b").elements.get("oadr:oadrPayload").type;
const fn = typeValidator(registry, type);
const mine = typeCheck(registry, type);
const doc = decodeXml(registry, readFileSync(process.argv[2] ?? "examples/openadr2b-distribute-event.xml"));
let t = 0;
for (let r = 0; r < 4; r++) {
  t = cpu(); for (let i = 0; i < 20000; i++) fn(doc.value); const a = cpu() - t;
  t = cpu(); for (let i = 0; i < 20000; i++) mine(doc.value); const b = cpu() - t;
  console.log(`per validate: ajv ${(a / 20).toFixed(1)}us, checker ${(b / 20).toFixed(1)}us`);
}
