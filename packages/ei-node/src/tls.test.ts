/**
 * HTTPS with client certificates (mutual TLS), with a CA, server and client certificates made at
 * test time by openssl (tests/pki.ts): a client with a certificate from the CA is served; one
 * without a certificate, or with one from another CA, is refused during the handshake.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Dispatcher } from "@transactive/ei";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Credential, makePki, SKIP_OPENSSL, type TestPki } from "../tests/pki.js";
import { createEiClient } from "./client.js";
import { type RunningEiServer, startEiServer } from "./server.js";

const EVENT = readFileSync(
  join(import.meta.dirname, "../../../examples/openadr2b-distribute-event.xml"),
  "utf8",
);

const echo: Dispatcher = {
  services: [
    {
      name: "EiEvent",
      path: "/OpenADR2/Simple/2.0b/EiEvent",
      profile: "openadr2b",
      operations: [],
    },
  ],
  dispatch: async (req) => ({
    status: 200,
    contentType: "application/xml",
    body: typeof req.body === "string" ? req.body : new TextDecoder().decode(req.body),
  }),
};

describe.skipIf(SKIP_OPENSSL)("HTTPS with client certificates", () => {
  let pki: TestPki;
  let server: RunningEiServer;
  let client: Credential;
  let stranger: Credential;
  beforeAll(async () => {
    pki = makePki();
    const cert = pki.issue("vtn.test", "server");
    client = pki.issue("ven-1", "client");
    stranger = (() => {
      // a client certificate that is not issued by the server's CA: self-signed by the other CA's key
      return { key: pki.otherCa.key, cert: pki.otherCa.cert };
    })();
    server = await startEiServer({
      dispatcher: echo,
      tls: { key: cert.key, cert: cert.cert, ca: pki.ca.cert },
    });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    pki?.dispose();
  });

  it("serves a client whose certificate the CA issued", async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const c = createEiClient({
      baseUrl: server.url,
      tls: { ca: pki.ca.cert, cert: client.cert, key: client.key },
    });
    const r = await c.send("EiEvent", EVENT);
    expect(r.status).toBe(200);
    expect(r.document?.element).toBe("oadr:oadrPayload");
    await c.close();
  });

  it("refuses clients without a certificate or with one from another CA", async () => {
    const bare = createEiClient({ baseUrl: server.url, tls: { ca: pki.ca.cert } });
    await expect(bare.send("EiEvent", EVENT)).rejects.toThrow();
    await bare.close();
    const other = createEiClient({
      baseUrl: server.url,
      tls: { ca: pki.ca.cert, cert: stranger.cert, key: stranger.key },
    });
    await expect(other.send("EiEvent", EVENT)).rejects.toThrow();
    await other.close();
  });

  it("a client refuses a server its CA did not issue", async () => {
    const c = createEiClient({
      baseUrl: server.url,
      tls: { ca: pki.otherCa.cert, cert: client.cert, key: client.key },
    });
    await expect(c.send("EiEvent", EVENT)).rejects.toThrow();
    await c.close();
  });

  it("keeps serving good clients after refused handshakes", async () => {
    const c = createEiClient({
      baseUrl: server.url,
      tls: { ca: pki.ca.cert, cert: client.cert, key: client.key },
    });
    expect((await c.send("EiEvent", EVENT)).status).toBe(200);
    await c.close();
  });
});
