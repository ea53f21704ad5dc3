/**
 * The amounts a whole decoded document states: the EMIX rules first (a document that breaks them
 * has no amount), then price x quantity x duration for each emix:product in it, as the JSON form
 * the conformance vectors hold (`expect.amount`). The conformance suite's semantic entry point.
 */
import { type AmountOptions, amountToJson, type ProductAmount, productAmount } from "./amount.js";
import { EmixError } from "./errors.js";
import { checkEmix, findEmixObjects } from "./rules.js";

/** One emix:product of a document and its amount. */
export interface DocumentProductAmount {
  /** path of the product in the document, as the EMIX rules write it */
  readonly path: string;
  readonly amount: ProductAmount;
}

/**
 * The amount of every emix:product of a decoded document ({element, value} as the codec gives
 * it), in document order; none when the document carries no product. Throws EmixError with every
 * EMIX rule the document breaks, or the first problem met computing an amount.
 */
export function documentProductAmounts(
  doc: { readonly element: string; readonly value: unknown },
  options: Omit<AmountOptions, "path"> = {},
): DocumentProductAmount[] {
  const issues = checkEmix(doc);
  if (issues.length) throw new EmixError(issues);
  const root = `/${doc.element.slice(doc.element.indexOf(":") + 1)}`;
  return findEmixObjects(doc.value, root)
    .filter((o) => o.kind === "product")
    .map((p) => ({ path: p.path, amount: productAmount(p.value, { ...options, path: p.path }) }));
}

export function documentAmounts(doc: {
  readonly element: string;
  readonly value: unknown;
}): Record<string, unknown> {
  const amounts = documentProductAmounts(doc).map((p) => amountToJson(p.amount));
  // one product (a tender, a transaction): its amount; several: each, in document order
  return amounts.length === 1 ? (amounts[0] as Record<string, unknown>) : { products: amounts };
}
