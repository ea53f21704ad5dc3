// `node --import ./bench/register.mjs`: TypeScript sources compiled as by tsc (see hooks.mjs).
import { register } from "node:module";

register("./hooks.mjs", import.meta.url);
