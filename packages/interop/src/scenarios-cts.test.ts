/**
 * The CTS scenario files and their templates as data: every template, filled with the scenario's
 * variables, is a valid CTS 0.4 message (our codec with the schema facets, and the official XSD
 * through the conformance oracle); and the tender → transaction → delivery scenario, sent step by
 * step over plain HTTP to our reference market in its own process, gets the answers it expects and
 * passes every CTS check. (The runner plays the same files in tests/cts-scenarios.test.ts.)
 */
import { readFileSync } from "node:fs";
import { decodeXml } from "@transactive/codec";
import { haveOasis, xsdOracle } from "@transactive/conformance";
import { OPERATIONS, registry, servicePath } from "@transactive/ei";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkCtsExchange, checkCtsSequence } from "./checks-cts.js";
import { type StartedCtsPlayer, startCtsPlayer } from "./players-cts.js";
import type { Scenario, TranscriptEntry } from "./types.js";

const dir = new URL("../../../conformance/interop/", import.meta.url);
const load = (name: string) =>
  JSON.parse(readFileSync(new URL(`${name}.json`, dir), "utf8")) as Scenario;
const SCENARIOS = ["cts-tender-transaction-delivery", "cts-market-day"].map(load);
const exchange = load("cts-tender-transaction-delivery");

const xmlEscape = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** ${name} from `vars`; ${uuid} a fresh one (the runner's template.ts does the same for real runs). */
function render(file: string, vars: Readonly<Record<string, string>>): string {
  return readFileSync(new URL(file, dir), "utf8").replace(/\$\{(\w+)\}/g, (_, name: string) => {
    if (name === "uuid") return crypto.randomUUID();
    const v = vars[name];
    if (v === undefined) throw new Error(`${file}: no variable ${name}`);
    return xmlEscape(v);
  });
}

const serviceOf = (payload: string) =>
  Object.values(OPERATIONS).find(
    (o) => o.profiles.includes("cts") && o.request === `pyld:${payload}`,
  )?.service;

describe("CTS scenario files", () => {
  it("are CTS scenarios whose templates and payloads exist", () => {
    for (const s of SCENARIOS) {
      expect(s.profile).toBe("cts");
      expect([...s.roles].sort()).toEqual(["agent", "market"]);
      for (const step of s.steps) {
        const payload = step.send?.file
          ? (/(\w+)\.xml$/.exec(step.send.file)?.[1] as string)
          : step.await?.payload;
        expect(serviceOf(payload as string), `${s.name}/${step.name}`).toBeDefined();
      }
    }
  });

  it("fill every template into a valid CTS 0.4 message (codec + schema facets)", () => {
    for (const step of exchange.steps) {
      const xml = render(step.send?.file as string, exchange.variables ?? {});
      const doc = decodeXml(registry, xml, { validate: true });
      expect(doc.profile).toBe("cts");
      expect(doc.element).toBe(`pyld:${/(\w+)\.xml$/.exec(step.send?.file as string)?.[1]}`);
    }
  });

  it("fill every template into a message the official CTS 0.4 XSD accepts", async () => {
    if (!haveOasis()) return; // fails under CI=true: the XSDs are required there
    const oracle = await xsdOracle();
    const docs = new Map(
      exchange.steps.map((s) => [
        s.send?.file as string,
        render(s.send?.file as string, exchange.variables ?? {}),
      ]),
    );
    const verdicts = await oracle.validate("cts", docs);
    for (const [file, v] of verdicts)
      expect(v, `${file}: ${JSON.stringify(v)}`).toMatchObject({ valid: true });
  }, 120_000);
});

describe("cts-tender-transaction-delivery against our reference market (its own process)", () => {
  let market: StartedCtsPlayer;
  beforeAll(async () => {
    market = await startCtsPlayer("market", { kind: "ours" });
  });
  afterAll(async () => {
    await market?.stop();
  });

  it("gets each expected answer, and every CTS check passes", async () => {
    const transcript: TranscriptEntry[] = [];
    let seq = 0;
    const at = () => new Date().toISOString();
    for (const step of exchange.steps) {
      const payload = /(\w+)\.xml$/.exec(step.send?.file as string)?.[1] as string;
      const body = render(step.send?.file as string, exchange.variables ?? {});
      const path = servicePath("cts", serviceOf(payload) as string);
      const request: TranscriptEntry = {
        seq: ++seq,
        at: at(),
        from: "agent",
        to: "market",
        direction: "request",
        http: { method: "POST", path },
        payload,
        body,
        step: step.name,
      };
      const res = await fetch(`${market.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/xml" },
        body,
      });
      const text = await res.text();
      const answer = decodeXml(registry, text);
      const response: TranscriptEntry = {
        seq: ++seq,
        at: at(),
        from: "market",
        to: "agent",
        direction: "response",
        inReplyTo: request.seq,
        http: { status: res.status },
        payload: answer.element.slice(5),
        body: text,
        step: step.name,
      };
      transcript.push(request, response);
      expect(response.payload, step.name).toBe(step.expect?.payload);
      const code = String(
        (answer.value as { eiResponse?: { responseCode?: unknown } }).eiResponse?.responseCode,
      );
      expect(code, `${step.name}: ${text}`).toBe(step.expect?.responseCodes?.[0] ?? "200");
      const checks = checkCtsExchange(request, response, {});
      expect(
        checks.filter((c) => !c.ok),
        step.name,
      ).toEqual([]);
    }
    const sequence = checkCtsSequence(transcript, {});
    expect(sequence.filter((c) => !c.ok)).toEqual([]);
    const rules = new Set(sequence.map((c) => c.rule));
    for (const r of [
      "cts-transaction-tender",
      "cts-transaction-side",
      "cts-transaction-interval",
      "cts-transaction-price",
      "cts-transaction-quantity",
      "cts-transaction-after-cancel",
      "cts-delivery-transaction",
      "cts-cancel-known-tender",
    ])
      expect(rules, r).toContain(r);
  });
});
