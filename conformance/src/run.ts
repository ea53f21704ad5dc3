/**
 * The runner: asks a testee (protocol.ts) about every case and checks its answers against the
 * rules: acceptance or rejection, the exact JSON form, JSON Schema validity of what it decoded, an
 * infoset-equal XML encoding, XSD validity of that encoding (xsd-oracle.ts), and the semantic
 * results a case expects (resolved schedule, EMIX amounts, EI response).
 */
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import {
  CodecError,
  decodeXml,
  fromJson,
  infosetDiff,
  type Registry,
  readXml,
  toJsonObject,
  validate,
} from "@transactive/codec";
import type { Case, ExpectKind, Standard } from "./cases.js";
import { jsonDiff } from "./json-diff.js";
import type { Answer, Operation, TesteeRequest } from "./protocol.js";
import { xmlText } from "./xml-text.js";
import type { XsdOracle } from "./xsd-oracle.js";

export type Rule =
  | "accept" // validate: a valid document is accepted
  | "reject" // an invalid document is rejected
  | "decode" // XML -> the exact JSON form
  | "json-schema" // the decoded JSON is valid against the JSON Schemas
  | "encode" // JSON -> XML with the same infoset as the case's XML
  | "xsd" // that XML is valid against the official XSD
  | ExpectKind; // semantic results

export interface Check {
  readonly rule: Rule;
  readonly ok: boolean;
  /** what was checked, or why it failed */
  readonly message: string;
  readonly expected?: string;
  readonly actual?: string;
  /** the testee answered "unsupported" */
  readonly unsupported?: boolean;
}

export interface CaseResult {
  readonly case: Case;
  readonly passed: boolean;
  readonly checks: readonly Check[];
}

/** Anything that answers protocol requests: a TesteeProcess, or an in-process handler in tests. */
export interface Testee {
  request(request: TesteeRequest): Promise<Answer>;
}

export interface RunOptions {
  readonly testee: Testee;
  /** our codec: the reference JSON for cases without a JSON file, and the JSON Schema check */
  readonly registry: Registry;
  /** the XSD oracle, or false to leave out the xsd rule (the report says so) */
  readonly xsd: XsdOracle | false;
  /** cases in flight at once (default 8) */
  readonly concurrency?: number;
  /** called as each case's answers are in (before the batched XSD checks) */
  readonly onProgress?: (done: number, total: number, c: Case) => void;
}

const SEMANTIC_OP: Readonly<Record<ExpectKind, Operation>> = {
  resolved: "resolve",
  amount: "amount",
  response: "respond",
};
const STANDARD_OP: Readonly<Record<Standard, Operation>> = {
  "ws-calendar": "resolve",
  emix: "amount",
  ei: "respond",
};

const clip = (s: string, n = 2000) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** A check for an answer that is not an output (rejected, unsupported, failed). */
function notOutput(rule: Rule, answer: Exclude<Answer, { kind: "output" }>, what: string): Check {
  if (answer.kind === "unsupported")
    return {
      rule,
      ok: false,
      unsupported: true,
      message: answer.reason.startsWith("not implemented")
        ? answer.reason
        : `not implemented: ${answer.reason}`,
    };
  if (answer.kind === "reject")
    return {
      rule,
      ok: false,
      message: `${what} was rejected: ${answer.reason}${answer.path ? ` at ${answer.path}` : ""}`,
    };
  return { rule, ok: false, message: `testee failed: ${answer.reason}` };
}

interface Pending {
  readonly result: { case: Case; checks: Check[] };
  /** XML the testee encoded, for the XSD rule */
  encoded?: string;
}

/**
 * EI response cases of one group folder form a scenario: they run in id order in one session, so
 * the service keeps its state between them (conformance/ei/<profile>/NN-operation.case.json).
 */
export function sessionOf(c: Case): string | undefined {
  if (c.expectPaths.response === undefined) return undefined;
  return `${c.profile}:${dirname(c.source)}`;
}

async function runCase(c: Case, options: RunOptions): Promise<Pending> {
  const checks: Check[] = [];
  const pending: Pending = { result: { case: c, checks } };
  const bytes = readFileSync(c.xmlPath);
  let text: string;
  try {
    text = xmlText(bytes);
  } catch (e) {
    checks.push({
      rule: "accept",
      ok: false,
      message: `case XML cannot be read: ${(e as Error).message}`,
    });
    return pending;
  }
  const session = sessionOf(c);
  const ask = (operation: Operation, input: unknown, suffix: string) =>
    options.testee.request({
      id: `${c.id}#${suffix}`,
      operation,
      profile: c.profile,
      input,
      ...(session !== undefined && operation === "respond" ? { session } : {}),
    });

  if (c.kind === "invalid") {
    const semantic = c.reject?.rule === "semantic";
    const op: Operation = semantic ? STANDARD_OP[c.standard] : "validate";
    const answer = await ask(op, text, op);
    const why = `must be rejected (${c.reject?.reason ?? "invalid"})`;
    if (answer.kind === "reject")
      checks.push({ rule: "reject", ok: true, message: `rejected: ${answer.reason}` });
    else if (answer.kind === "output")
      checks.push({
        rule: "reject",
        ok: false,
        message: `${op}: accepted an invalid document; it ${why}`,
        expected: `rejection: ${c.reject?.reason ?? ""}`,
        actual: clip(JSON.stringify(answer.output, null, 2)),
      });
    else checks.push(notOutput("reject", answer, op));
    return pending;
  }

  // the JSON form the case expects: its JSON file, else what our codec makes of the XML
  let expected: unknown;
  try {
    expected =
      c.jsonPath !== undefined
        ? JSON.parse(readFileSync(c.jsonPath, "utf8"))
        : toJsonObject(decodeXml(options.registry, bytes, { profile: c.profile }));
  } catch (e) {
    checks.push({
      rule: "decode",
      ok: false,
      message: `the case's expected JSON cannot be made (a broken case): ${(e as Error).message}`,
    });
    return pending;
  }

  const semantic = Object.entries(c.expectPaths) as [ExpectKind, string][];
  const [accepted, decoded, encoded, ...meanings] = await Promise.all([
    ask("validate", text, "validate"),
    ask("decode", text, "decode"),
    ask("encode", expected, "encode"),
    ...semantic.map(([kind]) => ask(SEMANTIC_OP[kind], text, SEMANTIC_OP[kind])),
  ]);

  checks.push(
    (accepted as Answer).kind === "output"
      ? { rule: "accept", ok: true, message: "accepted" }
      : notOutput("accept", accepted as Exclude<Answer, { kind: "output" }>, "a valid document"),
  );

  if (decoded?.kind === "output") {
    const d = jsonDiff(expected, decoded.output);
    checks.push(
      d === undefined
        ? { rule: "decode", ok: true, message: "the exact JSON form" }
        : {
            rule: "decode",
            ok: false,
            message: `decoded JSON differs at ${d.path}: expected ${clip(d.expected, 200)}, got ${clip(d.actual, 200)}`,
            expected: clip(JSON.stringify(expected, null, 2), 20000),
            actual: clip(JSON.stringify(decoded.output, null, 2), 20000),
          },
    );
    checks.push(jsonSchemaCheck(options.registry, decoded.output, c.profile));
  } else if (decoded) checks.push(notOutput("decode", decoded, "a valid document"));

  if (encoded?.kind === "output") {
    if (typeof encoded.output !== "string")
      checks.push({
        rule: "encode",
        ok: false,
        message: "encode must give XML text (a JSON string)",
      });
    else {
      let diff: string | undefined;
      try {
        diff = infosetDiff(readXml(bytes), readXml(encoded.output));
      } catch (e) {
        diff = `the encoded XML is not well-formed: ${(e as Error).message}`;
      }
      checks.push(
        diff === undefined
          ? { rule: "encode", ok: true, message: "same infoset as the case's XML" }
          : {
              rule: "encode",
              ok: false,
              message: `encoded XML differs: ${diff}`,
              expected: clip(text, 20000),
              actual: clip(encoded.output, 20000),
            },
      );
      pending.encoded = encoded.output;
    }
  } else if (encoded) checks.push(notOutput("encode", encoded, "the JSON form"));

  semantic.forEach(([kind, path], i) => {
    const answer = meanings[i] as Answer;
    if (answer.kind !== "output") {
      checks.push(notOutput(kind, answer, "a valid document"));
      return;
    }
    const want: unknown = JSON.parse(readFileSync(path, "utf8"));
    const d = jsonDiff(want, answer.output);
    checks.push(
      d === undefined
        ? { rule: kind, ok: true, message: `the expected ${kind} result` }
        : {
            rule: kind,
            ok: false,
            message: `${kind} differs at ${d.path}: expected ${clip(d.expected, 200)}, got ${clip(d.actual, 200)}`,
            expected: clip(JSON.stringify(want, null, 2), 20000),
            actual: clip(JSON.stringify(answer.output, null, 2), 20000),
          },
    );
  });
  return pending;
}

/** The decoded JSON must be accepted by our JSON Schemas and the profile's content model. */
function jsonSchemaCheck(registry: Registry, output: unknown, profile: string): Check {
  if (typeof output !== "object" || output === null || Array.isArray(output))
    return { rule: "json-schema", ok: false, message: "decode must give a JSON object" };
  try {
    const doc = fromJson(registry, { ...output, $profile: profile });
    const issues = validate(registry, doc);
    if (issues.length === 0) return { rule: "json-schema", ok: true, message: "valid JSON form" };
    return {
      rule: "json-schema",
      ok: false,
      message: issues.map((i) => `${i.path}: ${i.message}`).join("; "),
    };
  } catch (e) {
    if (!(e instanceof CodecError)) throw e;
    return {
      rule: "json-schema",
      ok: false,
      message: e.issues.map((i) => `${i.path}: ${i.message}`).join("; "),
    };
  }
}

/** Runs every case; results in the order of `cases`. */
export async function runCases(cases: readonly Case[], options: RunOptions): Promise<CaseResult[]> {
  const out: Pending[] = new Array(cases.length);
  // units of work: a lone case, or a whole scenario (same session) in id order
  const units: number[][] = [];
  const sessions = new Map<string, number[]>();
  cases.forEach((c, i) => {
    const s = sessionOf(c);
    if (s === undefined) units.push([i]);
    else if (sessions.has(s)) sessions.get(s)?.push(i);
    else {
      const unit = [i];
      sessions.set(s, unit);
      units.push(unit);
    }
  });
  for (const unit of sessions.values())
    unit.sort((a, b) => ((cases[a] as Case).id < (cases[b] as Case).id ? -1 : 1));
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < units.length) {
      for (const i of units[next++] as number[]) {
        out[i] = await runCase(cases[i] as Case, options);
        options.onProgress?.(++done, cases.length, cases[i] as Case);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  if (options.xsd !== false) await xsdChecks(out, options.xsd);
  return out.map((p) => ({
    case: p.result.case,
    checks: p.result.checks,
    passed: p.result.checks.length > 0 && p.result.checks.every((c) => c.ok),
  }));
}

/** One oracle call per profile over every encoded document. */
async function xsdChecks(pending: readonly Pending[], oracle: XsdOracle): Promise<void> {
  const byProfile = new Map<string, Map<string, string>>();
  pending.forEach((p, i) => {
    if (p.encoded === undefined) return;
    const profile = p.result.case.profile;
    if (!byProfile.has(profile)) byProfile.set(profile, new Map());
    byProfile.get(profile)?.set(String(i), p.encoded);
  });
  for (const [profile, docs] of byProfile) {
    const verdicts = await oracle.validate(profile, docs);
    for (const [key, xml] of docs) {
      const v = verdicts.get(key);
      const checks = (pending[Number(key)] as Pending).result.checks;
      if (v?.valid)
        checks.push({
          rule: "xsd",
          ok: true,
          message: `valid against the ${profile} XSD (${oracle.engine})`,
        });
      else
        checks.push({
          rule: "xsd",
          ok: false,
          message: `not valid against the ${profile} XSD (${oracle.engine}): ${(v?.errors ?? [])
            .slice(0, 3)
            .map((e) => `${e.line === undefined ? "" : `line ${e.line}: `}${e.message}`)
            .join("; ")}`,
          actual: clip(xml, 20000),
        });
    }
  }
}
