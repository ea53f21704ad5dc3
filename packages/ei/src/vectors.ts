/**
 * The scenarios behind conformance/ei: one request per operation the reference services receive,
 * in an order that exercises their life cycles, and the reference dispatcher they replay against
 * (fixed clock and IDs, and for OpenADR one published event). Used by scripts/vectors.ts to write
 * the vectors and by vectors.test.ts to check them.
 */
import { fromJson } from "@transactive/codec";
import type { Dispatcher } from "./dispatch.js";
import { createReferenceDispatcher } from "./reference.js";
import { registry } from "./registry.js";
import type { ReferenceVtn } from "./services/vtn/index.js";

export interface Step {
  readonly operation: string;
  readonly clause: string;
  readonly description: string;
  /** canonical JSON document */
  readonly request: Record<string, unknown>;
}

export interface Scenario {
  readonly profile: "openadr2b" | "cts";
  readonly steps: readonly Step[];
}

const EI = "Energy Interoperation 1.0";
const OADR = "OpenADR 2.0b Profile Specification";
const NOW = "2026-09-01T12:00:00Z";
const VEN = "vtn-ven-1";

/** The event the reference VTN publishes before the OpenADR scenario: the one of examples/openadr2b-distribute-event.json. */
export const EXAMPLE_EVENT_ID = "evt-2026-07-01-peak";

export function setupDispatcher(profile: "openadr2b" | "cts", exampleEvent?: unknown): Dispatcher {
  const d = createReferenceDispatcher({
    profile,
    clock: () => new Date(NOW),
    vtnReportSpecifiers: ["vtn-price"],
  });
  if (profile === "openadr2b")
    (d.reference as ReferenceVtn).publishEvent((exampleEvent ?? loadExampleEvent()) as never);
  return d;
}

function loadExampleEvent(): unknown {
  // resolved from the repository, as the vectors are
  const { readFileSync } = process.getBuiltinModule("node:fs") as typeof import("node:fs");
  const text = readFileSync(
    new URL("../../../examples/openadr2b-distribute-event.json", import.meta.url),
    "utf8",
  );
  return (
    fromJson(registry, text).value as {
      oadrSignedObject: { oadrDistributeEvent: { oadrEvent: unknown[] } };
    }
  ).oadrSignedObject.oadrDistributeEvent.oadrEvent[0];
}

const oadr = (inner: string, value: object) => ({
  $profile: "openadr2b",
  "oadr:oadrPayload": { oadrSignedObject: { [inner]: { "@ei:schemaVersion": "2.0b", ...value } } },
});
const cts = (element: string, value: object) => ({ $profile: "cts", [element]: value });
const ack = { responseCode: "200", responseDescription: "OK", requestID: "" };

const product = (uid: string, state: string, side: string, quantity: number) => ({
  dtStart: { dateTime: "2026-09-01T14:00:00Z" },
  duration: "PT1H",
  temixPower: { price: { value: "0.1250" }, quantity },
  uid,
  transactiveState: state,
  integralOnly: false,
  currency: "USD",
  marketContext: "http://market.example.com/cts/hourly",
  side,
});

export const SCENARIOS: readonly Scenario[] = [
  {
    profile: "openadr2b",
    steps: [
      {
        operation: "queryRegistration",
        clause: `${OADR}, EiRegisterParty: oadrQueryRegistration`,
        description: "a VEN asks what the VTN offers",
        request: oadr("oadrQueryRegistration", { requestID: "req-query-1" }),
      },
      {
        operation: "createPartyRegistration",
        clause: `${OADR}, EiRegisterParty: oadrCreatePartyRegistration`,
        description:
          "a VEN registers for 2.0b over simpleHttp (pull); the VTN assigns venID and registrationID",
        request: oadr("oadrCreatePartyRegistration", {
          requestID: "req-reg-1",
          oadrProfileName: "2.0b",
          oadrTransportName: "simpleHttp",
          oadrReportOnly: false,
          oadrXmlSignature: false,
          oadrVenName: "lab-ven",
          oadrHttpPullModel: true,
        }),
      },
      {
        operation: "requestEvent",
        clause: `${OADR}, EiEvent: oadrRequestEvent`,
        description: "the registered VEN asks for its events",
        request: oadr("oadrRequestEvent", {
          eiRequestEvent: { requestID: "req-event-1", venID: VEN },
        }),
      },
      {
        operation: "createdEvent",
        clause: `${OADR}, EiEvent: oadrCreatedEvent`,
        description: "the VEN opts in to modification 0 of the event",
        request: oadr("oadrCreatedEvent", {
          eiCreatedEvent: {
            eiResponse: ack,
            eventResponses: {
              eventResponse: [
                {
                  responseCode: "200",
                  responseDescription: "OK",
                  requestID: "req-event-1",
                  qualifiedEventID: { eventID: EXAMPLE_EVENT_ID, modificationNumber: 0 },
                  optType: "optIn",
                },
              ],
            },
            venID: VEN,
          },
        }),
      },
      {
        operation: "createOpt",
        clause: `${EI}, EiOpt service; ${OADR}, EiOpt: oadrCreateOpt`,
        description: "the VEN opts one resource out of the event",
        request: oadr("oadrCreateOpt", {
          optID: "opt-1",
          optType: "optOut",
          optReason: "participating",
          venID: VEN,
          createdDateTime: NOW,
          requestID: "req-opt-1",
          qualifiedEventID: { eventID: EXAMPLE_EVENT_ID, modificationNumber: 0 },
          eiTarget: { resourceID: ["resource-1"] },
        }),
      },
      {
        operation: "cancelOpt",
        clause: `${EI}, EiOpt service; ${OADR}, EiOpt: oadrCancelOpt`,
        description: "the VEN cancels that opt",
        request: oadr("oadrCancelOpt", { requestID: "req-opt-2", optID: "opt-1", venID: VEN }),
      },
      {
        operation: "registerReport",
        clause: `${OADR}, EiReport: oadrRegisterReport`,
        description: "the VEN registers its telemetry report",
        request: oadr("oadrRegisterReport", {
          requestID: "req-rep-1",
          oadrReport: [
            {
              duration: { duration: "PT1H" },
              oadrReportDescription: [
                {
                  rID: "rid-power",
                  reportType: "usage",
                  readingType: "Direct Read",
                  oadrSamplingRate: {
                    oadrMinPeriod: "PT1M",
                    oadrMaxPeriod: "PT1H",
                    oadrOnChange: false,
                  },
                },
              ],
              reportRequestID: "0",
              reportSpecifierID: "ven-telemetry",
              reportName: "METADATA_TELEMETRY_USAGE",
              createdDateTime: NOW,
            },
          ],
          venID: VEN,
        }),
      },
      {
        operation: "registeredReport",
        clause: `${OADR}, EiReport: oadrRegisteredReport`,
        description: "an oadrRegisteredReport the VTN never asked for: out of sequence (450)",
        request: oadr("oadrRegisteredReport", { eiResponse: ack, venID: VEN }),
      },
      {
        operation: "createReport",
        clause: `${OADR}, EiReport: oadrCreateReport`,
        description: "the VEN requests the VTN's price report",
        request: oadr("oadrCreateReport", {
          requestID: "req-rep-2",
          oadrReportRequest: [
            {
              reportRequestID: "rr-ven-1",
              reportSpecifier: {
                reportSpecifierID: "vtn-price",
                granularity: { duration: "PT15M" },
                reportBackDuration: { duration: "PT15M" },
                specifierPayload: [{ rID: "rid-price", readingType: "x-notApplicable" }],
              },
            },
          ],
          venID: VEN,
        }),
      },
      {
        operation: "cancelReport",
        clause: `${OADR}, EiReport: oadrCancelReport`,
        description: "the VEN cancels that request",
        request: oadr("oadrCancelReport", {
          requestID: "req-rep-3",
          reportRequestID: ["rr-ven-1"],
          reportToFollow: false,
          venID: VEN,
        }),
      },
      {
        operation: "createdReport",
        clause: `${OADR}, EiReport: oadrCreatedReport`,
        description: "the VEN acknowledges a report request the VTN never made: invalid ID (452)",
        request: oadr("oadrCreatedReport", {
          eiResponse: ack,
          oadrPendingReports: { reportRequestID: ["rr-unknown"] },
          venID: VEN,
        }),
      },
      {
        operation: "updateReport",
        clause: `${OADR}, EiReport: oadrUpdateReport`,
        description: "report data for a request that does not exist: invalid ID (452)",
        request: oadr("oadrUpdateReport", {
          requestID: "req-rep-4",
          oadrReport: [
            {
              reportRequestID: "rr-unknown",
              reportSpecifierID: "ven-telemetry",
              createdDateTime: NOW,
            },
          ],
          venID: VEN,
        }),
      },
      {
        operation: "canceledReport",
        clause: `${OADR}, EiReport: oadrCanceledReport`,
        description: "a cancellation acknowledgement with nothing pending: out of sequence (450)",
        request: oadr("oadrCanceledReport", {
          eiResponse: ack,
          oadrPendingReports: {},
          venID: VEN,
        }),
      },
      {
        operation: "poll",
        clause: `${OADR}, OadrPoll`,
        description: "nothing is queued for the VEN: oadrResponse",
        request: oadr("oadrPoll", { venID: VEN }),
      },
      {
        operation: "response",
        clause: `${OADR}, oadrResponse`,
        description: "the VEN acknowledges a message",
        request: oadr("oadrResponse", { eiResponse: ack, venID: VEN }),
      },
      {
        operation: "canceledPartyRegistration",
        clause: `${OADR}, EiRegisterParty: oadrCanceledPartyRegistration`,
        description:
          "a cancellation acknowledgement the VTN did not ask for: out of sequence (450)",
        request: oadr("oadrCanceledPartyRegistration", {
          eiResponse: ack,
          registrationID: "vtn-registration-1",
          venID: VEN,
        }),
      },
      {
        operation: "cancelPartyRegistration",
        clause: `${OADR}, EiRegisterParty: oadrCancelPartyRegistration`,
        description: "the VEN cancels its registration",
        request: oadr("oadrCancelPartyRegistration", {
          requestID: "req-reg-2",
          registrationID: "vtn-registration-1",
          venID: VEN,
        }),
      },
    ],
  },
  {
    profile: "cts",
    steps: [
      {
        operation: "requestMarketContext",
        clause: `${EI}, EiMarketContext service`,
        description: "a party asks about the market context it trades in",
        request: cts("pyld:eiRequestEiMarketContext", {
          requestID: "req-mc-1",
          marketContext: ["http://market.example.com/cts/hourly"],
          partyID: "party-battery-3",
        }),
      },
      {
        operation: "createTender",
        clause: `${EI}, EiTender service: EiCreateTender`,
        description: "a party tenders to sell twice (two tenders in one request)",
        request: cts("pyld:eiCreateTender", {
          requestID: "req-tender-1",
          partyID: "party-battery-3",
          counterPartyID: "market",
          eiTender: [
            { tenderID: "tender-1", product: product("product-1", "tender", "sell", 5) },
            { tenderID: "tender-2", product: product("product-2", "tender", "sell", 2) },
          ],
        }),
      },
      {
        operation: "requestTender",
        clause: `${EI}, EiTender service: EiRequestTender`,
        description: "a buyer asks for the open tenders of the market context",
        request: cts("pyld:eiRequestTender", {
          requestID: "req-tender-2",
          partyID: "party-house-9",
          requestorPartyID: "party-house-9",
          marketContext: ["http://market.example.com/cts/hourly"],
        }),
      },
      {
        operation: "createTransaction",
        clause: `${EI}, EiTransaction service: EiCreateTransaction`,
        description: "tender-1 becomes a transaction",
        request: cts("pyld:eiCreateTransaction", {
          requestID: "req-txn-1",
          partyID: "party-house-9",
          counterPartyID: "party-battery-3",
          eiTransaction: [
            {
              transactionID: "txn-1",
              tenderID: "tender-1",
              product: product("product-1", "transaction", "buy", 5),
            },
          ],
        }),
      },
      {
        operation: "cancelTender",
        clause: `${EI}, EiTender service: EiCancelTender`,
        description:
          "the seller cancels both tenders: tender-2 is cancelled, tender-1 is already a transaction (409)",
        request: cts("pyld:eiCancelTender", {
          requestID: "req-tender-3",
          partyID: "party-battery-3",
          tenderID: ["tender-1", "tender-2"],
        }),
      },
      {
        operation: "requestTransaction",
        clause: `${EI}, EiTransaction service: EiRequestTransaction`,
        description: "the seller asks for its transactions",
        request: cts("pyld:eiRequestTransaction", {
          requestID: "req-txn-2",
          partyID: "party-battery-3",
          requestorPartyID: "party-battery-3",
        }),
      },
      {
        operation: "createQuote",
        clause: `${EI}, EiQuote service: EiCreateQuote`,
        description: "the market publishes a price quote",
        request: cts("pyld:eiCreateQuote", {
          requestID: "req-quote-1",
          publisherPartyID: "market",
          subscriberPartyID: "party-house-9",
          eiQuote: [
            { quoteID: "quote-1", product: [product("product-q", "publication", "sell", 1)] },
          ],
        }),
      },
      {
        operation: "requestQuote",
        clause: `${EI}, EiQuote service: EiRequestQuote`,
        description: "a party asks for the market's quotes",
        request: cts("pyld:eiRequestQuote", {
          requestID: "req-quote-2",
          requestorPartyID: "party-house-9",
          publisherPartyID: "market",
        }),
      },
      {
        operation: "cancelQuote",
        clause: `${EI}, EiQuote service: EiCancelQuote`,
        description: "the market withdraws the quote",
        request: cts("pyld:eiCancelQuote", {
          requestID: "req-quote-3",
          publisherPartyID: "market",
          quoteID: ["quote-1"],
        }),
      },
      {
        operation: "createDelivery",
        clause: `${EI}, EiDelivery service: EiCreateDelivery`,
        description: "the seller reports the delivery of the transacted hour",
        request: cts("pyld:eiCreateDelivery", {
          requestID: "req-del-1",
          requestorPartyID: "party-battery-3",
          delivery: [
            {
              dtStart: { dateTime: "2026-09-01T14:00:00Z" },
              duration: "PT1H",
              temixPower: { price: { value: "0.1250" }, quantity: 5 },
              uid: "delivery-1",
              injection: true,
            },
          ],
        }),
      },
      {
        operation: "requestPartyRegistration",
        clause: `${EI}, EiRegisterParty service: EiRequestPartyRegistration`,
        description: "a party asks for its registrations (it has none)",
        request: cts("pyld:eiRequestPartyRegistration", {
          requestID: "req-preg-1",
          registreePartyID: "party-battery-3",
          requestorPartyID: "party-battery-3",
        }),
      },
      {
        operation: "cancelPartyRegistration",
        clause: `${EI}, EiRegisterParty service: EiCancelPartyRegistration`,
        description:
          "cancelling a registration that does not exist: one eiResponse per registration, 404",
        request: cts("pyld:eiCancelPartyRegistration", {
          requestID: "req-preg-2",
          registreePartyID: "party-battery-3",
          registrarPartyID: "market",
          registrationID: ["registration-x"],
        }),
      },
    ],
  },
];
