/**
 * Running nested markets on the wall clock: the loops a deployed parent and child run
 * (docs/scale-out.md, "two machines"). The parent clears each interval at its gate closure with the
 * curves that have arrived (a child still missing: its policy, last known curve by default); the
 * child sends its curve `leadMs` before the gate and settles after the parent's quote. A child that
 * was down resumes with the next interval it can still reach and settles, on request, those it
 * missed (`from`).
 */
import type { IntervalResult, MarketNode, MemberAward } from "@transactive/market";
import { ScaleError } from "./errors.js";
import type { NatsChildren, NatsParentLink } from "./nesting.js";

/** When a schedule runs. */
export interface ScheduleOptions {
  /** first interval (default: the first whose gate is still open, `leadMs` ahead for a child) */
  readonly from?: number;
  /** last interval, included (default: until `signal` aborts) */
  readonly until?: number;
  /** stops the loop between intervals */
  readonly signal?: AbortSignal;
  /** the clock, epoch ms (default Date.now) */
  readonly now?: () => number;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** The first interval of `node` whose gate closes after `at`. */
export function nextOpenInterval(node: MarketNode, at: number): number {
  const zero = node.interval(0);
  let i = Math.max(0, Math.floor((at - zero.startMs) / (zero.seconds * 1000)));
  while (node.interval(i).gateClosureMs <= at) i++;
  while (i > 0 && node.interval(i - 1).gateClosureMs > at) i--;
  return i;
}

/**
 * The parent's loop: for each interval, waits for its children's curves until the gate closes,
 * then clears (`onCleared` gets the result). Resolves after `until`, or when `signal` aborts.
 */
export async function runParentSchedule(
  children: NatsChildren,
  options: ScheduleOptions & {
    readonly onCleared?: (index: number, result: IntervalResult) => void;
  } = {},
): Promise<void> {
  const node = children.parent;
  const now = options.now ?? Date.now;
  for (let i = options.from ?? nextOpenInterval(node, now()); ; i++) {
    if (options.signal?.aborted || (options.until !== undefined && i > options.until)) return;
    const gate = node.interval(i).gateClosureMs;
    await children.collect(i, Math.max(0, gate - now()));
    await sleep(gate - now(), options.signal);
    if (options.signal?.aborted) return;
    options.onCleared?.(i, node.clear(i));
  }
}

/**
 * The child's loop: for each interval, sends the curve `leadMs` (default 1 000) before the
 * parent's gate closure and settles the award after the quote (`onSettled`). An interval whose
 * gate it missed (refused: the parent cleared it, bidding the child's last known curve) is
 * settled all the same. A server out of reach is asked again until the interval can be settled.
 */
export async function runChildSchedule(
  link: NatsParentLink,
  options: ScheduleOptions & {
    readonly leadMs?: number;
    readonly onSettled?: (index: number, award: MemberAward) => void;
  } = {},
): Promise<void> {
  const node = link.child;
  const now = options.now ?? Date.now;
  const lead = options.leadMs ?? 1_000;
  for (let i = options.from ?? nextOpenInterval(node, now() + lead); ; i++) {
    if (options.signal?.aborted || (options.until !== undefined && i > options.until)) return;
    await sleep(node.interval(i).gateClosureMs - lead - now(), options.signal);
    if (options.signal?.aborted) return;
    await retry(() => link.submit(i), options.signal).catch((e: unknown) => {
      if (!(e instanceof ScaleError) || e.code !== "refused") throw e;
    });
    const award = await retry(() => link.settle(i), options.signal);
    options.onSettled?.(i, award);
  }
}

async function retry<T>(f: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  for (;;) {
    try {
      return await f();
    } catch (e) {
      if (!(e instanceof ScaleError) || e.code !== "transport" || signal?.aborted) throw e;
      await sleep(200, signal);
    }
  }
}
