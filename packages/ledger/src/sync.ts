/**
 * Replication by heads (anti-entropy) over HTTP, on node:http. A node serves
 *
 *   GET  /heads   {"heads":{author:{seq,hash}},"proofs":[author…]}
 *   POST /pull    body {"heads":…,"proofs":[…]}: NDJSON of what the caller lacks (envelopes, then {"proof":…})
 *   POST /push    NDJSON of envelopes and proofs: appended in order, answered with counts
 *   POST /append  one envelope: {"hash"} or {"error":{code,field,message}} (400, 409 for conflicts)
 *
 * `syncLedger` pulls what the peer has and we lack, then pushes what it lacks: after it, both
 * hold the same records of every author that has not equivocated, and the same proofs.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { EquivocationProof } from "./equivocation.js";
import { LedgerError } from "./errors.js";
import type { Head, Ledger } from "./ledger.js";

/** A running ledger HTTP endpoint. */
export interface LedgerServer {
  /** base URL, e.g. http://127.0.0.1:40123 */
  readonly url: string;
  readonly server: Server;
  /** Stops listening; resolves when open connections are closed. */
  close(): Promise<void>;
}

/** What applying a batch of received records and proofs did. */
export interface ApplyCounts {
  stored: number;
  duplicates: number;
  equivocations: number;
  refused: { code: string; field: string; message: string }[];
}

/** What a sync did, both ways. */
export interface SyncResult {
  readonly received: ApplyCounts;
  readonly sent: ApplyCounts;
}

const MAX_BODY = 256 * 1024 * 1024;

/** Serves a ledger's replication endpoints on 127.0.0.1 (port 0: a free port). */
export async function startLedgerServer(
  ledger: Ledger,
  options: { readonly port?: number; readonly host?: string } = {},
): Promise<LedgerServer> {
  const server = createServer((req, res) => {
    handle(ledger, req, res).catch((e) => {
      if (!res.headersSent)
        send(res, 500, { error: { code: "internal", field: "", message: String(e) } });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    server,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function handle(ledger: Ledger, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? "/", "http://x").pathname;
  if (req.method === "GET" && path === "/heads") return send(res, 200, headsJson(ledger));
  if (req.method !== "POST") return send(res, 404, error("not-found", path, "no such endpoint"));
  const body = await readBody(req);
  if (body === undefined)
    return send(res, 413, error("too-large", "", `bodies up to ${MAX_BODY} bytes`));
  if (path === "/append") {
    try {
      const a = await ledger.append(body);
      return send(res, 200, { hash: a.hash, seq: a.seq });
    } catch (e) {
      if (!(e instanceof LedgerError)) throw e;
      const conflict = [
        "equivocation",
        "equivocator",
        "sequence-reuse",
        "already-settled",
        "overdraw",
      ].includes(e.code);
      return send(res, conflict ? 409 : 400, error(e.code, e.field, e.message));
    }
  }
  if (path === "/pull") {
    let ask: { heads?: Record<string, Head>; proofs?: string[] };
    try {
      ask = JSON.parse(body.toString("utf8")) as typeof ask;
    } catch {
      return send(res, 400, error("malformed", "", "a JSON body {heads, proofs}"));
    }
    res.writeHead(200, { "content-type": "application/x-ndjson" });
    for (const line of missingLines(
      ledger,
      new Map(Object.entries(ask.heads ?? {})),
      new Set(ask.proofs ?? []),
    ))
      if (!res.write(line)) await new Promise((r) => res.once("drain", r));
    res.end();
    return;
  }
  if (path === "/push") return send(res, 200, await applyLines(ledger, body));
  return send(res, 404, error("not-found", path, "no such endpoint"));
}

function headsJson(ledger: Ledger): { heads: Record<string, Head>; proofs: string[] } {
  return { heads: Object.fromEntries(ledger.heads()), proofs: [...ledger.proofs.keys()] };
}

function* missingLines(
  ledger: Ledger,
  heads: ReadonlyMap<string, Head>,
  proofs: ReadonlySet<string>,
): Generator<string> {
  for (const sr of ledger.missing(heads)) yield `${Buffer.from(sr.bytes).toString("utf8")}\n`;
  for (const [author, proof] of ledger.proofs)
    if (!proofs.has(author)) yield `${JSON.stringify({ proof })}\n`;
}

/** Appends NDJSON lines of envelopes and proofs, in order. */
async function applyLines(ledger: Ledger, body: Buffer): Promise<ApplyCounts> {
  const counts: ApplyCounts = { stored: 0, duplicates: 0, equivocations: 0, refused: [] };
  const records: Buffer[] = [];
  const proofs: EquivocationProof[] = [];
  let start = 0;
  while (start < body.length) {
    let end = body.indexOf(10, start);
    if (end < 0) end = body.length;
    const line = body.subarray(start, end);
    start = end + 1;
    if (line.length === 0) continue;
    if (line.subarray(0, 9).toString() === '{"proof":') {
      try {
        proofs.push((JSON.parse(line.toString("utf8")) as { proof: EquivocationProof }).proof);
      } catch {
        counts.refused.push({
          code: "malformed",
          field: "",
          message: "a proof line that is not JSON",
        });
      }
    } else records.push(line);
  }
  for (const out of await ledger.appendMany(records)) {
    if (out.ok) counts.stored++;
    else if (out.error.code === "sequence-reuse") counts.duplicates++;
    else if (out.error.code === "equivocation") counts.equivocations++;
    else
      counts.refused.push({
        code: out.error.code,
        field: out.error.field,
        message: out.error.message,
      });
  }
  for (const proof of proofs) {
    try {
      if (await ledger.addProof(proof)) counts.equivocations++;
    } catch (e) {
      if (!(e instanceof LedgerError)) throw e;
      counts.refused.push({ code: e.code, field: e.field, message: e.message });
    }
  }
  return counts;
}

/** Pulls from and pushes to the ledger node at `url` until both hold the same records. */
export async function syncLedger(ledger: Ledger, url: string): Promise<SyncResult> {
  const pulled = await fetch(`${url}/pull`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(headsJson(ledger)),
  });
  if (!pulled.ok) throw new LedgerError("store-unavailable", url, `pull answered ${pulled.status}`);
  const received = await applyLines(ledger, Buffer.from(await pulled.arrayBuffer()));
  const theirs = (await (await fetch(`${url}/heads`)).json()) as {
    heads: Record<string, Head>;
    proofs: string[];
  };
  const lines = [
    ...missingLines(ledger, new Map(Object.entries(theirs.heads)), new Set(theirs.proofs)),
  ];
  let sent: ApplyCounts = { stored: 0, duplicates: 0, equivocations: 0, refused: [] };
  if (lines.length > 0) {
    const pushed = await fetch(`${url}/push`, { method: "POST", body: lines.join("") });
    if (!pushed.ok)
      throw new LedgerError("store-unavailable", url, `push answered ${pushed.status}`);
    sent = (await pushed.json()) as ApplyCounts;
  }
  return { received, sent };
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req) {
    n += (c as Buffer).length;
    if (n > MAX_BODY) return undefined;
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

function error(code: string, field: string, message: string) {
  return { error: { code, field, message } };
}
