/**
 * The shape of each response payload when its operation failed: the eiResponse carrying the fault,
 * plus the payload's other required parts, taken from the request where it names them (the parties
 * of a tender, the optID of an opt…). Used by the dispatcher for requests that never reach a
 * service (invalid payload, wrong endpoint) and for faults a service throws.
 */
import type { EiResponseType } from "./gen/types.js";

type Shape = (
  request: Record<string, unknown>,
  eiResponse: EiResponseType,
  ctx: { vtnID: string },
) => Record<string, unknown>;

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const maybe = (key: string, v: unknown): Record<string, unknown> =>
  typeof v === "string" ? { [key]: v } : {};

const SHAPES: Readonly<Record<string, Shape>> = {
  // OpenADR 2.0
  "oadr:oadrResponse": (r, e) => ({
    eiResponse: e,
    ...maybe("venID", r.venID ?? (r.eiCreatedEvent as { venID?: unknown } | undefined)?.venID),
  }),
  "oadr:oadrCreatedPartyRegistration": (r, e, c) => ({
    eiResponse: e,
    ...maybe("registrationID", r.registrationID),
    ...maybe("venID", r.venID),
    vtnID: c.vtnID,
    oadrProfiles: {
      oadrProfile: [
        {
          oadrProfileName: "2.0b",
          oadrTransports: { oadrTransport: [{ oadrTransportName: "simpleHttp" }] },
        },
      ],
    },
  }),
  "oadr:oadrCanceledPartyRegistration": (r, e) => ({
    eiResponse: e,
    ...maybe("registrationID", r.registrationID),
    ...maybe("venID", r.venID),
  }),
  // a refusal distributes nothing; its own requestID is the refused request's, so a VEN that
  // answers it anyway echoes an ID the VTN sent (2.0b requires a non-empty pyld:requestID here)
  "oadr:oadrDistributeEvent": (_r, e, c) => ({
    eiResponse: e,
    requestID: e.requestID || "refused",
    vtnID: c.vtnID,
  }),
  "oadr:oadrCreatedOpt": (r, e) => ({ eiResponse: e, optID: str(r.optID) }),
  "oadr:oadrCanceledOpt": (r, e) => ({ eiResponse: e, optID: str(r.optID) }),
  "oadr:oadrRegisteredReport": (r, e) => ({ eiResponse: e, ...maybe("venID", r.venID) }),
  "oadr:oadrCreatedReport": (r, e) => ({
    eiResponse: e,
    oadrPendingReports: {},
    ...maybe("venID", r.venID),
  }),
  "oadr:oadrUpdatedReport": (r, e) => ({ eiResponse: e, ...maybe("venID", r.venID) }),
  "oadr:oadrCanceledReport": (r, e) => ({
    eiResponse: e,
    oadrPendingReports: {},
    ...maybe("venID", r.venID),
  }),
  // CTS 0.4
  "pyld:eiCreatedTender": (r, e) => ({
    eiResponse: e,
    partyID: str(r.partyID),
    ...maybe("counterPartyID", r.counterPartyID),
  }),
  "pyld:eiCanceledTender": (r, e) => ({
    eiResponse: e,
    partyID: str(r.partyID),
    ...maybe("counterPartyID", r.counterPartyID),
  }),
  "pyld:eiReplyTender": (_r, e) => ({ eiResponse: e }),
  "pyld:eiCreatedQuote": (r, e) => ({
    eiResponse: e,
    subscriberPartyID: str(r.subscriberPartyID),
    ...maybe("publisherPartyID", r.publisherPartyID),
  }),
  "pyld:eiCanceledQuote": (r, e) => ({
    eiResponse: e,
    ...maybe("subscriberPartyID", r.subscriberPartyID),
    ...maybe("publisherPartyID", r.publisherPartyID),
  }),
  "pyld:eiReplyQuote": (_r, e) => ({ eiResponse: e }),
  "pyld:eiCreatedTransaction": (r, e) => ({
    counterPartyID: str(r.counterPartyID),
    partyID: str(r.partyID),
    eiResponse: e,
  }),
  "pyld:eiReplyTransaction": (_r, e) => ({ eiResponse: e }),
  "pyld:eiCreatedDelivery": (_r, e) => ({ eiResponse: e }),
  "pyld:eiCreatedPartyRegistration": (r, e) => ({
    eiResponse: e,
    ...maybe("registreePartyID", r.registreePartyID),
  }),
  "pyld:eiCanceledPartyRegistration": (r, e) => ({
    respondingPartyID: str(r.registrarPartyID),
    registreePartyID: str(r.registreePartyID),
    registrarPartyID: str(r.registrarPartyID),
    eiResponse: [e],
  }),
  "pyld:eiReplyPartyRegistration": (_r, e) => ({ eiResponse: e }),
  "pyld:eiReplyEiMarketContext": (_r, e) => ({ eiResponse: e }),
};

/** The failed response payload of an element; a bare {eiResponse} for one this table lacks. */
export function failureResponse(
  element: string,
  request: Record<string, unknown>,
  eiResponse: EiResponseType,
  ctx: { vtnID: string },
): Record<string, unknown> {
  const shape = SHAPES[element];
  return shape ? shape(request, eiResponse, ctx) : { eiResponse };
}
