/**
 * The admin API over HTTPS with client certificates: the certificate named by the operator
 * (its SHA-256 fingerprint) is an admin; another certificate from the same CA (a VEN's) is not,
 * and without a token it is refused.
 */
import { X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Credential, makePki, SKIP_OPENSSL, type TestPki } from "../../ei-node/tests/pki.js";
import { createVtnAdminClient } from "./admin-client.js";
import { type RunningVtn, startVtn } from "./server.js";

describe.skipIf(SKIP_OPENSSL)("admin API with client certificates", () => {
  let pki: TestPki;
  let vtn: RunningVtn;
  let operator: Credential;
  let ven: Credential;
  beforeAll(async () => {
    pki = makePki();
    const server = pki.issue("vtn.test", "server");
    operator = pki.issue("operator", "client");
    ven = pki.issue("ven-1", "client");
    vtn = await startVtn({
      tls: { key: server.key, cert: server.cert, ca: pki.ca.cert },
      admin: { certificateFingerprints: [new X509Certificate(operator.cert).fingerprint256] },
    });
  }, 120_000);
  afterAll(async () => {
    await vtn?.close();
    pki?.dispose();
  });

  it("admits the operator's certificate and refuses a VEN's", async () => {
    const asOperator = createVtnAdminClient({
      url: vtn.url,
      tls: { ca: pki.ca.cert, ...operator },
    });
    expect(await asOperator.vtn()).toMatchObject({ vtnID: "TransactiveVTN" });
    const asVen = createVtnAdminClient({ url: vtn.url, tls: { ca: pki.ca.cert, ...ven } });
    await expect(asVen.vens()).rejects.toMatchObject({ status: 401 });
  });

  it("refuses admin certificates without HTTPS client certificates", async () => {
    await expect(startVtn({ admin: { certificateFingerprints: ["AA:BB"] } })).rejects.toThrow(
      /need HTTPS with client certificates/,
    );
  });
});
