/**
 * The semantic entry points of the standard packages, looked up by name at run time so the suite
 * runs while those packages are still growing. A package that does not export its entry point yet
 * gives an "unsupported" answer naming what is missing: the case fails as not implemented, it is
 * never skipped.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type CodecDocument, fromJson, type Registry } from "@transactive/codec";
import { examplesDir } from "./suite.js";

export type SemanticResult =
  | { readonly ok: true; readonly output: unknown }
  | { readonly ok: false; readonly unsupported: string };

type Module = Record<string, unknown>;
type Fn = (...args: unknown[]) => unknown;

/** The first of `names` that `module` exports as a function. */
function entry(module: Module, names: readonly string[]): Fn | undefined {
  for (const name of names) {
    const f = module[name];
    if (typeof f === "function") return f as Fn;
  }
  return undefined;
}

const notImplemented = (pkg: string, names: readonly string[]): SemanticResult => ({
  ok: false,
  unsupported: `not implemented: ${pkg} does not export ${names.map((n) => `${n}()`).join(" or ")} yet`,
});

/** Plain JSON of whatever an entry point returned (documents as their JSON form). */
async function plain(value: unknown): Promise<unknown> {
  const v = await value;
  if (isDocument(v)) {
    const { toJsonObject } = await import("@transactive/codec");
    return toJsonObject(v);
  }
  return JSON.parse(JSON.stringify(v ?? null));
}

function isDocument(v: unknown): v is CodecDocument {
  return (
    typeof v === "object" &&
    v !== null &&
    typeof (v as CodecDocument).element === "string" &&
    typeof (v as CodecDocument).profile === "string" &&
    "value" in v
  );
}

const RESOLVE = ["resolveDocument", "resolveSchedule"] as const;
const RESOLVED_JSON = ["resolvedToJson"] as const;
const AMOUNT = ["documentAmounts", "documentAmount", "computeAmounts", "amountsOf"] as const;
const AMOUNT_JSON = ["documentAmountsToJson", "amountsToJson"] as const;
const DISPATCHER = ["createReferenceDispatcher"] as const;
const SETUP = ["setupDispatcher", "setupReferenceDispatcher"] as const;

/** The EI services of a session (protocol.ts), kept for the life of the testee process. */
const sessions = new Map<string, Module>();

/**
 * A reference dispatcher for a profile: @transactive/ei/reference's scenario set-up (`setupDispatcher`: the
 * fixed clock and the published event its vectors were made with) when it exports one, else a
 * plain `createReferenceDispatcher({ profile })`.
 */
async function dispatcherFor(
  profile: string,
  session: string | undefined,
): Promise<Module | SemanticResult> {
  const key = session === undefined ? undefined : `${profile}\u0000${session}`;
  const kept = key === undefined ? undefined : sessions.get(key);
  if (kept) return kept;
  const m = (await import("@transactive/ei/reference")) as Module;
  const setup = entry(m, SETUP);
  const create = entry(m, DISPATCHER);
  if (!setup && !create) return notImplemented("@transactive/ei/reference", DISPATCHER);
  const served = profile === "cts" ? "cts" : "openadr2b";
  const d = (await (setup
    ? setup(served, served === "openadr2b" ? await exampleEvent() : undefined)
    : (create as Fn)({ profile: served }))) as Module;
  if (key !== undefined) sessions.set(key, d);
  return d;
}

/**
 * The event the OpenADR scenario's VTN publishes first: the one of examples/openadr2b-distribute-event.json,
 * read from examplesDir() so that an installed package (which has no repository around it) finds it too.
 */
async function exampleEvent(): Promise<unknown> {
  const { registry } = (await import("@transactive/ei")) as { registry: Registry };
  const text = readFileSync(join(examplesDir(), "openadr2b-distribute-event.json"), "utf8");
  const value = fromJson(registry, text).value as {
    oadrSignedObject: { oadrDistributeEvent: { oadrEvent: unknown[] } };
  };
  return value.oadrSignedObject.oadrDistributeEvent.oadrEvent[0];
}

async function toJsonWith(
  module: Module,
  names: readonly string[],
  value: unknown,
): Promise<unknown> {
  const f = entry(module, names);
  return plain(f ? f(value) : value);
}

/** WS-Calendar: the resolved schedules of a document (`transactive resolve` output). */
export async function resolveSchedule(doc: CodecDocument): Promise<SemanticResult> {
  const m = (await import("@transactive/ws-calendar")) as Module;
  const f = entry(m, RESOLVE);
  if (!f) return notImplemented("@transactive/ws-calendar", RESOLVE);
  return { ok: true, output: await toJsonWith(m, RESOLVED_JSON, await f(doc)) };
}

/** EMIX: the quantities and amounts a document states. */
export async function computeAmounts(doc: CodecDocument): Promise<SemanticResult> {
  const m = (await import("@transactive/emix")) as Module;
  const f = entry(m, AMOUNT);
  if (!f) return notImplemented("@transactive/emix", AMOUNT);
  return { ok: true, output: await toJsonWith(m, AMOUNT_JSON, await f(doc)) };
}

/**
 * EI: the response the reference dispatcher (packages/ei/src/dispatch.ts) gives to the request XML,
 * as the response's JSON form; an error status becomes a rejection.
 */
export async function respond(
  registry: Registry,
  doc: CodecDocument,
  xml: string,
  session?: string,
): Promise<SemanticResult | { ok: false; reject: string }> {
  const d = await dispatcherFor(doc.profile, session);
  if ("ok" in d) return d as SemanticResult;
  const dispatch = entry(d, ["dispatch"]);
  if (!dispatch) return notImplemented("the EI reference dispatcher", ["dispatch"]);
  const answer = (await dispatch.call(d, { body: xml, contentType: "application/xml" })) as {
    status: number;
    body: string;
  };
  if (answer.status >= 400)
    return { ok: false, reject: `HTTP ${answer.status}: ${answer.body.slice(0, 300)}` };
  const { decodeXml, toJsonObject } = await import("@transactive/codec");
  return { ok: true, output: toJsonObject(decodeXml(registry, answer.body)) };
}
