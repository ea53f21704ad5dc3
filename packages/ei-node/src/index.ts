/**
 * @transactive/ei-node: the Node transport of @transactive/ei. The HTTP(S) binding (a server for
 * any Dispatcher, a fetch client and the typed client over it), OpenADR 2.0b XML Signature (and the
 * dispatcher's signature hook made of it), and the reference VTN's push mode.
 */
export {
  createEiClient,
  type EiClientOptions,
  type EiClientTls,
  type NodeEiClient,
  type NodeEiReply,
} from "./client.js";
export {
  createVtnPush,
  type PushOutcome,
  type VtnPush,
  type VtnPushOptions,
} from "./push.js";
export {
  createEiRequestListener,
  DEFAULT_MAX_BODY_BYTES,
  type EiServerLimits,
  type EiServerOptions,
  type EiServerTls,
  type RunningEiServer,
  type ServiceEndpoint,
  startEiServer,
} from "./server.js";
export * from "./signature/index.js";
export { createTypedEiClient } from "./typed-client.js";
export { type XmlSignatureOptions, xmlSignature } from "./xml-signature.js";
