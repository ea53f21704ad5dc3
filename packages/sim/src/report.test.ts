import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { peakShaver } from "../tests/peak-shaver.js";
import type { EngineFactory } from "./engine.js";
import { chartLibrary, renderReport } from "./report.js";
import { runSimulation } from "./run.js";
import { createScenario } from "./scenario.js";
import { summarize } from "./summary.js";

const scenario = createScenario({ agents: 30, seed: 2, hours: 24, interval: "PT30M" });
const hostileName = `peak shaver </script><script>alert("x")</script>`;
const hostile: EngineFactory = async (s, o) => {
  const e = await peakShaver(s, o);
  return { name: hostileName, step: e.step.bind(e) };
};

describe("report.html", async () => {
  const result = await runSimulation(scenario, { market: hostile, mechanism: "call" });
  const html = renderReport(result, summarize(result));

  it("inlines the pinned Chart.js with its license headers", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      dependencies: Record<string, string>;
    };
    const lib = chartLibrary();
    expect(lib.version).toBe(pkg.dependencies["chart.js"]);
    expect(lib.source.startsWith(`/*!\n * Chart.js v${lib.version}`)).toBe(true);
    expect(lib.source).toContain("Released under the MIT License");
    expect(lib.source).toContain("@kurkle/color");
    expect(html).toContain(lib.source);
    const installed = createRequire(import.meta.url).resolve("chart.js");
    expect(installed).toMatch(/chart\.js[\\/]dist[\\/]chart\.cjs$/);
  });

  it("loads nothing from elsewhere: no src or href attributes, CSP without network sources", () => {
    const outsideLibrary = html.replace(chartLibrary().source, "");
    expect(outsideLibrary).not.toMatch(/\s(src|href)\s*=/i);
    expect(outsideLibrary).not.toMatch(/https?:\/\//);
    const csp = (
      /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1] ?? ""
    ).replaceAll("&#39;", "'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/https?:|\*|'unsafe-inline'/);
  });

  it("the CSP hashes are those of the page's scripts and style", () => {
    const csp = /content="(default-src[^"]*)"/.exec(html)?.[1]?.replaceAll("&#39;", "'") ?? "";
    const hash = (t: string) => `'sha256-${createHash("sha256").update(t).digest("base64")}'`;
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? "");
    expect(scripts).toHaveLength(2);
    for (const s of scripts) expect(csp).toContain(hash(s));
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? "";
    expect(csp).toContain(`style-src ${hash(style)}`);
  });

  it("escapes every embedded string: the engine's name cannot open a script", () => {
    expect(html.split("<script").length - 1).toBe(3);
    expect(html).not.toContain(hostileName);
    expect(html).toContain("peak shaver &lt;/script&gt;");
    const json = /<script type="application\/json" id="simulation-data">([\s\S]*?)<\/script>/.exec(
      html,
    )?.[1];
    const data = JSON.parse(json ?? "null") as { labels: string[]; market: { importKw: string[] } };
    expect(data.labels).toHaveLength(48);
    expect(data.labels[1]).toBe("00:30");
    expect(data.market.importKw).toEqual(result.intervals.map((i) => i.market?.importKw));
  });

  it("the summary table shows both sides' exact figures", () => {
    const s = summarize(result);
    expect(html).toContain(
      `data-side="market" data-figure="peakImportKw">${s.market?.peakImportKw}<`,
    );
    expect(html).toContain(
      `data-side="baseline" data-figure="peakImportKw">${s.baseline.peakImportKw}<`,
    );
    expect(html).not.toContain('id="no-market"');
  });

  it("says so when no market engine ran", async () => {
    const base = await runSimulation(scenario);
    const page = renderReport(base, summarize(base));
    expect(page).toContain('id="no-market"');
    expect(page).toContain('"market":null');
  });
});
