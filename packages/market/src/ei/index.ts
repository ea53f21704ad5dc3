/**
 * `@transactive/market/ei`: the market speaks Energy Interoperation (CTS 0.4). A MarketNode's
 * CTS market services and dispatcher, the exact EMIX conversions, and RemoteParent, with which a
 * node joins a parent market in another process as one party (fractal nesting over EI).
 * Transport-free: serve the dispatcher with `startEiServer` of @transactive/ei-node, or call it in
 * process (`dispatcherClient`).
 */
export {
  dateTimeOf,
  type MarketTerms,
  productOf,
  quantityNumber,
  type ReadProduct,
  readProduct,
  termsOf,
} from "./convert.js";
export { dispatcherClient } from "./dispatcher-client.js";
export {
  bindingError,
  EiBindingError,
  type EiBindingIssue,
  type EiBindingIssueCode,
  faultOf,
} from "./errors.js";
export {
  describeMarketContext,
  type MarketContextTerms,
  parseMarketContext,
} from "./market-context.js";
export {
  type CtsMarketClient,
  RemoteParent,
  type RemoteParentOptions,
  tenderIdOf,
} from "./remote-parent.js";
export {
  createMarketDispatcher,
  createMarketServices,
  type MarketDispatcherOptions,
  type MarketServices,
  type MarketServicesOptions,
  quoteIdOf,
  quoteToEi,
  type TenderRecord,
} from "./services.js";
