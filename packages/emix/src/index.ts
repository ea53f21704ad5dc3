import { emixSchema } from "./gen/emix.schema.js";

export {
  type AmountJsonOptions,
  type AmountOptions,
  amountToJson,
  type IntervalAmount,
  optionAmounts,
  type ProductAmount,
  productAmount,
} from "./amount.js";
export {
  productDocument,
  type TemixInterval,
  type TemixItem,
  type TemixProductInput,
  type TenderParties,
  temixProduct,
  temixTender,
  temixTransaction,
} from "./builders.js";
export { Decimal, type DecimalInput, type RoundingMode, sum } from "./decimal.js";
export {
  type DocumentProductAmount,
  documentAmounts,
  documentProductAmounts,
} from "./document-amounts.js";
export { EmixError, type EmixIssue, type EmixIssueCode } from "./errors.js";
export * from "./gen/handles.js";
export type * from "./gen/types.js";
export {
  CURRENCY_CODES,
  checkCurrency,
  ITEMS,
  type Item,
  type ItemDefinition,
  type ItemDimension,
  isSiScaleCode,
  readItem,
  SI_SCALE,
  type SiScaleCode,
} from "./items.js";
export { type PriceKind, type PriceOptions, type ResolvedPrice, resolvePrice } from "./price.js";
export {
  add,
  compare,
  compatible,
  energyOver,
  formatQuantity,
  powerOver,
  type Quantity,
  quantity,
  subtract,
  toScale,
  total,
} from "./quantity.js";
export { registry } from "./registry.js";
export {
  checkEmix,
  checkOption,
  checkProduct,
  type EmixObject,
  findEmixObjects,
  type RuleOptions,
  type Schedule,
} from "./rules.js";
export {
  type Inherited,
  type ParsedDuration,
  parseDuration,
  type ResolvedInterval,
  resolveIntervals,
} from "./schedule.js";
export { emixSchema };
