/**
 * `transactive clear <case.json|->`: clears one clearing problem in the ../shared/market-oracles
 * case format (a GridLAB-D auction or a PowerMatcher bid set, told apart by `rule`/`kind`) and
 * prints the result as one JSON object with the field names of the case's `expected`. Numbers are
 * JSON number literals with their exact decimal digits (@transactive/market computes in exact
 * fixed point and rationals, never in floats).
 */
import { parseArgs } from "node:util";
import { CodecError } from "@transactive/codec";
import { clearCase, clearingCaseToJson, readClearingCase } from "@transactive/market";
import { EXIT, type ExitCode, type Io, readInput, UsageError } from "./io.js";

export const CLEAR_HELP = `  clear <case.json|->
      Clear one market clearing case (../shared/market-oracles format) and print
      one JSON object: for a GridLAB-D auction (rule "gridlabd-auction") price,
      quantity, clearing_type, marginal_quantity, buyer_total_quantity,
      seller_total_quantity, seller_min_price; for a PowerMatcher bid set (kind
      "bid-curve-…"/"bid-validation") rejected_bids, aggregate and price (the
      unrounded equilibrium price). Exact decimals as JSON numbers.
      A malformed case prints "file: path: reason [code]" and exits 1.
`;

export async function clearCommand(args: readonly string[], io: Io): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { help: { type: "boolean", short: "h" } },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(CLEAR_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1)
    throw new UsageError(
      positionals.length === 0
        ? "clear needs one case file (or - for stdin)"
        : "clear takes one case file",
    );
  const file = positionals[0] as string;
  const name = file === "-" ? "<stdin>" : file;
  const text = new TextDecoder("utf-8", { fatal: false }).decode(await readInput(io, file));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    io.stderr(`${name}: /: not JSON: ${(e as Error).message} [bad-json]\n`);
    return EXIT.invalid;
  }
  try {
    io.stdout(`${clearingCaseToJson(clearCase(readClearingCase(json)))}\n`);
    return EXIT.ok;
  } catch (e) {
    if (!(e instanceof CodecError)) throw e;
    for (const i of e.issues) io.stderr(`${name}: ${i.path || "/"}: ${i.message} [${i.code}]\n`);
    return EXIT.invalid;
  }
}
