/**
 * `@transactive/ei/reference`: the in-memory reference services (an OpenADR 2.0b VTN and a VEN's
 * push endpoint, a CTS 0.4 market) and dispatchers over them. Apart from the main entry so that a
 * program that only decodes, validates or dispatches to its own services never loads them.
 */
import { defaultRole, type ReferenceRole } from "./catalog.js";
import { createDispatcher, type Dispatcher, type DispatcherSignature } from "./dispatch.js";
import { createReferenceMarket, type MarketOptions } from "./services/cts/index.js";
import type { ServiceImplementations } from "./services/interfaces.js";
import { createReferenceVen, type VenOptions } from "./services/ven/index.js";
import { createReferenceVtn, type VtnOptions } from "./services/vtn/index.js";

export type { ReferenceOptions } from "./services/context.js";
export {
  createReferenceMarket,
  type MarketOptions,
  type ReferenceMarket,
  type TenderState,
} from "./services/cts/index.js";
export {
  createReferenceVen,
  type OptChoice,
  optInToAll,
  type ReferenceVen,
  type VenOptions,
} from "./services/ven/index.js";
export { createReferenceVtn, type ReferenceVtn, type VtnOptions } from "./services/vtn/index.js";
/** The reference scenario (fixed clock, one published event) that conformance/ei's vectors were recorded against. */
export { SCENARIOS, type Scenario, type Step, setupDispatcher } from "./vectors.js";

export interface ReferenceDispatcherOptions extends VtnOptions, VenOptions, MarketOptions {
  readonly profile?: "openadr2b" | "cts";
  /** openadr2b: the reference VTN (default) or the reference VEN (push endpoint); cts: market */
  readonly role?: ReferenceRole;
  readonly signature?: DispatcherSignature;
  readonly maxBytes?: number;
  readonly validateResponses?: boolean;
}

/**
 * A dispatcher over the in-memory reference services of a profile and role (default openadr2b:
 * a VTN; `role: "ven"`: a VEN's push endpoint; cts: a market).
 */
export function createReferenceDispatcher(options: ReferenceDispatcherOptions = {}): Dispatcher & {
  readonly reference:
    | ReturnType<typeof createReferenceVtn>
    | ReturnType<typeof createReferenceVen>
    | ReturnType<typeof createReferenceMarket>;
} {
  const profile = options.profile ?? "openadr2b";
  const role = options.role ?? defaultRole(profile);
  const reference =
    profile === "cts"
      ? createReferenceMarket(options)
      : role === "ven"
        ? createReferenceVen(options)
        : createReferenceVtn(options);
  const { state: _state, ...implementations } = reference as unknown as Record<string, unknown>;
  const dispatcher = createDispatcher({
    ...options,
    profile,
    role,
    implementations: implementations as ServiceImplementations,
  });
  return { ...dispatcher, reference };
}
