import { eiSchema } from "./gen/ei.schema.js";
import { greenbuttonSchema } from "./gen/greenbutton.schema.js";
import { openadrSchema } from "./gen/openadr.schema.js";
import { xmldsigSchema } from "./gen/xmldsig.schema.js";

export {
  defaultRole,
  type EiServiceName,
  OPERATIONS,
  type OperationEntry,
  operationFor,
  type ReferenceRole,
  ROLES,
  receives,
  SERVICES,
  type ServiceEntry,
  type ServiceProfile,
  sends,
} from "./catalog.js";
export { fromCtsJson, isCtsJson, toCtsJson } from "./cts-json.js";
export {
  createDispatcher,
  createReferenceDispatcher,
  type Dispatcher,
  type DispatcherOptions,
  type DispatcherSignature,
  type DispatchRequest,
  type DispatchResponse,
  findRequestId,
  type ReferenceDispatcherOptions,
  type ServiceInfo,
  servicePath,
} from "./dispatch.js";
export {
  type ClientCreatedTenderPayload,
  type ClientCreateTenderPayload,
  type EmlCtsContext,
  fromClientCreateTender,
  toClientCreatedTender,
  toClientCreateTender,
} from "./eml-cts.js";
export * from "./gen/handles.js";
export type * from "./gen/types.js";
export {
  type ClientFormat,
  createEiClient,
  type EiClient,
  type EiClientOptions,
  type EiClientTls,
  type EiMessage,
  type EiReply,
} from "./http/client.js";
export {
  type HttpErrorBody,
  type HttpErrorCode,
  renderError,
  type WireFormat,
} from "./http/errors.js";
export {
  createEiRequestListener,
  DEFAULT_MAX_BODY_BYTES,
  type EiServerLimits,
  type EiServerOptions,
  type EiServerTls,
  type RunningEiServer,
  type ServiceEndpoint,
  startEiServer,
} from "./http/server.js";
export {
  type CallOptions,
  type ClientProfile,
  clientOperations,
  createTypedEiClient,
  type DefaultRole,
  EiClientError,
  type OadrPollAnswer,
  type ProfileServices,
  type RoleServices,
  type TypedEiClient,
  type TypedReply,
} from "./http/typed-client.js";
/** Registry over all six schema documents (WS-Calendar, EMIX, EI, OpenADR, XMLDSig, Green Button). */
export { registry } from "./registry.js";
export {
  batchResponse,
  EiFault,
  eiResponse,
  type FaultReason,
  RESPONSE_CODES,
  responseCode,
} from "./responses.js";
export type { ReferenceOptions, ServiceContext } from "./services/context.js";
export {
  createReferenceMarket,
  type MarketOptions,
  type ReferenceMarket,
  type TenderState,
} from "./services/cts/index.js";
export type * from "./services/interfaces.js";
export {
  createReferenceVen,
  type OptChoice,
  optInToAll,
  type ReferenceVen,
  type VenOptions,
} from "./services/ven/index.js";
export { createReferenceVtn, type ReferenceVtn, type VtnOptions } from "./services/vtn/index.js";
export {
  createVtnPush,
  type PushOutcome,
  type VtnPush,
  type VtnPushOptions,
} from "./services/vtn/push.js";
export * from "./signature/index.js";
/** The reference scenario (fixed clock, one published event) that conformance/ei's vectors were recorded against. */
export { setupDispatcher } from "./vectors.js";
export { eiSchema, greenbuttonSchema, openadrSchema, xmldsigSchema };
