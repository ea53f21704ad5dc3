/**
 * The HTTP binding on a real server (127.0.0.1, ephemeral port) over a small echo Dispatcher: routing,
 * methods, media types, size limit, timeouts, error bodies, and that the server keeps serving.
 * The reference services are driven over HTTP in reference.test.ts.
 */
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { connect } from "node:net";
import { join } from "node:path";
import { CodecError, decodeXml, encodeXml, fromJson, toJson } from "@transactive/codec";
import {
  type Dispatcher,
  type DispatchRequest,
  type DispatchResponse,
  registry,
} from "@transactive/ei";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEiClient } from "./client.js";
import { type RunningEiServer, startEiServer } from "./server.js";

const EXAMPLES = join(import.meta.dirname, "../../../examples");
const EVENT_XML = readFileSync(join(EXAMPLES, "openadr2b-distribute-event.xml"), "utf8");
const EVENT_JSON = readFileSync(join(EXAMPLES, "openadr2b-distribute-event.json"), "utf8");

/** Decodes the request and answers with the same document in the caller's format. */
function echoDispatcher(): Dispatcher & { calls: DispatchRequest[] } {
  const calls: DispatchRequest[] = [];
  return {
    calls,
    services: [
      {
        name: "EiEvent",
        path: "/OpenADR2/Simple/2.0b/EiEvent",
        profile: "openadr2b",
        operations: ["distributeEvent"],
      },
      { name: "EiTender", path: "/cts/EiTender", profile: "cts", operations: ["createTender"] },
    ],
    async dispatch(req): Promise<DispatchResponse> {
      calls.push(req);
      const text = typeof req.body === "string" ? req.body : new TextDecoder().decode(req.body);
      try {
        if (req.contentType === "application/json") {
          return {
            status: 200,
            contentType: "application/json",
            body: toJson(fromJson(registry, text)),
          };
        }
        return {
          status: 200,
          contentType: "application/xml",
          body: encodeXml(registry, decodeXml(registry, text)),
        };
      } catch (e) {
        if (!(e instanceof CodecError)) throw e;
        return {
          status: 400,
          contentType: "application/json",
          body: JSON.stringify({
            error: { path: e.issues[0]?.path, message: e.issues[0]?.message },
          }),
        };
      }
    },
  };
}

let server: RunningEiServer;
let dispatcher: ReturnType<typeof echoDispatcher>;
beforeAll(async () => {
  dispatcher = echoDispatcher();
  server = await startEiServer({
    dispatcher,
    maxBodyBytes: 64 * 1024,
    requestTimeoutMs: 2_000,
    headersTimeoutMs: 1_000,
  });
});
afterAll(() => server.close());

const post = (
  path: string,
  body: string | Uint8Array<ArrayBuffer>,
  contentType?: string,
  method = "POST",
) =>
  fetch(`${server.url}${path}`, {
    method,
    ...(method === "GET" ? {} : { body }),
    headers: contentType === undefined ? {} : { "content-type": contentType },
  });

describe("startEiServer", { timeout: 60_000 }, () => {
  it("listens on 127.0.0.1 with an ephemeral port and lists each service URL", () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.port).toBeGreaterThan(0);
    expect(server.services.map((s) => s.url)).toEqual([
      `${server.url}/OpenADR2/Simple/2.0b/EiEvent`,
      `${server.url}/cts/EiTender`,
    ]);
  });

  it("routes XML and JSON to the service of the path and answers in the caller's format", async () => {
    const client = createEiClient({ baseUrl: server.url });
    const xml = await client.send("EiEvent", EVENT_XML);
    expect(xml.status).toBe(200);
    expect(xml.contentType).toBe("application/xml");
    expect(xml.document?.element).toBe("oadr:oadrPayload");
    expect(dispatcher.calls.at(-1)).toMatchObject({
      service: "EiEvent",
      contentType: "application/xml",
    });

    const json = await client.send("EiEvent", EVENT_JSON);
    expect(json.contentType).toBe("application/json");
    expect(json.document).toEqual(xml.document);
    expect(dispatcher.calls.at(-1)?.contentType).toBe("application/json");

    // a CodecDocument is encoded in the format asked for
    const doc = decodeXml(registry, EVENT_XML);
    const asJson = await client.send("EiEvent", doc, { format: "json" });
    expect(asJson.contentType).toBe("application/json");
    expect(asJson.document?.value).toEqual(doc.value);
  });

  it("answers 404 for unknown paths, naming the path and the known services", async () => {
    const r = await post("/OpenADR2/Simple/2.0b/EiNothing", EVENT_XML, "application/xml");
    expect(r.status).toBe(404);
    expect(r.headers.get("content-type")).toBe("application/xml; charset=utf-8");
    const body = await r.text();
    expect(body).toContain('code="not-found" path="/OpenADR2/Simple/2.0b/EiNothing"');
    expect(body).toContain("/cts/EiTender");
  });

  it("answers 405 with Allow: POST for other methods", async () => {
    const r = await post("/cts/EiTender", "", undefined, "GET");
    expect(r.status).toBe(405);
    expect(r.headers.get("allow")).toBe("POST");
    expect(await r.text()).toContain("GET is not allowed on /cts/EiTender; use POST");
  });

  it("answers 415 for other or missing content types, and for JSON not in UTF-8", async () => {
    const plain = await post("/cts/EiTender", "hello", "text/plain");
    expect(plain.status).toBe(415);
    expect(await plain.text()).toContain(
      "content type text/plain is not accepted on /cts/EiTender",
    );
    const none = await post("/cts/EiTender", new TextEncoder().encode("<x/>"));
    expect(none.status).toBe(415);
    expect(await none.text()).toContain("a Content-Type header is required");
    const latin = await post("/cts/EiTender", "{}", "application/json; charset=iso-8859-1");
    expect(latin.status).toBe(415);
    expect(await latin.json()).toEqual({
      error: {
        status: 415,
        code: "unsupported-media-type",
        message: "JSON must be UTF-8, not charset=iso-8859-1",
        path: "/cts/EiTender",
      },
    });
    expect(dispatcher.calls.some((c) => c.body === "hello")).toBe(false);
  });

  it("accepts text/xml and media type parameters", async () => {
    const r = await post("/OpenADR2/Simple/2.0b/EiEvent", EVENT_XML, "Text/XML; charset=UTF-8");
    expect(r.status).toBe(200);
  });

  it("refuses a declared oversized body with 413 before reading it", async () => {
    const big = `${EVENT_XML.slice(0, -1)}${" ".repeat(70 * 1024)}`;
    const before = dispatcher.calls.length;
    const r = await post("/OpenADR2/Simple/2.0b/EiEvent", big, "application/json");
    expect(r.status).toBe(413);
    expect(await r.json()).toEqual({
      error: {
        status: 413,
        code: "payload-too-large",
        message: "request body exceeds the limit of 65536 bytes on /OpenADR2/Simple/2.0b/EiEvent",
        path: "/OpenADR2/Simple/2.0b/EiEvent",
      },
    });
    expect(dispatcher.calls.length).toBe(before);
  });

  it("enforces the limit while streaming a chunked body of unknown length", async () => {
    const before = dispatcher.calls.length;
    const { status, body } = await new Promise<{ status: number; body: string }>(
      (resolve, reject) => {
        const req = request(`${server.url}/cts/EiTender`, {
          method: "POST",
          headers: { "content-type": "application/xml", "transfer-encoding": "chunked" },
        });
        req.on("response", (res) => {
          let text = "";
          res.on("data", (c: Buffer) => (text += c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        req.on("error", reject);
        const chunk = "<a>".padEnd(16 * 1024, " ");
        for (let i = 0; i < 6; i++) req.write(chunk);
        req.end();
      },
    );
    expect(status).toBe(413);
    expect(body).toContain('code="payload-too-large"');
    expect(dispatcher.calls.length).toBe(before);
  });

  it("passes malformed input to the dispatcher and returns its answer", async () => {
    const r = await post("/OpenADR2/Simple/2.0b/EiEvent", "<oadr:oadrPayload", "application/xml");
    expect(r.status).toBe(400);
    expect((await r.json()).error.message).toBeTruthy();
  });

  it("times out a request whose body never completes (408) and keeps serving", async () => {
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(server.port, "127.0.0.1", () => {
        socket.write(
          "POST /cts/EiTender HTTP/1.1\r\nHost: x\r\nContent-Type: application/xml\r\nContent-Length: 100\r\n\r\n<a>",
        );
      });
      let text = "";
      socket.on("data", (c) => (text += c));
      socket.on("close", () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    const ok = await post("/OpenADR2/Simple/2.0b/EiEvent", EVENT_XML, "application/xml");
    expect(ok.status).toBe(200);
  }, 60_000);

  it("keeps serving after every kind of bad request", async () => {
    await post("/nope", "x", "application/xml");
    await post("/cts/EiTender", "x", "image/png");
    await post("/cts/EiTender", "x".repeat(100 * 1024), "application/xml");
    await post("/OpenADR2/Simple/2.0b/EiEvent", "{", "application/json");
    const ok = await createEiClient({ baseUrl: server.url }).send("EiEvent", EVENT_XML);
    expect(ok.status).toBe(200);
    expect(ok.document?.profile).toBe("openadr2b");
  });

  it("rejects invalid limits", async () => {
    await expect(startEiServer({ dispatcher, maxBodyBytes: 0 })).rejects.toThrow(
      "maxBodyBytes must be a positive integer, got 0",
    );
  });
});

describe("createEiClient", () => {
  it("uses the profile's paths or explicit ones, and refuses unknown services", async () => {
    const cts = createEiClient({ baseUrl: server.url, profile: "cts" });
    const r = await cts.send("EiTender", readFileSync(join(EXAMPLES, "cts-create-tender.xml")));
    expect(r.status).toBe(200);
    expect(r.document?.element).toBe("pyld:eiCreateTender");
    const explicit = createEiClient({ baseUrl: server.url, services: dispatcher.services });
    await expect(explicit.send("EiOpt", EVENT_XML)).rejects.toThrow(
      'unknown service "EiOpt"; known: EiEvent, EiTender',
    );
  });

  it("reports why an answer could not be decoded", async () => {
    const r = await createEiClient({ baseUrl: server.url }).send("EiNothing", EVENT_XML);
    expect(r.status).toBe(404);
    expect(r.document).toBeUndefined();
    expect(r.issues.length).toBeGreaterThan(0);
  });
});
