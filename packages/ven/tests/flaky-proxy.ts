/**
 * An HTTP relay to a VTN that misbehaves on cue: the next requests can be answered with a 500,
 * with bytes that are not XML, by closing the connection, by never answering, or with an
 * oadrResponse carrying an EI error code; everything else is passed through.
 */
import { once } from "node:events";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Fault = "500" | "garbage" | "close" | "hang" | { readonly code: string };

export interface FlakyProxy {
  readonly url: string;
  /** faults for the next requests whose message matches (default: any), in order */
  inject(faults: readonly Fault[], message?: string): void;
  /** faults not used yet */
  pending(): number;
  close(): Promise<void>;
}

export async function startFlakyProxy(target: string): Promise<FlakyProxy> {
  let queue: { fault: Fault; message: string | undefined }[] = [];
  const hung: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      const message = /<(?:\w+:)?oadrSignedObject\b[^>]*>\s*<(?:\w+:)?(\w+)/.exec(
        body.toString(),
      )?.[1];
      const i = queue.findIndex((q) => q.message === undefined || q.message === message);
      const fault = i >= 0 ? queue.splice(i, 1)[0]?.fault : undefined;
      if (fault === "500") return res.writeHead(500, { "content-type": "text/plain" }).end("boom");
      if (fault === "garbage")
        return res.writeHead(200, { "content-type": "application/xml" }).end("<<<this is not XML");
      if (fault === "close") return req.socket.destroy();
      if (fault === "hang") return void hung.push(res);
      if (fault !== undefined)
        return res
          .writeHead(200, { "content-type": "application/xml" })
          .end(
            `<oadr:oadrPayload xmlns:oadr="http://openadr.org/oadr-2.0b/2012/07" xmlns:ei="http://docs.oasis-open.org/ns/energyinterop/201110" xmlns:pyld="http://docs.oasis-open.org/ns/energyinterop/201110/payloads"><oadr:oadrSignedObject><oadr:oadrResponse ei:schemaVersion="2.0b"><ei:eiResponse><ei:responseCode>${fault.code}</ei:responseCode><ei:responseDescription>injected</ei:responseDescription><pyld:requestID/></ei:eiResponse></oadr:oadrResponse></oadr:oadrSignedObject></oadr:oadrPayload>`,
          );
      try {
        const upstream = await fetch(new URL(req.url ?? "/", target), {
          method: "POST",
          headers: { "content-type": req.headers["content-type"] ?? "application/xml" },
          body,
        });
        res
          .writeHead(upstream.status, {
            "content-type": upstream.headers.get("content-type") ?? "",
          })
          .end(Buffer.from(await upstream.arrayBuffer()));
      } catch {
        res.writeHead(502).end();
      }
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    inject(faults, message) {
      queue = [...queue, ...faults.map((fault) => ({ fault, message }))];
    },
    pending: () => queue.length,
    close: () =>
      new Promise((r) => {
        for (const h of hung) h.destroy();
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
