/**
 * report.html in a real browser: Debian's headless Chromium, driven by playwright-core. The page
 * loads from file:// with no console error (a CSP violation is one), no page error and no request
 * but the page itself; and each of the five charts is drawn: its screenshot has ink, several
 * colours, and pixels of its datasets' colours. Without Chromium the tests skip with a message,
 * except under CI=true, where a missing browser is a failure (.ci/run installs it).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type BrowserContext, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScenario, runSimulation, writeSimulationOutput } from "../src/index.js";
import { peakShaver } from "./peak-shaver.js";
import { decodePng, inkStats } from "./png.js";

const CHROMIUM = process.env.TRANSACTIVE_CHROMIUM ?? "/usr/bin/chromium";
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const ON_CI = process.env.CI === "true";
if (!HAVE_CHROMIUM && !ON_CI)
  process.stderr.write(
    `report.browser.test: skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set TRANSACTIVE_CHROMIUM)\n`,
  );

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

// dataset colours of report.ts
const MARKET = "#1f6fb4";
const BASELINE = "#d9622b";
const SUPPLY = "#2e9e44";
const DEMAND = "#8d3fb8";
const IMPORT = "#c23b3b";
const EXPORT = "#2a8c8c";
const TARIFF = "#7a8594";

describe.skipIf(!HAVE_CHROMIUM && !ON_CI)(
  "report.html in headless Chromium",
  { timeout: 180_000 },
  () => {
    const dir = mkdtempSync(join(tmpdir(), "transactive-report-"));
    let context: BrowserContext | undefined;
    let withMarket = "";
    let baselineOnly = "";

    beforeAll(async () => {
      expect(HAVE_CHROMIUM, `no Chromium at ${CHROMIUM}: .ci/run installs Debian's chromium`).toBe(
        true,
      );
      const scenario = createScenario({ agents: 60, seed: 4 });
      const a = await runSimulation(scenario, { market: peakShaver, mechanism: "call" });
      withMarket = (await writeSimulationOutput(a, join(dir, "market"))).report;
      const b = await runSimulation(scenario);
      baselineOnly = (await writeSimulationOutput(b, join(dir, "baseline"))).report;
      context = await chromium.launchPersistentContext(join(dir, "profile"), {
        executablePath: CHROMIUM,
        headless: true,
        args: ARGS,
        viewport: { width: 1280, height: 900 },
        timeout: 120_000,
      });
    }, 180_000);

    afterAll(async () => {
      await context?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    async function open(report: string) {
      if (!context) throw new Error("no browser");
      const page = await context.newPage();
      const problems: string[] = [];
      const requests: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning")
          problems.push(`console ${m.type()}: ${m.text()}`);
      });
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      page.on("requestfailed", (r) =>
        problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`),
      );
      page.on("request", (r) => requests.push(r.url()));
      const url = pathToFileURL(report).href;
      const response = await page.goto(url, { waitUntil: "load", timeout: 120_000 });
      await page.waitForSelector('body[data-charts="drawn"]', { timeout: 60_000 });
      return { page, problems, requests, url, ok: response?.ok() ?? true };
    }

    /**
     * Screenshot of the chart's plot area alone (Chart.js' chartArea: inside the axes, without
     * legend or labels), so dataset colours found there are drawn lines, not legend boxes.
     */
    async function chartStats(
      page: Awaited<ReturnType<typeof open>>["page"],
      id: string,
      colours: string[],
    ) {
      // runs in the page (a string: this package's tests are typed without the DOM library)
      const area = (await page.evaluate(`(() => {
        const canvas = document.getElementById(${JSON.stringify(id)});
        const chart = canvas && Chart.getChart(canvas);
        if (!chart) return null;
        const box = canvas.getBoundingClientRect();
        const a = chart.chartArea;
        return { x: box.left + window.scrollX + a.left, y: box.top + window.scrollY + a.top,
                 width: a.right - a.left, height: a.bottom - a.top };
      })()`)) as { x: number; y: number; width: number; height: number } | null;
      expect(area, `${id}: no Chart.js chart on the canvas`).not.toBeNull();
      if (!area) throw new Error("unreachable");
      expect(area.width).toBeGreaterThan(250);
      expect(area.height).toBeGreaterThan(150);
      const png = await page.screenshot({ clip: area, fullPage: true, timeout: 60_000 });
      return inkStats(decodePng(png), colours);
    }

    it("with the market: loads offline without errors and draws all five charts", async () => {
      const { page, problems, requests, url } = await open(withMarket);
      expect(problems).toEqual([]);
      expect(requests).toEqual([url]);
      expect(await page.locator("canvas").count()).toBe(5);
      const checks: [string, string[]][] = [
        ["chart-price", [MARKET, TARIFF]],
        ["chart-supply-demand", [SUPPLY, DEMAND]],
        ["chart-battery", [MARKET, BASELINE]],
        ["chart-grid", [IMPORT, EXPORT]],
        ["chart-load", [MARKET, BASELINE]],
      ];
      for (const [id, colours] of checks) {
        const s = await chartStats(page, id, colours);
        // axes, grid, labels and lines: a few percent of the area, many shades
        expect(s.ink / s.pixels, id).toBeGreaterThan(0.02);
        expect(s.colours, id).toBeGreaterThan(8);
        for (const [k, n] of s.near.entries())
          expect(n, `${id}: pixels of ${colours[k]}`).toBeGreaterThan(40);
      }
      expect(
        await page
          .locator('#summary td[data-side="market"][data-figure="peakImportKw"]')
          .textContent(),
      ).toMatch(/^\d+(\.\d+)?$/);
      writeFileSync(
        join(tmpdir(), "transactive-report-market.png"),
        await page.screenshot({ fullPage: true }),
      );
      await page.close();
    });

    it("baseline only: loads without errors, says no market ran, draws the baseline", async () => {
      const { page, problems, requests, url } = await open(baselineOnly);
      expect(problems).toEqual([]);
      expect(requests).toEqual([url]);
      await expect(page.locator("#no-market").isVisible()).resolves.toBe(true);
      const load = await chartStats(page, "chart-load", [BASELINE, MARKET]);
      expect(load.near[0]).toBeGreaterThan(40);
      expect(load.near[1]).toBe(0);
      const grid = await chartStats(page, "chart-grid", [IMPORT, EXPORT]);
      expect(grid.near[0]).toBeGreaterThan(40);
      expect(grid.near[1]).toBeGreaterThan(40);
      await page.close();
    });
  },
);
