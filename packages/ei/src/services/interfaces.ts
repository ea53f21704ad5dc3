/**
 * Typed service interfaces, one per Energy Interoperation service and profile. Method names are
 * the catalog's operation names (catalog.ts), so the dispatcher routes by data; each method takes
 * the request payload in the canonical model and returns the response payload (or a Reply when the
 * operation may answer with one of several payloads, as oadrPoll does).
 */
import type {
  EiCanceledPartyRegistrationType,
  EiCanceledQuoteType,
  EiCanceledTenderType,
  EiCancelPartyRegistrationType,
  EiCancelQuoteType,
  EiCancelTenderType,
  EiCreateDeliveryType,
  EiCreatedDeliveryType,
  EiCreatedPartyRegistrationType,
  EiCreatedQuoteType,
  EiCreatedTenderType,
  EiCreatedTransactionType,
  EiCreatePartyRegistrationType,
  EiCreateQuoteType,
  EiCreateTenderType,
  EiCreateTransactionType,
  EiReplyEiMarketContextType,
  EiReplyPartyRegistrationType,
  EiReplyQuoteType,
  EiReplyTenderType,
  EiReplyTransactionType,
  EiRequestEiMarketContextType,
  EiRequestPartyRegistrationType,
  EiRequestQuoteType,
  EiRequestTenderType,
  EiRequestTransactionType,
  OadrCanceledOptType,
  OadrCanceledPartyRegistrationType,
  OadrCanceledReportType,
  OadrCancelOptType,
  OadrCancelPartyRegistrationType,
  OadrCancelReportType,
  OadrCreatedEventType,
  OadrCreatedOptType,
  OadrCreatedPartyRegistrationType,
  OadrCreatedReportType,
  OadrCreateOptType,
  OadrCreatePartyRegistrationType,
  OadrCreateReportType,
  OadrDistributeEventType,
  OadrPollType,
  OadrQueryRegistrationType,
  OadrRegisteredReportType,
  OadrRegisterReportType,
  OadrRequestEventType,
  OadrRequestReregistrationType,
  OadrResponseType,
  OadrUpdatedReportType,
  OadrUpdateReportType,
} from "../gen/types.js";
import type { ServiceContext } from "./context.js";

type Op<Req, Res> = (request: Req, context: ServiceContext) => Res | Promise<Res>;

/** A response payload named explicitly, for operations with more than one possible answer. */
export interface Reply {
  /** canonical qualified name, e.g. "oadr:oadrDistributeEvent" */
  readonly element: string;
  readonly value: unknown;
}

/** A Reply whose possible payloads are known (the typed client types its answer by them). */
export interface ReplyOf<E extends string, V> extends Reply {
  readonly element: E;
  readonly value: V;
}

// ---- CTS 0.4 (canonical EI payloads in the /cts.04 namespaces)

export interface EiTenderService {
  createTender: Op<EiCreateTenderType, EiCreatedTenderType>;
  cancelTender: Op<EiCancelTenderType, EiCanceledTenderType>;
  requestTender: Op<EiRequestTenderType, EiReplyTenderType>;
}

export interface EiQuoteService {
  createQuote: Op<EiCreateQuoteType, EiCreatedQuoteType>;
  cancelQuote: Op<EiCancelQuoteType, EiCanceledQuoteType>;
  requestQuote: Op<EiRequestQuoteType, EiReplyQuoteType>;
}

export interface EiTransactionService {
  createTransaction: Op<EiCreateTransactionType, EiCreatedTransactionType>;
  requestTransaction: Op<EiRequestTransactionType, EiReplyTransactionType>;
}

export interface EiDeliveryService {
  createDelivery: Op<EiCreateDeliveryType, EiCreatedDeliveryType>;
}

export interface EiRegisterPartyService {
  createPartyRegistration: Op<EiCreatePartyRegistrationType, EiCreatedPartyRegistrationType>;
  cancelPartyRegistration: Op<EiCancelPartyRegistrationType, EiCanceledPartyRegistrationType>;
  requestPartyRegistration: Op<EiRequestPartyRegistrationType, EiReplyPartyRegistrationType>;
}

export interface EiMarketContextService {
  requestMarketContext: Op<EiRequestEiMarketContextType, EiReplyEiMarketContextType>;
}

// ---- OpenADR 2.0b / 2.0a (VTN side)

export interface OadrRegisterPartyService {
  queryRegistration: Op<OadrQueryRegistrationType, OadrCreatedPartyRegistrationType>;
  createPartyRegistration: Op<OadrCreatePartyRegistrationType, OadrCreatedPartyRegistrationType>;
  cancelPartyRegistration: Op<OadrCancelPartyRegistrationType, OadrCanceledPartyRegistrationType>;
  canceledPartyRegistration: Op<OadrCanceledPartyRegistrationType, OadrResponseType>;
  response: Op<OadrResponseType, OadrResponseType>;
}

export interface OadrEventService {
  requestEvent: Op<OadrRequestEventType, OadrDistributeEventType>;
  createdEvent: Op<OadrCreatedEventType, OadrResponseType>;
}

export interface OadrOptService {
  createOpt: Op<OadrCreateOptType, OadrCreatedOptType>;
  cancelOpt: Op<OadrCancelOptType, OadrCanceledOptType>;
}

export interface OadrReportService {
  registerReport: Op<OadrRegisterReportType, OadrRegisteredReportType>;
  registeredReport: Op<OadrRegisteredReportType, OadrResponseType>;
  createReport: Op<OadrCreateReportType, OadrCreatedReportType>;
  createdReport: Op<OadrCreatedReportType, OadrResponseType>;
  updateReport: Op<OadrUpdateReportType, OadrUpdatedReportType>;
  cancelReport: Op<OadrCancelReportType, OadrCanceledReportType>;
  canceledReport: Op<OadrCanceledReportType, OadrResponseType>;
}

export interface OadrPollService {
  poll: Op<OadrPollType, Reply>;
}

// ---- OpenADR 2.0b (VEN side: what a VTN pushes to a VEN's own endpoint)

export interface OadrVenRegisterPartyService {
  cancelPartyRegistration: Op<OadrCancelPartyRegistrationType, OadrCanceledPartyRegistrationType>;
  requestReregistration: Op<OadrRequestReregistrationType, OadrResponseType>;
}

export interface OadrVenEventService {
  distributeEvent: Op<
    OadrDistributeEventType,
    | ReplyOf<"oadr:oadrCreatedEvent", OadrCreatedEventType>
    | ReplyOf<"oadr:oadrResponse", OadrResponseType>
  >;
}

export interface OadrVenReportService {
  registerReport: Op<OadrRegisterReportType, OadrRegisteredReportType>;
  createReport: Op<OadrCreateReportType, OadrCreatedReportType>;
  updateReport: Op<OadrUpdateReportType, OadrUpdatedReportType>;
  cancelReport: Op<OadrCancelReportType, OadrCanceledReportType>;
  updatedReport: Op<OadrUpdatedReportType, ReplyOf<"oadr:oadrResponse", OadrResponseType>>;
}

/** Implementations by catalog service name; what a dispatcher routes to. */
export interface ServiceImplementations {
  readonly EiTender?: EiTenderService;
  readonly EiQuote?: EiQuoteService;
  readonly EiTransaction?: EiTransactionService;
  readonly EiDelivery?: EiDeliveryService;
  readonly EiRegisterParty?:
    | EiRegisterPartyService
    | OadrRegisterPartyService
    | OadrVenRegisterPartyService;
  readonly EiMarketContext?: EiMarketContextService;
  readonly EiEvent?: OadrEventService | OadrVenEventService;
  readonly EiOpt?: OadrOptService;
  readonly EiReport?: OadrReportService | OadrVenReportService;
  readonly OadrPoll?: OadrPollService;
}
