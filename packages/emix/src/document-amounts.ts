/**
 * The amounts a whole decoded document states: the EMIX rules first (a document that breaks them
 * has no amount), then price x quantity x duration for each emix:product in it, as the JSON form
 * the conformance vectors hold (`expect.amount`). The conformance suite's semantic entry point.
 */
import { amountToJson, productAmount } from "./amount.js";
import { EmixError } from "./errors.js";
import { checkEmix, findEmixObjects } from "./rules.js";

export function documentAmounts(doc: {
  readonly element: string;
  readonly value: unknown;
}): Record<string, unknown> {
  const issues = checkEmix(doc);
  if (issues.length) throw new EmixError(issues);
  const root = `/${doc.element.slice(doc.element.indexOf(":") + 1)}`;
  const products = findEmixObjects(doc.value, root).filter((o) => o.kind === "product");
  const amounts = products.map((p) => amountToJson(productAmount(p.value, { path: p.path })));
  // one product (a tender, a transaction): its amount; several: each, in document order
  return amounts.length === 1 ? (amounts[0] as Record<string, unknown>) : { products: amounts };
}
