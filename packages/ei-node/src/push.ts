/**
 * Push mode of the reference VTN (OpenADR 2.0b): for each VEN given a URL, the messages the VTN's
 * actions produce (oadrDistributeEvent, oadrRequestReregistration, oadrCancelPartyRegistration,
 * oadrCreateReport, oadrCancelReport…) are POSTed to the VEN's own endpoint with the typed client,
 * and the VEN's answer is applied to the VTN's state by the VTN's own service for that payload (an
 * oadrCreatedEvent records the VEN's opts, an oadrCanceledPartyRegistration ends the
 * registration…). Which operation carries a message and which handles its answer comes from the
 * catalog. VENs without a URL keep collecting their messages with oadrPoll.
 */
import {
  EiFault,
  type EiResponseType,
  faultResponse,
  type OadrDistributeEventTypeOadrEvent,
  operationFor,
  receives,
  sends,
  type TypedEiClient,
} from "@transactive/ei";
import type { ReferenceVtn } from "@transactive/ei/reference";
import type { EiClientOptions } from "./client.js";
import { createTypedEiClient } from "./typed-client.js";

/** The client options used to push to every VEN (TLS, signing, verify, timeout…); the base URL is each VEN's own and the profile openadr2b. */
export type VtnPushOptions = Omit<EiClientOptions, "baseUrl" | "profile" | "services">;

/** What became of one pushed message. */
export interface PushOutcome {
  readonly venID: string;
  /** the message pushed, e.g. "oadr:oadrDistributeEvent" */
  readonly sent: string;
  /** the VEN's answer, e.g. "oadr:oadrCreatedEvent" (absent when none came) */
  readonly answer?: string;
  /** the responseCode of the VEN's answer */
  readonly responseCode?: string;
  /** the VTN's own eiResponse to the answer it applied (e.g. 450 for an opt on an old modification) */
  readonly applied?: EiResponseType;
  /**
   * why the message could not be delivered (no answer, an answer that does not verify, or a VEN's
   * oadrResponse refusing it, e.g. 463); it stays queued for the next flush or oadrPoll
   */
  readonly error?: string;
}

/**
 * The reference VTN in push mode: each VTN action queues its message as usual and then delivers the
 * queues of the attached VENs, applying their answers to the VTN's state.
 */
export interface VtnPush {
  /** Pushes to this VEN from now on (its base URL, e.g. "http://127.0.0.1:8081"). */
  attach(venID: string, baseUrl: string | URL): void;
  /** Stops pushing to this VEN and closes its client; its messages wait for oadrPoll again. */
  detach(venID: string): Promise<void>;
  /** Delivers every queued message of the attached VENs (or of one), in order. */
  flush(venID?: string): Promise<PushOutcome[]>;
  /** Publishes or modifies an event (for the given VENs, else all) and pushes it to the attached VENs. */
  publishEvent(
    oadrEvent: OadrDistributeEventTypeOadrEvent,
    venIDs?: readonly string[],
  ): Promise<PushOutcome[]>;
  /** Cancels an event (its next modification, status "cancelled") and pushes it to the attached VENs. */
  cancelEvent(eventID: string): Promise<PushOutcome[]>;
  /** Queues oadrRequestReregistration for a VEN and pushes that VEN's queue. */
  requestReregistration(venID: string): Promise<PushOutcome[]>;
  /** Queues oadrCancelPartyRegistration for a VEN and pushes that VEN's queue; the registration ends when the VEN confirms. */
  cancelRegistration(venID: string): Promise<PushOutcome[]>;
  /** Requests a report; resolves to its reportRequestID and the push outcomes. */
  requestReport(
    venID: string,
    reportSpecifierID: string,
    options?: { granularity?: string; reportBackDuration?: string },
  ): Promise<{ reportRequestID: string; outcomes: PushOutcome[] }>;
  /** Cancels a report request the VTN made and pushes the oadrCancelReport to its VEN. */
  cancelReportRequest(reportRequestID: string): Promise<PushOutcome[]>;
  /** Closes the client of every attached VEN and detaches them all. */
  close(): Promise<void>;
}

/** The eiResponse of a VEN's oadrResponse when its code is not 2xx (the message was refused). */
function refusalOf(value: Record<string, unknown>): EiResponseType | undefined {
  const r = value.eiResponse as EiResponseType | undefined;
  return r && !/^2\d\d$/.test(String(r.responseCode)) ? r : undefined;
}

/** Puts a reference VTN in push mode: attach a VEN with its URL, then the VTN's actions deliver to it at once. */
export function createVtnPush(vtn: ReferenceVtn, options: VtnPushOptions = {}): VtnPush {
  const clients = new Map<string, TypedEiClient<"openadr2b", "ven">>();
  const ctxOf = (requestID: string) => ({
    profile: "openadr2b" as const,
    requestID,
    now: () => (vtn.state.options.clock?.() ?? new Date()).toISOString().replace(/\.\d{3}Z$/, "Z"),
  });

  async function deliver(venID: string): Promise<PushOutcome[]> {
    const client = clients.get(venID);
    const ven = vtn.state.vens.get(venID);
    const outcomes: PushOutcome[] = [];
    if (!client || !ven) return outcomes;
    for (let next = ven.queue[0]; next !== undefined; next = ven.queue[0]) {
      const op = operationFor("openadr2b", next.element);
      if (!op || !receives(op, "ven")) {
        // not a message a VEN receives: leave it for oadrPoll and stop, never reorder the queue
        outcomes.push({
          venID,
          sent: next.element,
          error: `${next.element} is not pushed to a VEN`,
        });
        return outcomes;
      }
      const method = (client as unknown as Record<string, Record<string, unknown>>)[op.service]?.[
        op.operation
      ] as (v: unknown) => Promise<{ element: string; value: Record<string, unknown> }>;
      let reply: { element: string; value: Record<string, unknown> };
      try {
        reply = await method(next.value);
      } catch (e) {
        outcomes.push({ venID, sent: next.element, error: (e as Error).message });
        return outcomes;
      }
      // a bare oadrResponse with a non-2xx code refuses the whole message (e.g. 463 for a
      // signature the VEN does not accept): nothing was run, so nothing is applied and it stays
      const refused = reply.element === "oadr:oadrResponse" && refusalOf(reply.value);
      if (refused) {
        outcomes.push({
          venID,
          sent: next.element,
          answer: reply.element,
          responseCode: refused.responseCode,
          error: `refused by the VEN: ${refused.responseCode}${refused.responseDescription ? ` ${refused.responseDescription}` : ""}`,
        });
        return outcomes;
      }
      ven.queue.shift();
      outcomes.push({ venID, sent: next.element, ...(await apply(reply.element, reply.value)) });
    }
    return outcomes;
  }

  /** Applies the VEN's answer with the VTN's own service for that payload, by the catalog. */
  async function apply(
    element: string,
    value: Record<string, unknown>,
  ): Promise<Omit<PushOutcome, "venID" | "sent">> {
    const eiResp = (value.eiResponse ??
      (value.eiCreatedEvent as { eiResponse?: EiResponseType } | undefined)?.eiResponse) as
      | EiResponseType
      | undefined;
    const base = { answer: element, ...(eiResp ? { responseCode: eiResp.responseCode } : {}) };
    const op = operationFor("openadr2b", element);
    if (!op || !receives(op, "vtn") || !sends(op, "ven")) return base;
    const handler = (vtn as unknown as Record<string, Record<string, unknown>>)[op.service]?.[
      op.operation
    ] as ((v: unknown, c: ReturnType<typeof ctxOf>) => unknown) | undefined;
    if (!handler) return base;
    const requestID = eiResp?.requestID ?? "";
    try {
      const result = (await handler(value, ctxOf(requestID))) as { eiResponse?: EiResponseType };
      return { ...base, ...(result.eiResponse ? { applied: result.eiResponse } : {}) };
    } catch (e) {
      if (!(e instanceof EiFault)) throw e;
      return { ...base, applied: faultResponse("openadr2b", requestID, e) };
    }
  }

  async function flush(venID?: string): Promise<PushOutcome[]> {
    const out: PushOutcome[] = [];
    for (const id of venID === undefined ? [...clients.keys()] : [venID])
      out.push(...(await deliver(id)));
    return out;
  }

  return {
    attach(venID, baseUrl) {
      void clients.get(venID)?.close();
      clients.set(
        venID,
        createTypedEiClient({ ...options, baseUrl, profile: "openadr2b", role: "ven" }),
      );
    },
    async detach(venID) {
      await clients.get(venID)?.close();
      clients.delete(venID);
    },
    flush,
    publishEvent(e, venIDs) {
      vtn.publishEvent(e, venIDs);
      return flush();
    },
    cancelEvent(id) {
      vtn.cancelEvent(id);
      return flush();
    },
    requestReregistration(venID) {
      vtn.requestReregistration(venID);
      return flush(venID);
    },
    cancelRegistration(venID) {
      vtn.cancelRegistration(venID);
      return flush(venID);
    },
    async requestReport(venID, id, o) {
      const reportRequestID = vtn.requestReport(venID, id, o);
      return { reportRequestID, outcomes: await flush(venID) };
    },
    cancelReportRequest(id) {
      const venID = vtn.state.reportRequests.get(id)?.venID;
      vtn.cancelReportRequest(id);
      return flush(venID);
    },
    async close() {
      await Promise.all([...clients.values()].map((c) => c.close()));
      clients.clear();
    },
  };
}
