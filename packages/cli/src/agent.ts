/**
 * `transactive agent --market URL --personality pv|load|battery`: one market participant in its
 * own process, speaking CTS 0.4 over HTTP to a market (ours: `serve --profile cts --role market
 * --interval D`; or anyone's that describes its terms the same way, docs/market.md "EI binding").
 * It is a MarketNode of one member joined to the market through RemoteParent: per interval it
 * tenders its curve (EiCreateTender), and after the market has cleared it pulls the quote
 * (EiRequestQuote) and its transactions (EiRequestTransaction). One JSON line per step on stdout.
 */
import { parseArgs } from "node:util";
import { EiClientError } from "@transactive/ei";
import { createTypedEiClient } from "@transactive/ei-node";
import {
  type Agent,
  Battery,
  InflexibleLoad,
  MarketError,
  MarketNode,
  moneyToString,
  PvGenerator,
  priceToString,
  quantityToString,
  toPrice,
  toQuantity,
} from "@transactive/market";
import {
  bindingError,
  EiBindingError,
  parseMarketContext,
  RemoteParent,
} from "@transactive/market/ei";
import { EXIT, type ExitCode, type Io, UsageError } from "./io.js";

export const AGENT_HELP = `  agent --market URL --personality pv|load|battery [--party-id ID]
        [--market-context URI] [--market-party-id ID] [--quantity KWH] [--price P] [--intervals N]
        [--settle-delay MS]
      Run one market participant against a CTS 0.4 market at URL (its EI base URL,
      e.g. what "transactive serve --profile cts --role market --interval PT5S"
      prints). It reads the market's terms (EiRequestEiMarketContext), then for each
      of the next --intervals delivery intervals (default 3) tenders its curve
      (EiCreateTender) before the gate closes and, once the market has cleared,
      pulls the quote (EiRequestQuote) and its transactions (EiRequestTransaction).
      Personalities (per interval):
        pv       sells --quantity kWh (default 2) at no less than --price (default 0.05)
        load     buys --quantity kWh (default 1.5) at no more than --price (default 0.30)
        battery  10 kWh store at 50 %, 5 kW; buys below and sells above its price
                 expectation --price (default 0.12), learning from the quotes
      --party-id       its party ID at the market (default the personality)
      --market-context the market's context (default http://market.example.com/cts/live)
      --market-party-id the market's party ID (default market)
      --settle-delay   wait this long after the gate closure before settling (default 300)
      Prints one JSON line per tender and per settlement on stdout; exits 0 after
      the last interval, 1 when the market refuses or cannot be reached; stops on
      Ctrl+C or SIGTERM.
`;

/** serve's default for the live market */
const DEFAULT_CONTEXT = "http://market.example.com/cts/live";

const PERSONALITIES = ["pv", "load", "battery"] as const;
type Personality = (typeof PERSONALITIES)[number];

export async function agentCommand(args: readonly string[], io: Io): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      market: { type: "string" },
      personality: { type: "string" },
      "party-id": { type: "string" },
      "market-party-id": { type: "string" },
      "market-context": { type: "string" },
      quantity: { type: "string" },
      price: { type: "string" },
      intervals: { type: "string" },
      "settle-delay": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(AGENT_HELP);
    return EXIT.ok;
  }
  if (positionals.length)
    throw new UsageError(`agent takes no file arguments, got ${positionals.join(" ")}`);
  if (values.market === undefined) throw new UsageError("agent needs --market URL");
  try {
    new URL(values.market);
  } catch {
    throw new UsageError(`--market must be a URL, not "${values.market}"`);
  }
  const personality = values.personality ?? "";
  if (!(PERSONALITIES as readonly string[]).includes(personality))
    throw new UsageError(
      `--personality must be ${PERSONALITIES.join(", ")}, not "${values.personality ?? ""}"`,
    );
  const partyID = values["party-id"] ?? personality;
  const intervals = integer("--intervals", values.intervals ?? "3", 1, 100_000);
  const settleDelay = integer("--settle-delay", values["settle-delay"] ?? "300", 0, 600_000);
  const quantity = decimal("--quantity", values.quantity);
  const price = decimal("--price", values.price);
  const agent = member(personality as Personality, `${partyID}-device`, quantity, price);

  const client = createTypedEiClient({ baseUrl: values.market, profile: "cts" });
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const line = (o: object) => io.stdout(`${JSON.stringify(o)}\n`);
  try {
    // the market's terms first: the child node must share its intervals and epoch
    const reply = await client.EiMarketContext.requestMarketContext({
      requestID: `${partyID}-terms`,
      marketContext: [values["market-context"] ?? DEFAULT_CONTEXT],
      partyID,
    });
    const answer = reply.value.eiResponse;
    if (!/^2\d\d$/.test(String(answer?.responseCode)))
      throw bindingError(
        "bad-value",
        "/eiReplyEiMarketContext/eiResponse",
        `the market refused (${answer?.responseCode}): ${answer?.responseDescription ?? ""}`,
      );
    const terms = parseMarketContext(
      reply.value.eiResponse?.responseDescription ?? "",
      "/eiReplyEiMarketContext/eiResponse/responseDescription",
    );
    const child = new MarketNode({
      id: partyID,
      marketContext: `${terms.marketContext}/${partyID}`,
      currency: terms.currency,
      interval: terms.interval,
      epochMs: Date.parse(terms.epoch),
      gateClosureLead: terms.gateClosureLead,
      mechanism: "call",
    });
    child.addMember(agent);
    const link = new RemoteParent(child, client, {
      marketContext: terms.marketContext,
      marketPartyID: values["market-party-id"] ?? "market",
    });
    await link.connect();
    line({ connected: values.market, partyID, personality, terms });

    const zero = child.interval(0);
    let index = Math.floor((Date.now() - zero.startMs) / (zero.seconds * 1000)) + 1;
    // too close to the gate: take the one after
    if (child.interval(index).gateClosureMs - Date.now() < 200) index++;
    for (let k = 0; k < intervals && !stop.signal.aborted; k++, index++) {
      const steps = await link.submit(index);
      line({
        tendered: index,
        steps: steps.map((s) => ({
          side: s.side,
          price: priceToString(s.price),
          quantity: quantityToString(s.quantity),
        })),
      });
      const gate = child.interval(index).gateClosureMs;
      await sleep(gate - Date.now() + settleDelay, stop.signal);
      if (stop.signal.aborted) break;
      const award = await settleWhenCleared(link, index, stop.signal);
      if (award === undefined) break;
      line({
        settled: index,
        price: award.price === undefined ? null : priceToString(award.price),
        bought: quantityToString(award.bought),
        sold: quantityToString(award.sold),
        cost: moneyToString(award.cost),
        transactions: award.transactions.map((t) => t.id),
      });
    }
    return EXIT.ok;
  } catch (e) {
    if (e instanceof EiBindingError || e instanceof MarketError) {
      io.stderr(`transactive agent: ${e.message}\n`);
      return EXIT.invalid;
    }
    if (e instanceof EiClientError || (e instanceof TypeError && e.message === "fetch failed")) {
      // fetch's own message says nothing: its cause names the network error
      const cause = (e as Error & { cause?: { code?: string; message?: string } }).cause;
      const why =
        e instanceof EiClientError ? e.message : (cause?.code ?? cause?.message ?? e.message);
      io.stderr(`transactive agent: the market at ${values.market}: ${why.split("\n")[0]}\n`);
      return EXIT.invalid;
    }
    throw e;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await client.close();
  }
}

/** The market may clear a little after the gate: "no such quote" is retried for a few seconds. */
async function settleWhenCleared(
  link: RemoteParent,
  index: number,
  signal: AbortSignal,
): Promise<Awaited<ReturnType<RemoteParent["settle"]>> | undefined> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await link.settle(index);
    } catch (e) {
      const notYet = e instanceof EiBindingError && /no such quote/.test(e.message);
      if (!notYet || attempt >= 20) throw e;
    }
    await sleep(250, signal);
    if (signal.aborted) return undefined;
  }
}

function member(p: Personality, id: string, quantity?: string, price?: string): Agent {
  try {
    switch (p) {
      case "pv": {
        const q = toQuantity(quantity ?? "2");
        return new PvGenerator({ id, forecast: () => q, floor: toPrice(price ?? "0.05") });
      }
      case "load": {
        const q = toQuantity(quantity ?? "1.5");
        return new InflexibleLoad({ id, demand: () => q, cap: toPrice(price ?? "0.30") });
      }
      case "battery":
        return new Battery({
          id,
          capacity: toQuantity("10"),
          minEnergy: toQuantity("1"),
          energy: toQuantity("5"),
          maxChargeW: 5000,
          maxDischargeW: 5000,
          chargeEfficiency: "0.95",
          dischargeEfficiency: "0.95",
          expectedPrice: toPrice(price ?? "0.12"),
        });
    }
  } catch (e) {
    if (e instanceof MarketError) throw new UsageError(e.message);
    throw e;
  }
}

function integer(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max)
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}, not "${text}"`);
  return n;
}

function decimal(flag: string, text: string | undefined): string | undefined {
  if (text !== undefined && !/^\d+(\.\d+)?$/.test(text))
    throw new UsageError(`${flag} must be a decimal number ≥ 0, not "${text}"`);
  return text;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
