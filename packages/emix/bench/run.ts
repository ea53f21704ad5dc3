/**
 * Benchmark: decode + validate + total the amount of a 288-interval TEMIX tender (one day of
 * 5-minute intervals in CTS 0.4), next to a raw fast-xml-parser parse of the same text.
 * `npm run bench -w @transactive/emix` prints the table and rewrites the emix section of
 * docs/benchmarks.md; `-- --no-write` only prints. BENCH_TIME_MS sets the measured time per case.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeXml, encodeXml, validate } from "@transactive/codec";
import { registry } from "@transactive/ei";
import { XMLParser } from "fast-xml-parser";
import { BASELINE_PARSER_OPTIONS } from "../../../scripts/bench/baseline.js";
import { checkEmix, findEmixObjects, productAmount, temixTender } from "../src/index.js";

const N = 288;
const tender = temixTender({
  requestID: "req-bench",
  partyID: "party-a",
  counterPartyID: "party-b",
  tenderID: "tender-bench",
  uid: "product-bench",
  start: "2026-09-01T00:00:00-07:00",
  interval: "PT5M",
  side: "sell",
  currency: "USD",
  marketContext: "http://market.example.com/cts/5m",
  item: {
    key: "powerReal",
    scale: "k",
    powerAttributes: { hertz: "60", voltage: "120", ac: true },
  },
  intervals: Array.from({ length: N }, (_, i) => ({
    quantity: String(((i * 37) % 500) / 10),
    price: `0.${String(10000 + ((i * 7919) % 9000)).slice(1)}5`,
  })),
});
const xml = encodeXml(registry, tender);
const bytes = Buffer.byteLength(xml);

const parser = new XMLParser(BASELINE_PARSER_OPTIONS);

let sink: unknown;
const cases: { name: string; run: () => unknown }[] = [
  { name: "baseline: XMLParser.parse", run: () => parser.parse(xml) },
  { name: "decodeXml", run: () => decodeXml(registry, xml) },
  {
    name: "decodeXml + validate + EMIX rules + amount",
    run: () => {
      const doc = decodeXml(registry, xml);
      if (validate(registry, doc).length > 0 || checkEmix(doc).length > 0)
        throw new Error("bench document is invalid");
      return findEmixObjects(doc.value).map((o) => productAmount(o.value).amount);
    },
  },
];

const amounts = (cases[2] as { run: () => unknown }).run() as { toFixed(p: number): string }[];
const expected = amounts[0]?.toFixed(6);
const budget = Number(process.env.BENCH_TIME_MS ?? 1500);
const gc = (globalThis as { gc?: () => void }).gc;
const rates: number[][] = cases.map(() => []);
for (const c of cases) for (let i = 0; i < 20; i++) sink = c.run(); // warm-up
let spent = 0;
while (spent < budget * cases.length || (rates[0]?.length ?? 0) < 7) {
  cases.forEach((c, k) => {
    gc?.();
    let n = 0;
    const t0 = process.hrtime.bigint();
    let t = t0;
    do {
      sink = c.run();
      n++;
      t = process.hrtime.bigint();
    } while (Number(t - t0) < 50e6);
    const ms = Number(t - t0) / 1e6;
    spent += ms;
    rates[k]?.push(n / (ms / 1000));
  });
}
void sink;
const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const base = rates[0] as number[];
const rows = cases.map((c, k) => {
  const r = rates[k] as number[];
  const ops = median(r);
  const ratio = median(r.map((x, i) => x / (base[i] as number)));
  return `| ${c.name} | ${ops.toFixed(0)} | ${(1000 / ops).toFixed(3)} | ${((ops * bytes) / 1e6).toFixed(1)} | ${ratio.toFixed(2)}x |`;
});
const table = [
  `Document: a CTS \`pyld:eiCreateTender\` with one TEMIX product of ${N} PT5M intervals in kW (${(bytes / 1024).toFixed(1)} KiB, built with \`temixTender\`); total amount ${expected} USD (rounded to 6 places; exact inside). Node ${process.version}, ${rates[0]?.length} interleaved rounds, medians.`,
  "",
  "| case | messages/s | ms/message | MB/s | vs raw parse |",
  "| --- | ---: | ---: | ---: | ---: |",
  ...rows,
].join("\n");
process.stdout.write(`${table}\n`);

if (!process.argv.includes("--no-write")) {
  const file = join(dirname(fileURLToPath(import.meta.url)), "../../../docs/benchmarks.md");
  const START = "<!-- BENCH:emix:START -->";
  const END = "<!-- BENCH:emix:END -->";
  let md = readFileSync(file, "utf8");
  if (!md.includes(START))
    md = `${md.trimEnd()}\n\n## EMIX: TEMIX tender, decode + validate + amount\n\nCode in \`packages/emix/bench/run.ts\` (\`npm run bench -w @transactive/emix\`).\n\n${START}\n${END}\n`;
  const a = md.indexOf(START) + START.length;
  const b = md.indexOf(END);
  writeFileSync(file, `${md.slice(0, a)}\n${table}\n${md.slice(b)}`);
}
