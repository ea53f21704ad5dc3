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
  type Dispatcher,
  type DispatcherOptions,
  type DispatcherSignature,
  type DispatchRequest,
  type DispatchResponse,
  findRequestId,
  type ServiceInfo,
  type SignatureCheck,
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
export type { ClientFormat, EiClient, EiMessage, EiReply } from "./http/client-types.js";
export {
  type HttpErrorBody,
  type HttpErrorCode,
  renderError,
  type WireFormat,
} from "./http/errors.js";
export {
  ACCEPTED_MEDIA_TYPES,
  errorFormat,
  formatOf,
  type MediaType,
  parseMediaType,
} from "./http/media-type.js";
export {
  type CallOptions,
  type ClientProfile,
  clientOperations,
  type DefaultRole,
  EiClientError,
  type OadrPollAnswer,
  type ProfileServices,
  type RoleServices,
  type TypedClientOptions,
  type TypedEiClient,
  type TypedReply,
  typedEiClient,
} from "./http/typed-client.js";
/** Registry over all six schema documents (WS-Calendar, EMIX, EI, OpenADR, XMLDSig, Green Button). */
export { registry } from "./registry.js";
export {
  batchResponse,
  EiFault,
  eiResponse,
  type FaultReason,
  faultResponse,
  RESPONSE_CODES,
  responseCode,
} from "./responses.js";
export type { ReferenceOptions, ServiceContext } from "./services/context.js";
export type * from "./services/interfaces.js";
export {
  SignatureError,
  type SignatureIssue,
  type SignatureIssueCode,
} from "./signature/issues.js";
export { eiSchema, greenbuttonSchema, openadrSchema, xmldsigSchema };
