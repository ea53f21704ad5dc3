/**
 * The body limit on real sockets: one limit from the dispatcher to the server, a 413 for a declared
 * oversized body that the client gets to read even while it is still sending, Expect:
 * 100-continue honoured (and refused without inviting the body), and the dispatcher prepared
 * before the server listens.
 */
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import type { Dispatcher } from "@transactive/ei";
import { createReferenceDispatcher } from "@transactive/ei/reference";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEiServer, startEiServer } from "./server.js";

const EVENT_XML = readFileSync(
  join(import.meta.dirname, "../../../examples/openadr2b-distribute-event.xml"),
  "utf8",
);
const EVENT_PATH = "/OpenADR2/Simple/2.0b/EiEvent";
const LIMIT = 64 * 1024;

interface RawAnswer {
  /** everything the server sent, as text */
  readonly text: string;
  /** a socket error the client saw (EPIPE, ECONNRESET…), if any */
  readonly error?: string;
}

/**
 * Sends a request on a plain socket: the head, then (at once, or after a 100 Continue) the body in
 * 16 KiB writes, each once the previous one drained. `readAfterSending` makes it a client like
 * curl, that reads nothing until it has sent the whole body; otherwise it reads as answers come
 * and stops sending on a whole final answer. Collects all the server says until the connection
 * closes, and the socket error the client saw, if any.
 */
function rawRequest(
  port: number,
  head: string,
  bodyBytes: number,
  options: { waitForContinue?: boolean; readAfterSending?: boolean } = {},
): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let text = "";
    let error: string | undefined;
    let sent = 0;
    let stopped = false;
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    const sendMore = (): void => {
      if (stopped || socket.destroyed) return;
      if (sent >= bodyBytes) {
        socket.resume();
        return;
      }
      const part = chunk.subarray(0, Math.min(chunk.length, bodyBytes - sent));
      sent += part.length;
      if (socket.write(part)) setImmediate(sendMore);
      else socket.once("drain", sendMore);
    };
    socket.on("connect", () => {
      if (options.readAfterSending) socket.pause();
      socket.write(head);
      if (!options.waitForContinue) sendMore();
    });
    socket.on("data", (c: Buffer) => {
      text += c.toString("latin1");
      if (options.waitForContinue && text.startsWith("HTTP/1.1 100 Continue\r\n\r\n")) {
        text = `[100]${text.slice("HTTP/1.1 100 Continue\r\n\r\n".length)}`;
        sendMore();
      }
      // a whole final answer: the client is done with this connection
      const answer = /HTTP\/1\.1 [2-5]\d\d[\s\S]*?\r\n\r\n/.exec(text);
      const length = answer && /\r\ncontent-length: (\d+)/i.exec(answer[0]);
      if (answer && length && text.length >= answer.index + answer[0].length + Number(length[1])) {
        stopped = true;
        socket.end();
      }
    });
    socket.on("error", (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message;
    });
    socket.on("close", () => resolve({ text, ...(error ? { error } : {}) }));
  });
}

const head = (length: number, extra = "") =>
  `POST ${EVENT_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/xml\r\nContent-Length: ${length}\r\n${extra}\r\n`;

describe("one body limit, answered so the client reads it", { timeout: 60_000 }, () => {
  let server: RunningEiServer;
  let prepared = 0;
  beforeAll(async () => {
    const dispatcher = createReferenceDispatcher({ maxBytes: LIMIT });
    server = await startEiServer({
      dispatcher: {
        ...dispatcher,
        prepare: () => {
          prepared++;
          dispatcher.prepare?.();
        },
      },
    });
  });
  afterAll(() => server.close());

  it("prepares the dispatcher once, before listening", () => {
    expect(prepared).toBe(1);
  });

  it("takes the dispatcher's limit as its own", async () => {
    const body = `${EVENT_XML}${" ".repeat(LIMIT - Buffer.byteLength(EVENT_XML) - 10)}`;
    const ok = await rawRequest(
      server.port,
      `${head(Buffer.byteLength(body), "Connection: close\r\n")}${body}`,
      0,
    );
    expect(ok.text).toMatch(/^HTTP\/1\.1 200/);
    const over = await rawRequest(server.port, head(LIMIT + 1, "Connection: close\r\n"), LIMIT + 1);
    expect(over.text).toMatch(/^HTTP\/1\.1 413/);
  });

  it("answers a declared oversized body with 413 the client reads, every time, while it is still sending", async () => {
    const declared = 4 * 1024 * 1024;
    for (let i = 0; i < 6; i++) {
      // half the clients read while sending, half only once all is sent (as curl does)
      const answer = await rawRequest(server.port, head(declared), declared, {
        readAfterSending: i % 2 === 1,
      });
      expect(answer.text, `try ${i}`).toMatch(/^HTTP\/1\.1 413 /);
      expect(answer.text).toMatch(/\r\nconnection: close\r\n/i);
      expect(answer.text).toContain(
        `request body exceeds the limit of ${LIMIT} bytes on ${EVENT_PATH}`,
      );
      // the rest of the body was read and discarded: the connection ends without a reset
      expect(answer.error, `try ${i}`).toBeUndefined();
    }
    // and the server keeps serving
    const ok = await rawRequest(
      server.port,
      `${head(Buffer.byteLength(EVENT_XML), "Connection: close\r\n")}${EVENT_XML}`,
      0,
    );
    expect(ok.text).toMatch(/^HTTP\/1\.1 200/);
  });

  it("honours Expect: 100-continue: 100 then the answer, or a 413 without inviting the body", async () => {
    const refused = await rawRequest(
      server.port,
      head(LIMIT * 10, "Expect: 100-continue\r\n"),
      LIMIT * 10,
      { waitForContinue: true },
    );
    expect(refused.text).toMatch(/^HTTP\/1\.1 413 /);
    expect(refused.text).not.toContain("[100]");
    expect(refused.text).toMatch(/\r\nconnection: close\r\n/i);

    const accepted = await new Promise<string>((resolve) => {
      const socket = connect(server.port, "127.0.0.1", () =>
        socket.write(
          head(Buffer.byteLength(EVENT_XML), "Expect: 100-continue\r\nConnection: close\r\n"),
        ),
      );
      let text = "";
      socket.on("data", (c: Buffer) => {
        const first = text === "";
        text += c.toString("utf8");
        if (first && text.startsWith("HTTP/1.1 100 Continue\r\n\r\n")) socket.write(EVENT_XML);
      });
      socket.on("close", () => resolve(text));
    });
    expect(accepted).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
    expect(accepted).toContain("oadr:oadrPayload");
  });
});

describe("server and dispatcher limits", () => {
  it("refuses a server limit above the dispatcher's, naming both", async () => {
    await expect(
      startEiServer({ dispatcher: createReferenceDispatcher(), maxBodyBytes: 64 * 1024 * 1024 }),
    ).rejects.toThrow(
      "maxBodyBytes 67108864 exceeds the dispatcher's own limit of 1048576 bytes: create the dispatcher with maxBytes: 67108864",
    );
  });

  it("serves a 4 MB body when both limits allow it", { timeout: 60_000 }, async () => {
    const max = 64 * 1024 * 1024;
    const server = await startEiServer({
      dispatcher: createReferenceDispatcher({ maxBytes: max }),
      maxBodyBytes: max,
    });
    try {
      const body = `${EVENT_XML}${" ".repeat(4 * 1000 * 1000)}`;
      const res = await fetch(`${server.url}${EVENT_PATH}`, {
        method: "POST",
        headers: { "content-type": "application/xml" },
        body,
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("oadr:oadrPayload");
    } finally {
      await server.close();
    }
  });

  it("keeps a hand-made dispatcher without limit or preparation working", async () => {
    const plain: Dispatcher = {
      services: [{ name: "EiEvent", path: EVENT_PATH, profile: "openadr2b", operations: [] }],
      dispatch: async () => ({ status: 200, contentType: "application/xml", body: "<ok/>" }),
    };
    const server = await startEiServer({ dispatcher: plain });
    try {
      const res = await fetch(`${server.url}${EVENT_PATH}`, {
        method: "POST",
        headers: { "content-type": "application/xml" },
        body: "<x/>",
      });
      expect(await res.text()).toBe("<ok/>");
    } finally {
      await server.close();
    }
  });
});
