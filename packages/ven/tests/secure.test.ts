/**
 * `transactive ven` with the existing TLS and XML Signature support: the reference VTN over HTTPS
 * requiring a client certificate, verifying the signature of every request and signing every
 * answer; the VEN with --tls-ca/--tls-cert/--tls-key, --sign-key/--sign-cert and --trust-ca. A VEN
 * that trusts another CA refuses every answer and never registers. Keys are made at test time.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { xmlSignature } from "@transactive/ei-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makePki, SKIP_OPENSSL, type TestPki } from "../../ei-node/tests/pki.js";
import { parseSummary } from "../src/summary.js";
import {
  messageOf,
  spawnVen,
  startTestVtn,
  type TestVtn,
  testEvent,
  type VenProcess,
  waitUntil,
} from "./helpers.js";

describe.skipIf(SKIP_OPENSSL)(
  "transactive ven over mutual TLS with XML Signature",
  { timeout: 240_000 },
  () => {
    let pki: TestPki;
    let t: TestVtn;
    let ven: VenProcess;
    const files: Record<string, string> = {};
    let dir = "";
    beforeAll(async () => {
      pki = makePki();
      const server = pki.issue("vtn-server", "server");
      const vtnSigner = pki.issue("vtn-signer", "signer");
      const client = pki.issue("ven-client", "client");
      const venSigner = pki.issue("ven-signer", "signer");
      dir = mkdtempSync(join(tmpdir(), "transactive-ven-pki-"));
      const put = (name: string, text: string) => {
        const f = join(dir, name);
        writeFileSync(f, text);
        files[name] = f;
      };
      put("ca.crt", pki.ca.cert);
      put("other-ca.crt", pki.otherCa.cert);
      put("client.crt", client.cert);
      put("client.key", client.key);
      put("signer.crt", venSigner.cert);
      put("signer.key", venSigner.key);
      t = await startTestVtn({
        pollFrequency: "PT1S",
        tls: { key: server.key, cert: server.cert, ca: pki.ca.cert },
        signature: xmlSignature({
          sign: { privateKey: vtnSigner.key, certificate: vtnSigner.cert },
          verify: { trustedCertificates: [pki.ca.cert] },
        }),
      });
      ven = spawnVen([
        "--vtn",
        t.url,
        "--tls-ca",
        files["ca.crt"] as string,
        "--tls-cert",
        files["client.crt"] as string,
        "--tls-key",
        files["client.key"] as string,
        "--sign-key",
        files["signer.key"] as string,
        "--sign-cert",
        files["signer.crt"] as string,
        "--trust-ca",
        files["ca.crt"] as string,
      ]);
    });
    afterAll(async () => {
      await ven?.stop();
      await t?.close();
      pki?.dispose();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("registers, opts and reports with every message signed and every answer verified", async () => {
      const m = await ven.waitForLog(/registered with VTN vtn as VEN (\S+) /);
      const venID = m[1] as string;
      t.vtn.publishEvent(testEvent("evt-signed"));
      await waitUntil(
        () => t.vtn.state.eventResponses.has(`${venID} evt-signed`),
        120_000,
        "the opt",
        ven.stderr,
      );
      const id = t.vtn.requestReport(venID, "telemetry-usage", {
        granularity: "PT1S",
        reportBackDuration: "PT1S",
      });
      await waitUntil(
        () => (t.vtn.state.reportRequests.get(id)?.updates ?? 0) >= 1,
        120_000,
        "an update",
        ven.stderr,
      );
      expect(t.url).toMatch(/^https:/);
      expect(t.requests.length).toBeGreaterThan(5);
      for (const r of t.requests) expect(r.body, messageOf(r.body)).toContain("<ds:Signature");
      expect(t.requests.some((r) => messageOf(r.body) === "oadrUpdateReport")).toBe(true);
      expect(t.requests[1]?.body).toContain("<oadr:oadrXmlSignature>true</oadr:oadrXmlSignature>");
      const { stdout } = await ven.stop();
      expect(parseSummary(stdout)).toMatchObject({
        registered: true,
        eventsReceived: 1,
        eventsOptedIn: 1,
      });
    });

    it("refuses answers signed by a CA it does not trust, and never registers", async () => {
      const other = spawnVen([
        "--vtn",
        t.url,
        "--tls-ca",
        files["ca.crt"] as string,
        "--tls-cert",
        files["client.crt"] as string,
        "--tls-key",
        files["client.key"] as string,
        "--sign-key",
        files["signer.key"] as string,
        "--sign-cert",
        files["signer.crt"] as string,
        "--trust-ca",
        files["other-ca.crt"] as string,
        "--duration",
        "3",
      ]);
      const { code, stdout, stderr } = await other.exited();
      expect(code).toBe(0);
      expect(stderr).toMatch(
        /oadrQueryRegistration: the answer's signature does not verify: .*; retrying in/,
      );
      expect(parseSummary(stdout)?.registered).toBe(false);
    });
  },
);
