/** Test helper: a registry over every committed schema, read from schemas/ (tests only). */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { SchemaDocument } from "../src/descriptors.js";
import { PROFILES } from "../src/gen/profiles.js";
import { createRegistry } from "../src/registry.js";

const dir = resolve(import.meta.dirname, "../../../schemas");
export const schemaDocs: SchemaDocument[] = readdirSync(dir)
  .filter((f) => f.endsWith(".schema.json"))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as SchemaDocument);
export const registry = createRegistry(schemaDocs, PROFILES);
