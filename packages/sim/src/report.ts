/**
 * report.html: one self-contained page that opens offline. Chart.js (MIT; its UMD build, license
 * headers included, inlined verbatim) draws five charts from the result's series, embedded as
 * escaped JSON; the summary table is plain HTML, readable without scripts. A Content-Security-
 * Policy allows only the page's own scripts and style (by SHA-256) and no network at all. Numbers
 * are parsed to floats in the page for drawing only; the table shows the exact decimal strings.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { escapeHtml, jsonForScript, scriptSafe } from "./escape.js";
import type { EngineRecord, SimulationResult } from "./result.js";
import type { SideSummary, SimulationSummary } from "./summary.js";

/** The charting library inlined into the report: its version and source, read once. */
export interface ChartLibrary {
  readonly name: "chart.js";
  readonly version: string;
  /** dist/chart.umd.min.js, unchanged (it starts with the license headers of Chart.js and @kurkle/color) */
  readonly source: string;
}

let library: ChartLibrary | undefined;

/** Chart.js as installed beside this package (the exact version package.json pins). */
export function chartLibrary(): ChartLibrary {
  if (library === undefined) {
    // chart.js exports no subpath for its UMD file: find the package from its main entry
    const dist = dirname(createRequire(import.meta.url).resolve("chart.js"));
    const pkg = JSON.parse(readFileSync(join(dist, "..", "package.json"), "utf8")) as {
      version: string;
    };
    const source = readFileSync(join(dist, "chart.umd.min.js"), "utf8");
    library = {
      name: "chart.js",
      version: pkg.version,
      source: scriptSafe(source, `chart.js ${pkg.version}`),
    };
  }
  return library;
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1200px; padding: 16px 24px; color: #1d2430; background: #fff; }
h1 { font-size: 22px; margin: 8px 0; }
h2 { font-size: 16px; margin: 0 0 6px; }
p.scenario, p.note, footer { color: #4a5566; }
p.note { background: #fff6e0; border-left: 4px solid #e0a000; padding: 6px 10px; }
table { border-collapse: collapse; margin: 8px 0 20px; }
th, td { border-bottom: 1px solid #dde3ea; padding: 4px 12px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 20px; }
figure { margin: 0; }
.chart { position: relative; height: 300px; }
`;

const COLORS = {
  market: "#1f6fb4",
  baseline: "#d9622b",
  supply: "#2e9e44",
  demand: "#8d3fb8",
  import: "#c23b3b",
  export: "#2a8c8c",
  tariff: "#7a8594",
};

// The page's own script: ES2017, no modules, reads the JSON block and draws the charts.
const DRAW = `(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("simulation-data").textContent);
  var C = ${JSON.stringify(COLORS)};
  function nums(a) { return a.map(function (s) { return s === null ? null : Number(s); }); }
  // dashed (no-market) lines are drawn over solid (market) ones (Chart.js draws lower order on
  // top), so where the two coincide both stay visible
  function set(label, values, color, dashed, extra) {
    var d = { label: label, data: values, borderColor: color, backgroundColor: color,
      borderWidth: 1.5, pointRadius: 0, borderDash: dashed ? [6, 4] : [], order: dashed ? 0 : 1 };
    for (var k in extra || {}) d[k] = extra[k];
    return d;
  }
  function chart(id, yTitle, datasets, y) {
    new Chart(document.getElementById(id), {
      type: "line",
      data: { labels: data.labels, datasets: datasets },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false, normalized: true,
        interaction: { mode: "index", intersect: false },
        scales: { x: { ticks: { maxTicksLimit: 13, autoSkip: true } },
                  y: Object.assign({ title: { display: true, text: yTitle } }, y || {}) },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }
  var m = data.market, b = data.baseline, cap = Number(data.batteryCapacityKwh);
  function soc(side) { return nums(side.batteryEnergyKwh).map(function (e) { return cap > 0 ? 100 * e / cap : 0; }); }
  function neg(a) { return nums(a).map(function (x) { return -x; }); }
  function flat(v) { return data.labels.map(function () { return Number(v); }); }
  var price = [
    set("import tariff", flat(data.tariff.importPrice), C.tariff, true),
    set("export tariff", flat(data.tariff.exportPrice), C.tariff, true, { borderDash: [2, 3] })
  ];
  if (m) price.unshift(set("clearing price", nums(m.clearingPrice), C.market, false, { stepped: true, spanGaps: false }));
  chart("chart-price", data.currency + " per kWh", price, { suggestedMin: 0 });
  var sd = [set("supply, no market", nums(b.supplyKw), C.supply, true), set("demand, no market", nums(b.demandKw), C.demand, true)];
  if (m) sd.unshift(set("supply, market", nums(m.supplyKw), C.supply, false), set("demand, market", nums(m.demandKw), C.demand, false));
  chart("chart-supply-demand", "kW", sd, { beginAtZero: true });
  var bat = [set("no market", soc(b), C.baseline, true)];
  if (m) bat.unshift(set("market", soc(m), C.market, false));
  chart("chart-battery", "state of charge, %", bat, { min: 0, max: 100 });
  var grid = [set("import, no market", nums(b.importKw), C.import, true), set("export, no market", neg(b.exportKw), C.export, true)];
  if (m) grid.unshift(set("import, market", nums(m.importKw), C.import, false), set("export, market", neg(m.exportKw), C.export, false));
  chart("chart-grid", "kW (import +, export −)", grid);
  var load = [set("load, no market", nums(b.loadKw), C.baseline, true)];
  if (m) load.unshift(set("load, market", nums(m.loadKw), C.market, false));
  chart("chart-load", "kW", load, { beginAtZero: true });
  document.body.setAttribute("data-charts", "drawn");
})();`;

interface Series {
  clearingPrice: (string | null)[];
  supplyKw: string[];
  demandKw: string[];
  loadKw: string[];
  batteryEnergyKwh: string[];
  importKw: string[];
  exportKw: string[];
}

function series(records: readonly EngineRecord[]): Series {
  return {
    clearingPrice: records.map((r) => r.clearingPrice),
    supplyKw: records.map((r) => r.supplyKw),
    demandKw: records.map((r) => r.demandKw),
    loadKw: records.map((r) => r.loadKw),
    batteryEnergyKwh: records.map((r) => r.batteryEnergyKwh),
    importKw: records.map((r) => r.importKw),
    exportKw: records.map((r) => r.exportKw),
  };
}

const ROWS: readonly [keyof SideSummary, string, string][] = [
  ["peakImportKw", "Peak import", "kW"],
  ["peakImportAt", "Peak import at", ""],
  ["averageImportKw", "Average import", "kW"],
  ["peakToAverageRatio", "Peak-to-average ratio of import", ""],
  ["peakLoadKw", "Peak load", "kW"],
  ["loadPeakToAverageRatio", "Peak-to-average ratio of load", ""],
  ["importEnergyKwh", "Energy imported", "kWh"],
  ["exportEnergyKwh", "Energy exported", "kWh"],
  ["loadEnergyKwh", "Energy consumed by loads", "kWh"],
  ["energyTradedKwh", "Energy traded in the market", "kWh"],
  ["transactionCount", "Transactions", ""],
  ["medianTransactionAmount", "Median transaction", "CUR"],
  ["totalTransactionAmount", "Total of transactions", "CUR"],
  ["gridCost", "Grid cost at the tariff", "CUR"],
];

function cell(v: string | number | null | undefined): string {
  return escapeHtml(v === null || v === undefined ? "–" : String(v));
}

function summaryTable(s: SimulationSummary): string {
  const head = `<tr><th>Figure</th><th>With the market</th><th>No market (same seed)</th><th>Unit</th></tr>`;
  const rows = ROWS.map(([key, label, unit]) => {
    const u = unit === "CUR" ? s.scenario.currency : unit;
    return `<tr><td>${escapeHtml(label)}</td><td data-side="market" data-figure="${key}">${cell(s.market?.[key])}</td><td data-side="baseline" data-figure="${key}">${cell(s.baseline[key])}</td><td>${escapeHtml(u)}</td></tr>`;
  });
  return `<table id="summary">\n${head}\n${rows.join("\n")}\n</table>`;
}

/** The ledger's figures (--ledger), or nothing. */
function ledgerTable(s: SimulationSummary): string {
  const l = s.ledger;
  if (l === undefined) return "";
  const cur = s.scenario.currency;
  const rows: [string, string, string | number | null, string][] = [
    ["records", "Records in the ledger", l.records, ""],
    ["medianTransactionValue", "Median transaction value", l.medianTransactionValue, cur],
    ["contracts", "Contracts settled", l.settlement.contracts, ""],
    ["deliveries", "Delivery records settled", l.settlement.deliveries, ""],
    ["partiesSettled", "Parties settled", l.settlement.partiesSettled, ""],
    ["periods", "Settlement periods", l.settlement.periods, ""],
    ["parts", "Settlement records (parts)", l.settlement.parts, ""],
    ["total", "Sum of net balance changes", l.settlement.total, cur],
  ];
  const body = rows
    .map(
      ([key, label, v, unit]) =>
        `<tr><td>${escapeHtml(label)}</td><td data-ledger="${key}">${cell(v)}</td><td>${escapeHtml(unit)}</td></tr>`,
    )
    .join("\n");
  return `<h2>Ledger</h2>\n<p class="scenario">Trades written into the ledger at ${escapeHtml(l.directory)} and settled at the clearing prices.</p>\n<table id="ledger">\n<tr><th>Figure</th><th>Value</th><th>Unit</th></tr>\n${body}\n</table>`;
}

const sha256 = (text: string): string =>
  `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

/** The HTML of report.html for a result and its summary: self-contained, no network. */
export function renderReport(result: SimulationResult, summary: SimulationSummary): string {
  const lib = chartLibrary();
  const sc = result.scenario;
  const labels = result.intervals.map((i) => i.start.slice(11, 16));
  const market = result.intervals.every((i) => i.market !== null)
    ? series(result.intervals.map((i) => i.market as EngineRecord))
    : null;
  const data = jsonForScript({
    labels,
    currency: sc.currency,
    tariff: sc.tariff,
    batteryCapacityKwh: sc.batteryCapacityKwh,
    market: result.engines.market === null ? null : market,
    baseline: series(result.intervals.map((i) => i.baseline)),
  });
  const title = `Microgrid simulation: ${sc.agents} agents, ${sc.date}, seed ${sc.seed}`;
  const kinds = Object.entries(sc.devices)
    .map(([k, n]) => `${n} ${k}`)
    .join(", ");
  const engine =
    result.engines.market === null
      ? `<p class="note" id="no-market">No market engine was plugged into this run: the figures and charts show the no-market baseline only.</p>`
      : `<p class="scenario">Market: ${escapeHtml(result.engines.market)} (${escapeHtml(result.mechanism ?? "")}, ${result.levels} level${result.levels === 1 ? "" : "s"}), compared with the no-market baseline on the same seed.</p>`;
  const figures: [string, string, string][] = [
    [
      "chart-price",
      "Clearing price per interval",
      "Clearing price of the interval's market against the grid tariff.",
    ],
    [
      "chart-supply-demand",
      "Supply vs demand",
      "Local supply (PV, battery discharge) and demand (loads, battery charging).",
    ],
    [
      "chart-battery",
      "Battery state of charge",
      "Energy in all batteries as a share of their capacity.",
    ],
    ["chart-grid", "Import and export at the grid tie", "Import above zero, export below."],
    [
      "chart-load",
      "Load with and without the market",
      "Consumption of household, EV and HVAC loads, same seed.",
    ],
  ];
  const charts = figures
    .map(
      ([id, h, caption]) =>
        `<figure><h2>${escapeHtml(h)}</h2><div class="chart"><canvas id="${id}" role="img" aria-label="${escapeHtml(h)}"></canvas></div><figcaption>${escapeHtml(caption)}</figcaption></figure>`,
    )
    .join("\n");
  const csp = `default-src 'none'; script-src ${sha256(lib.source)} ${sha256(DRAW)}; style-src ${sha256(STYLE)}; img-src data:; base-uri 'none'; form-action 'none'`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="scenario">${escapeHtml(
    `${sc.hours} h from ${result.intervals[0]?.start ?? ""} in ${sc.interval} intervals (${sc.count}); ` +
      `site ${sc.site.latitude}°, ${sc.site.longitude}°; outdoor ${sc.temperatureRange.min} to ${sc.temperatureRange.max} °C (HVAC ${sc.hvacMode}); ` +
      `agents: ${kinds}, and the grid tie (import ${sc.tariff.importPrice}, export ${sc.tariff.exportPrice} ${sc.currency}/kWh); ` +
      `PV ${sc.pvRatedKw} kW, batteries ${sc.batteryCapacityKwh} kWh.`,
  )}</p>
${engine}
<h2>Summary</h2>
${summaryTable(summary)}
${ledgerTable(summary)}
<div class="charts">
${charts}
</div>
<footer><p>Charts drawn with ${escapeHtml(lib.name)} ${escapeHtml(lib.version)} (MIT License), inlined. Figures: exact decimals; see docs/simulation.md for their definitions.</p></footer>
<script type="application/json" id="simulation-data">${data}</script>
<script>${lib.source}</script>
<script>${DRAW}</script>
</body>
</html>
`;
}
