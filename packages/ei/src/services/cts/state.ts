/** The in-memory state of the reference CTS market: parties, tenders, transactions, quotes, deliveries. */
import type {
  EiDeliveryType,
  EiQuoteType,
  EiTenderType,
  EiTransactionType,
} from "../../gen/types.js";
import { type Ids, idSource, isoNow, type ReferenceOptions } from "../context.js";

export interface MarketOptions extends ReferenceOptions {
  /** the market's own party ID, answered as registrarPartyID / respondingPartyID (default "market") */
  readonly marketPartyID?: string;
  /** market contexts the market knows (EiMarketContext); default the one of the examples */
  readonly marketContexts?: readonly string[];
  /** refuse tenders, quotes and transactions from parties that are not registered (default false) */
  readonly requireRegistration?: boolean;
}

/** Life cycle of a tender: open until it is cancelled or becomes a transaction; both are final. */
export type TenderState = "open" | "cancelled" | "transacted";

export interface TenderRecord {
  readonly tender: EiTenderType;
  readonly partyID: string;
  readonly counterPartyID: string;
  state: TenderState;
  transactionID?: string;
}

export interface TransactionRecord {
  readonly transaction: EiTransactionType;
  readonly partyID: string;
  readonly counterPartyID: string;
}

export interface QuoteRecord {
  readonly quote: EiQuoteType;
  readonly publisherPartyID: string;
  readonly subscriberPartyID: string;
  state: "open" | "cancelled";
}

export interface RegistrationRecord {
  readonly registrationID: string;
  readonly registreePartyID: string;
  state: "active" | "cancelled";
}

export interface MarketState {
  readonly options: MarketOptions;
  readonly marketPartyID: string;
  readonly marketContexts: ReadonlySet<string>;
  readonly ids: Ids;
  now(): string;
  readonly tenders: Map<string, TenderRecord>;
  readonly transactions: Map<string, TransactionRecord>;
  readonly quotes: Map<string, QuoteRecord>;
  readonly deliveries: Map<string, EiDeliveryType>;
  readonly registrations: Map<string, RegistrationRecord>;
}

export const DEFAULT_MARKET_CONTEXTS = ["http://market.example.com/cts/hourly"];

export function createMarketState(options: MarketOptions = {}): MarketState {
  return {
    options,
    marketPartyID: options.marketPartyID ?? "market",
    marketContexts: new Set(options.marketContexts ?? DEFAULT_MARKET_CONTEXTS),
    ids: idSource(options, "cts"),
    now: () => isoNow(options),
    tenders: new Map(),
    transactions: new Map(),
    quotes: new Map(),
    deliveries: new Map(),
    registrations: new Map(),
  };
}

/** Whether a party has an active registration with the market. */
export function isRegistered(state: MarketState, partyID: string): boolean {
  for (const r of state.registrations.values())
    if (r.registreePartyID === partyID && r.state === "active") return true;
  return false;
}
