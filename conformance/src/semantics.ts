/**
 * The semantic entry points of the standard packages, looked up by name at run time so the suite
 * runs while those packages are still growing. A package that does not export its entry point yet
 * gives an "unsupported" answer naming what is missing: the case fails as not implemented, it is
 * never skipped.
 */
import type { CodecDocument, Registry } from "@transactive/codec";

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

const RESOLVE = ["resolveSchedule", "resolve"] as const;
const AMOUNT = ["computeAmounts", "evaluateAmounts", "amounts", "amount"] as const;
const DISPATCHER = ["createReferenceDispatcher"] as const;

/** WS-Calendar: the resolved schedule of an xCal document. */
export async function resolveSchedule(doc: CodecDocument): Promise<SemanticResult> {
  const f = entry((await import("@transactive/ws-calendar")) as Module, RESOLVE);
  if (!f) return notImplemented("@transactive/ws-calendar", RESOLVE);
  return { ok: true, output: await plain(f(doc)) };
}

/** EMIX: the quantities and amounts a document states. */
export async function computeAmounts(doc: CodecDocument): Promise<SemanticResult> {
  const f = entry((await import("@transactive/emix")) as Module, AMOUNT);
  if (!f) return notImplemented("@transactive/emix", AMOUNT);
  return { ok: true, output: await plain(f(doc)) };
}

/** EI: the response the reference dispatcher gives to a request document. */
export async function respond(registry: Registry, doc: CodecDocument): Promise<SemanticResult> {
  const f = entry((await import("@transactive/ei")) as Module, DISPATCHER);
  if (!f) return notImplemented("@transactive/ei", DISPATCHER);
  const dispatcher = (await f({ registry })) as Module;
  const dispatch = entry(dispatcher, ["dispatch", "handle"]);
  if (!dispatch) return notImplemented("the EI reference dispatcher", ["dispatch"]);
  return { ok: true, output: await plain(dispatch.call(dispatcher, doc)) };
}
