/**
 * Module hooks that run the TypeScript sources as `tsc` would emit them. tsx is not used for
 * timing: it compiles with esbuild's keepNames, which wraps every function and closure in a
 * `__name(fn, "name")` call (an Object.defineProperty per closure created), a cost the shipped
 * dist/*.js does not have. Registered by register.mjs; see the "bench" script.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const OPTIONS = {
  // as tsconfig.base.json, but ESM output for a hook (the build uses module nodenext)
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  verbatimModuleSyntax: true,
  inlineSourceMap: true,
};

/** Source files import siblings as `./x.js`; fall back to `./x.ts`. */
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (e) {
    const relative = specifier.startsWith(".") || specifier.startsWith("file:");
    if (e?.code !== "ERR_MODULE_NOT_FOUND" || !relative || !specifier.endsWith(".js")) throw e;
    return next(`${specifier.slice(0, -3)}.ts`, context);
  }
}

export async function load(url, context, next) {
  if (!url.endsWith(".ts")) return next(url, context);
  const fileName = fileURLToPath(url);
  const source = await readFile(fileName, "utf8");
  const { outputText } = ts.transpileModule(source, { fileName, compilerOptions: OPTIONS });
  return { format: "module", source: outputText, shortCircuit: true };
}
