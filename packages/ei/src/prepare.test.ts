/**
 * Dispatcher.prepare(): the one-time work a server does before it listens, so that its first
 * request costs what its tenth does. Speed itself is measured in bench (docs/benchmarks.md,
 * "first versus tenth request"); these tests check the work without a clock: the schema checkers
 * a request needs are compiled before it arrives (each compiled checker is one `new Function`,
 * counted here), and preparing calls no service.
 *
 * In a file of its own: the codec's compiled checkers live for the module, so this file's first
 * dispatcher meets them uncompiled.
 */
import { encodeXml, fromJson } from "@transactive/codec";
import { afterEach, describe, expect, it } from "vitest";
import { SERVICES } from "./catalog.js";
import { createDispatcher } from "./dispatch.js";
import { registry } from "./registry.js";
import type { ServiceImplementations } from "./services/interfaces.js";
import { SCENARIOS, setupDispatcher } from "./vectors.js";

const RealFunction = globalThis.Function;
let compiled = 0;
/** Counts the functions generated from source (the codec's compiled checkers). */
function countCompiles(): void {
  globalThis.Function = new Proxy(RealFunction, {
    construct(target, args, newTarget) {
      compiled++;
      return Reflect.construct(target, args, newTarget);
    },
  });
}
afterEach(() => {
  globalThis.Function = RealFunction;
});

/** Requests whose types prepare() compiles whole (no nested type of theirs is left for later). */
const FLAT = new Set([
  "queryRegistration",
  "createPartyRegistration",
  "cancelPartyRegistration",
  "cancelOpt",
  "poll",
  "requestMarketContext",
  "cancelTender",
  "requestPartyRegistration",
]);

describe("Dispatcher.prepare", () => {
  it("compiles the checkers a request needs before it arrives", async () => {
    countCompiles();
    let checked = 0;
    for (const scenario of SCENARIOS) {
      const d = setupDispatcher(scenario.profile);
      const before = compiled;
      d.prepare?.();
      expect(compiled - before, `${scenario.profile}: prepare compiles`).toBeGreaterThan(20);
      const again = compiled;
      d.prepare?.();
      expect(compiled, "a second prepare() does nothing").toBe(again);
      for (const step of scenario.steps) {
        const doc = fromJson(registry, JSON.stringify(step.request), { validate: false });
        const body = encodeXml(registry, doc);
        const at = compiled;
        const res = await d.dispatch({ body });
        expect(res.status, step.operation).toBe(200);
        if (FLAT.has(step.operation)) {
          expect(compiled - at, `${scenario.profile} ${step.operation}`).toBe(0);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(8);
  });

  it("calls no service and so stores nothing", async () => {
    for (const profile of ["openadr2b", "cts"] as const) {
      const calls: string[] = [];
      const implementations = Object.fromEntries(
        SERVICES.map((s) => [
          s.name,
          new Proxy(
            {},
            {
              get: (_, operation) => () => {
                calls.push(`${s.name}.${String(operation)}`);
                throw new Error("not in a test of prepare");
              },
            },
          ),
        ]),
      ) as ServiceImplementations;
      const d = createDispatcher({ profile, implementations });
      d.prepare?.();
      // the warm-up dispatches are synchronous up to a service call; let any promise settle
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(calls, profile).toEqual([]);
      expect(d.services.length).toBeGreaterThan(0);
    }
  });
});
