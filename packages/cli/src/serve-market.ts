/**
 * `transactive serve --profile cts --role market --interval D`: a live market (a root MarketNode of
 * @transactive/market) on the CTS 0.4 HTTP binding. Unlike the reference market (a record store),
 * it clears: each delivery interval is cleared on the wall clock at its gate closure, and remote
 * parties pull their transactions and the interval's quote. One line per cleared interval on stdout.
 */
import { startEiServer } from "@transactive/ei-node";
import {
  durationSeconds,
  MarketError,
  MarketNode,
  priceToString,
  quantityToString,
} from "@transactive/market";
import { createMarketDispatcher } from "@transactive/market/ei";
import { EXIT, type ExitCode, type Io, UsageError } from "./io.js";
import { untilStopped } from "./pem.js";

/** What `serve` hands over for a live market. */
export interface ServeMarketOptions {
  readonly port: number;
  readonly host: string;
  readonly maxBodyBytes: number;
  /** delivery interval, ISO 8601 duration */
  readonly interval: string;
  readonly mechanism: "call" | "cda";
  readonly marketContext: string;
  readonly marketPartyID: string;
  readonly currency: string;
}

/** The first interval starts at the boundary before now, so a party can tender for the next one at once. */
export async function serveMarket(options: ServeMarketOptions, io: Io): Promise<ExitCode> {
  let seconds: number;
  try {
    seconds = durationSeconds(options.interval, "--interval");
  } catch (e) {
    throw new UsageError(`--interval: ${(e as Error).message}`);
  }
  if (!(seconds >= 1))
    throw new UsageError(`--interval must be at least one second, not ${options.interval}`);
  const lengthMs = seconds * 1000;
  let node: MarketNode;
  try {
    node = new MarketNode({
      id: options.marketPartyID,
      marketContext: options.marketContext,
      currency: options.currency,
      interval: options.interval,
      epochMs: Math.floor(Date.now() / lengthMs) * lengthMs,
      mechanism: options.mechanism,
    });
  } catch (e) {
    if (e instanceof MarketError) throw new UsageError(e.message);
    throw e;
  }
  const dispatcher = createMarketDispatcher(node, { maxBytes: options.maxBodyBytes });
  let server: Awaited<ReturnType<typeof startEiServer>>;
  try {
    server = await startEiServer({
      dispatcher,
      port: options.port,
      host: options.host,
      maxBodyBytes: options.maxBodyBytes,
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new UsageError(
      `cannot listen on ${options.host}:${options.port}: ${err.code ?? err.message.split("\n")[0]}`,
    );
  }
  const width = Math.max(...server.services.map((s) => s.name.length));
  io.stdout(`transactive serve: cts live MARKET services on ${server.url}\n`);
  for (const s of server.services) io.stdout(`  ${s.name.padEnd(width)}  ${s.url}\n`);
  io.stdout(
    `Market context ${options.marketContext}, party ${options.marketPartyID}, ${options.mechanism} clearing every ${options.interval} at gate closure.\nStop with Ctrl+C.\n`,
  );

  // clear each interval at its gate closure, one timer at a time
  let next = Math.floor((Date.now() - node.interval(0).startMs) / lengthMs) + 1;
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    const at = node.interval(next).gateClosureMs;
    timer = setTimeout(
      () => {
        const index = next++;
        const r = node.clear(index);
        const price = r.quote.price === undefined ? "none" : priceToString(r.quote.price);
        io.stdout(
          `cleared interval ${index} (${new Date(node.interval(index).startMs).toISOString()}): ${r.quote.outcome}, price ${price}, quantity ${quantityToString(r.quote.quantity)} kWh, ${r.transactions.length} transaction(s)\n`,
        );
        schedule();
      },
      Math.max(0, at - Date.now()),
    );
  };
  schedule();

  const signal = await untilStopped();
  clearTimeout(timer);
  dispatcher.market.close();
  await server.close();
  io.stderr(`transactive serve: stopped (${signal})\n`);
  return EXIT.ok;
}
