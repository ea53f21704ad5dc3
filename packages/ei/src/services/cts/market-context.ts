/** Reference EiMarketContext service: answers whether the market knows each market context named. */
import { eiResponse } from "../../responses.js";
import { list } from "../context.js";
import type { EiMarketContextService } from "../interfaces.js";
import type { MarketState } from "./state.js";

export function marketContextService(state: MarketState): EiMarketContextService {
  return {
    requestMarketContext(req, ctx) {
      const unknown = list(req.marketContext).filter((m) => !state.marketContexts.has(m));
      return {
        eiResponse: unknown.length
          ? eiResponse(
              ctx.profile,
              ctx.requestID,
              "invalidId",
              `unknown market context: ${unknown.join(", ")}`,
            )
          : { ...eiResponse(ctx.profile, ctx.requestID, "ok"), createdDateTime: ctx.now() },
      };
    },
  };
}
