/**
 * First versus tenth request to a fresh server: `npx tsx --conditions=@transactive/source
 * bench/first-request.ts [cold]`. Starts the reference VTN on an ephemeral port, then times ten
 * sequential oadrQueryRegistration requests. By default the server prepares the dispatcher before
 * listening (what startEiServer does); `cold` hides `prepare` so the first request pays for it.
 * Run each variant in its own process: the codec's plans and validators live for the process.
 */
import { createReferenceDispatcher } from "@transactive/ei/reference";
import { startEiServer } from "../src/index.js";

const cold = process.argv.includes("cold");
const t0 = performance.now();
const reference = createReferenceDispatcher({ profile: "openadr2b" });
const { prepare: _prepare, ...unprepared } = reference;
const server = await startEiServer({ dispatcher: cold ? unprepared : reference });
const startMs = performance.now() - t0;
const body = `<oadr:oadrPayload xmlns:oadr="http://openadr.org/oadr-2.0b/2012/07" xmlns:pyld="http://docs.oasis-open.org/ns/energyinterop/201110/payloads"><oadr:oadrSignedObject><oadr:oadrQueryRegistration ei:schemaVersion="2.0b" xmlns:ei="http://docs.oasis-open.org/ns/energyinterop/201110"><pyld:requestID>q-1</pyld:requestID></oadr:oadrQueryRegistration></oadr:oadrSignedObject></oadr:oadrPayload>`;
// the client's own first use (fetch, undici, the connection) is not the server's: a 404 first
await (await fetch(`${server.url}/nowhere`, { method: "POST" })).text();
const times: number[] = [];
for (let i = 0; i < 10; i++) {
  const t = performance.now();
  const res = await fetch(`${server.url}/OpenADR2/Simple/2.0b/EiRegisterParty`, {
    method: "POST",
    headers: { "content-type": "application/xml" },
    body,
  });
  await res.text();
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  times.push(performance.now() - t);
}
await server.close();
const ms = (n: number | undefined) => `${(n ?? 0).toFixed(1)} ms`;
console.log(
  `${cold ? "cold (no prepare)" : "prepared"}: start ${ms(startMs)}, first ${ms(times[0])}, second ${ms(times[1])}, tenth ${ms(times[9])}`,
);
