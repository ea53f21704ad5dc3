/**
 * The reports of real runs (the recorded transcripts of tests/vectors, checked) and of a run whose
 * messages and verdicts are hostile text: JUnit parses as XML with the right counts; the HTML page
 * escapes everything, has no script and puts failures first; the console summary names each failure.
 */
import { isXmlElement, readXml, type XmlElement } from "@transactive/codec";
import { describe, expect, it } from "vitest";
import { HOSTILE, hostileRuns, recorded, run } from "../tests/hostile.js";
import { prettyXml } from "./pretty.js";
import { consoleSummary, htmlReport, junitReport } from "./report.js";
import type { InteropRun } from "./types.js";

const elements = (e: XmlElement, local: string): XmlElement[] =>
  e.children.filter(isXmlElement).filter((c) => c.local === local);
const attr = (e: XmlElement, name: string): string | undefined =>
  e.attrs.find((a) => a.local === name)?.value;

describe("junitReport", () => {
  it("parses as XML with a testsuite per run, a testcase per check and the failures counted", () => {
    const runs = hostileRuns();
    const xml = junitReport(runs);
    const root = readXml(xml);
    expect(root.local).toBe("testsuites");
    const total = runs.reduce((n, r) => n + r.checks.length, 0);
    const failures = runs.reduce((n, r) => n + r.checks.filter((c) => !c.ok).length, 0);
    expect(attr(root, "tests")).toBe(String(total));
    expect(attr(root, "failures")).toBe(String(failures));
    expect(failures).toBeGreaterThanOrEqual(2);
    const suites = elements(root, "testsuite");
    expect(suites.map((s) => attr(s, "name"))).toEqual(
      runs.map((r) => r.scenario.replace("\u0001", "\\u0001")),
    );
    suites.forEach((s, i) => {
      const r = runs[i] as InteropRun;
      expect(elements(s, "testcase")).toHaveLength(r.checks.length);
      expect(attr(s, "failures")).toBe(String(r.checks.filter((c) => !c.ok).length));
      const failed = elements(s, "testcase").filter((t) => elements(t, "failure").length > 0);
      expect(failed).toHaveLength(r.checks.filter((c) => !c.ok).length);
    });
    // the hostile message survives as text
    const failure = elements(suites[1] as XmlElement, "testcase")
      .flatMap((t) => elements(t, "failure"))
      .find((f) => attr(f, "type") === "payload-type");
    expect(attr(failure as XmlElement, "message")).toBe(HOSTILE.replace("\u0001", "\\u0001"));
  });

  it("a passing run has no failure elements", () => {
    const xml = junitReport([run("registration", recorded.transcript)]);
    expect(xml).not.toContain("<failure");
    expect(readXml(xml).local).toBe("testsuites");
  });
});

describe("htmlReport", () => {
  const html = htmlReport(hostileRuns());

  it("has no script at all and a CSP that allows only its own style", () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).toMatch(
      /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;sha256-[A-Za-z0-9+/=]+&#39;;/,
    );
    expect(html).not.toMatch(
      /https?:\/\/(?!openadr\.org|docs\.oasis-open\.org|www\.w3\.org|transactive\.example)/,
    );
  });

  it("escapes hostile text wherever it appears", () => {
    expect(html).toContain("&lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).not.toContain('<!-- "quoted"');
  });

  it("puts failures first: the failures table and the failed run before the passing one", () => {
    const failures = html.indexOf('id="failures"');
    const hostile = html.indexOf('<h2><span class="fail">FAIL</span> hostile');
    const good = html.indexOf('<h2><span class="pass">pass</span> registration');
    expect(failures).toBeGreaterThan(0);
    expect(hostile).toBeGreaterThan(failures);
    expect(good).toBeGreaterThan(hostile);
  });

  it("shows every message pretty-printed and every check's verdict", () => {
    const runs = hostileRuns();
    for (const r of runs)
      expect(html.split(`<details id="r${runs[0] === r ? 1 : 0}-m`).length - 1).toBe(
        r.transcript.length,
      );
    // one line per element
    expect(html).toContain("\n  &lt;oadr:oadrSignedObject&gt;\n    &lt;oadr:oadrQueryRegistration");
    const total = runs.reduce((n, r) => n + r.checks.length, 0);
    expect(html.match(/<tr class="(pass|fail)"><td><span class=/g)?.length).toBe(total);
  });
});

describe("consoleSummary", () => {
  it("gives a line per run and each failed check with its rule and message", () => {
    const text = consoleSummary(hostileRuns());
    expect(text).toMatch(/^PASS {2}registration {2}\d+\/\d+ checks passed, 44 messages/m);
    expect(text).toMatch(/^FAIL {2}hostile/m);
    expect(text).toMatch(
      /^ {6}conformance \[whole run\] #4: #4 oadrCreatedPartyRegistration \(vtn -> ven\)/m,
    );
    expect(text).toMatch(/1 of 2 scenarios passed; \d+ checks failed\n$/);
  });
});

describe("prettyXml", () => {
  it("indents elements, keeps text on its element's line and returns non-XML unchanged", () => {
    expect(prettyXml("<a><b>x</b><c/><d><e>y</e></d></a>")).toBe(
      "<a>\n  <b>x</b>\n  <c/>\n  <d>\n    <e>y</e>\n  </d>\n</a>",
    );
    expect(prettyXml('{"json": true}')).toBe('{"json": true}');
    expect(prettyXml("<a><b>unclosed")).toBe("<a>\n  <b>unclosed");
  });
});
