/**
 * report.html in a real browser: Debian's headless Chromium, driven by playwright-core. The page of
 * a run with hostile messages loads from file:// with no console error (a CSP violation is one), no
 * page error, no dialog and no request but the page itself; the hostile text shows as text, and the
 * failed messages are open. Without Chromium the tests skip with a message, except under CI=true,
 * where a missing browser is a failure (.ci/run installs it).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type BrowserContext, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { htmlReport } from "../src/report.js";
import { HOSTILE, hostileRuns } from "./hostile.js";

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

describe.skipIf(!HAVE_CHROMIUM && !ON_CI)(
  "interop report.html in headless Chromium",
  { timeout: 180_000 },
  () => {
    const dir = mkdtempSync(join(tmpdir(), "transactive-interop-report-"));
    let context: BrowserContext | undefined;
    const file = join(dir, "report.html");

    beforeAll(async () => {
      expect(HAVE_CHROMIUM, `no Chromium at ${CHROMIUM}: .ci/run installs Debian's chromium`).toBe(
        true,
      );
      writeFileSync(file, htmlReport(hostileRuns()));
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

    it("loads offline without errors, runs nothing and shows hostile text as text", async () => {
      if (!context) throw new Error("no browser");
      const page = await context.newPage();
      const problems: string[] = [];
      const requests: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning")
          problems.push(`console ${m.type()}: ${m.text()}`);
      });
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      page.on("dialog", (d) => {
        problems.push(`dialog: ${d.message()}`);
        void d.dismiss();
      });
      page.on("request", (r) => requests.push(r.url()));
      const url = pathToFileURL(file).href;
      await page.goto(url, { waitUntil: "load", timeout: 120_000 });
      expect(problems).toEqual([]);
      expect(requests).toEqual([url]);
      expect(await page.locator("script").count()).toBe(0);
      expect(await page.locator("img").count()).toBe(0);
      // the failures table holds the hostile message verbatim, as text
      const cells = await page.locator("#failures + table td").allInnerTexts();
      expect(cells.some((t) => t.includes(HOSTILE.slice(0, 40)))).toBe(true);
      // the failed run's broken message is open, the passing run's messages closed
      expect(await page.locator("details.fail[open]").count()).toBeGreaterThan(0);
      expect(await page.locator("details[open]:not(.fail)").count()).toBe(0);
      // the stylesheet applied (its hash is in the CSP)
      const color = await page.evaluate(
        'getComputedStyle(document.getElementById("verdict")).color',
      );
      expect(color).toBe("rgb(207, 34, 46)");
      await page.close();
    });
  },
);
