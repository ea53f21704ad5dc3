/** Reference EiTender service of the CTS market: tenders are open until cancelled or transacted. */
import type { EiTenderType } from "../../gen/types.js";
import {
  batchResponse,
  EiFault,
  eiResponse,
  faultResponse,
  type ItemOutcome,
} from "../../responses.js";
import { list } from "../context.js";
import type { EiTenderService } from "../interfaces.js";
import { cancelEach, unknownIdsResponse } from "./records.js";
import { isRegistered, type MarketState } from "./state.js";

export function requireParty(state: MarketState, partyID: string, path: string): void {
  if (state.options.requireRegistration && !isRegistered(state, partyID))
    throw new EiFault("notRegistered", `party ${partyID} is not registered with the market`, path);
}

/** Checks an EMIX product's transactive state against what the operation expects. */
export function checkState(
  product: { transactiveState?: string } | undefined,
  expected: string,
  path: string,
): void {
  const actual = product?.transactiveState;
  if (actual !== undefined && actual !== expected)
    throw new EiFault(
      "invalidData",
      `transactiveState is "${actual}", expected "${expected}"`,
      `${path}/product/transactiveState`,
    );
}

export function tenderService(state: MarketState): EiTenderService {
  return {
    createTender(req, ctx) {
      const base = { partyID: req.partyID, counterPartyID: req.counterPartyID };
      try {
        requireParty(state, req.partyID, "/eiCreateTender/partyID");
      } catch (e) {
        return { eiResponse: faultResponse(ctx.profile, ctx.requestID, e as EiFault), ...base };
      }
      const outcomes: ItemOutcome[] = [];
      const created: string[] = [];
      const seen = new Set<string>();
      list(req.eiTender).forEach((tender: EiTenderType, i) => {
        const path = `/eiCreateTender/eiTender[${i}]`;
        try {
          if (state.tenders.has(tender.tenderID) || seen.has(tender.tenderID))
            throw new EiFault(
              "notAllowed",
              "a tender with this ID already exists",
              `${path}/tenderID`,
            );
          checkState(tender.product, "tender", path);
          seen.add(tender.tenderID);
          state.tenders.set(tender.tenderID, { tender, ...base, state: "open" });
          created.push(tender.tenderID);
          outcomes.push({ id: tender.tenderID });
        } catch (e) {
          outcomes.push({ id: tender.tenderID, fault: e as EiFault });
        }
      });
      return {
        eiResponse: {
          ...batchResponse(ctx.profile, ctx.requestID, outcomes),
          createdDateTime: ctx.now(),
        },
        ...base,
        ...(created.length ? { tenderID: created } : {}),
      };
    },

    cancelTender(req, ctx) {
      // per item: the open tenders named are cancelled, the others are reported
      const outcomes = cancelEach(list(req.tenderID), state.tenders, req.partyID, {
        path: "/eiCancelTender/tenderID",
        noun: "tender",
        owner: (r) => r.partyID,
        ownerRole: "belongs to party",
        final: (r) =>
          r.state === "transacted"
            ? `the tender became transaction ${r.transactionID}; it can no longer be cancelled`
            : undefined,
      });
      return {
        eiResponse: {
          ...batchResponse(ctx.profile, ctx.requestID, outcomes),
          createdDateTime: ctx.now(),
        },
        partyID: req.partyID,
        ...(req.counterPartyID !== undefined ? { counterPartyID: req.counterPartyID } : {}),
      };
    },

    requestTender(req, ctx) {
      const ids = list(req.tenderID);
      const unknown = unknownIdsResponse(ids, state.tenders, "tender", ctx);
      if (unknown) return unknown;
      const contexts = new Set(list(req.marketContext));
      const parties = new Set(list(req.counterPartyID));
      const found = [...state.tenders.values()].filter(
        (r) =>
          r.state === "open" &&
          (ids.length === 0 || ids.includes(r.tender.tenderID)) &&
          (contexts.size === 0 || contexts.has(r.tender.product?.marketContext ?? "")) &&
          (parties.size === 0 || parties.has(r.partyID)),
      );
      return {
        eiResponse: { ...eiResponse(ctx.profile, ctx.requestID, "ok"), createdDateTime: ctx.now() },
        ...(found.length ? { eiTender: found.map((r) => r.tender) } : {}),
      };
    },
  };
}
