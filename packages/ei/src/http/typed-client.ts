/**
 * The typed client: one method per operation the reference services of a profile receive, built
 * from the operation catalog (catalog.ts) and typed by the service interfaces (whose method names
 * are the catalog's operation names), e.g. `client.EiTender.createTender(eiCreateTender)` (CTS) or
 * `client.EiEvent.requestEvent(oadrRequestEvent)` (OpenADR 2.0b). A method takes the request
 * payload in the canonical model, wraps it (oadrPayload/oadrSignedObject for OpenADR 2.0b), sends
 * it as XML or JSON, and returns the response payload, unwrapped and typed. Transport-free: it
 * works over any EiClient; @transactive/ei-node's `createTypedEiClient` gives it one on fetch.
 */
import { type CodecDocument, CodecError, type Issue, makeIssue } from "@transactive/codec";
import {
  defaultRole,
  OPERATIONS,
  type OperationEntry,
  type ReferenceRole,
  ROLES,
  receives,
} from "../catalog.js";
import type {
  OadrCancelPartyRegistrationType,
  OadrCancelReportType,
  OadrCreateReportType,
  OadrDistributeEventType,
  OadrRegisterReportType,
  OadrRequestReregistrationType,
  OadrResponseType,
} from "../gen/types.js";
import type {
  EiDeliveryService,
  EiMarketContextService,
  EiQuoteService,
  EiRegisterPartyService,
  EiTenderService,
  EiTransactionService,
  OadrEventService,
  OadrOptService,
  OadrPollService,
  OadrRegisterPartyService,
  OadrReportService,
  OadrVenEventService,
  OadrVenRegisterPartyService,
  OadrVenReportService,
  Reply,
  ReplyOf,
} from "../services/interfaces.js";
import { SignatureError } from "../signature/issues.js";
import type { ClientFormat, EiClient, EiReply } from "./client-types.js";

/** The services of each profile as the typed client offers them. */
export interface ProfileServices {
  readonly openadr2b: {
    readonly EiRegisterParty: OadrRegisterPartyService;
    readonly EiEvent: OadrEventService;
    readonly EiOpt: OadrOptService;
    readonly EiReport: OadrReportService;
    readonly OadrPoll: OadrPollService;
  };
  readonly cts: {
    readonly EiRegisterParty: EiRegisterPartyService;
    readonly EiMarketContext: EiMarketContextService;
    readonly EiTender: EiTenderService;
    readonly EiQuote: EiQuoteService;
    readonly EiTransaction: EiTransactionService;
    readonly EiDelivery: EiDeliveryService;
  };
}

export type ClientProfile = keyof ProfileServices;

/** The services each reference role offers: a VTN's, a VEN's push endpoint, a CTS market's. */
export interface RoleServices {
  readonly vtn: ProfileServices["openadr2b"];
  readonly ven: {
    readonly EiRegisterParty: OadrVenRegisterPartyService;
    readonly EiEvent: OadrVenEventService;
    readonly EiReport: OadrVenReportService;
  };
  readonly market: ProfileServices["cts"];
}

/** The role a client of a profile talks to when none is named. */
export type DefaultRole<P extends ClientProfile> = P extends "cts" ? "market" : "vtn";

/** What oadrPoll may hand over (catalog: the poll operation's response and alsoResponds). */
export type OadrPollAnswer =
  | OadrResponseType
  | OadrDistributeEventType
  | OadrCreateReportType
  | OadrRegisterReportType
  | OadrCancelReportType
  | OadrRequestReregistrationType
  | OadrCancelPartyRegistrationType;

type RequestOf<F> = F extends (request: infer R, ...rest: never[]) => unknown ? R : never;
type ResponseOf<F> = F extends (...args: never[]) => infer R
  ? Awaited<R> extends ReplyOf<string, infer V>
    ? unknown extends V
      ? OadrPollAnswer
      : V
    : Awaited<R> extends Reply
      ? OadrPollAnswer
      : Awaited<R>
  : never;

export interface TypedReply<T> {
  /** HTTP status (200 for every EI response, including refusals with their responseCode) */
  readonly status: number;
  /** canonical qualified name of the response payload, e.g. "pyld:eiCreatedTender" */
  readonly element: string;
  /** the response payload (for OpenADR 2.0b: the message inside oadrPayload/oadrSignedObject) */
  readonly value: T;
  /** the whole answer: body, decoded document, signature verification */
  readonly reply: EiReply;
}

export interface CallOptions {
  readonly format?: ClientFormat;
}

type ServiceMethods<S> = {
  readonly [K in keyof S]: (
    request: RequestOf<S[K]>,
    options?: CallOptions,
  ) => Promise<TypedReply<ResponseOf<S[K]>>>;
};

export type TypedEiClient<
  P extends ClientProfile,
  R extends keyof RoleServices = DefaultRole<P>,
> = {
  readonly [S in keyof RoleServices[R]]: ServiceMethods<RoleServices[R][S]>;
} & {
  /** the generic client underneath (send any message to any service) */
  readonly raw: EiClient;
  readonly profile: P;
  /** the party the client talks to (its methods are the operations that party receives) */
  readonly role: R;
  close(): Promise<void>;
};

/** An answer the typed client cannot turn into the operation's response payload. */
/** The answer of a typed call was not the EI response the operation expects (`instanceof CodecError` holds). */
export class EiClientError extends CodecError {
  override name = "EiClientError";
  constructor(
    issue: Issue,
    readonly reply: EiReply,
  ) {
    super([issue]);
  }
}

/**
 * The catalog operations the reference party of a profile and role receives (what the typed
 * client offers): by default the VTN's (openadr2b) or the market's (cts); `role: "ven"` gives a
 * VEN's push endpoint.
 */
export function clientOperations(
  profile: ClientProfile,
  role: ReferenceRole = defaultRole(profile),
): readonly OperationEntry[] {
  if (ROLES[role].profile !== profile)
    throw new RangeError(`a ${profile} client cannot talk to a ${role}`);
  return OPERATIONS.filter(
    (o) =>
      receives(o, role) &&
      (profile === "cts"
        ? o.profiles.includes("cts")
        : o.profiles.includes("openadr2b") || o.profiles.includes("openadr2a")),
  );
}

/** Which profile and party a typed client talks to, and whether it requires signed answers. */
export interface TypedClientOptions<P extends ClientProfile, R extends ReferenceRole> {
  readonly profile: P;
  /** the party talked to (default: vtn for openadr2b, market for cts) */
  readonly role?: R;
  /**
   * refuse an answer without a signature check that passed (SignatureError): set it when the raw
   * client verifies answers
   */
  readonly requireSignature?: boolean;
}

/** The typed client over a raw EiClient (any transport). */
export function typedEiClient<P extends ClientProfile, R extends ReferenceRole = DefaultRole<P>>(
  raw: EiClient,
  options: TypedClientOptions<P, R>,
): TypedEiClient<P, R> {
  const profile = options.profile;
  const role = (options.role ?? defaultRole(profile)) as R;
  const services: Record<string, Record<string, unknown>> = {};
  for (const op of clientOperations(profile, role)) {
    services[op.service] ??= {};
    (services[op.service] as Record<string, unknown>)[op.operation] = (
      request: unknown,
      call: CallOptions = {},
    ) => invoke(raw, options, op, request, call);
  }
  return {
    ...services,
    raw,
    profile,
    role,
    close: () => raw.close(),
  } as unknown as TypedEiClient<P, R>;
}

const local = (qname: string): string => qname.slice(qname.indexOf(":") + 1);

async function invoke(
  raw: EiClient,
  options: TypedClientOptions<ClientProfile, ReferenceRole>,
  op: OperationEntry,
  request: unknown,
  call: CallOptions,
): Promise<TypedReply<unknown>> {
  if (typeof request !== "object" || request === null || Array.isArray(request))
    throw new TypeError(`${op.service}.${op.operation} takes a ${op.request} payload object`);
  const doc: CodecDocument =
    options.profile === "openadr2b"
      ? {
          profile: "openadr2b",
          element: "oadr:oadrPayload",
          value: {
            oadrSignedObject: {
              [local(op.request)]: { "@ei:schemaVersion": "2.0b", ...(request as object) },
            },
          },
        }
      : { profile: "cts", element: op.request, value: request };
  const reply = await raw.send(op.service, doc, call.format ? { format: call.format } : {});
  const answer = reply.document;
  if (!answer)
    throw new EiClientError(
      makeIssue(
        "transport",
        "",
        `${op.service}.${op.operation}: HTTP ${reply.status} without an EI response: ${reply.issues[0]?.message ?? reply.body.slice(0, 300)}`,
        { status: reply.status },
      ),
      reply,
    );
  if (options.requireSignature && !reply.signature?.ok)
    throw new SignatureError(
      reply.signature && !reply.signature.ok
        ? reply.signature.issues
        : [makeIssue("unsigned", "/", "the answer is not a signed oadrPayload")],
    );
  let element = answer.element;
  let value = answer.value;
  if (answer.element === "oadr:oadrPayload") {
    const signed = (answer.value as { oadrSignedObject?: Record<string, unknown> })
      .oadrSignedObject;
    const inner = Object.keys(signed ?? {}).find((k) => !k.startsWith("@"));
    if (!signed || inner === undefined)
      throw new EiClientError(
        makeIssue(
          "missing-element",
          "/oadrPayload/oadrSignedObject",
          `${op.service}.${op.operation}: an empty oadrPayload`,
        ),
        reply,
      );
    element = `oadr:${inner}`;
    value = signed[inner];
  }
  const expected = [op.response, ...(op.alsoResponds ?? [])].filter((e) => e !== null);
  // any OpenADR operation may be refused with a bare oadrResponse
  if (!expected.includes(element) && element !== "oadr:oadrResponse")
    throw new EiClientError(
      makeIssue(
        "unexpected-element",
        `/${local(element)}`,
        `${op.service}.${op.operation}: expected ${expected.join(" or ")}, got ${element}`,
        { expected },
      ),
      reply,
    );
  return { status: reply.status, element, value, reply };
}
