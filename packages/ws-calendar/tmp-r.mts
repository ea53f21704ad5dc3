import { decodeXml } from "@transactive/codec";
import { registry } from "@transactive/ws-calendar";
import { resolveDocument, resolvedToJson } from "./src/index.js";
import { readFileSync } from "node:fs";
const d = decodeXml(registry, readFileSync(process.argv[2]!));
try { console.log(JSON.stringify(resolvedToJson(resolveDocument(d)), null, 2)); } catch (e) { console.log("ERR", JSON.stringify((e as any).issues ?? String(e))); }
