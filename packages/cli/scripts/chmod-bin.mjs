// tsc writes dist/bin.js without the execute bit, and npm set it only at install time, when
// dist/ did not exist yet: without this a fresh clone's `npx transactive` is "Permission denied".
import { chmodSync, statSync } from "node:fs";

const bin = new URL("../dist/bin.js", import.meta.url);
chmodSync(bin, statSync(bin).mode | 0o111);
