export { Battery, type BatteryOptions } from "./agents/battery.js";
export {
  averageWatts,
  EFFICIENCY_SCALE,
  efficiencyPpm,
  energyOf,
  interpolatePrice,
  PRICE_TICK,
} from "./agents/common.js";
export { type ChargingSession, EvCharger, type EvChargerOptions } from "./agents/ev.js";
export { ThermalLoad, type ThermalLoadOptions } from "./agents/hvac.js";
export {
  type EnergyProfile,
  type GridTariff,
  GridTie,
  type GridTieOptions,
  InflexibleLoad,
  type InflexibleLoadOptions,
  PvGenerator,
  type PvGeneratorOptions,
  type TariffBlock,
} from "./agents/simple.js";
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
export { type Allocation, allocateAtPrice } from "./node/allocate.js";
export { durationSeconds, IntervalClock } from "./node/interval.js";
export { type IntervalResult, MarketNode, type MarketNodeOptions } from "./node/market-node.js";
export type {
  Agent,
  Bid,
  ClearingMechanism,
  DeliveryInterval,
  MarketEvent,
  Member,
  MemberAward,
  NodeTransaction,
  Quote,
} from "./node/types.js";
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
