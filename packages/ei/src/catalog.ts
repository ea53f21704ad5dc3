/**
 * The operation catalog of Energy Interoperation 1.0, as data: service -> operation -> request
 * element -> response element -> sending party role -> wire profile(s). The dispatcher routes by
 * it, the README support tables are generated from it (`npm run docs -w @transactive/ei`), and the
 * conformance vectors are checked against it. Element names are canonical qualified names
 * (docs/json-mapping.md): a profile renames namespaces, not elements, so one row serves OpenADR
 * 2.0a and 2.0b alike where their elements coincide.
 */

/** Wire profiles that carry EI services. */
export type ServiceProfile = "openadr2b" | "openadr2a" | "cts";

/** The services of Energy Interoperation 1.0, plus OpenADR's poll service. */
export type EiServiceName =
  | "EiRegisterParty"
  | "EiEnroll"
  | "EiMarketContext"
  | "EiEvent"
  | "EiOpt"
  | "EiReport"
  | "EiQuote"
  | "EiTender"
  | "EiTransaction"
  | "EiDelivery"
  | "EiAvail"
  | "OadrPoll";

export interface ServiceEntry {
  readonly name: EiServiceName;
  /** what the service is for, in the standard's terms */
  readonly purpose: string;
  /** the specification text that defines it */
  readonly clause: string;
  /** profiles that carry it; empty: no profile we implement does (calls answer "not supported") */
  readonly profiles: readonly ServiceProfile[];
}

export interface OperationEntry {
  readonly service: EiServiceName;
  /** operation name; also the method name on the typed service interface */
  readonly operation: string;
  /** canonical qualified name of the request payload */
  readonly request: string;
  /**
   * canonical qualified name of the response payload; null for a one-way message (the receiver
   * answers with a separate operation, named in `note`)
   */
  readonly response: string | null;
  /** other payloads the receiver may answer with (oadrPoll hands over queued messages) */
  readonly alsoResponds?: readonly string[];
  /** party role that sends the request, in the profile's vocabulary */
  readonly sender: string;
  readonly receiver: string;
  readonly profiles: readonly ServiceProfile[];
  /**
   * reference: handled by the in-memory reference party whose role receives it (`receives`) and
   * sent by the one whose role sends it; unsupported: no profile we implement carries it. Which
   * messages a dispatcher receives and which it refuses as its own outbound ones follows from
   * `receiver` and the dispatcher's role, not from this field.
   */
  readonly support: "reference" | "unsupported";
  readonly note?: string;
}

const EI = "Energy Interoperation 1.0";
const OADR = "OpenADR 2.0b Profile Specification";

export const SERVICES: readonly ServiceEntry[] = [
  {
    name: "EiRegisterParty",
    purpose: "register a party (a VEN with a VTN, a registree with a registrar)",
    clause: `${EI}, EiRegisterParty service; ${OADR}, registration`,
    profiles: ["openadr2b", "cts"],
  },
  {
    name: "EiEnroll",
    purpose: "enroll resources or parties in a program",
    clause: `${EI}, EiEnroll service`,
    profiles: [],
  },
  {
    name: "EiMarketContext",
    purpose: "look up the rules and terms of a market context",
    clause: `${EI}, EiMarketContext service`,
    profiles: ["cts"],
  },
  {
    name: "EiEvent",
    purpose: "distribute demand-response events and collect opt-in/out answers",
    clause: `${EI}, EiEvent service; ${OADR}, EiEvent`,
    profiles: ["openadr2b", "openadr2a"],
  },
  {
    name: "EiOpt",
    purpose: "temporary availability or opt schedules of a resource",
    clause: `${EI}, EiOpt service; ${OADR}, EiOpt`,
    profiles: ["openadr2b"],
  },
  {
    name: "EiReport",
    purpose: "register report capabilities, request, deliver and cancel reports",
    clause: `${EI}, EiReport service; ${OADR}, EiReport`,
    profiles: ["openadr2b"],
  },
  {
    name: "EiQuote",
    purpose: "publish prices that are not tenders",
    clause: `${EI}, EiQuote service`,
    profiles: ["cts"],
  },
  {
    name: "EiTender",
    purpose: "offers to buy or sell (tenders)",
    clause: `${EI}, EiTender service`,
    profiles: ["cts"],
  },
  {
    name: "EiTransaction",
    purpose: "accepted tenders (transactions)",
    clause: `${EI}, EiTransaction service`,
    profiles: ["cts"],
  },
  {
    name: "EiDelivery",
    purpose: "report the delivery of transacted products",
    clause: `${EI}, EiDelivery service`,
    profiles: ["cts"],
  },
  {
    name: "EiAvail",
    purpose: "long-term availability schedules of a resource",
    clause: `${EI}, EiAvail service`,
    profiles: [],
  },
  {
    name: "OadrPoll",
    purpose: "pull model: a VEN asks its VTN for the next queued message",
    clause: `${OADR}, OadrPoll`,
    profiles: ["openadr2b"],
  },
];

const B: readonly ServiceProfile[] = ["openadr2b"];
const AB: readonly ServiceProfile[] = ["openadr2b", "openadr2a"];
const CTS: readonly ServiceProfile[] = ["cts"];
const NONE: readonly ServiceProfile[] = [];

export const OPERATIONS: readonly OperationEntry[] = [
  // OpenADR 2.0b: EiRegisterParty
  {
    service: "EiRegisterParty",
    operation: "queryRegistration",
    request: "oadr:oadrQueryRegistration",
    response: "oadr:oadrCreatedPartyRegistration",
    sender: "VEN",
    receiver: "VTN",
    profiles: B,
    support: "reference",
  },
  {
    service: "EiRegisterParty",
    operation: "createPartyRegistration",
    request: "oadr:oadrCreatePartyRegistration",
    response: "oadr:oadrCreatedPartyRegistration",
    sender: "VEN",
    receiver: "VTN",
    profiles: B,
    support: "reference",
  },
  {
    service: "EiRegisterParty",
    operation: "cancelPartyRegistration",
    request: "oadr:oadrCancelPartyRegistration",
    response: "oadr:oadrCanceledPartyRegistration",
    sender: "VEN or VTN",
    receiver: "VTN or VEN",
    profiles: B,
    support: "reference",
    note: "the reference VTN also sends it (oadrPoll or push); the reference VEN answers it",
  },
  {
    service: "EiRegisterParty",
    operation: "canceledPartyRegistration",
    request: "oadr:oadrCanceledPartyRegistration",
    response: "oadr:oadrResponse",
    sender: "VEN",
    receiver: "VTN",
    profiles: B,
    support: "reference",
    note: "a VEN's answer to a VTN-initiated cancellation",
  },
  {
    service: "EiRegisterParty",
    operation: "requestReregistration",
    request: "oadr:oadrRequestReregistration",
    response: "oadr:oadrResponse",
    sender: "VTN",
    receiver: "VEN",
    profiles: B,
    support: "reference",
    note: "sent by the reference VTN (oadrPoll or push); the VEN acknowledges and registers again",
  },
  {
    service: "EiRegisterParty",
    operation: "response",
    request: "oadr:oadrResponse",
    response: "oadr:oadrResponse",
    sender: "VEN",
    receiver: "VTN",
    profiles: B,
    support: "reference",
    note: "a VEN's acknowledgement of a message it received through oadrPoll",
  },
  // OpenADR: EiEvent
  {
    service: "EiEvent",
    operation: "requestEvent",
    request: "oadr:oadrRequestEvent",
    response: "oadr:oadrDistributeEvent",
    sender: "VEN",
    receiver: "VTN",
    profiles: AB,
    support: "reference",
  },
  {
    service: "EiEvent",
    operation: "createdEvent",
    request: "oadr:oadrCreatedEvent",
    response: "oadr:oadrResponse",
    sender: "VEN",
    receiver: "VTN",
    profiles: AB,
    support: "reference",
  },
  {
    service: "EiEvent",
    operation: "distributeEvent",
    request: "oadr:oadrDistributeEvent",
    response: null,
    alsoResponds: ["oadr:oadrCreatedEvent", "oadr:oadrResponse"],
    sender: "VTN",
    receiver: "VEN",
    profiles: AB,
    support: "reference",
    note: "pushed or handed over by oadrPoll; a pushed one is answered with oadrCreatedEvent when an event requires a response or is refused, else oadrResponse",
  },
  // OpenADR 2.0b: EiOpt
  {
    service: "EiOpt",
    operation: "createOpt",
    request: "oadr:oadrCreateOpt",
    response: "oadr:oadrCreatedOpt",
    sender: "VEN",
    receiver: "VTN",
    profiles: B,
    support: "reference",
  },
  {
    service: "EiOpt",
    operation: "cancelOpt",
    request: "oadr:oadrCancelOpt",
    response: "oadr:oadrCanceledOpt",
    sender: "VEN",
    receiver: "VTN",
    profiles: B,
    support: "reference",
  },
  // OpenADR 2.0b: EiReport
  {
    service: "EiReport",
    operation: "registerReport",
    request: "oadr:oadrRegisterReport",
    response: "oadr:oadrRegisteredReport",
    sender: "VEN or VTN",
    receiver: "VTN or VEN",
    profiles: B,
    support: "reference",
  },
  {
    service: "EiReport",
    operation: "registeredReport",
    request: "oadr:oadrRegisteredReport",
    response: "oadr:oadrResponse",
    sender: "VEN",
    receiver: "VTN",
    profiles: B,
    support: "reference",
    note: "a VEN's answer to the VTN's own oadrRegisterReport",
  },
  {
    service: "EiReport",
    operation: "createReport",
    request: "oadr:oadrCreateReport",
    response: "oadr:oadrCreatedReport",
    sender: "VEN or VTN",
    receiver: "VTN or VEN",
    profiles: B,
    support: "reference",
    note: "the reference VTN sends it (requestReport; oadrPoll or push)",
  },
  {
    service: "EiReport",
    operation: "createdReport",
    request: "oadr:oadrCreatedReport",
    response: "oadr:oadrResponse",
    sender: "VEN",
    receiver: "VTN",
    profiles: B,
    support: "reference",
    note: "a VEN's answer to oadrCreateReport received through oadrPoll",
  },
  {
    service: "EiReport",
    operation: "updateReport",
    request: "oadr:oadrUpdateReport",
    response: "oadr:oadrUpdatedReport",
    sender: "VEN or VTN",
    receiver: "VTN or VEN",
    profiles: B,
    support: "reference",
  },
  {
    service: "EiReport",
    operation: "cancelReport",
    request: "oadr:oadrCancelReport",
    response: "oadr:oadrCanceledReport",
    sender: "VEN or VTN",
    receiver: "VTN or VEN",
    profiles: B,
    support: "reference",
  },
  {
    service: "EiReport",
    operation: "canceledReport",
    request: "oadr:oadrCanceledReport",
    response: "oadr:oadrResponse",
    sender: "VEN",
    receiver: "VTN",
    profiles: B,
    support: "reference",
    note: "a VEN's answer to oadrCancelReport received through oadrPoll",
  },
  {
    service: "EiReport",
    operation: "updatedReport",
    request: "oadr:oadrUpdatedReport",
    response: null,
    alsoResponds: ["oadr:oadrResponse"],
    sender: "VTN",
    receiver: "VEN",
    profiles: B,
    support: "reference",
    note: "the reference VTN sends it as the answer to oadrUpdateReport; pushed on its own, the reference VEN acknowledges it with oadrResponse",
  },
  // OpenADR 2.0b: OadrPoll
  {
    service: "OadrPoll",
    operation: "poll",
    request: "oadr:oadrPoll",
    response: "oadr:oadrResponse",
    alsoResponds: [
      "oadr:oadrDistributeEvent",
      "oadr:oadrCreateReport",
      "oadr:oadrRegisterReport",
      "oadr:oadrCancelReport",
      "oadr:oadrRequestReregistration",
      "oadr:oadrCancelPartyRegistration",
    ],
    sender: "VEN",
    receiver: "VTN",
    profiles: B,
    support: "reference",
    note: "oadrResponse when nothing is queued",
  },
  // CTS 0.4: EiRegisterParty
  {
    service: "EiRegisterParty",
    operation: "createPartyRegistration",
    request: "pyld:eiCreatePartyRegistration",
    response: "pyld:eiCreatedPartyRegistration",
    sender: "registree",
    receiver: "registrar",
    profiles: CTS,
    support: "reference",
    note: "its ei:eiRegistrationInfo is abstract and CTS 0.4 defines no extension, so on the wire it needs a market's own xsi:type; without one it is refused as invalid",
  },
  {
    service: "EiRegisterParty",
    operation: "cancelPartyRegistration",
    request: "pyld:eiCancelPartyRegistration",
    response: "pyld:eiCanceledPartyRegistration",
    sender: "registree",
    receiver: "registrar",
    profiles: CTS,
    support: "reference",
  },
  {
    service: "EiRegisterParty",
    operation: "requestPartyRegistration",
    request: "pyld:eiRequestPartyRegistration",
    response: "pyld:eiReplyPartyRegistration",
    sender: "requestor",
    receiver: "registrar",
    profiles: CTS,
    support: "reference",
  },
  // CTS 0.4: EiMarketContext
  {
    service: "EiMarketContext",
    operation: "requestMarketContext",
    request: "pyld:eiRequestEiMarketContext",
    response: "pyld:eiReplyEiMarketContext",
    sender: "party",
    receiver: "market",
    profiles: CTS,
    support: "reference",
  },
  // CTS 0.4: EiTender
  {
    service: "EiTender",
    operation: "createTender",
    request: "pyld:eiCreateTender",
    response: "pyld:eiCreatedTender",
    sender: "party",
    receiver: "counterParty",
    profiles: CTS,
    support: "reference",
  },
  {
    service: "EiTender",
    operation: "cancelTender",
    request: "pyld:eiCancelTender",
    response: "pyld:eiCanceledTender",
    sender: "party",
    receiver: "counterParty",
    profiles: CTS,
    support: "reference",
  },
  {
    service: "EiTender",
    operation: "requestTender",
    request: "pyld:eiRequestTender",
    response: "pyld:eiReplyTender",
    sender: "requestor",
    receiver: "counterParty",
    profiles: CTS,
    support: "reference",
  },
  {
    service: "EiTender",
    operation: "distributeTender",
    request: "pyld:eiDistributeTender",
    response: null,
    sender: "market",
    receiver: "party",
    profiles: CTS,
    support: "reference",
    note: "broadcast by the reference market (distributeTender); no response payload exists",
  },
  // CTS 0.4: EiQuote
  {
    service: "EiQuote",
    operation: "createQuote",
    request: "pyld:eiCreateQuote",
    response: "pyld:eiCreatedQuote",
    sender: "publisher",
    receiver: "subscriber",
    profiles: CTS,
    support: "reference",
  },
  {
    service: "EiQuote",
    operation: "cancelQuote",
    request: "pyld:eiCancelQuote",
    response: "pyld:eiCanceledQuote",
    sender: "publisher",
    receiver: "subscriber",
    profiles: CTS,
    support: "reference",
  },
  {
    service: "EiQuote",
    operation: "requestQuote",
    request: "pyld:eiRequestQuote",
    response: "pyld:eiReplyQuote",
    sender: "requestor",
    receiver: "publisher",
    profiles: CTS,
    support: "reference",
  },
  // CTS 0.4: EiTransaction
  {
    service: "EiTransaction",
    operation: "createTransaction",
    request: "pyld:eiCreateTransaction",
    response: "pyld:eiCreatedTransaction",
    sender: "party",
    receiver: "counterParty",
    profiles: CTS,
    support: "reference",
  },
  {
    service: "EiTransaction",
    operation: "requestTransaction",
    request: "pyld:eiRequestTransaction",
    response: "pyld:eiReplyTransaction",
    sender: "requestor",
    receiver: "counterParty",
    profiles: CTS,
    support: "reference",
  },
  // CTS 0.4: EiDelivery
  {
    service: "EiDelivery",
    operation: "createDelivery",
    request: "pyld:eiCreateDelivery",
    response: "pyld:eiCreatedDelivery",
    sender: "requestor",
    receiver: "counterParty",
    profiles: CTS,
    support: "reference",
  },
  // EI 1.0 services no implemented profile carries
  ...(
    [
      ["EiEnroll", "createEnrollment", "pyld:eiCreateEnrollment", "pyld:eiCreatedEnrollment"],
      ["EiEnroll", "cancelEnrollment", "pyld:eiCancelEnrollment", "pyld:eiCanceledEnrollment"],
      ["EiEnroll", "requestEnrollment", "pyld:eiRequestEnrollment", "pyld:eiReplyEnrollment"],
      ["EiAvail", "createAvail", "pyld:eiCreateAvail", "pyld:eiCreatedAvail"],
      ["EiAvail", "cancelAvail", "pyld:eiCancelAvail", "pyld:eiCanceledAvail"],
      ["EiAvail", "requestAvail", "pyld:eiRequestAvail", "pyld:eiReplyAvail"],
    ] as const
  ).map(
    ([service, operation, request, response]): OperationEntry => ({
      service,
      operation,
      request,
      response,
      sender: "party",
      receiver: "counterParty",
      profiles: NONE,
      support: "unsupported",
      note: "in the EI 1.0 payload schema only; neither OpenADR 2.0 nor CTS 0.4 carries it",
    }),
  ),
];

/**
 * The reference parties a dispatcher can play, each with its wire profile and the party names of
 * the catalog's sender/receiver columns it answers to. A message whose receiver is none of them
 * is one the party sends, and is refused when received.
 */
export const ROLES = {
  vtn: { profile: "openadr2b", parties: ["VTN"] },
  ven: { profile: "openadr2b", parties: ["VEN"] },
  market: {
    profile: "cts",
    parties: ["registrar", "market", "counterParty", "publisher", "subscriber"],
  },
} as const satisfies Record<
  string,
  { readonly profile: "openadr2b" | "cts"; readonly parties: readonly string[] }
>;

export type ReferenceRole = keyof typeof ROLES;

/** The role a profile's dispatcher plays when none is named: the VTN for OpenADR, the market for CTS. */
export function defaultRole(profile: "openadr2b" | "cts"): ReferenceRole {
  return profile === "cts" ? "market" : "vtn";
}

/** The party names of a sender or receiver column ("VEN or VTN" -> ["VEN", "VTN"]). */
export function partiesOf(column: string): readonly string[] {
  return column.split(" or ");
}

/** Whether a party in this role receives the operation (by the catalog's receiver column). */
export function receives(op: OperationEntry, role: ReferenceRole): boolean {
  const parties: readonly string[] = ROLES[role].parties;
  return op.support === "reference" && partiesOf(op.receiver).some((p) => parties.includes(p));
}

/** Whether a party in this role sends the operation (by the catalog's sender column). */
export function sends(op: OperationEntry, role: ReferenceRole): boolean {
  const parties: readonly string[] = ROLES[role].parties;
  return op.support === "reference" && partiesOf(op.sender).some((p) => parties.includes(p));
}

/** The operation a profile receives under a request element, if any. */
export function operationFor(profile: string, request: string): OperationEntry | undefined {
  return OPERATIONS.find(
    (o) => o.request === request && (o.profiles as readonly string[]).includes(profile),
  );
}

/** The service entry of a name (case-sensitive, as in the catalog). */
export function serviceEntry(name: string): ServiceEntry | undefined {
  return SERVICES.find((s) => s.name === name);
}

/** The unsupported operation whose request element has this local name, if any. */
export function unsupportedOperation(localName: string): OperationEntry | undefined {
  return OPERATIONS.find(
    (o) => o.support === "unsupported" && o.request.slice(o.request.indexOf(":") + 1) === localName,
  );
}
