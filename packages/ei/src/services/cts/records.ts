/**
 * What the market's services do alike with the records they hold: answer a request that names IDs
 * the market does not hold, and cancel named records item by item (EI's batch pattern: each ID gets
 * its own outcome, the others still go through).
 */
import { EiFault, eiResponse, type ItemOutcome } from "../../responses.js";
import type { ServiceContext } from "../context.js";

/** The "no such …" response when a request names unknown IDs; undefined when all are held. */
export function unknownIdsResponse(
  ids: readonly string[],
  held: ReadonlyMap<string, unknown>,
  noun: string,
  ctx: ServiceContext,
): { eiResponse: ReturnType<typeof eiResponse> } | undefined {
  const unknown = ids.filter((id) => !held.has(id));
  if (!unknown.length) return undefined;
  return {
    eiResponse: eiResponse(
      ctx.profile,
      ctx.requestID,
      "invalidId",
      `no such ${noun}: ${unknown.join(", ")}`,
    ),
  };
}

export interface CancelRule<R> {
  /** the request element and its ID list, for fault paths: "/eiCancelTender/tenderID" */
  readonly path: string;
  readonly noun: string;
  /** the party that may cancel a record, and how to name it in a refusal */
  readonly owner: (record: R) => string;
  readonly ownerRole: string;
  /** why a record that is not yet cancelled can no longer be, if it cannot */
  readonly final?: (record: R) => string | undefined;
}

/** Cancels each named record the requester owns; every ID gets its outcome. */
export function cancelEach<R extends { state: string }>(
  ids: readonly string[],
  records: ReadonlyMap<string, R>,
  requester: string,
  rule: CancelRule<R>,
): ItemOutcome[] {
  const outcomes = ids.map((id, i): ItemOutcome => {
    const path = `${rule.path}[${i}]`;
    const record = records.get(id);
    if (!record) return { id, fault: new EiFault("invalidId", `no such ${rule.noun}`, path) };
    const owner = rule.owner(record);
    if (owner !== requester)
      return {
        id,
        fault: new EiFault("notAllowed", `the ${rule.noun} ${rule.ownerRole} ${owner}`, path),
      };
    const final = rule.final?.(record);
    if (final !== undefined) return { id, fault: new EiFault("notAllowed", final, path) };
    if (record.state === "cancelled")
      return {
        id,
        fault: new EiFault("notAllowed", `the ${rule.noun} is already cancelled`, path),
      };
    return { id };
  });
  for (const o of outcomes) if (o.fault === undefined) (records.get(o.id) as R).state = "cancelled";
  return outcomes;
}
