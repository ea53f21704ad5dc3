/** Test helpers: run main() with captured output, locate the examples, gate tests on xmllint. */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { hasXmllint, oasisDir, XSD_ROOTS } from "@transactive/conformance";
import { registry } from "@transactive/ei";
import { afterAll } from "vitest";
import { main } from "../src/index.js";

export const REPO = resolve(import.meta.dirname, "../../..");
export const EXAMPLES = join(REPO, "examples");
export const example = (name: string): string => join(EXAMPLES, name);
export const exampleFiles = (ext: "xml" | "json"): string[] =>
  readdirSync(EXAMPLES)
    .filter((f) => f.endsWith(`.${ext}`))
    .sort()
    .map(example);

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export async function run(argv: readonly string[], stdin = ""): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    registry,
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    stdin: async () => new TextEncoder().encode(stdin),
  });
  return { code, stdout, stderr };
}

const scratch = mkdtempSync(join(tmpdir(), "transactive-cli-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let n = 0;
/** Writes text to a fresh temp file and returns its path. */
export function tempFile(text: string, ext = "xml"): string {
  const path = join(scratch, `t${n++}.${ext}`);
  writeFileSync(path, text);
  return path;
}

/**
 * Whether xmllint and the OASIS XSDs are here. Tests that need them skip when not, except on CI
 * (CI=true), where they run and fail, so a broken CI image cannot pass silently.
 */
const xmllint = await hasXmllint();
const xsds = Object.values(XSD_ROOTS).every((p) => existsSync(join(oasisDir(), p)));
export const XSD_AVAILABLE = xmllint && xsds;
export const SKIP_XSD = !XSD_AVAILABLE && process.env.CI !== "true";
/** The OASIS XSDs alone (xmllint-wasm needs no install): same CI rule as SKIP_XSD. */
export const SKIP_OASIS_XSDS = !xsds && process.env.CI !== "true";
export function requireXsd(): void {
  if (!xmllint)
    throw new Error("xmllint is not installed, and CI=true requires the XSD tests to run");
  if (!xsds)
    throw new Error(
      `OASIS XSDs not found under ${oasisDir()}, and CI=true requires the XSD tests to run`,
    );
}
