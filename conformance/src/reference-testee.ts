/**
 * Our own implementation behind the testee protocol: @transactive/codec with the full registry of
 * @transactive/ei, and the semantic entry points of the standard packages (semantics.ts).
 */
import {
  type CodecDocument,
  CodecError,
  decodeXml,
  encodeXml,
  fromJson,
  type Issue,
  toJsonObject,
  validate,
} from "@transactive/codec";
import { registry } from "@transactive/ei";
import type { TesteeRequest, TesteeResponse } from "./protocol.js";
import { OPERATIONS } from "./protocol.js";
import { computeAmounts, resolveSchedule, respond, type SemanticResult } from "./semantics.js";

class Rejected extends Error {
  constructor(readonly issue: Issue | { readonly path: string; readonly message: string }) {
    super(issue.message);
  }
}

/** Decodes and validates XML text in the requested profile; throws Rejected with the first issue. */
function load(input: unknown, profile: string): CodecDocument {
  if (typeof input !== "string")
    throw new Rejected({ path: "", message: "input must be XML text (a JSON string)" });
  const doc = decodeXml(registry, input, { profile });
  const issues = validate(registry, doc);
  if (issues.length > 0) throw new CodecError(issues);
  return doc;
}

function semantic(
  id: string,
  result: SemanticResult | { ok: false; reject: string },
): TesteeResponse {
  if (result.ok) return { id, output: result.output };
  return "reject" in result
    ? { id, reject: { reason: result.reject } }
    : { id, unsupported: result.unsupported };
}

export async function handle(request: TesteeRequest): Promise<TesteeResponse> {
  const { id, operation, profile, input } = request;
  try {
    switch (operation) {
      case "decode":
        return { id, output: toJsonObject(load(input, profile)) };
      case "encode": {
        if (typeof input !== "object" || input === null)
          throw new Rejected({ path: "", message: "input must be the JSON form (an object)" });
        const doc = fromJson(registry, { ...(input as object), $profile: profile });
        return { id, output: encodeXml(registry, doc, { profile }) };
      }
      case "validate":
        load(input, profile);
        return { id, output: { valid: true } };
      case "resolve":
        return semantic(id, await resolveSchedule(load(input, profile)));
      case "amount":
        return semantic(id, await computeAmounts(load(input, profile)));
      case "respond":
        return semantic(
          id,
          await respond(registry, load(input, profile), input as string, request.session),
        );
      default:
        return {
          id,
          unsupported: `unknown operation ${JSON.stringify(operation)}; known: ${OPERATIONS.join(", ")}`,
        };
    }
  } catch (e) {
    if (e instanceof CodecError) {
      const first = e.issues[0] as Issue;
      return { id, reject: { reason: `${first.code}: ${first.message}`, path: first.path } };
    }
    if (e instanceof Rejected) return { id, reject: { reason: e.message, path: e.issue.path } };
    // the standard packages' semantic errors (ResolutionError, EmixError…) carry issues as data
    const issues = (e as { issues?: unknown }).issues;
    if (e instanceof Error && Array.isArray(issues) && issues.length > 0) {
      const first = issues[0] as { code?: string; path?: string; message?: string };
      return {
        id,
        reject: {
          reason: `${e.name}: ${first.code ? `${first.code}: ` : ""}${first.message ?? e.message}`,
          ...(typeof first.path === "string" ? { path: first.path } : {}),
        },
      };
    }
    throw e;
  }
}
