import { decodeXml, toJsonObject } from "@transactive/codec";
import { registry } from "@transactive/ws-calendar";
import { readFileSync } from "node:fs";
const d = decodeXml(registry, readFileSync(process.argv[2]!));
console.log(JSON.stringify(toJsonObject(d)));
