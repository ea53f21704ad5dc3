/**
 * Binding (WS-Calendar 1.0, Sequences and Binding): gives every Interval its absolute start and
 * end from the Gluons above it and the temporal relations between Intervals. Linear in the number
 * of components and relations.
 *
 * Direction of a temporal relation (RFC 9253 §6 and §9.1, the registered form of WS-Calendar's
 * RELTYPE/GAP: "Task-A may be related to Task-B with RELTYPE=FINISHTOSTART with a gap of 1 day"):
 * the component P that carries `related-to` is the predecessor, the uid S it names the successor,
 * and the gap g (zero if absent) the lag from P to S:
 *   FINISHTOSTART  S starts  g after P ends      STARTTOSTART   S starts  g after P starts
 *   FINISHTOFINISH S ends    g after P ends      STARTTOFINISH  S ends    g after P starts
 * WS-Calendar's Sequences link the same way: each Interval names the one that follows it.
 */

import { fail, ResolutionError, type ResolutionIssue } from "../errors.js";
import type {
  Calendar,
  Component,
  Relation,
  ResolvedInterval,
  ResolvedSchedule,
  TemporalReltype,
} from "../model.js";
import { type Effective, inheritAll } from "./inherit.js";
import { addDuration, type Duration, formatInstant, instant, parseDuration, ZERO } from "./time.js";

interface Edge {
  /** index of the predecessor: the component carrying the relation (P) */
  readonly from: number;
  /** index of the successor: the component the relation names (S) */
  readonly to: number;
  readonly type: TemporalReltype;
  readonly gap: Duration;
  readonly path: string;
}

const TEMPORAL = new Set(["FINISHTOSTART", "FINISHTOFINISH", "STARTTOSTART", "STARTTOFINISH"]);

/** Resolves a calendar to its schedule, or throws ResolutionError naming the component at fault. */
export function resolve(calendar: Calendar): ResolvedSchedule {
  const comps = calendar.components;
  const n = comps.length;
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const c = comps[i] as Component;
    if (index.has(c.uid))
      fail("duplicate-uid", c.path, `uid ${JSON.stringify(c.uid)} is used by two components`);
    index.set(c.uid, i);
  }

  // lineage (parent) and temporal edges
  const parent = new Int32Array(n).fill(-1);
  const edges: Edge[] = [];
  const setParent = (child: number, p: number, rel: Relation): void => {
    const pc = comps[p] as Component;
    if (pc.kind !== "gluon")
      fail("bad-relation", rel.path, `${pc.uid} is an Interval; only a Gluon can be a parent`);
    if (parent[child] !== -1 && parent[child] !== p)
      fail(
        "bad-relation",
        rel.path,
        `${(comps[child] as Component).uid} has two parent Gluons (${(comps[parent[child] as number] as Component).uid}, ${pc.uid})`,
      );
    parent[child] = p;
  };
  for (let i = 0; i < n; i++) {
    const c = comps[i] as Component;
    for (const rel of c.relatedTo ?? []) {
      const j = index.get(rel.uid);
      if (j === undefined)
        fail(
          "unknown-uid",
          rel.path,
          `related-to names ${JSON.stringify(rel.uid)}, which no component has`,
        );
      if (j === i) fail("relation-cycle", rel.path, `${c.uid} is related to itself`);
      if (rel.reltype === "CHILD") setParent(j, i, rel);
      else if (rel.reltype === "PARENT") setParent(i, j, rel);
      else if (TEMPORAL.has(rel.reltype)) {
        const other = comps[j] as Component;
        if (c.kind !== "interval" || other.kind !== "interval")
          fail(
            "bad-relation",
            rel.path,
            `${rel.reltype} relates Intervals only (${c.uid} to ${other.uid})`,
          );
        edges.push({
          from: i,
          to: j,
          type: rel.reltype as TemporalReltype,
          gap: rel.gap === undefined ? ZERO : parseDuration(rel.gap, rel.path),
          path: rel.path,
        });
      } else fail("bad-relation", rel.path, `unknown reltype ${JSON.stringify(rel.reltype)}`);
    }
  }
  checkCycles(n, edges, comps);
  const eff = inheritAll(comps, parent);

  // sequences: connected components of the temporal relations (union-find)
  const root = new Int32Array(n);
  for (let i = 0; i < n; i++) root[i] = i;
  const find = (i: number): number => {
    while (root[i] !== i) {
      root[i] = root[root[i] as number] as number;
      i = root[i] as number;
    }
    return i;
  };
  for (const e of edges) root[find(e.from)] = find(e.to);

  // designated interval of each sequence: the one Interval a Gluon is parent of
  const designated = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    if ((comps[i] as Component).kind !== "interval" || parent[i] === -1) continue;
    const r = find(i);
    const prior = designated.get(r);
    if (prior !== undefined && prior !== i)
      fail(
        "two-designated-intervals",
        (comps[i] as Component).path,
        `the Sequence has two Designated Intervals: ${(comps[prior] as Component).uid} and ${(comps[i] as Component).uid}`,
      );
    designated.set(r, i);
  }

  // what each interval inherits: its own lineage, or (in a Sequence) the Designated Interval's
  const startMs = new Float64Array(n).fill(Number.NaN);
  const endMs = new Float64Array(n).fill(Number.NaN);
  const zone: string[] = new Array(n);
  const dur: (Duration | undefined)[] = new Array(n);
  const inherited: Effective[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const c = comps[i] as Component;
    if (c.kind !== "interval") continue;
    const d = designated.get(find(i));
    const own = eff[i] as Effective;
    let e = own;
    if (d !== undefined && d !== i) {
      // a Sequence member takes what the Gluon passed to the Designated Interval, except timing
      const fromGluon = eff[parent[d] as number] as Effective;
      e = {
        properties: { ...fromGluon.properties, ...own.properties },
        ...(own.duration
          ? { duration: own.duration }
          : fromGluon.duration
            ? { duration: fromGluon.duration }
            : {}),
        ...(c.dtstart ? { dtstart: c.dtstart } : {}),
        ...(c.dtend ? { dtend: c.dtend } : {}),
      };
    }
    inherited[i] = e;
    if (e.duration !== undefined) dur[i] = parseDuration(e.duration, c.path);
    anchor(i, c, e);
  }

  function anchor(i: number, c: Component, e: Effective): void {
    const d = dur[i];
    if (e.dtstart) {
      const s = instant(e.dtstart, `${c.path}/dtstart`);
      startMs[i] = s.ms;
      zone[i] = s.zone;
    }
    if (e.dtend) {
      const t = instant(e.dtend, `${c.path}/dtend`);
      if (Number.isNaN(startMs[i] as number)) zone[i] = t.zone;
      endMs[i] = t.ms;
    }
    const z = zone[i] as string;
    if (!Number.isNaN(startMs[i] as number) && !Number.isNaN(endMs[i] as number)) {
      if (d && addDuration(startMs[i] as number, z, d, 1) !== endMs[i])
        fail("conflicting-times", c.path, `${c.uid}: dtstart + duration ${d.text} is not dtend`);
      if ((endMs[i] as number) < (startMs[i] as number))
        fail("conflicting-times", c.path, `${c.uid}: dtend is before dtstart`);
    } else if (d && !Number.isNaN(startMs[i] as number))
      endMs[i] = addDuration(startMs[i] as number, z, d, 1);
    else if (d && !Number.isNaN(endMs[i] as number))
      startMs[i] = addDuration(endMs[i] as number, z, d, -1);
  }

  // propagate along the relations, both ways, breadth first from the anchored intervals
  const adj = adjacency(n, edges);
  const queue: number[] = [];
  for (let i = 0; i < n; i++)
    if (!Number.isNaN(startMs[i] as number) && !Number.isNaN(endMs[i] as number)) queue.push(i);
  for (let q = 0; q < queue.length; q++) {
    const i = queue[q] as number;
    for (let k = adj.offset[i] as number; k < (adj.offset[i + 1] as number); k++) {
      const e = edges[adj.edge[k] as number] as Edge;
      const forward = e.from === i; // i is the predecessor P: j is the successor
      const j = forward ? e.to : e.from;
      const z = zone[i] as string;
      // the time point of j fixed by the relation
      const refPoint = forward
        ? e.type === "STARTTOSTART" || e.type === "STARTTOFINISH"
          ? (startMs[i] as number)
          : (endMs[i] as number)
        : e.type === "FINISHTOSTART" || e.type === "STARTTOSTART"
          ? (startMs[i] as number)
          : (endMs[i] as number);
      const point = addDuration(refPoint, z, e.gap, forward ? 1 : -1);
      const fixesStart = forward
        ? e.type === "FINISHTOSTART" || e.type === "STARTTOSTART"
        : e.type === "STARTTOSTART" || e.type === "STARTTOFINISH";
      const cj = comps[j] as Component;
      const have = fixesStart ? startMs[j] : endMs[j];
      if (!Number.isNaN(have as number)) {
        if (have !== point)
          throw new ResolutionError([
            {
              code: "conflicting-times",
              path: e.path,
              message: `${cj.uid}: the ${e.type} relation gives ${fixesStart ? "start" : "end"} ${formatInstant(point, z)}, but it is already ${formatInstant(have as number, z)}`,
            },
          ]);
        continue;
      }
      const d = dur[j];
      if (!d) fail("missing-duration", cj.path, `${cj.uid} has no duration, stated or inherited`);
      zone[j] = zone[j] ?? z;
      if (fixesStart) {
        startMs[j] = point;
        endMs[j] = addDuration(point, zone[j] as string, d, 1);
      } else {
        endMs[j] = point;
        startMs[j] = addDuration(point, zone[j] as string, d, -1);
      }
      queue.push(j);
    }
  }

  // every interval bound, spans of partitions respected
  const issues: ResolutionIssue[] = [];
  const out: ResolvedInterval[] = [];
  for (let i = 0; i < n; i++) {
    const c = comps[i] as Component;
    if (c.kind !== "interval") continue;
    if (Number.isNaN(startMs[i] as number) || Number.isNaN(endMs[i] as number)) {
      issues.push(
        !dur[i] && (!Number.isNaN(startMs[i] as number) || !Number.isNaN(endMs[i] as number))
          ? {
              code: "missing-duration",
              path: c.path,
              message: `${c.uid} has no duration, stated or inherited`,
            }
          : {
              code: "unbound",
              path: c.path,
              message: `${c.uid} has no start: neither it, its Sequence nor a Gluon gives a dtstart or dtend`,
            },
      );
      if (issues.length >= 20) break;
      continue;
    }
    const e = inherited[i] as Effective;
    const d = designated.get(find(i));
    const boundBy = d !== undefined ? (eff[d] as Effective).timeFrom : e.timeFrom;
    const z = zone[i] as string;
    const s = startMs[i] as number;
    const t = endMs[i] as number;
    out.push({
      uid: c.uid,
      start: formatInstant(s, z),
      end: formatInstant(t, z),
      duration: dur[i]?.text ?? isoSeconds(t - s),
      zone: z,
      ...(boundBy !== undefined ? { boundBy } : {}),
      properties: e.properties,
      path: c.path,
      startMs: s,
      endMs: t,
    });
  }
  if (issues.length) throw new ResolutionError(issues);
  checkSpans(comps, eff, designated, find, startMs, endMs, zone, parent);
  if (out.length === 0) fail("no-intervals", "", "the document has no Interval to resolve");
  const order = out.map((_, k) => k);
  order.sort(
    (a, b) => (out[a] as ResolvedInterval).startMs - (out[b] as ResolvedInterval).startMs || a - b,
  );
  return { intervals: order.map((k) => out[k] as ResolvedInterval) };
}

/** Exact ISO 8601 duration of a number of milliseconds ("PT1H30M"). */
export function isoSeconds(ms: number): string {
  const neg = ms < 0 ? "-" : "";
  let s = Math.abs(ms) / 1000;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const parts = `${h ? `${h}H` : ""}${m ? `${m}M` : ""}${s || (!h && !m) ? `${s}S` : ""}`;
  return `${neg}PT${parts}`;
}

function adjacency(n: number, edges: readonly Edge[]): { offset: Int32Array; edge: Int32Array } {
  const offset = new Int32Array(n + 1);
  for (const e of edges) {
    (offset[e.from + 1] as number)++;
    (offset[e.to + 1] as number)++;
  }
  for (let i = 0; i < n; i++) offset[i + 1] = (offset[i + 1] as number) + (offset[i] as number);
  const fill = offset.slice(0, n);
  const edge = new Int32Array(edges.length * 2);
  edges.forEach((e, k) => {
    edge[(fill[e.from] as number)++] = k;
    edge[(fill[e.to] as number)++] = k;
  });
  return { offset, edge };
}

/** A directed cycle among temporal relations (predecessor -> successor) can never be bound. */
function checkCycles(n: number, edges: readonly Edge[], comps: readonly Component[]): void {
  const indeg = new Int32Array(n);
  const out: number[][] = [];
  for (const e of edges) {
    (indeg[e.to] as number)++;
    (out[e.from] ??= []).push(e.to);
  }
  const stack: number[] = [];
  for (let i = 0; i < n; i++) if (indeg[i] === 0) stack.push(i);
  let seen = 0;
  while (stack.length) {
    const i = stack.pop() as number;
    seen++;
    for (const j of out[i] ?? []) if (--(indeg[j] as number) === 0) stack.push(j);
  }
  if (seen === n) return;
  const inCycle = Array.from(indeg.keys()).filter((i) => (indeg[i] as number) > 0);
  const names = inCycle.slice(0, 5).map((i) => (comps[i] as Component).uid);
  fail(
    "relation-cycle",
    (comps[inCycle[0] as number] as Component).path,
    `temporal relations form a cycle through ${names.join(", ")}${inCycle.length > 5 ? ", …" : ""}`,
  );
}

/** A Gluon's span (EI active period, Streams duration) must be exactly the time its Sequence fills. */
function checkSpans(
  comps: readonly Component[],
  eff: readonly Effective[],
  designated: ReadonlyMap<number, number>,
  find: (i: number) => number,
  startMs: Float64Array,
  endMs: Float64Array,
  zone: readonly string[],
  parent: Int32Array,
): void {
  const lo = new Map<number, number>();
  const hi = new Map<number, number>();
  for (let i = 0; i < comps.length; i++) {
    if ((comps[i] as Component).kind !== "interval") continue;
    const r = find(i);
    if (!designated.has(r)) continue;
    lo.set(r, Math.min(lo.get(r) ?? Number.POSITIVE_INFINITY, startMs[i] as number));
    hi.set(r, Math.max(hi.get(r) ?? Number.NEGATIVE_INFINITY, endMs[i] as number));
  }
  for (const [r, d] of designated) {
    const g = parent[d] as number;
    const { span, spanFrom } = eff[g] as Effective;
    if (span === undefined) continue;
    const gc = { path: spanFrom ?? (comps[g] as Component).path, uid: "the Gluon" };
    const s = lo.get(r) as number;
    const want = addDuration(s, zone[d] as string, parseDuration(span, gc.path), 1);
    if (want !== hi.get(r))
      fail(
        "partition-mismatch",
        gc.path,
        `the Intervals fill ${isoSeconds((hi.get(r) as number) - s)} from ${formatInstant(s, zone[d] as string)}, but the Gluon's Partition is ${span}`,
      );
  }
}
