/**
 * Inheritance along the lineage (WS-Calendar 1.0, Inheritance): a Gluon passes what it has to
 * the components it is PARENT of; a value a component states itself is never overridden; through
 * a chain of Gluons the nearest ancestor's value wins. `uid` and `related-to` are never inherited.
 */

import { fail } from "../errors.js";
import type { Component, ComponentProperties, DateTimeValue } from "../model.js";

/** What a component has after inheritance from its ancestors. */
export interface Effective {
  readonly dtstart?: DateTimeValue;
  readonly dtend?: DateTimeValue;
  readonly duration?: string;
  readonly span?: string;
  /** path of the Gluon that stated the span */
  readonly spanFrom?: string;
  /** uid of the Gluon nearest the component that gave it dtstart or dtend */
  readonly timeFrom?: string;
  readonly properties: ComponentProperties;
}

/** ComponentProperties that identify or link a component and so are never inherited. */
export const NEVER_INHERITED: ReadonlySet<string> = new Set(["uid", "related-to", "relatedTo"]);

/**
 * Effective values of every component, given parent indexes (-1: none). Memoized, so a chain of
 * Gluons is walked once: linear in the number of components.
 */
export function inheritAll(components: readonly Component[], parent: Int32Array): Effective[] {
  const out: (Effective | undefined)[] = new Array(components.length);
  const state = new Uint8Array(components.length); // 0 new, 1 in progress, 2 done
  const visit = (start: number): Effective => {
    // iterative: climb to the first resolved ancestor, then come back down
    const chain: number[] = [];
    let i = start;
    while (i >= 0 && state[i] !== 2) {
      if (state[i] === 1) {
        const c = components[i] as Component;
        fail("lineage-cycle", c.path, `the Gluon lineage of ${c.uid} loops back to itself`);
      }
      state[i] = 1;
      chain.push(i);
      i = parent[i] as number;
    }
    let above: Effective | undefined = i >= 0 ? out[i] : undefined;
    for (let k = chain.length - 1; k >= 0; k--) {
      const j = chain[k] as number;
      const eff = merge(components[j] as Component, above);
      out[j] = eff;
      state[j] = 2;
      above = eff;
    }
    return out[start] as Effective;
  };
  for (let i = 0; i < components.length; i++) if (state[i] !== 2) visit(i);
  return out as Effective[];
}

function merge(c: Component, above: Effective | undefined): Effective {
  const ownProps = c.properties ?? {};
  const properties: Record<string, unknown> = {};
  if (above) for (const [k, v] of Object.entries(above.properties)) properties[k] = v;
  for (const [k, v] of Object.entries(ownProps)) if (!NEVER_INHERITED.has(k)) properties[k] = v;
  const ownTime = c.dtstart !== undefined || c.dtend !== undefined;
  const dtstart = ownTime ? c.dtstart : above?.dtstart;
  const dtend = ownTime ? c.dtend : above?.dtend;
  const timeFrom = ownTime ? (c.kind === "gluon" ? c.uid : undefined) : above?.timeFrom;
  const duration = c.duration ?? above?.duration;
  const own = c.kind === "gluon" && c.span !== undefined;
  const span = own ? c.span : above?.span;
  const spanFrom = own ? c.path : above?.spanFrom;
  return {
    ...(dtstart ? { dtstart } : {}),
    ...(dtend ? { dtend } : {}),
    ...(duration ? { duration } : {}),
    ...(span ? { span } : {}),
    ...(spanFrom ? { spanFrom } : {}),
    ...(timeFrom ? { timeFrom } : {}),
    properties,
  };
}
