/**
 * Semantic rules of EMIX beyond the XSD, each problem an EmixIssue (the codec's Issue) naming its path: intervals with
 * a start and a positive duration, inside the schedule that contains them, unique interval uids,
 * items whose units and descriptions fit their type and agree across intervals, decimal
 * quantities and prices, known currency codes, and well-formed options.
 */

import type { Issue } from "@transactive/codec";
import { Decimal, type DecimalInput } from "./decimal.js";
import { at, EmixError, emixError } from "./errors.js";
import { checkCurrency, findItemKey, type Item, readItem } from "./items.js";
import { priceTypeValue } from "./price.js";
import {
  addDuration,
  type Inherited,
  parseDuration,
  parseStart,
  type ResolvedInterval,
  resolveIntervals,
} from "./schedule.js";

export interface Schedule {
  /** dateTime the intervals may not start before */
  readonly start: string;
  /** dateTime they may not end after; or give `duration` */
  readonly end?: string;
  readonly duration?: string;
}

export interface RuleOptions {
  /** the schedule that contains the product (a market's trading window, a tender's availability) */
  readonly within?: Schedule;
  readonly inherited?: Inherited;
}

/** Runs `f`, turning an EmixError into issues. */
function collect(issues: Issue[], f: () => void): void {
  try {
    f();
  } catch (e) {
    if (e instanceof EmixError) issues.push(...e.issues);
    else throw e;
  }
}

/** Checks an emix:product (or any stream-based EMIX object) at `path`; [] when it satisfies every rule. */
export function checkProduct(
  product: Readonly<Record<string, unknown>>,
  path = "",
  options: RuleOptions = {},
): Issue[] {
  const issues: Issue[] = [];
  if (product.currency !== undefined)
    collect(issues, () => checkCurrency(product.currency, at(path, "currency")));
  if (product.expirationDate !== undefined)
    collect(issues, () => parseStart(product.expirationDate, at(path, "expirationDate")));
  let intervals: ResolvedInterval[] = [];
  collect(issues, () => {
    intervals = resolveIntervals(product, path, options.inherited);
  });
  const seen = new Map<string, string>();
  let first: { item: Item; path: string } | undefined;
  const onItem = (item: Item, p: string): void => {
    if (first === undefined) first = { item, path: p };
    else if (
      first.item.definition.dimension !== item.definition.dimension ||
      first.item.scale !== item.scale
    )
      throw emixError(
        "incompatible-items",
        p,
        `${item.definition.element} at scale ${item.scale} differs from ${first.item.definition.element} at scale ${first.item.scale} (${first.path}): the intervals of a product count one item`,
      );
  };
  for (const iv of intervals) {
    const before = seen.get(iv.uid);
    if (before !== undefined && iv.path !== path)
      issues.push({
        code: "duplicate-uid",
        path: at(iv.path, "uid"),
        message: `interval uid "${iv.uid}" is already used by ${before}`,
        input: iv.uid,
      });
    else seen.set(iv.uid, iv.path);
    checkPayload(iv, onItem, issues);
  }
  if (options.within !== undefined && intervals.length > 0)
    collect(issues, () => checkWithin(intervals, options.within as Schedule, path));
  return issues;
}

const NUMBERS = ["quantity", "maximumPower", "minimumPower"] as const;

/** Runs `f(value, path)`, turning an EmixError into issues. */
function check<T>(
  issues: Issue[],
  f: (value: T, path: string) => unknown,
  value: T,
  path: string,
): void {
  try {
    f(value, path);
  } catch (e) {
    if (e instanceof EmixError) issues.push(...e.issues);
    else throw e;
  }
}

/** Checks the values of an interval's payload into `issues`; a value inherited from the stream once, with the first interval. */
function checkPayload(
  iv: ResolvedInterval,
  onItem: (item: Item, path: string) => void,
  issues: Issue[],
): void {
  const payload = iv.payload;
  const fallback = at(iv.path, iv.payloadKey);
  const ownPrefix = `${iv.path}/`;
  const source = (key: string): string | undefined => {
    const s = iv.sources[key] ?? fallback;
    return iv.index === 0 || s.startsWith(ownPrefix) ? s : undefined;
  };
  const key = findItemKey(payload);
  const itemSource = key === undefined ? undefined : source(key);
  if (key !== undefined && itemSource !== undefined) {
    const p = at(itemSource, key);
    check(issues, (v, q) => onItem(readItem(key, v, q), q), payload[key], p);
  }
  for (const k of NUMBERS) {
    const s = payload[k] === undefined ? undefined : source(k);
    if (s !== undefined)
      check(issues, (v: DecimalInput, q) => Decimal.of(v, q), payload[k] as DecimalInput, at(s, k));
  }
  const priceSource = payload.price === undefined ? undefined : source("price");
  if (priceSource !== undefined)
    check(issues, priceTypeValue, payload.price, at(priceSource, "price"));
}

function checkWithin(intervals: readonly ResolvedInterval[], within: Schedule, path: string): void {
  const start = parseStart(within.start, at(path, "within/start")).at;
  const end =
    within.end !== undefined
      ? parseStart(within.end, at(path, "within/end")).at
      : within.duration !== undefined
        ? addDuration(start, parseDuration(within.duration, at(path, "within/duration")))
        : undefined;
  const startMillis = start.toMillis();
  const endMillis = end === undefined ? Number.POSITIVE_INFINITY : end.toMillis();
  const issues: Issue[] = [];
  for (const iv of intervals)
    if (iv.startMillis < startMillis || iv.endMillis > endMillis)
      issues.push({
        code: "interval-outside-schedule",
        path: iv.path,
        message: `interval ${iv.uid} (${iv.start} to ${iv.end}) is not inside the schedule ${within.start} to ${within.end ?? within.duration ?? "open end"}`,
      });
  if (issues.length > 0) throw new EmixError(issues);
}

/** Checks an emix:emixOption: the product rules plus premium, strike, type and expiration. */
export function checkOption(
  option: Readonly<Record<string, unknown>>,
  path = "",
  options: RuleOptions = {},
): Issue[] {
  const issues = checkProduct(option, path, options);
  for (const k of ["optionPremium", "optionStrikePrice"])
    collect(issues, () => {
      const v = priceTypeValue(option[k], at(path, k));
      if (k === "optionPremium" && v.sign() < 0)
        throw emixError(
          "bad-option",
          at(at(path, k), "value"),
          `an option premium cannot be negative (${v.toJSON()})`,
        );
    });
  if (typeof option.optionType !== "string" || option.optionType.trim() === "")
    issues.push({
      code: "bad-option",
      path: at(path, "optionType"),
      message: "optionType must name the kind of option",
    });
  for (const k of ["optionHolderSide", "side"])
    if (option[k] !== "buy" && option[k] !== "sell")
      issues.push({
        code: "bad-option",
        path: at(path, k),
        message: `${k} must be buy or sell`,
        input: String(option[k]),
      });
  if (option.expirationDate !== undefined)
    collect(issues, () => {
      const exp = parseStart(option.expirationDate, at(path, "expirationDate")).at;
      const ivs = resolveIntervals(option, path, options.inherited);
      const last = ivs[ivs.length - 1];
      if (last !== undefined && exp.toMillis() > last.endMillis)
        throw emixError(
          "bad-option",
          at(path, "expirationDate"),
          `the option expires (${String(option.expirationDate)}) after its product's last interval ends (${last.end}): it could be exercised after delivery`,
        );
    });
  return issues;
}

export interface EmixObject {
  readonly kind: "product" | "emixOption" | "delivery";
  readonly path: string;
  readonly value: Readonly<Record<string, unknown>>;
}

/** Every emix:product, emix:emixOption and emix:delivery in a model value, with its path. */
export function findEmixObjects(value: unknown, path = ""): EmixObject[] {
  const out: EmixObject[] = [];
  const walk = (v: unknown, p: string): void => {
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) walk(v[i], at(p, i));
    } else if (typeof v === "object" && v !== null)
      for (const [k, x] of Object.entries(v)) {
        if (
          (k === "product" || k === "emixOption" || k === "delivery") &&
          typeof x === "object" &&
          x !== null &&
          !Array.isArray(x)
        )
          out.push({ kind: k, path: at(p, k), value: x as Record<string, unknown> });
        else
          walk(
            x,
            k.startsWith("@") || k.startsWith("$")
              ? p
              : p === "" && k.includes(":")
                ? `/${k.slice(k.indexOf(":") + 1)}`
                : at(p, k),
          );
      }
  };
  walk(value, path);
  return out;
}

/**
 * The EMIX rules over a decoded document ({element, value} as @transactive/codec gives it): every
 * product, option and delivery in it. Paths start at the document element, like the codec's.
 */
export function checkEmix(
  doc: { readonly element: string; readonly value: unknown },
  options: RuleOptions = {},
): Issue[] {
  const root = `/${doc.element.slice(doc.element.indexOf(":") + 1)}`;
  return findEmixObjects(doc.value, root).flatMap((o) =>
    o.kind === "emixOption"
      ? checkOption(o.value, o.path, options)
      : checkProduct(o.value, o.path, options),
  );
}
