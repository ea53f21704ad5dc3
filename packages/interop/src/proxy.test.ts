import { createServer as createHttp, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttps } from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { makePki, SKIP_OPENSSL } from "../../ei-node/tests/pki.js";
import { STEP_HEADER, startProxy } from "./proxy.js";
import { Transcript } from "./transcript.js";
import { exchange, TransportError } from "./transport.js";

const QUERY = `<oadr:oadrPayload xmlns:oadr="http://openadr.org/oadr-2.0b/2012/07"><oadr:oadrSignedObject><oadr:oadrQueryRegistration/></oadr:oadrSignedObject></oadr:oadrPayload>`;
const ANSWER = QUERY.replace("oadrQueryRegistration", "oadrCreatedPartyRegistration");

const closers: (() => void)[] = [];
afterAll(() => {
  for (const c of closers) c();
});

/** an upstream that answers ANSWER and remembers what it got */
async function upstream(tls?: { key: string; cert: string; ca: string }) {
  const seen: { path: string; headers: IncomingMessage["headers"]; body: string }[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({ path: req.url ?? "", headers: req.headers, body });
      res.writeHead(200, { "content-type": "application/xml" });
      res.end(ANSWER);
    });
  };
  const server = tls
    ? createHttps({ ...tls, requestCert: true, rejectUnauthorized: true }, handler)
    : createHttp(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  closers.push(() => server.close());
  const port = (server.address() as AddressInfo).port;
  return { url: `${tls ? "https" : "http"}://127.0.0.1:${port}/base`, seen };
}

describe("the recording proxy", () => {
  it("forwards a request unchanged and records it and its answer, tagged with the harness's step", async () => {
    const up = await upstream();
    const transcript = new Transcript();
    const leg = await startProxy({ from: "ven", to: "vtn", transcript, target: up.url });
    closers.push(() => void leg.close());
    const res = await exchange(`${leg.url}/OpenADR2/Simple/2.0b/EiRegisterParty`, QUERY, {
      headers: { "content-type": "application/xml", [STEP_HEADER]: "query" },
    });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe(ANSWER);
    expect(up.seen[0]?.path).toBe("/base/OpenADR2/Simple/2.0b/EiRegisterParty");
    expect(up.seen[0]?.body).toBe(QUERY);
    expect(up.seen[0]?.headers[STEP_HEADER]).toBeUndefined();
    const [request, response] = transcript.entries;
    expect(request).toMatchObject({
      seq: 1,
      from: "ven",
      to: "vtn",
      direction: "request",
      payload: "oadrQueryRegistration",
      step: "query",
      http: { method: "POST", path: "/OpenADR2/Simple/2.0b/EiRegisterParty" },
    });
    expect(response).toMatchObject({
      seq: 2,
      from: "vtn",
      to: "ven",
      direction: "response",
      inReplyTo: 1,
      payload: "oadrCreatedPartyRegistration",
      http: { status: 200 },
    });
    expect(Date.parse(request?.at ?? "")).not.toBeNaN();
  });

  it("answers 502 and records it when the endpoint is unknown or does not answer", async () => {
    const transcript = new Transcript();
    const leg = await startProxy({ from: "vtn", to: "ven", transcript });
    closers.push(() => void leg.close());
    let res = await exchange(`${leg.url}/x`, QUERY);
    expect(res.status).toBe(502);
    expect(res.body.toString()).toContain("no endpoint known yet for the ven");
    leg.setTarget("http://127.0.0.1:1");
    res = await exchange(`${leg.url}/x`, QUERY);
    expect(res.status).toBe(502);
    expect(transcript.entries.at(-1)?.body).toContain("the ven did not answer");
  });

  it("refuses an unreachable URL with a TransportError", async () => {
    await expect(exchange("http://127.0.0.1:1/", "x")).rejects.toBeInstanceOf(TransportError);
    await expect(exchange("ftp://127.0.0.1/", "x")).rejects.toThrow(/unsupported protocol/);
  });

  it.skipIf(SKIP_OPENSSL)("proxies HTTPS with client certificates on both legs", async () => {
    const pki = makePki();
    closers.push(() => pki.dispose());
    const server = pki.issue("server", "server");
    const client = pki.issue("client", "client");
    const up = await upstream({ ...server, ca: pki.ca.cert });
    const transcript = new Transcript();
    const leg = await startProxy({
      from: "ven",
      to: "vtn",
      transcript,
      target: up.url,
      tls: { ...server, ca: pki.ca.cert },
      targetTls: { ca: pki.ca.cert, ...client },
    });
    closers.push(() => void leg.close());
    expect(leg.url).toMatch(/^https:/);
    const res = await exchange(`${leg.url}/p`, QUERY, { tls: { ca: pki.ca.cert, ...client } });
    expect(res.status).toBe(200);
    expect(transcript.entries.map((e) => e.payload)).toEqual([
      "oadrQueryRegistration",
      "oadrCreatedPartyRegistration",
    ]);
    // without a client certificate the proxy's TLS refuses the connection
    await expect(
      exchange(`${leg.url}/p`, QUERY, { tls: { ca: pki.ca.cert } }),
    ).rejects.toBeInstanceOf(TransportError);
  });
});
