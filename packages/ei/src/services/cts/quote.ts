/** Reference EiQuote service: quotes are published, withdrawn (cancelled) by their publisher, and looked up. */
import type { EiQuoteType } from "../../gen/types.js";
import {
  batchResponse,
  EiFault,
  eiResponse,
  faultResponse,
  type ItemOutcome,
} from "../../responses.js";
import { list } from "../context.js";
import type { EiQuoteService } from "../interfaces.js";
import { cancelEach, unknownIdsResponse } from "./records.js";
import type { MarketState } from "./state.js";
import { requireParty } from "./tender.js";

export function quoteService(state: MarketState): EiQuoteService {
  return {
    createQuote(req, ctx) {
      const base = {
        subscriberPartyID: req.subscriberPartyID,
        publisherPartyID: req.publisherPartyID,
      };
      try {
        requireParty(state, req.publisherPartyID, "/eiCreateQuote/publisherPartyID");
      } catch (e) {
        return { eiResponse: faultResponse(ctx.profile, ctx.requestID, e as EiFault), ...base };
      }
      const outcomes: ItemOutcome[] = [];
      const created: string[] = [];
      list(req.eiQuote).forEach((quote: EiQuoteType, i) => {
        const id = quote.quoteID;
        if (state.quotes.has(id)) {
          outcomes.push({
            id,
            fault: new EiFault(
              "notAllowed",
              "a quote with this ID already exists",
              `/eiCreateQuote/eiQuote[${i}]/quoteID`,
            ),
          });
          return;
        }
        state.quotes.set(id, { quote, ...base, state: "open" });
        created.push(id);
        outcomes.push({ id });
      });
      return {
        eiResponse: {
          ...batchResponse(ctx.profile, ctx.requestID, outcomes),
          createdDateTime: ctx.now(),
        },
        ...base,
        ...(created.length ? { quoteID: created } : {}),
      };
    },

    cancelQuote(req, ctx) {
      const outcomes = cancelEach(list(req.quoteID), state.quotes, req.publisherPartyID, {
        path: "/eiCancelQuote/quoteID",
        noun: "quote",
        owner: (r) => r.publisherPartyID,
        ownerRole: "was published by",
      });
      return {
        eiResponse: {
          ...batchResponse(ctx.profile, ctx.requestID, outcomes),
          createdDateTime: ctx.now(),
        },
        publisherPartyID: req.publisherPartyID,
        ...(req.subscriberPartyID !== undefined
          ? { subscriberPartyID: req.subscriberPartyID }
          : {}),
      };
    },

    requestQuote(req, ctx) {
      const ids = list(req.quoteID);
      const unknown = unknownIdsResponse(ids, state.quotes, "quote", ctx);
      if (unknown) return unknown;
      const contexts = new Set(list(req.marketContext));
      const found = [...state.quotes.values()].filter(
        (r) =>
          r.state === "open" &&
          r.publisherPartyID === req.publisherPartyID &&
          (ids.length === 0 || ids.includes(r.quote.quoteID)) &&
          (contexts.size === 0 || list(r.quote.product).some((p) => contexts.has(p.marketContext))),
      );
      return {
        eiResponse: { ...eiResponse(ctx.profile, ctx.requestID, "ok"), createdDateTime: ctx.now() },
        ...(found.length ? { eiQuote: found.map((r) => r.quote) } : {}),
      };
    },
  };
}
