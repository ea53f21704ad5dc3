/**
 * `transactive resolve <file>`: the schedule a WS-Calendar document means (every interval's uid,
 * absolute start and end with offset, duration and inherited properties) as JSON on stdout; or
 * the resolution error with its path on stderr (exit 1). XML or JSON input, any profile. The
 * intervals of an EMIX product's stream (CTS) also show the price and quantity the amount code
 * reads for them: the interval's own values over the stream's, with where each came from.
 */

import { parseArgs } from "node:util";
import type { CodecDocument, Issue } from "@transactive/codec";
// EMIX (exact decimals, prices) loads only for a document that can carry EMIX products (CTS)
import type { ResolvedInterval as EmixInterval } from "@transactive/emix";
import { ResolutionError, resolveDocument, resolvedToJson } from "@transactive/ws-calendar";
import { EXIT, type ExitCode, type Io } from "./io.js";
import { loadOneDocument } from "./load.js";

export const RESOLVE_HELP = `  resolve <file|-> [--profile P]
      Resolve the WS-Calendar schedule of an xCal vcalendar, an OpenADR event or
      report (strm intervals) or a CTS stream: prints JSON with, per interval, uid,
      start, end (ISO 8601 with offset), duration, zone and inherited properties;
      for a CTS product's stream also "emix": the price and quantity each interval
      has after inheriting the stream's (as "amounts" computes with them).
      A resolution error prints "file: path: reason" and exits 1.
`;

export async function resolveCommand(args: readonly string[], io: Io): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { profile: { type: "string" }, help: { type: "boolean", short: "h" } },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(RESOLVE_HELP);
    return EXIT.ok;
  }
  const one = await loadOneDocument(io, "resolve", positionals, values.profile);
  if (typeof one !== "object") return one;
  const { file } = one;
  try {
    const resolved = resolvedToJson(resolveDocument(one.doc)) as ResolvedJson;
    const notes = one.doc.profile === "cts" ? await addEmixView(one.doc, resolved) : [];
    for (const note of notes)
      io.stderr(`${file}: ${note.path || "/"}: ${note.message} [${note.code}]\n`);
    io.stdout(`${JSON.stringify(resolved, null, 2)}\n`);
    return EXIT.ok;
  } catch (e) {
    if (!(e instanceof ResolutionError)) throw e;
    for (const i of e.issues) io.stderr(`${file}: ${i.path || "/"}: ${i.message} [${i.code}]\n`);
    return EXIT.invalid;
  }
}

interface ResolvedJson {
  schedules: { path: string; intervals: Record<string, unknown>[] }[];
}

/** EMIX paths ("/eiTender[0]/product") in the form resolve prints them ("/eiTender/0/product"). */
const asPointer = (p: string): string => p.replace(/\[(\d+)\]/g, "/$1");

/**
 * Adds to each interval of a schedule that is an EMIX product's stream what the amount code reads
 * for it: the payload's price (resolved: absolute, or what a relative price or multiplier needs)
 * and quantity, with their paths. The schedule itself is already resolved: an EMIX problem does
 * not stop it, it comes back as a note (printed on stderr).
 */
async function addEmixView(doc: CodecDocument, resolved: ResolvedJson): Promise<readonly Issue[]> {
  const emix = await import("@transactive/emix");
  const { EmixError, findEmixObjects, resolveIntervals } = emix;
  const bySchedule = new Map(resolved.schedules.map((s) => [s.path, s]));
  const notes: Issue[] = [];
  for (const p of findEmixObjects(doc.value, `/${doc.element}`)) {
    if (p.kind !== "product") continue;
    const schedule = bySchedule.get(asPointer(p.path));
    if (schedule === undefined) continue;
    let intervals: EmixInterval[];
    try {
      intervals = resolveIntervals(p.value, p.path);
    } catch (e) {
      if (!(e instanceof EmixError)) throw e;
      notes.push(...e.issues);
      continue;
    }
    const byUid = new Map(intervals.map((iv) => [iv.uid, iv]));
    for (const row of schedule.intervals) {
      const iv = byUid.get(row.uid as string);
      if (iv !== undefined) row.emix = emixOf(emix, iv);
    }
  }
  return notes;
}

function emixOf(
  { Decimal, EmixError, resolvePrice }: typeof import("@transactive/emix"),
  iv: EmixInterval,
): Record<string, unknown> {
  const base = iv.sources.price ?? iv.sources.priceRelative ?? iv.sources.priceMultiplier;
  const out: Record<string, unknown> = { payload: iv.payloadKey };
  if (base === undefined)
    out.price = { issue: "no price: neither the interval nor the stream gives one" };
  else
    try {
      const price = resolvePrice(iv.payload, base);
      out.price = { value: price.value.toJSON(), kind: price.kind, from: asPointer(price.path) };
    } catch (e) {
      if (!(e instanceof EmixError)) throw e;
      // a relative price or multiplier needs the market context's price, which no CTS document carries
      out.price = { from: asPointer(e.path), issue: e.issues[0]?.message };
    }
  const q = iv.payload.quantity;
  if (q !== undefined) {
    const from = asPointer(`${iv.sources.quantity ?? ""}/quantity`);
    try {
      out.quantity = { value: Decimal.of(q as Parameters<typeof Decimal.of>[0]).toJSON(), from };
    } catch (e) {
      if (!(e instanceof EmixError)) throw e;
      out.quantity = { from, issue: e.issues[0]?.message };
    }
  }
  return out;
}
