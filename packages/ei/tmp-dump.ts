import { decodeXml } from "@transactive/codec";
import { registry } from "@transactive/ei";
import { readFileSync } from "node:fs";
for (const f of process.argv.slice(2)) {
  try { const d = decodeXml(registry, readFileSync(f)); console.log(f.split("/").pop(), d.profile, d.element, JSON.stringify(d.value)); }
  catch (e) { console.log(f, "ERR", (e as Error).message.slice(0,300)); }
}
