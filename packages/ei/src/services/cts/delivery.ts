/** Reference EiDelivery service: records deliveries, giving each an eiDeliveryID and creation time. */
import type { EiDeliveryType } from "../../gen/types.js";
import { batchResponse, EiFault, type ItemOutcome } from "../../responses.js";
import { list } from "../context.js";
import type { EiDeliveryService } from "../interfaces.js";
import type { MarketState } from "./state.js";
import { requireParty } from "./tender.js";

export function deliveryService(state: MarketState): EiDeliveryService {
  return {
    createDelivery(req, ctx) {
      const outcomes: ItemOutcome[] = [];
      const recorded: EiDeliveryType[] = [];
      try {
        requireParty(state, req.requestorPartyID, "/eiCreateDelivery/requestorPartyID");
      } catch (e) {
        outcomes.push({ id: req.requestorPartyID, fault: e as EiFault });
      }
      if (outcomes.length === 0)
        list(req.delivery).forEach((item, i) => {
          const given = (item as Partial<EiDeliveryType>).eiDeliveryID;
          const id = given ?? state.ids.next("delivery");
          if (state.deliveries.has(id)) {
            outcomes.push({
              id,
              fault: new EiFault(
                "notAllowed",
                "a delivery with this ID already exists",
                `/eiCreateDelivery/delivery[${i}]/eiDeliveryID`,
              ),
            });
            return;
          }
          const { "@xsi:type": _type, ...fields } = item as EiDeliveryType;
          const delivery: EiDeliveryType = {
            ...fields,
            eiDeliveryID: id,
            createdDateTime: (item as Partial<EiDeliveryType>).createdDateTime ?? ctx.now(),
          };
          state.deliveries.set(id, delivery);
          recorded.push(delivery);
          outcomes.push({ id });
        });
      return {
        eiResponse: {
          ...batchResponse(ctx.profile, ctx.requestID, outcomes),
          createdDateTime: ctx.now(),
        },
        ...(recorded.length ? { eiDelivery: recorded } : {}),
      };
    },
  };
}
