/**
 * Regenerates the support tables of packages/ei/README.md from the operation catalog
 * (src/catalog.ts), between the CATALOG:START / CATALOG:END markers, then formats the README
 * with Biome as the repository does.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { OPERATIONS, type ReferenceRole, ROLES, receives, SERVICES } from "../src/catalog.js";

const README = join(import.meta.dirname, "..", "README.md");
const START = "<!-- CATALOG:START -->";
const END = "<!-- CATALOG:END -->";

export function catalogTables(): string {
  const lines: string[] = [];
  lines.push(
    "_Generated from `src/catalog.ts` by `npm run docs -w @transactive/ei`; do not edit between the markers._",
    "",
  );
  lines.push("| service | purpose | profiles |", "| --- | --- | --- |");
  for (const s of SERVICES)
    lines.push(
      `| ${s.name} | ${s.purpose} | ${s.profiles.length ? s.profiles.join(", ") : "**not supported** (no profile carries it)"} |`,
    );
  lines.push(
    "",
    "| service | operation | request | response | sender → receiver | profiles | received by | typed client method |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
  );
  // which reference party receives an operation follows from its receiver column and the roles
  const receivedBy = (o: (typeof OPERATIONS)[number]) =>
    (Object.keys(ROLES) as ReferenceRole[])
      .filter((r) => receives(o, r) && o.profiles.includes(ROLES[r].profile))
      .map((r) => `reference ${r.toUpperCase()}`);
  for (const o of OPERATIONS) {
    const response = [o.response ?? "(none)", ...(o.alsoResponds ?? [])]
      .map((e) => (e.startsWith("(") ? e : `\`${e}\``))
      .join(" or ");
    const note = o.note ? ` — ${o.note}` : "";
    lines.push(
      `| ${o.service} | ${o.operation} | \`${o.request}\` | ${response} | ${o.sender} → ${o.receiver} | ${o.profiles.join(", ") || "—"} | ${o.support === "unsupported" ? "**not supported**" : receivedBy(o).join(", ")}${note} | ${o.support === "reference" ? `\`${o.service}.${o.operation}\`` : "—"} |`,
    );
  }
  return lines.join("\n");
}

const text = readFileSync(README, "utf8");
const a = text.indexOf(START);
const b = text.indexOf(END);
if (a < 0 || b < a) throw new Error(`${README}: markers ${START} / ${END} not found`);
const next = `${text.slice(0, a + START.length)}\n\n${catalogTables()}\n\n${text.slice(b)}`;
writeFileSync(README, next);
// the repository formats Markdown with Biome (aligned tables); keep the README as it would
execFileSync("npx", ["biome", "format", "--write", README], { stdio: "ignore" });
