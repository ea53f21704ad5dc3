/**
 * The transport-independent dispatcher: bytes in (XML or JSON, told apart by the first
 * character) -> decode -> validate -> route by the operation catalog -> service handler -> the
 * response encoded in the caller's format. It never throws for bad input: a problem with a
 * message it can answer becomes an EI response with the right responseCode; where no EI response
 * can be formed (CTS payloads have no generic response), a 4xx with an error body naming the
 * problem and its path. Transport-free: @transactive/ei-node serves any Dispatcher over HTTP(S) and
 * provides the XML Signature functions its `signature` option takes; the reference services that
 * fill a dispatcher live apart, in ./reference.ts.
 */
import {
  type CodecDocument,
  CodecError,
  decodeText,
  decodeXml,
  describeIssue,
  encodeXml,
  fromJson,
  getProfile,
  type Issue,
  readXml,
  sniffFormat,
  toJson,
  typeCheck,
  validate,
} from "@transactive/codec";
import {
  defaultRole,
  OPERATIONS,
  type OperationEntry,
  operationFor,
  type ReferenceRole,
  ROLES,
  receives,
  SERVICES,
  type ServiceProfile,
  serviceEntry,
  unsupportedOperation,
} from "./catalog.js";
import { fromCtsJson, isCtsJson, toCtsJson } from "./cts-json.js";
import { failureResponse } from "./failures.js";
import type { EiResponseType } from "./gen/types.js";
import { registry } from "./registry.js";
import { EiFault, faultResponse } from "./responses.js";
import { isoNow, type ReferenceOptions, type ServiceContext } from "./services/context.js";
import type { Reply, ServiceImplementations } from "./services/interfaces.js";

export interface DispatchRequest {
  readonly body: Uint8Array | string;
  readonly contentType?: string;
  /** service path segment, e.g. "EiEvent", "EiRegisterParty", "EiReport", "EiOpt", "OadrPoll", "EiTender" */
  readonly service?: string;
}

export interface DispatchResponse {
  readonly status: number;
  readonly contentType: "application/xml" | "application/json";
  readonly body: string;
}

export interface ServiceInfo {
  readonly name: string;
  /** e.g. "/OpenADR2/Simple/2.0b/EiEvent" for openadr2b, "/cts/EiTender" for cts */
  readonly path: string;
  readonly profile: string;
  readonly operations: readonly string[];
}

export interface Dispatcher {
  dispatch(req: DispatchRequest): Promise<DispatchResponse>;
  readonly services: readonly ServiceInfo[];
  /** largest request body accepted, in bytes: a transport should refuse larger ones itself */
  readonly maxBytes?: number;
  /**
   * One-time preparation (codec plans and validators of every message the services take and
   * give), so the first request costs what the tenth does; a server calls it before listening.
   */
  prepare?(): void;
}

export interface DispatcherOptions extends ReferenceOptions {
  /** the profile served: openadr2b (also accepts OpenADR 2.0a event messages) or cts */
  readonly profile: "openadr2b" | "cts";
  /**
   * the party this endpoint plays (default: vtn for openadr2b, market for cts): it receives the
   * catalog operations whose receiver is that party and refuses the ones the party only sends
   */
  readonly role?: ReferenceRole;
  readonly implementations: ServiceImplementations;
  /** largest request body accepted, in bytes (default 1 MiB) */
  readonly maxBytes?: number;
  /** validate each response against the schemas before sending it (default true) */
  readonly validateResponses?: boolean;
  /** OpenADR 2.0b XML Signature of requests and responses (profile openadr2b only) */
  readonly signature?: DispatcherSignature;
  /**
   * the vtnID of the VTN this endpoint serves (openadr2b): answers the dispatcher forms itself for
   * a refused request (an oadrDistributeEvent, an oadrCreatedPartyRegistration) carry it, so a VEN
   * can match them to its VTN (default "vtn")
   */
  readonly vtnID?: string;
}

/**
 * XML Signature on an OpenADR 2.0b endpoint, as two functions (the dispatcher holds the policy,
 * the functions the cryptography: `xmlSignature()` of @transactive/ei-node makes them). With
 * `verify`, every request must be an XML oadrPayload whose ds:Signature verifies on the request's
 * bytes as received; anything else is refused with responseCode 463 (not registered or
 * authorized) and the verifier's reason, never run. With `sign`, every XML oadrPayload answer
 * (refusals included) is signed. XML Signature covers XML bytes only: with either on, JSON
 * requests are refused (463).
 */
export interface DispatcherSignature {
  /** signs an encoded oadrPayload answer and returns the signed XML */
  readonly sign?: (xml: string) => string;
  /** checks the signature of a request on its bytes as received */
  readonly verify?: (body: Uint8Array | string) => SignatureCheck;
}

/** The outcome of a signature check: why it failed, as data. */
export type SignatureCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly issues: readonly Issue[] };

/** Wire format of a request, and so of its response. */
type Format = "xml" | "json" | "cts-json";

const DEFAULT_MAX_BYTES = 1024 * 1024;
const ACCEPTED: Readonly<Record<string, readonly ServiceProfile[]>> = {
  openadr2b: ["openadr2b", "openadr2a"],
  cts: ["cts"],
};

/** Path of a service in a profile: the OpenADR 2.0b simple HTTP path, or /cts/<service>. */
export function servicePath(profile: string, service: string): string {
  return profile === "cts" ? `/cts/${service}` : `/OpenADR2/Simple/2.0b/${service}`;
}

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const profile = options.profile;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const role = options.role ?? defaultRole(profile);
  if (ROLES[role]?.profile !== profile)
    throw new RangeError(
      `a ${profile} dispatcher cannot play role ${role} (roles of ${profile}: ${Object.entries(
        ROLES,
      )
        .filter(([, r]) => r.profile === profile)
        .map(([k]) => k)
        .join(", ")})`,
    );
  const signing = options.signature;
  if (signing && profile !== "openadr2b")
    throw new RangeError(
      `XML Signature is part of the OpenADR 2.0b profile; a ${profile} dispatcher cannot sign or verify`,
    );
  const verifySignature = signing?.verify;
  const implemented = options.implementations as Record<
    string,
    Record<string, unknown> | undefined
  >;
  const services: ServiceInfo[] = SERVICES.filter(
    (s) => (s.profiles as readonly string[]).includes(profile) && implemented[s.name] !== undefined,
  )
    .map((s) => ({
      name: s.name,
      path: servicePath(profile, s.name),
      profile,
      operations: OPERATIONS.filter(
        (o) =>
          o.service === s.name &&
          receives(o, role) &&
          o.profiles.some((p) => ACCEPTED[profile]?.includes(p)),
      ).map((o) => o.operation),
    }))
    .filter((s) => s.operations.length > 0);

  async function dispatch(req: DispatchRequest): Promise<DispatchResponse> {
    const size = typeof req.body === "string" ? utf8Length(req.body) : req.body.byteLength;
    const sniffed = sniffFormat(req.body);
    const errorFormat: "xml" | "json" =
      sniffed === "json" || (!sniffed && /json/i.test(req.contentType ?? "")) ? "json" : "xml";
    if (size > maxBytes)
      return errorBody(
        413,
        errorFormat,
        "too-large",
        "",
        `request body of ${size} bytes exceeds the limit of ${maxBytes}`,
      );
    if (sniffed === undefined)
      return errorBody(
        400,
        errorFormat,
        "not-xml-or-json",
        "",
        'the body is neither XML (starts with "<") nor JSON (starts with "{")',
      );
    // the codec's one byte decoder (the CLI's too): byte order mark, XML declaration, strict
    let text: string;
    try {
      text = typeof req.body === "string" ? req.body : decodeText(req.body).text;
    } catch (e) {
      if (!(e instanceof CodecError)) throw e;
      const first = e.issues[0] as Issue;
      return errorBody(400, errorFormat, "bad-encoding", first.path, first.message, e.issues);
    }
    if (req.service !== undefined && serviceEntry(req.service) === undefined)
      return errorBody(
        404,
        errorFormat,
        "unknown-service",
        "",
        `no Energy Interoperation service is named "${req.service}"`,
      );
    if (req.service !== undefined) {
      const entry = serviceEntry(req.service);
      if (entry && entry.profiles.length === 0) {
        const fault = new EiFault("notSupported", notSupportedMessage(entry.name), "");
        return reject(sniffed, undefined, undefined, fault, text);
      }
    }

    // decode
    let doc: CodecDocument;
    let format: Format = sniffed;
    try {
      if (sniffed === "xml") doc = decodeXml(registry, text);
      else {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch (e) {
          throw new CodecError([
            { code: "bad-json", path: "", message: `not valid JSON: ${(e as Error).message}` },
          ]);
        }
        if (isCtsJson(parsed)) {
          format = "cts-json";
          doc = fromCtsJson(parsed);
        } else doc = fromJson(registry, parsed as object, { validate: false });
      }
    } catch (e) {
      if (!(e instanceof CodecError)) throw e;
      const local = rootLocalName(text, sniffed);
      const unsupported = local ? unsupportedOperation(local) : undefined;
      if (unsupported)
        return reject(
          format,
          undefined,
          undefined,
          new EiFault("notSupported", notSupportedMessage(unsupported.service, unsupported), ""),
          text,
        );
      const first = e.issues[0] as Issue;
      const reason = first.code === "unknown-root" ? "notRecognized" : "invalidData";
      return reject(
        format,
        undefined,
        undefined,
        new EiFault(reason, describeIssue(first), first.path),
        text,
        e.issues,
      );
    }
    if (!ACCEPTED[profile]?.includes(doc.profile as ServiceProfile))
      return reject(
        format,
        undefined,
        undefined,
        new EiFault(
          "notRecognized",
          `a ${doc.profile} message (${doc.element}); this endpoint serves profile ${profile}`,
          `/${local(doc.element)}`,
        ),
        text,
      );
    if (signing && (format !== "xml" || doc.profile !== "openadr2b"))
      return reject(
        format,
        undefined,
        undefined,
        new EiFault(
          "notAuthorized",
          format !== "xml"
            ? "this endpoint signs and verifies OpenADR 2.0b messages with XML Signature: send XML, not JSON"
            : `this endpoint requires signed OpenADR 2.0b oadrPayloads; ${doc.profile} messages carry no signature`,
          `/${local(doc.element)}`,
        ),
        text,
      );
    const issues = validate(registry, doc);

    // unwrap the OpenADR 2.0b oadrPayload
    let element = doc.element;
    let value = doc.value as Record<string, unknown>;
    let base = `/${local(doc.element)}`;
    if (doc.profile === "openadr2b") {
      if (doc.element !== "oadr:oadrPayload")
        return reject(
          format,
          undefined,
          undefined,
          new EiFault(
            "invalidData",
            `OpenADR 2.0b messages travel inside oadr:oadrPayload, not as a bare ${doc.element}`,
            base,
          ),
          text,
        );
      if (verifySignature) {
        const refused = checkSignature(req.body, format, verifySignature);
        if (refused) return reject(format, undefined, undefined, refused, text);
      }
      const signed = (value.oadrSignedObject ?? {}) as Record<string, unknown>;
      const inner = Object.keys(signed).find((k) => !k.startsWith("@"));
      if (inner === undefined)
        return reject(
          format,
          undefined,
          undefined,
          new EiFault(
            "invalidData",
            "oadrSignedObject holds no message",
            `${base}/oadrSignedObject`,
          ),
          text,
          issues,
        );
      element = `oadr:${inner}`;
      value = signed[inner] as Record<string, unknown>;
      base = `${base}/oadrSignedObject/${inner}`;
    }
    const operation = operationFor(doc.profile, element);
    if (!operation)
      return reject(
        format,
        doc.profile,
        undefined,
        new EiFault(
          "notRecognized",
          `${element} is not a request of any ${doc.profile} service`,
          base,
        ),
        text,
      );
    if (!receives(operation, role))
      return reject(
        format,
        doc.profile,
        undefined,
        new EiFault(
          "notRecognized",
          `${element} is sent by the ${operation.sender} to the ${operation.receiver}, not received by this ${role.toUpperCase()}${operation.note ? ` (${operation.note})` : ""}`,
          base,
        ),
        text,
      );
    if (req.service !== undefined && req.service !== operation.service)
      return reject(
        format,
        doc.profile,
        operation,
        new EiFault(
          "notRecognized",
          `${element} belongs to service ${operation.service} (${servicePath(profile, operation.service)}), not ${req.service}`,
          base,
        ),
        text,
        undefined,
        value,
      );
    if (issues.length > 0) {
      const first = issues[0] as Issue;
      return reject(
        format,
        doc.profile,
        operation,
        new EiFault("invalidData", first.message, first.path),
        text,
        issues,
        value,
      );
    }
    const handler = implemented[operation.service]?.[operation.operation];
    if (typeof handler !== "function")
      return reject(
        format,
        doc.profile,
        operation,
        new EiFault(
          "notSupported",
          `operation ${operation.operation} of ${operation.service} has no implementation here`,
          base,
        ),
        text,
        undefined,
        value,
      );

    const context: ServiceContext = {
      profile: doc.profile as ServiceProfile,
      requestID: findRequestId(value) ?? "",
      now: () => isoNow(options),
    };
    let result: unknown;
    try {
      result = await (handler as (v: unknown, c: ServiceContext) => unknown).call(
        implemented[operation.service],
        value,
        context,
      );
    } catch (e) {
      const fault =
        e instanceof EiFault
          ? e
          : new EiFault("internal", `the service failed: ${(e as Error).message}`, base);
      return reject(format, doc.profile, operation, fault, text, undefined, value);
    }
    const reply: Reply = isReply(result)
      ? result
      : { element: operation.response as string, value: result };
    return respond(format, doc.profile, reply, 200);
  }

  function respond(
    format: Format,
    wireProfile: string,
    reply: Reply,
    status: number,
  ): DispatchResponse {
    let doc: CodecDocument;
    if (wireProfile === "openadr2b") {
      const inner = { "@ei:schemaVersion": "2.0b", ...(reply.value as object) };
      doc = {
        profile: wireProfile,
        element: "oadr:oadrPayload",
        value: { oadrSignedObject: { [local(reply.element)]: inner } },
      };
    } else doc = { profile: wireProfile, element: reply.element, value: reply.value };
    try {
      if (options.validateResponses ?? true) {
        const issues = validate(registry, doc);
        if (issues.length) throw new CodecError(issues);
      }
      if (format === "xml") {
        const xml = encodeXml(registry, doc);
        return {
          status,
          contentType: "application/xml",
          body: signing?.sign && doc.element === "oadr:oadrPayload" ? signing.sign(xml) : xml,
        };
      }
      if (format === "cts-json")
        return { status, contentType: "application/json", body: JSON.stringify(toCtsJson(doc)) };
      return { status, contentType: "application/json", body: toJson(doc) };
    } catch (e) {
      const issue =
        e instanceof CodecError ? (e.issues[0] as Issue) : { path: "", message: String(e) };
      return errorBody(
        500,
        format === "xml" ? "xml" : "json",
        "bad-response",
        issue.path,
        `the service produced an invalid ${reply.element}: ${issue.message}`,
      );
    }
  }

  /** A failure as an EI response when one can be formed, else a 4xx error body. */
  function reject(
    format: Format,
    wireProfile: string | undefined,
    operation: OperationEntry | undefined,
    fault: EiFault,
    text: string,
    issues?: readonly Issue[],
    value?: Record<string, unknown>,
  ): DispatchResponse {
    const requestID = (value ? findRequestId(value) : undefined) ?? scrapeRequestId(text) ?? "";
    const errFormat = format === "xml" ? "xml" : "json";
    const profileOut = wireProfile ?? (profile === "openadr2b" ? "openadr2b" : undefined);
    const responseElement =
      operation?.response ?? (profileOut?.startsWith("openadr") ? "oadr:oadrResponse" : undefined);
    if (profileOut === undefined || responseElement === undefined) {
      const status = fault.reason === "notSupported" ? 501 : 400;
      return errorBody(status, errFormat, fault.reason, fault.path, fault.message, issues);
    }
    const eiResp: EiResponseType = faultResponse(profileOut, requestID, fault);
    const response = failureResponse(responseElement, value ?? {}, eiResp, {
      vtnID: vtnIdOf(options),
    });
    const out = respond(format, profileOut, { element: responseElement, value: response }, 200);
    return out.status === 200
      ? out
      : errorBody(400, errFormat, fault.reason, fault.path, fault.message, issues);
  }

  let prepared = false;
  function prepare(): void {
    if (prepared) return;
    prepared = true;
    const names = new Set(services.map((s) => s.name));
    const elements = new Map<string, string>();
    for (const o of OPERATIONS) {
      if (!names.has(o.service) || !receives(o, role)) continue;
      for (const p of o.profiles) {
        if (!ACCEPTED[profile]?.includes(p)) continue;
        for (const e of [o.request, o.response, ...(o.alsoResponds ?? [])])
          if (e) elements.set(`${p} ${e}`, p);
      }
    }
    if (profile === "openadr2b") elements.set("openadr2b oadr:oadrPayload", "openadr2b");
    for (const [key, wire] of elements) {
      const doc = { profile: wire, element: key.slice(key.indexOf(" ") + 1), value: {} };
      // an empty value is invalid: what matters is that its validator and plans get built
      try {
        validate(registry, doc);
        encodeXml(registry, doc);
      } catch {}
      // the checker of the element's type, for values from JSON and for values read from XML;
      // those of the types inside it are compiled when a value first holds them (compiling
      // them all now tripled the preparation for a millisecond or two on some first requests)
      const type = getProfile(registry, wire).elements.get(doc.element)?.type;
      if (type !== undefined) {
        typeCheck(registry, type);
        typeCheck(registry, type, { text: false });
      }
    }
    warmUp();
  }

  /**
   * V8 compiles a function on its first calls, and the codec its checkers and plans on their
   * first use: run every step of a request through refusals before the first client waits for
   * them. Per served operation and format: its failure response is built, validated and encoded
   * (as a real answer is), then sent back in as a request, where it is read, decoded, validated
   * and refused as no request this party receives. Refusals only: no service is called and
   * nothing is stored; a response that is also a request this party receives is not sent in.
   */
  function warmUp(): void {
    const fault = new EiFault("notRecognized", "warm-up", "");
    const formats: Format[] = profile === "cts" ? ["xml", "json", "cts-json"] : ["xml", "json"];
    for (const o of OPERATIONS) {
      if (!receives(o, role) || o.response === null || !services.some((s) => s.name === o.service))
        continue;
      for (const p of o.profiles) {
        if (!ACCEPTED[profile]?.includes(p)) continue;
        const answer = operationFor(p, o.response);
        const received = answer !== undefined && receives(answer, role);
        for (const format of formats) {
          const response = reject(format, p, o, fault, "", undefined, {});
          if (received || response.status !== 200) continue;
          // synchronous up to a service call, which a refused request never reaches
          dispatch({ body: response.body, contentType: response.contentType }).catch(() => {});
        }
      }
    }
  }

  return {
    dispatch: (req) =>
      dispatch(req).catch((e: unknown) =>
        errorBody(500, "json", "internal", "", `dispatcher failure: ${(e as Error).message}`),
      ),
    services,
    maxBytes,
    prepare,
  };
}

/** The refusal of a request whose signature does not verify, or undefined when it does. */
function checkSignature(
  body: Uint8Array | string,
  format: Format,
  verify: (body: Uint8Array | string) => SignatureCheck,
): EiFault | undefined {
  if (format !== "xml")
    return new EiFault(
      "notAuthorized",
      "this endpoint requires XML Signature: send the signed oadrPayload as XML",
      "",
    );
  const result = verify(body);
  if (result.ok) return undefined;
  const issue = result.issues[0];
  return new EiFault(
    "notAuthorized",
    `signature refused (${issue?.code}): ${issue?.message}`,
    issue?.path ?? "/oadrPayload",
  );
}

function vtnIdOf(options: DispatcherOptions): string {
  return options.vtnID ?? "vtn";
}

function notSupportedMessage(service: string, op?: OperationEntry): string {
  const what = op ? `${op.operation} (${op.request}) of ${service}` : service;
  return `${what} is defined by Energy Interoperation 1.0 but carried by neither OpenADR 2.0 nor CTS 0.4: not supported`;
}

function local(qname: string): string {
  return qname.slice(qname.indexOf(":") + 1);
}

/** UTF-8 length of a string without Buffer, so the dispatcher runs outside Node too. */
function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) n += c >= 0x800 && (c < 0xd800 || c > 0xdfff) ? 2 : 1;
  }
  return n;
}

function isReply(x: unknown): x is Reply {
  return (
    typeof x === "object" &&
    x !== null &&
    "element" in x &&
    "value" in x &&
    Object.keys(x).length === 2
  );
}

/** The request's ID: `requestID` on the payload or one level down (eiRequestEvent, eiCreatedEvent/eiResponse). */
export function findRequestId(value: unknown, depth = 0): string | undefined {
  if (typeof value !== "object" || value === null || depth > 3) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.requestID === "string") return v.requestID;
  for (const child of Object.values(v)) {
    const found = typeof child === "object" ? findRequestId(child, depth + 1) : undefined;
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The first requestID in a message we could not decode (so its error response can still echo it). */
function scrapeRequestId(text: string): string | undefined {
  const xml = /<(?:[\w.-]+:)?requestID\b[^>]*>([^<]{0,200})</.exec(text);
  if (xml) return xml[1]?.trim();
  const json = /"(?:pyld:)?requestID"\s*:\s*(?:\{\s*"\$"\s*:\s*)?"([^"]{0,200})"/.exec(text);
  return json?.[1];
}

function rootLocalName(text: string, format: "xml" | "json"): string | undefined {
  if (format === "xml") {
    try {
      return readXml(text).local;
    } catch {
      return undefined;
    }
  }
  try {
    const obj = JSON.parse(text) as Record<string, unknown>;
    const key = Object.keys(obj).find((k) => !k.startsWith("$") && !k.startsWith("@"));
    return key === undefined ? undefined : local(key);
  } catch {
    return undefined;
  }
}

function errorBody(
  status: number,
  format: "xml" | "json",
  code: string,
  path: string,
  message: string,
  issues?: readonly Issue[],
): DispatchResponse {
  const all = (issues?.length ? issues : [{ code, path, message }]).map((i) => ({
    code: i.code,
    path: i.path,
    message: i.message,
  }));
  if (format === "json")
    return {
      status,
      contentType: "application/json",
      body: JSON.stringify({ error: { code, path, message, issues: all } }),
    };
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");
  const items = all
    .map((i) => `<issue code="${esc(i.code)}" path="${esc(i.path)}">${esc(i.message)}</issue>`)
    .join("");
  return {
    status,
    contentType: "application/xml",
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<error code="${esc(code)}" path="${esc(path)}"><message>${esc(message)}</message>${items}</error>`,
  };
}
