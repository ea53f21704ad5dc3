/** The reference CTS 0.4 market: every CTS service over one shared in-memory state. */
import type { EiDistributeTenderType, EiTenderType } from "../../gen/types.js";
import type {
  EiDeliveryService,
  EiMarketContextService,
  EiQuoteService,
  EiRegisterPartyService,
  EiTenderService,
  EiTransactionService,
} from "../interfaces.js";
import { deliveryService } from "./delivery.js";
import { marketContextService } from "./market-context.js";
import { quoteService } from "./quote.js";
import { registrationService } from "./registration.js";
import { createMarketState, type MarketOptions, type MarketState } from "./state.js";
import { tenderService } from "./tender.js";
import { transactionService } from "./transaction.js";

export type { MarketOptions, TenderState } from "./state.js";

/** The reference CTS market: one object per CTS service, sharing the market's in-memory state. */
export interface ReferenceMarket {
  readonly state: MarketState;
  readonly EiTender: EiTenderService;
  readonly EiQuote: EiQuoteService;
  readonly EiTransaction: EiTransactionService;
  readonly EiDelivery: EiDeliveryService;
  readonly EiRegisterParty: EiRegisterPartyService;
  readonly EiMarketContext: EiMarketContextService;
  /** The market's own outbound EiDistributeTender: every open tender, optionally of one market context. */
  distributeTender(marketContext?: string): EiDistributeTenderType;
}

/** Creates a reference CTS market with a fresh in-memory state. */
export function createReferenceMarket(options: MarketOptions = {}): ReferenceMarket {
  const state = createMarketState(options);
  return {
    state,
    EiTender: tenderService(state),
    EiQuote: quoteService(state),
    EiTransaction: transactionService(state),
    EiDelivery: deliveryService(state),
    EiRegisterParty: registrationService(state),
    EiMarketContext: marketContextService(state),
    distributeTender(marketContext) {
      const eiTender: EiTenderType[] = [...state.tenders.values()]
        .filter((r) => r.state === "open")
        .filter(
          (r) => marketContext === undefined || r.tender.product?.marketContext === marketContext,
        )
        .map((r) => r.tender);
      return { requestID: state.ids.next("distribution"), partyID: state.marketPartyID, eiTender };
    },
  };
}
