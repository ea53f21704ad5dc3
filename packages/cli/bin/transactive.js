#!/usr/bin/env node
// The installed `transactive` command. It is committed with its execute bit, so npm links it at
// install time even in a fresh clone, where dist/ is built only afterwards.
import { existsSync } from "node:fs";

const entry = new URL("../dist/bin.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("transactive: not built yet: run `npm run build` first\n");
  process.exit(2);
}
await import(entry.href);
