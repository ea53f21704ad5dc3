/**
 * `transactive amounts <file|->`: the exact amounts of every EMIX product in a document (a CTS
 * tender or transaction): per interval its start, end, duration, quantity, energy, price and
 * amount, per product its totals, and totals per currency. Exact decimals throughout (a value with
 * no finite decimal form is printed as a "num/den" fraction). A table by default, JSON with --json.
 */

import { parseArgs } from "node:util";
import {
  type Decimal,
  type DocumentProductAmount,
  documentProductAmounts,
  EmixError,
  type IntervalAmount,
  sum,
} from "@transactive/emix";
import { EXIT, type ExitCode, type Io } from "./io.js";
import { loadOneDocument } from "./load.js";

export const AMOUNTS_HELP = `  amounts <file|-> [--json] [--profile P]
      Exact amounts of the EMIX products of a CTS tender or transaction: per
      interval start, end, duration, quantity, energy, price and amount; totals per
      product and per currency. A table by default; --json prints exact decimal
      strings. An EMIX problem prints "file: path: reason [code]" and exits 1, as
      does a document with no EMIX product.
`;

export async function amountsCommand(args: readonly string[], io: Io): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      json: { type: "boolean" },
      profile: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(AMOUNTS_HELP);
    return EXIT.ok;
  }
  const one = await loadOneDocument(io, "amounts", positionals, values.profile);
  if (typeof one !== "object") return one;
  const { file } = one;
  const { doc } = one;
  let products: DocumentProductAmount[];
  try {
    products = documentProductAmounts(doc);
  } catch (e) {
    if (!(e instanceof EmixError)) throw e;
    for (const i of e.issues) io.stderr(`${file}: ${i.path || "/"}: ${i.message} [${i.code}]\n`);
    return EXIT.invalid;
  }
  if (products.length === 0) {
    io.stderr(
      `${file}: /${doc.element}: no EMIX product: this ${doc.element} (${doc.profile}) states no emix:product to price; amounts come from CTS tenders and transactions [no-product]\n`,
    );
    return EXIT.invalid;
  }
  const report = amountsReport(doc.profile, doc.element, products);
  io.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : table(report));
  return EXIT.ok;
}

interface IntervalRow {
  readonly uid: string;
  readonly start: string;
  readonly end: string;
  readonly duration: string;
  readonly seconds: string;
  readonly quantity: string;
  readonly energy: string;
  readonly price: string;
  readonly priceKind: string;
  readonly amount: string;
  readonly currency: string;
}

interface ProductRow {
  readonly path: string;
  readonly currency: string;
  readonly side?: string;
  readonly item?: {
    readonly element: string;
    readonly units: string;
    readonly siScaleCode: string;
  };
  readonly intervals: readonly IntervalRow[];
  readonly energy: string;
  readonly amount: string;
}

interface Report {
  readonly profile: string;
  readonly element: string;
  readonly products: readonly ProductRow[];
  /** one entry per currency, in order of first appearance */
  readonly totals: readonly { currency: string; amount: string; intervals: number }[];
}

/** The JSON form `amounts --json` prints: exact values as strings, never floats. */
export function amountsReport(
  profile: string,
  element: string,
  products: readonly DocumentProductAmount[],
): Report {
  const byCurrency = new Map<string, { amounts: Decimal[]; intervals: number }>();
  const rows = products.map(({ path, amount: a }) => {
    const t = byCurrency.get(a.currency) ?? { amounts: [], intervals: 0 };
    t.amounts.push(a.amount);
    t.intervals += a.intervals.length;
    byCurrency.set(a.currency, t);
    return {
      path,
      currency: a.currency,
      ...(a.side === undefined ? {} : { side: a.side }),
      ...(a.item === undefined
        ? {}
        : {
            item: {
              element: a.item.definition.element,
              units: a.item.units,
              siScaleCode: a.item.scale,
            },
          }),
      intervals: a.intervals.map((r) => intervalRow(r, a.currency)),
      energy: a.energy.toJSON(),
      amount: a.amount.toJSON(),
    };
  });
  return {
    profile,
    element,
    products: rows,
    totals: [...byCurrency].map(([currency, t]) => ({
      currency,
      amount: sum(t.amounts).toJSON(),
      intervals: t.intervals,
    })),
  };
}

function intervalRow(r: IntervalAmount, currency: string): IntervalRow {
  return {
    uid: r.uid,
    start: r.start,
    end: r.end,
    duration: isoDuration(r.seconds),
    seconds: r.seconds.toJSON(),
    quantity: r.quantity.toJSON(),
    energy: r.energy.toJSON(),
    price: r.price.toJSON(),
    priceKind: r.priceKind,
    amount: r.amount.toJSON(),
    currency,
  };
}

/** ISO 8601 duration of an exact number of seconds: "PT15M", "PT1H30M", "PT0.5S". */
export function isoDuration(seconds: Decimal): string {
  if (!seconds.isInteger()) return `PT${seconds.toJSON()}S`;
  let s = BigInt(seconds.toString());
  const neg = s < 0n;
  if (neg) s = -s;
  const h = s / 3600n;
  const m = (s % 3600n) / 60n;
  const rest = s % 60n;
  const parts = `${h ? `${h}H` : ""}${m ? `${m}M` : ""}${rest || (!h && !m) ? `${rest}S` : ""}`;
  return `${neg ? "-" : ""}PT${parts}`;
}

const COLUMNS = [
  "uid",
  "start",
  "end",
  "duration",
  "quantity",
  "energy",
  "price",
  "amount",
] as const;

/** The human form: one aligned table per product, then the totals per currency. */
function table(r: Report): string {
  const out: string[] = [`${r.profile} ${r.element}`];
  for (const p of r.products) {
    const item = p.item
      ? `, ${p.item.element} in ${p.item.siScaleCode === "none" ? "" : p.item.siScaleCode}${p.item.units}`
      : "";
    out.push("", `product ${p.path} (${p.currency}${p.side ? `, ${p.side}` : ""}${item})`);
    const cells: string[][] = [
      [...COLUMNS],
      ...p.intervals.map((i) => COLUMNS.map((c) => i[c])),
      ["total", "", "", "", "", p.energy, "", p.amount],
    ];
    const widths = COLUMNS.map((_, k) => Math.max(...cells.map((row) => (row[k] ?? "").length)));
    for (const row of cells)
      out.push(
        `  ${row
          .map((c, k) => (k >= 4 ? c.padStart(widths[k] ?? 0) : c.padEnd(widths[k] ?? 0)))
          .join("  ")
          .trimEnd()}`,
      );
  }
  out.push("", "totals");
  for (const t of r.totals)
    out.push(
      `  ${t.currency} ${t.amount} (${t.intervals} interval${t.intervals === 1 ? "" : "s"})`,
    );
  return `${out.join("\n")}\n`;
}
