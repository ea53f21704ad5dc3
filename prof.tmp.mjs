import { decodeXml, typeCheck } from "@transactive/codec";
import { registry } from "@transactive/ei";
import { readFileSync } from "node:fs";
const type = registry.profiles.get("openadr2b").elements.get("oadr:oadrPayload").type;
const mine = typeCheck(registry, type);
const doc = decodeXml(registry, readFileSync("examples/openadr2b-distribute-event.xml"));
for (let i = 0; i < 300000; i++) mine(doc.value);
