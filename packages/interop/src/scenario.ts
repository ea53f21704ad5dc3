/**
 * Loading scenarios: by name from conformance/interop/ or from a file, validated against
 * conformance/interop/scenario.schema.json. Every refusal is a ScenarioError naming the file and
 * the JSON pointer of the offending value.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import type { MessageTemplate, Scenario } from "./types.js";

/** A scenario that cannot be read or is not valid: `file` and `pointer` say where. */
export class ScenarioError extends Error {
  override readonly name = "ScenarioError";
  constructor(
    /** the scenario file (or the name asked for, when no file matched) */
    readonly file: string,
    /** JSON pointer of the offending value ("" for the whole document) */
    readonly pointer: string,
    /** what is wrong */
    readonly reason: string,
  ) {
    super(`${file}${pointer ? ` at ${pointer}` : ""}: ${reason}`);
  }
}

/**
 * Where the scenarios are: conformance/interop/ of the repository (from packages/interop/src or
 * dist), else the `interop` folder the installed @transactive/conformance package ships.
 */
export const SCENARIO_DIR = scenarioDir();

function scenarioDir(): string {
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../../conformance/interop");
  if (existsSync(repo)) return repo;
  try {
    const main = fileURLToPath(import.meta.resolve("@transactive/conformance"));
    return resolve(dirname(main), "../interop");
  } catch {
    return repo;
  }
}

let validator: ValidateFunction | undefined;
function validate(): ValidateFunction {
  if (!validator) {
    const schema = JSON.parse(readFileSync(resolve(SCENARIO_DIR, "scenario.schema.json"), "utf8"));
    validator = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
  }
  return validator;
}

/** The names of the scenarios in `dir` (default conformance/interop/), sorted. */
export function listScenarios(dir: string = SCENARIO_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json") && f !== "scenario.schema.json")
    .map((f) => f.slice(0, -".json".length))
    .sort();
}

/**
 * Loads a scenario: `nameOrFile` is a file path (it contains a "/" or ends in .json) or the name of
 * a scenario in `dir`. Throws ScenarioError.
 */
export function loadScenario(nameOrFile: string, dir: string = SCENARIO_DIR): Scenario {
  const isPath = nameOrFile.includes("/") || nameOrFile.endsWith(".json");
  const file = isPath ? resolve(nameOrFile) : resolve(dir, `${nameOrFile}.json`);
  if (!existsSync(file)) {
    const known = isPath ? "" : ` (known: ${listScenarios(dir).join(", ")})`;
    throw new ScenarioError(nameOrFile, "", `no such scenario${known}`);
  }
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new ScenarioError(file, "", `cannot be read: ${(e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ScenarioError(file, "", `is not JSON: ${(e as Error).message}`);
  }
  return parseScenario(data, file);
}

/** Validates parsed JSON as a scenario read from `file` (templates resolve next to it). */
export function parseScenario(data: unknown, file: string): Scenario {
  stepKinds(data, file);
  const v = validate();
  if (!v(data)) throw fromAjv(file, v.errors ?? []);
  const s = data as Scenario;
  const names = new Set<string>();
  s.steps.forEach((step, i) => {
    if (names.has(step.name))
      throw new ScenarioError(file, `/steps/${i}/name`, `step name "${step.name}" is used twice`);
    names.add(step.name);
    if (step.from !== undefined && !s.roles.includes(step.from))
      throw new ScenarioError(
        file,
        `/steps/${i}/from`,
        `"${step.from}" is not one of the scenario's roles (${s.roles.join(", ")})`,
      );
    for (const on of [step.admin?.on, step.state?.on])
      if (on !== undefined && !s.roles.includes(on))
        throw new ScenarioError(file, `/steps/${i}`, `"${on}" is not one of the scenario's roles`);
    if (step.send?.file !== undefined) {
      const t = templatePath(file, step.send);
      if (!existsSync(t))
        throw new ScenarioError(file, `/steps/${i}/send/file`, `template ${t} does not exist`);
    }
  });
  if (s.roles[0] === s.roles[1])
    throw new ScenarioError(file, "/roles", "the two roles must differ");
  return { ...s, file };
}

/** The absolute path of a step's template file. */
export function templatePath(scenarioFile: string, t: MessageTemplate): string {
  return resolve(dirname(scenarioFile), t.file ?? "");
}

/** The XML text of a template (its file next to the scenario, or inline). Throws ScenarioError. */
export function templateText(scenario: Scenario, t: MessageTemplate, pointer: string): string {
  if (t.xml !== undefined) return t.xml;
  const path = templatePath(scenario.file ?? resolve(SCENARIO_DIR, `${scenario.name}.json`), t);
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new ScenarioError(
      scenario.file ?? scenario.name,
      `${pointer}/file`,
      `cannot read ${path}: ${(e as Error).message}`,
    );
  }
}

const KINDS = ["send", "await", "admin", "state"] as const;

/** One clear message for a step with none or several of send/await/admin/state (ajv's oneOf is not). */
function stepKinds(data: unknown, file: string): void {
  const steps = (data as { steps?: unknown } | null)?.steps;
  if (!Array.isArray(steps)) return;
  steps.forEach((step, i) => {
    if (typeof step !== "object" || step === null) return;
    const kinds = KINDS.filter((k) => k in step);
    if (kinds.length !== 1)
      throw new ScenarioError(
        file,
        `/steps/${i}`,
        kinds.length
          ? `a step has exactly one of send, await, admin, state; this one has ${kinds.join(" and ")}`
          : "a step has exactly one of send, await, admin, state; this one has none",
      );
    if ((kinds[0] === "send" || kinds[0] === "await") && !("from" in step))
      throw new ScenarioError(
        file,
        `/steps/${i}`,
        `a ${kinds[0]} step needs "from" (the sender's role)`,
      );
  });
}

function fromAjv(file: string, errors: readonly ErrorObject[]): ScenarioError {
  // the deepest error is the most specific one; oneOf/anyOf/if summaries say less
  const useful = errors.filter((e) => !["oneOf", "anyOf", "if", "not"].includes(e.keyword));
  const pick = [...(useful.length ? useful : errors)].sort(
    (a, b) => b.instancePath.split("/").length - a.instancePath.split("/").length,
  )[0];
  if (!pick) return new ScenarioError(file, "", "is not a valid scenario");
  const p = pick.params as Record<string, unknown>;
  const reason =
    pick.keyword === "additionalProperties"
      ? `unknown property "${p.additionalProperty}"`
      : pick.keyword === "required"
        ? `missing property "${p.missingProperty}"`
        : pick.keyword === "enum"
          ? `must be one of ${(p.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(", ")}`
          : (pick.message ?? "is not valid");
  const pointer =
    pick.keyword === "additionalProperties"
      ? `${pick.instancePath}/${p.additionalProperty}`
      : pick.instancePath;
  return new ScenarioError(file, pointer, reason);
}
