export { clearCallAuction } from "./call-auction.js";
export {
  type ClearingCase,
  type ClearingCaseResult,
  clearCase,
  clearingCaseToJson,
  type GridlabdCase,
  type GridlabdCaseResult,
  type PowerMatcherCase,
  type PowerMatcherCaseResult,
  readClearingCase,
} from "./clearing-case.js";
export {
  aggregateCurves,
  curveFromPoints,
  equilibriumPrice,
  netCurveSteps,
  netDemandAt,
} from "./curve.js";
export { MarketError, type MarketIssue, type MarketIssueCode } from "./errors.js";
export {
  type ClearingType,
  clearGridlabd,
  type GridlabdAuction,
  type GridlabdBid,
  type GridlabdResult,
  type GridlabdSpecialMode,
} from "./gridlabd.js";
export { OrderBook } from "./order-book.js";
export {
  aggregatePowerMatcherBids,
  type MarketBasis,
  type PowerMatcherAggregate,
  powerMatcherEquilibrium,
  priceOfStep,
  type RejectedBid,
} from "./powermatcher.js";
export type * from "./types.js";
export {
  addQuantity,
  MONEY_DECIMALS,
  type Money,
  moneyToDecimal,
  moneyToString,
  PRICE_DECIMALS,
  type Price,
  priceFromUnits,
  priceToDecimal,
  priceToString,
  QUANTITY_DECIMALS,
  type Quantity,
  quantityFromUnits,
  quantityToDecimal,
  quantityToString,
  toMoney,
  toPrice,
  toQuantity,
  tradeValue,
} from "./units.js";
