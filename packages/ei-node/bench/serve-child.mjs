// The server process of bench/first-request.ts: the reference VTN on a free port, from the built
// dist. `cold` hides prepare() from startEiServer, so the first request pays for it.
import { createReferenceDispatcher } from "@transactive/ei/reference";
import { startEiServer } from "@transactive/ei-node";

const reference = createReferenceDispatcher({ profile: "openadr2b" });
const { prepare: _prepare, ...unprepared } = reference;
const server = await startEiServer({
  dispatcher: process.argv.includes("cold") ? unprepared : reference,
});
console.log(server.url);
process.on("SIGTERM", () => {
  server.close().then(() => process.exit(0));
});
