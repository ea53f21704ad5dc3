// `node --import ../../scripts/bench/register.mjs` (from a package folder): TypeScript sources compiled as by tsc (see hooks.mjs).
import { register } from "node:module";

register("./hooks.mjs", import.meta.url);
