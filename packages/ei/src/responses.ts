/**
 * The common response pattern of Energy Interoperation: every response carries an eiResponse with
 * a three-digit responseCode (HTTP-like: 2xx success, 4xx requester error, 5xx responder error),
 * an optional responseDescription, and the request's ID echoed (pyld:requestID in OpenADR,
 * ei:refID in CTS 0.4). Failures are data (an EiFault), turned into such a response by the
 * dispatcher, never an exception across the wire.
 */
import type { EiResponseType } from "./gen/types.js";

/** Why an operation failed, in the profile-independent terms the reference services use. */
export type FaultReason =
  | "invalidData" // the payload is not valid for its schema or the operation's rules
  | "invalidId" // an ID that names nothing the receiver knows
  | "notAllowed" // a state transition the life cycle forbids
  | "outOfSequence" // a modification number or sequence that goes backwards
  | "notRegistered" // the sender is not registered with the receiver
  | "notAuthorized" // the message lacks a valid signature of a trusted signer
  | "notRecognized" // a payload the receiver does not accept at this service
  | "notSupported" // part of EI 1.0 no implemented profile carries
  | "internal"; // the responder failed

/**
 * responseCode per profile. OpenADR 2.0 defines its own 45x/46x codes; EI 1.0 and CTS 0.4 use the
 * HTTP 1.1 pattern.
 */
export const RESPONSE_CODES: Readonly<
  Record<"openadr" | "ei", Record<FaultReason | "ok", string>>
> = {
  openadr: {
    ok: "200",
    outOfSequence: "450",
    notAllowed: "451",
    invalidId: "452",
    notRecognized: "453",
    invalidData: "454",
    notRegistered: "463",
    notAuthorized: "463",
    notSupported: "469",
    internal: "469",
  },
  ei: {
    ok: "200",
    invalidData: "400",
    notRegistered: "403",
    notAuthorized: "403",
    invalidId: "404",
    notRecognized: "405",
    notAllowed: "409",
    outOfSequence: "409",
    notSupported: "501",
    internal: "500",
  },
};

export function responseCode(profile: string, reason: FaultReason | "ok"): string {
  return RESPONSE_CODES[profile.startsWith("openadr") ? "openadr" : "ei"][reason];
}

/** A failure of one operation (or of one item of a batch), with the path of the offending part. */
export class EiFault extends Error {
  override readonly name = "EiFault";
  constructor(
    readonly reason: FaultReason,
    message: string,
    readonly path = "",
  ) {
    super(message);
  }
}

/** Builds the eiResponse of a profile: requestID echoed as pyld:requestID (OpenADR) or ei:refID (CTS). */
export function eiResponse(
  profile: string,
  requestID: string,
  code: FaultReason | "ok",
  description?: string,
): EiResponseType {
  const responseCode_ = responseCode(profile, code);
  const responseDescription = description ?? (code === "ok" ? "OK" : code);
  if (profile === "cts")
    return { responseCode: responseCode_, responseDescription, refID: requestID };
  return { responseCode: responseCode_, responseDescription, requestID };
}

/** The eiResponse for a fault, its description naming the path when there is one. */
export function faultResponse(profile: string, requestID: string, fault: EiFault): EiResponseType {
  const where = fault.path ? `${fault.path}: ` : "";
  return eiResponse(profile, requestID, fault.reason, `${where}${fault.message}`);
}

/** Outcome of one item of a batch request (one tender of an eiCreateTender, one eventResponse…). */
export interface ItemOutcome {
  readonly id: string;
  readonly fault?: EiFault;
}

/**
 * The overall eiResponse of a batch: OK when every item succeeded; otherwise the code of the first
 * failure, with every failed item named in the description (the successful ones are listed in the
 * response payload's own ID list).
 */
export function batchResponse(
  profile: string,
  requestID: string,
  items: readonly ItemOutcome[],
): EiResponseType {
  const failed = items.filter((i) => i.fault !== undefined);
  const first = failed[0]?.fault;
  if (first === undefined) return eiResponse(profile, requestID, "ok");
  const parts = failed.map((i) => {
    const f = i.fault as EiFault;
    return `${i.id}: ${f.path ? `${f.path}: ` : ""}${f.message}`;
  });
  const ok = items.length - failed.length;
  return eiResponse(
    profile,
    requestID,
    first.reason,
    `${failed.length} of ${items.length} failed${ok ? ` (${ok} accepted)` : ""}: ${parts.join("; ")}`,
  );
}
