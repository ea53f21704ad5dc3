/** Reference EiTransaction service: a transaction may close an open tender, which then can no longer be cancelled. */
import type { EiTransactionType } from "../../gen/types.js";
import {
  batchResponse,
  EiFault,
  eiResponse,
  faultResponse,
  type ItemOutcome,
} from "../../responses.js";
import { list } from "../context.js";
import type { EiTransactionService } from "../interfaces.js";
import { unknownIdsResponse } from "./records.js";
import type { MarketState } from "./state.js";
import { checkState, requireParty } from "./tender.js";

export function transactionService(state: MarketState): EiTransactionService {
  return {
    createTransaction(req, ctx) {
      const base = { counterPartyID: req.counterPartyID, partyID: req.partyID };
      try {
        requireParty(state, req.partyID, "/eiCreateTransaction/partyID");
      } catch (e) {
        return { ...base, eiResponse: faultResponse(ctx.profile, ctx.requestID, e as EiFault) };
      }
      const outcomes: ItemOutcome[] = [];
      const created: string[] = [];
      list(req.eiTransaction).forEach((transaction: EiTransactionType, i) => {
        const path = `/eiCreateTransaction/eiTransaction[${i}]`;
        const id = transaction.transactionID;
        try {
          if (state.transactions.has(id))
            throw new EiFault(
              "notAllowed",
              "a transaction with this ID already exists",
              `${path}/transactionID`,
            );
          checkState(transaction.product, "transaction", path);
          const tenderID = transaction.tenderID;
          if (tenderID !== undefined) {
            const tender = state.tenders.get(tenderID);
            if (!tender)
              throw new EiFault("invalidId", `no such tender ${tenderID}`, `${path}/tenderID`);
            if (tender.state === "cancelled")
              throw new EiFault(
                "notAllowed",
                `tender ${tenderID} was cancelled`,
                `${path}/tenderID`,
              );
            if (tender.state === "transacted")
              throw new EiFault(
                "notAllowed",
                `tender ${tenderID} already became transaction ${tender.transactionID}`,
                `${path}/tenderID`,
              );
            tender.state = "transacted";
            tender.transactionID = id;
          }
          state.transactions.set(id, {
            transaction,
            partyID: req.partyID,
            counterPartyID: req.counterPartyID,
          });
          created.push(id);
          outcomes.push({ id });
        } catch (e) {
          outcomes.push({ id, fault: e as EiFault });
        }
      });
      return {
        ...base,
        eiResponse: {
          ...batchResponse(ctx.profile, ctx.requestID, outcomes),
          createdDateTime: ctx.now(),
        },
        ...(created.length ? { transactionID: created } : {}),
      };
    },

    requestTransaction(req, ctx) {
      const ids = list(req.transactionID);
      const unknown = unknownIdsResponse(ids, state.transactions, "transaction", ctx);
      if (unknown) return unknown;
      const contexts = new Set(list(req.marketContext));
      const others = new Set(list(req.counterPartyID));
      const found = [...state.transactions.values()].filter(
        (r) =>
          (r.partyID === req.partyID || r.counterPartyID === req.partyID) &&
          (ids.length === 0 || ids.includes(r.transaction.transactionID)) &&
          (contexts.size === 0 || contexts.has(r.transaction.product?.marketContext ?? "")) &&
          (others.size === 0 ||
            others.has(r.partyID === req.partyID ? r.counterPartyID : r.partyID)),
      );
      return {
        eiResponse: { ...eiResponse(ctx.profile, ctx.requestID, "ok"), createdDateTime: ctx.now() },
        ...(found.length ? { eiTransaction: found.map((r) => r.transaction) } : {}),
      };
    },
  };
}
