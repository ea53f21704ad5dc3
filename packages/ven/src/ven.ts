/**
 * The VEN process: an OpenADR 2.0b simple-HTTP VEN over @transactive/ei-node's client. It
 * queries and creates its registration, offers its reports (oadrRegisterReport), asks for the
 * current events (oadrRequestEvent), then polls the VTN at the oadrRequestedOadrPollFreq the VTN
 * gave (pull) or listens for what the VTN pushes (push, `push` option), answering every message
 * the VTN sends a VEN. Peer trouble (refused connections, timeouts, 5xx, undecodable answers,
 * refusals with an EI responseCode) is logged in one line and retried with exponential backoff
 * and jitter; one bad message never stops it. It stops when asked (stop()) or when the VTN cancels
 * its registration.
 */
import {
  createDispatcher,
  EiFault,
  type EiResponseType,
  eiResponse,
  faultResponse,
  type OadrCancelPartyRegistrationType,
  type OadrCancelReportType,
  type OadrCreatedPartyRegistrationType,
  type OadrCreatePartyRegistrationType,
  type OadrCreateReportType,
  type OadrDistributeEventType,
  type OadrRegisteredReportType,
  type OadrReportType,
  type OadrUpdatedReportType,
  type ServiceImplementations,
} from "@transactive/ei";
import {
  createEiClient,
  type EiClientTls,
  type RunningEiServer,
  type SignOptions,
  startEiServer,
  type VerifyOptions,
  xmlSignature,
} from "@transactive/ei-node";
import { type BackoffOptions, backoffDelay } from "./backoff.js";
import { DurationError, durationMs, isoDuration } from "./duration.js";
import { createEventBook } from "./events.js";
import { type Logger, silentLogger } from "./log.js";
import { type OptPolicy, optAlways } from "./opt.js";
import {
  createReportBook,
  DEFAULT_OFFER,
  listOf,
  metadataReport,
  type ReportOffer,
} from "./reports.js";
import { simulatedMeter, type ValueSource } from "./values.js";

/** Where a pushing VTN reaches the VEN. */
export interface VenPushOptions {
  /** interface to listen on, e.g. "127.0.0.1" */
  readonly host: string;
  /** port to listen on (0: any free port) */
  readonly port: number;
  /**
   * the base URL the VTN posts to (oadrTransportAddress); default http://HOST:PORT with the port
   * actually bound
   */
  readonly transportAddress?: string;
}

/** How to run a VEN. */
export interface VenOptions {
  /** the VTN's base URL, e.g. "http://127.0.0.1:8080" (service paths /OpenADR2/Simple/2.0b/… are added) */
  readonly vtnUrl: string | URL;
  /** oadrVenName sent at registration */
  readonly venName?: string;
  /** venID to register with (a VTN that provisions VEN IDs); default: the one the VTN assigns */
  readonly venID?: string;
  /** HTTPS: CA, client certificate and key */
  readonly tls?: EiClientTls;
  /** sign every message sent (OpenADR 2.0b XML Signature) */
  readonly signing?: SignOptions;
  /** verify the signature of every answer; one that does not verify is a peer error */
  readonly verify?: VerifyOptions;
  /** per-request time limit, ms (default 10 000) */
  readonly timeoutMs?: number;
  /** how the VEN answers events (default: opt in to all) */
  readonly opt?: OptPolicy;
  /** where report values come from (default: a simulated meter) */
  readonly values?: ValueSource;
  /** the report the VEN offers (default DEFAULT_OFFER) */
  readonly offer?: ReportOffer;
  /** push mode: listen for the VTN's messages instead of polling */
  readonly push?: VenPushOptions;
  /** where the VEN says what it does, one line per step (default: nowhere) */
  readonly log?: Logger;
  /** the retry waits after peer errors (default: 1 s doubling to 60 s, full jitter) */
  readonly backoff?: BackoffOptions;
  /** shortest poll interval honoured, ms (default 1 000), whatever oadrRequestedOadrPollFreq says */
  readonly minPollMs?: number;
  /** the current time (default: the system clock), for report timestamps */
  readonly clock?: () => Date;
}

/** What the VEN did: the figures of the summary line. */
export interface VenStats {
  /** whether the VEN holds a registration with its VTN */
  readonly registered: boolean;
  readonly venID?: string;
  readonly vtnID?: string;
  readonly registrationID?: string;
  /** distinct events received */
  readonly eventsReceived: number;
  /** events whose latest answer (to a live modification) was optIn */
  readonly eventsOptedIn: number;
  /** oadrUpdateReport messages the VTN acknowledged */
  readonly reportsSent: number;
}

/** A running VEN. */
export interface RunningVen {
  /** push mode: the URL the VEN listens on */
  readonly pushUrl?: string;
  /** The figures so far. */
  stats(): VenStats;
  /**
   * Resolves when the VEN holds a registration with its VTN and has offered its reports and asked
   * for the current events (at once when it does).
   */
  whenRegistered(): Promise<VenStats>;
  /** Stops polling, sampling and listening; resolves to the final figures. */
  stop(): Promise<VenStats>;
  /** Resolves when the VEN stops by itself (its VTN cancelled the registration). */
  readonly ended: Promise<void>;
}

/** An answer the VEN could not use: the VTN was unreachable, failed, or said something unusable. */
export class PeerError extends Error {
  override readonly name = "PeerError";
  constructor(
    readonly kind: "transport" | "http" | "bad-answer" | "signature" | "refused",
    message: string,
    /** the EI responseCode of a refusal */
    readonly responseCode?: string,
  ) {
    super(message);
  }
}

interface Payload {
  readonly element: string;
  readonly value: Record<string, unknown>;
}

const local = (qname: string) => qname.slice(qname.indexOf(":") + 1);
const ok2xx = (code: string | undefined) => code !== undefined && /^2\d\d$/.test(code);
const codeOf = (p: Payload | undefined): string | undefined =>
  (p?.value.eiResponse as EiResponseType | undefined)?.responseCode;
const describe = (r: EiResponseType | undefined) =>
  r
    ? `${r.responseCode}${r.responseDescription ? ` ${r.responseDescription}` : ""}`
    : "no eiResponse";

/** Starts a VEN: it registers, then polls (or listens) until stopped. */
export async function startVen(options: VenOptions): Promise<RunningVen> {
  const log = options.log ?? silentLogger;
  const clock = options.clock ?? (() => new Date());
  const minPollMs = options.minPollMs ?? 1_000;
  const offer = options.offer ?? DEFAULT_OFFER;
  const client = createEiClient({
    baseUrl: options.vtnUrl,
    profile: "openadr2b",
    timeoutMs: options.timeoutMs ?? 10_000,
    ...(options.tls ? { tls: options.tls } : {}),
    ...(options.signing ? { signing: options.signing } : {}),
    ...(options.verify ? { verify: options.verify } : {}),
  });
  const idBase = Date.now().toString(36);
  let idCount = 0;
  const nextId = (kind: string) => `${kind}-${idBase}-${++idCount}`;

  let registration: { registrationID: string; venID: string; vtnID: string } | undefined;
  let venID = options.venID;
  let pollMs = 10_000;
  let reportsRegistered = false;
  let reregister = false;
  let stopping = false;
  let endedBySelf: () => void = () => {};
  const ended = new Promise<void>((resolve) => {
    endedBySelf = resolve;
  });
  let wake: () => void = () => {};
  let registeredWaiters: (() => void)[] = [];

  /** Waits ms, or less when woken (a stop, a re-registration to do). */
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = () => {};
        resolve();
      }
      wake = done;
    });

  const events = createEventBook(options.opt ?? optAlways, log);
  const reports = createReportBook(offer, {
    log,
    clock,
    nextId,
    venID: () => registration?.venID ?? venID ?? "",
    values: options.values ?? simulatedMeter(),
    sendUpdate,
    onMetadataRequest: () => {
      reportsRegistered = false;
      wake();
    },
  });

  // ---- one exchange with the VTN

  async function exchange(
    service: string,
    element: string,
    value: object,
  ): Promise<Payload | undefined> {
    const doc = {
      profile: "openadr2b",
      element: "oadr:oadrPayload",
      value: { oadrSignedObject: { [element]: { "@ei:schemaVersion": "2.0b", ...value } } },
    };
    log("debug", `-> ${service} ${element}`);
    let reply: Awaited<ReturnType<typeof client.send>>;
    try {
      reply = await client.send(service, doc);
    } catch (e) {
      // fetch fails with a TypeError carrying a cause, or a TimeoutError; anything else
      // (a message the codec cannot encode) is ours, not the peer's
      const name = (e as Error)?.name;
      if (name !== "TypeError" && name !== "TimeoutError" && name !== "AbortError") throw e;
      throw new PeerError(
        "transport",
        `${service} ${element}: ${transportProblem(e, options.timeoutMs ?? 10_000)}`,
      );
    }
    if (reply.status >= 300)
      throw new PeerError(
        "http",
        `${service} ${element}: HTTP ${reply.status}${reply.body.trim() ? `: ${firstLine(reply.body).slice(0, 200)}` : ""}`,
      );
    if (!reply.document) {
      // openleadr answers an oadrResponse with an empty 200: nothing to read, nothing wrong
      if (reply.body.trim() === "") return undefined;
      throw new PeerError(
        "bad-answer",
        `${service} ${element}: the answer is not an OpenADR message: ${reply.issues[0]?.message ?? firstLine(reply.body).slice(0, 200)}`,
      );
    }
    if (options.verify && !reply.signature?.ok)
      throw new PeerError(
        "signature",
        `${service} ${element}: the answer's signature does not verify: ${reply.signature && !reply.signature.ok ? reply.signature.issues[0]?.message : "unsigned"}`,
      );
    if (reply.document.element !== "oadr:oadrPayload")
      throw new PeerError(
        "bad-answer",
        `${service} ${element}: the answer is ${reply.document.element}, not an oadrPayload`,
      );
    const signed =
      (reply.document.value as { oadrSignedObject?: Record<string, unknown> }).oadrSignedObject ??
      {};
    const inner = Object.keys(signed).find((k) => !k.startsWith("@"));
    if (inner === undefined)
      throw new PeerError("bad-answer", `${service} ${element}: an empty oadrPayload`);
    const payload = { element: `oadr:${inner}`, value: signed[inner] as Record<string, unknown> };
    log("debug", `<- ${inner}${codeOf(payload) ? ` ${codeOf(payload)}` : ""}`);
    return payload;
  }

  /** Sends an answer to a VTN message (oadrCreatedEvent, oadrCreatedReport…), retrying a few times. */
  async function sendAnswer(service: string, element: string, value: object): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        const reply = await exchange(service, element, value);
        const code = codeOf(reply);
        if (reply && code !== undefined && !ok2xx(code)) {
          log(
            "warn",
            `the VTN refused our ${element}: ${describe(reply.value.eiResponse as EiResponseType)}`,
          );
          if (code === "463") lostRegistration(`${element} refused with 463`);
        } else if (reply?.element === "oadr:oadrRequestReregistration") {
          reregisterNow(`the VTN answered our ${element} with oadrRequestReregistration`);
        }
        return true;
      } catch (e) {
        if (!(e instanceof PeerError) || attempt >= 2 || stopping) {
          log("warn", `could not deliver ${element}: ${(e as Error).message}`);
          return false;
        }
        const wait = backoffDelay(attempt, options.backoff);
        log("warn", `${(e as Error).message}; retrying in ${wait} ms`);
        await sleep(wait);
      }
    }
  }

  // ---- registration

  async function register(): Promise<void> {
    const query = await exchange("EiRegisterParty", "oadrQueryRegistration", {
      requestID: nextId("query"),
    });
    if (query?.element !== "oadr:oadrCreatedPartyRegistration" || !ok2xx(codeOf(query)))
      throw new PeerError(
        "refused",
        `oadrQueryRegistration: the VTN answered ${query ? `${local(query.element)} ${describe(query.value.eiResponse as EiResponseType)}` : "nothing"}`,
        codeOf(query),
      );
    const info = query.value as unknown as OadrCreatedPartyRegistrationType;
    const request: OadrCreatePartyRegistrationType = {
      requestID: nextId("registration"),
      ...(registration ? { registrationID: registration.registrationID } : {}),
      ...((registration?.venID ?? venID) ? { venID: registration?.venID ?? venID } : {}),
      oadrProfileName: "2.0b",
      oadrTransportName: "simpleHttp",
      ...(pushAddress ? { oadrTransportAddress: pushAddress } : {}),
      oadrReportOnly: false,
      oadrXmlSignature: options.signing !== undefined,
      ...(options.venName ? { oadrVenName: options.venName } : {}),
      oadrHttpPullModel: pushAddress === undefined,
    };
    const created = await exchange("EiRegisterParty", "oadrCreatePartyRegistration", request);
    const c = created?.value as unknown as OadrCreatedPartyRegistrationType | undefined;
    if (created?.element !== "oadr:oadrCreatedPartyRegistration" || !c || !ok2xx(codeOf(created)))
      throw new PeerError(
        "refused",
        `oadrCreatePartyRegistration: the VTN answered ${created ? `${local(created.element)} ${describe(created.value.eiResponse as EiResponseType)}` : "nothing"}`,
        codeOf(created),
      );
    if (!c.registrationID || !c.venID)
      throw new PeerError(
        "refused",
        "oadrCreatePartyRegistration: the answer grants no registrationID and venID",
      );
    const freq =
      c.oadrRequestedOadrPollFreq?.duration ?? info.oadrRequestedOadrPollFreq?.duration ?? "PT10S";
    try {
      pollMs = Math.max(minPollMs, durationMs(freq));
    } catch (e) {
      if (!(e instanceof DurationError)) throw e;
      log("warn", `oadrRequestedOadrPollFreq: ${e.message}; polling every 10 s`);
      pollMs = Math.max(minPollMs, 10_000);
    }
    const again = registration !== undefined;
    registration = { registrationID: String(c.registrationID), venID: c.venID, vtnID: c.vtnID };
    venID = c.venID;
    reregister = false;
    reportsRegistered = false;
    log(
      "info",
      `${again ? "re-registered" : "registered"} with VTN ${c.vtnID} as VEN ${c.venID} (registration ${c.registrationID}); ${pushAddress ? `push to ${pushAddress}` : `polling every ${isoDuration(pollMs)}`}`,
    );
    await registerReports();
    await requestEvents();
    for (const w of registeredWaiters) w();
    registeredWaiters = [];
  }

  async function registerReports(): Promise<void> {
    if (!registration) return;
    const requestID = nextId("register-report");
    let reply: Payload | undefined;
    try {
      reply = await exchange("EiReport", "oadrRegisterReport", {
        requestID,
        oadrReport: [metadataReport(offer, clock())],
        venID: registration.venID,
      });
    } catch (e) {
      if (!(e instanceof PeerError)) throw e;
      log("warn", `oadrRegisterReport: ${e.message}; offering the reports again later`);
      return;
    }
    if (reply?.element === "oadr:oadrRequestReregistration")
      return reregisterNow("the VTN answered oadrRegisterReport with oadrRequestReregistration");
    if (reply && !ok2xx(codeOf(reply))) {
      log(
        "warn",
        `the VTN refused our oadrRegisterReport: ${describe(reply.value.eiResponse as EiResponseType)}; not offered again until the next registration`,
      );
      if (codeOf(reply) === "463") lostRegistration("oadrRegisterReport refused with 463");
      // a refusal is an answer: asking again at every poll would only repeat it
      else reportsRegistered = true;
      return;
    }
    reportsRegistered = true;
    log(
      "info",
      `offered report ${offer.reportSpecifierID} (${offer.dataPoints.map((p) => p.rID).join(", ")})`,
    );
    // openleadr's VTN requests reports in its oadrRegisteredReport rather than in a later oadrCreateReport
    const requests = listOf(
      (reply?.value as OadrRegisteredReportType | undefined)?.oadrReportRequest,
    );
    if (reply?.element === "oadr:oadrRegisteredReport" && requests.length) {
      const created = reports.createReport(
        requests,
        requestID,
        "/oadrPayload/oadrSignedObject/oadrRegisteredReport",
      );
      await sendAnswer("EiReport", "oadrCreatedReport", created);
    }
  }

  async function requestEvents(): Promise<void> {
    if (!registration) return;
    try {
      const reply = await exchange("EiEvent", "oadrRequestEvent", {
        eiRequestEvent: { requestID: nextId("request-event"), venID: registration.venID },
      });
      if (reply?.element === "oadr:oadrDistributeEvent")
        await distribute(reply.value as unknown as OadrDistributeEventType);
      else if (reply?.element === "oadr:oadrRequestReregistration")
        reregisterNow("the VTN answered oadrRequestEvent with oadrRequestReregistration");
      else if (reply && !ok2xx(codeOf(reply)))
        log(
          "warn",
          `the VTN refused our oadrRequestEvent: ${describe(reply.value.eiResponse as EiResponseType)}`,
        );
    } catch (e) {
      if (!(e instanceof PeerError)) throw e;
      log("warn", `oadrRequestEvent: ${e.message}; the events come with the next poll`);
    }
  }

  function lostRegistration(why: string): void {
    if (!registration) return;
    log("warn", `${why}: the VTN no longer knows this VEN; registering again`);
    registration = undefined;
    reports.clear();
    wake();
  }

  function reregisterNow(why: string): void {
    log("info", `${why}: re-registering`);
    reregister = true;
    wake();
  }

  function cancelledByVtn(): void {
    log("info", "the VTN cancelled this VEN's registration: stopping");
    registration = undefined;
    events.clear();
    reports.clear();
    stopping = true;
    wake();
    endedBySelf();
  }

  // ---- what the VTN sends a VEN (from a poll or pushed)

  async function distribute(req: OadrDistributeEventType): Promise<void> {
    if (!registration) return;
    try {
      const { created, answers } = await events.distribute(
        req,
        registration.vtnID,
        registration.venID,
        req.requestID,
      );
      if (created && !(await sendAnswer("EiEvent", "oadrCreatedEvent", created)))
        events.unanswered(answers);
    } catch (e) {
      if (!(e instanceof EiFault)) throw e;
      log("warn", `oadrDistributeEvent refused: ${e.path}: ${e.message}`);
      await sendAnswer("EiEvent", "oadrCreatedEvent", {
        eiCreatedEvent: {
          eiResponse: faultResponse("openadr2b", req.requestID, e),
          venID: registration.venID,
        },
      });
    }
  }

  /** Handles one message the VTN handed over in a poll; false when it had nothing. */
  async function onPolled(reply: Payload | undefined): Promise<boolean> {
    if (!reply || !registration) return false;
    const P = "/oadrPayload/oadrSignedObject";
    const v = reply.value;
    switch (reply.element) {
      case "oadr:oadrResponse": {
        const code = codeOf(reply);
        if (code === "463") lostRegistration("oadrPoll refused with 463");
        else if (!ok2xx(code))
          log("warn", `the VTN refused our oadrPoll: ${describe(v.eiResponse as EiResponseType)}`);
        return false;
      }
      case "oadr:oadrDistributeEvent":
        await distribute(v as unknown as OadrDistributeEventType);
        return true;
      case "oadr:oadrCreateReport": {
        const req = v as unknown as OadrCreateReportType;
        const created = reports.createReport(
          listOf(req.oadrReportRequest),
          req.requestID,
          `${P}/oadrCreateReport`,
        );
        await sendAnswer("EiReport", "oadrCreatedReport", created);
        return true;
      }
      case "oadr:oadrRegisterReport":
        // the VTN's own reports: this VEN requests none
        await sendAnswer("EiReport", "oadrRegisteredReport", {
          eiResponse: eiResponse("openadr2b", String(v.requestID ?? ""), "ok"),
          venID: registration.venID,
        });
        return true;
      case "oadr:oadrCancelReport": {
        const req = v as unknown as OadrCancelReportType;
        const canceled = reports.cancelReport(req, req.requestID, `${P}/oadrCancelReport`);
        await sendAnswer("EiReport", "oadrCanceledReport", canceled);
        return true;
      }
      case "oadr:oadrRequestReregistration":
        await sendAnswer("EiRegisterParty", "oadrResponse", {
          eiResponse: eiResponse("openadr2b", "", "ok"),
          venID: registration.venID,
        });
        reregisterNow("the VTN asked for a re-registration");
        return true;
      case "oadr:oadrCancelPartyRegistration": {
        const req = v as unknown as OadrCancelPartyRegistrationType;
        const answer = cancelRegistration(req);
        await sendAnswer("EiRegisterParty", "oadrCanceledPartyRegistration", answer);
        if (ok2xx(answer.eiResponse.responseCode)) cancelledByVtn();
        return true;
      }
      default:
        log(
          "warn",
          `oadrPoll handed over ${local(reply.element)}, which a VEN does not take: ignored`,
        );
        return true;
    }
  }

  function cancelRegistration(req: OadrCancelPartyRegistrationType) {
    const held = registration as NonNullable<typeof registration>;
    const fault =
      req.registrationID !== held.registrationID
        ? new EiFault(
            "invalidId",
            `this VEN holds registration ${held.registrationID}, not ${req.registrationID}`,
            "/oadrPayload/oadrSignedObject/oadrCancelPartyRegistration/registrationID",
          )
        : undefined;
    return {
      eiResponse: fault
        ? faultResponse("openadr2b", req.requestID, fault)
        : eiResponse("openadr2b", req.requestID, "ok"),
      registrationID: req.registrationID,
      venID: held.venID,
    };
  }

  // ---- oadrUpdateReport

  async function sendUpdate(report: OadrReportType): Promise<boolean> {
    if (!registration) return false;
    let reply: Payload | undefined;
    try {
      reply = await exchange("EiReport", "oadrUpdateReport", {
        requestID: nextId("update-report"),
        oadrReport: [report],
        venID: registration.venID,
      });
    } catch (e) {
      if (!(e instanceof PeerError)) throw e;
      log(
        "warn",
        `oadrUpdateReport for ${report.reportRequestID}: ${e.message}; the data goes with the next update`,
      );
      return false;
    }
    if (reply?.element === "oadr:oadrRequestReregistration") {
      reregisterNow("the VTN answered oadrUpdateReport with oadrRequestReregistration");
      return false;
    }
    const code = codeOf(reply);
    if (reply && code !== undefined && !ok2xx(code)) {
      log(
        "warn",
        `the VTN refused oadrUpdateReport for ${report.reportRequestID}: ${describe(reply.value.eiResponse as EiResponseType)}`,
      );
      if (code === "463") lostRegistration("oadrUpdateReport refused with 463");
      return false;
    }
    const n = report.intervals?.interval.length ?? 0;
    log("info", `oadrUpdateReport for ${report.reportRequestID}: ${n} interval(s) acknowledged`);
    // the VTN may cancel report requests in its acknowledgement
    const cancel = (reply?.value as OadrUpdatedReportType | undefined)?.oadrCancelReport;
    if (cancel) {
      const canceled = reports.cancelReport(
        cancel,
        cancel.requestID,
        "/oadrPayload/oadrSignedObject/oadrUpdatedReport/oadrCancelReport",
      );
      void sendAnswer("EiReport", "oadrCanceledReport", canceled);
    }
    return true;
  }

  // ---- push mode: the VEN's own endpoint

  let server: RunningEiServer | undefined;
  let pushAddress: string | undefined;
  if (options.push) {
    const signature =
      options.signing || options.verify
        ? xmlSignature({
            ...(options.signing ? { sign: options.signing } : {}),
            ...(options.verify ? { verify: options.verify } : {}),
          })
        : undefined;
    const dispatcher = createDispatcher({
      profile: "openadr2b",
      role: "ven",
      implementations: pushServices(),
      ...(signature ? { signature } : {}),
    });
    server = await startEiServer({ dispatcher, host: options.push.host, port: options.push.port });
    pushAddress = options.push.transportAddress ?? server.url;
    log("info", `listening for the VTN's messages on ${server.url}`);
  }

  function registered(path: string) {
    if (!registration) throw new EiFault("notRegistered", "this VEN is not registered", path);
    return registration;
  }

  function pushServices(): ServiceImplementations {
    const P = "/oadrPayload/oadrSignedObject";
    return {
      EiEvent: {
        async distributeEvent(req, ctx) {
          const r = registered(`${P}/oadrDistributeEvent`);
          const { created } = await events.distribute(req, r.vtnID, r.venID, ctx.requestID);
          return created
            ? { element: "oadr:oadrCreatedEvent", value: created }
            : {
                element: "oadr:oadrResponse",
                value: { eiResponse: eiResponse(ctx.profile, ctx.requestID, "ok"), venID: r.venID },
              };
        },
      },
      EiReport: {
        registerReport(_req, ctx) {
          const r = registered(`${P}/oadrRegisterReport`);
          return { eiResponse: eiResponse(ctx.profile, ctx.requestID, "ok"), venID: r.venID };
        },
        createReport(req, ctx) {
          registered(`${P}/oadrCreateReport`);
          return reports.createReport(
            listOf(req.oadrReportRequest),
            ctx.requestID,
            `${P}/oadrCreateReport`,
          );
        },
        updateReport(req, ctx) {
          const r = registered(`${P}/oadrUpdateReport`);
          const fault = new EiFault(
            "invalidId",
            "this VEN requested no reports of the VTN",
            `${P}/oadrUpdateReport`,
          );
          return {
            eiResponse: listOf(req.oadrReport).length
              ? faultResponse(ctx.profile, ctx.requestID, fault)
              : eiResponse(ctx.profile, ctx.requestID, "ok"),
            venID: r.venID,
          };
        },
        cancelReport(req, ctx) {
          registered(`${P}/oadrCancelReport`);
          return reports.cancelReport(req, ctx.requestID, `${P}/oadrCancelReport`);
        },
        updatedReport(req, ctx) {
          const r = registered(`${P}/oadrUpdatedReport`);
          if (req.oadrCancelReport)
            reports.cancelReport(
              req.oadrCancelReport,
              ctx.requestID,
              `${P}/oadrUpdatedReport/oadrCancelReport`,
            );
          return {
            element: "oadr:oadrResponse",
            value: { eiResponse: eiResponse(ctx.profile, ctx.requestID, "ok"), venID: r.venID },
          };
        },
      },
      EiRegisterParty: {
        cancelPartyRegistration(req: OadrCancelPartyRegistrationType) {
          registered(`${P}/oadrCancelPartyRegistration`);
          const answer = cancelRegistration(req);
          if (ok2xx(answer.eiResponse.responseCode)) setImmediate(cancelledByVtn);
          return answer;
        },
        requestReregistration(_req, ctx) {
          const r = registered(`${P}/oadrRequestReregistration`);
          setImmediate(() => reregisterNow("the VTN asked for a re-registration"));
          return { eiResponse: eiResponse(ctx.profile, ctx.requestID, "ok"), venID: r.venID };
        },
      },
    } as ServiceImplementations;
  }

  // ---- the main loop

  async function loop(): Promise<void> {
    let failures = 0;
    while (!stopping) {
      try {
        if (!registration || reregister) {
          await register();
          failures = 0;
          continue;
        }
        if (!reportsRegistered) await registerReports();
        if (pushAddress) {
          // push: the VTN comes to us; wake up for re-registrations and stops
          await sleep(pollMs);
          continue;
        }
        const reply = await exchange("OadrPoll", "oadrPoll", { venID: registration.venID });
        failures = 0;
        // keep polling while the VTN has messages (2.0b: until it answers oadrResponse)
        if (!(await onPolled(reply))) await sleep(pollMs);
      } catch (e) {
        if (stopping) break;
        const wait = backoffDelay(failures++, options.backoff);
        const what =
          e instanceof PeerError
            ? e.message
            : `internal error: ${(e as Error)?.message ?? String(e)}`;
        log(e instanceof PeerError ? "warn" : "error", `${what}; retrying in ${wait} ms`);
        await sleep(wait);
      }
    }
  }

  const running = loop();
  const stats = (): VenStats => ({
    registered: registration !== undefined,
    ...(registration
      ? {
          venID: registration.venID,
          vtnID: registration.vtnID,
          registrationID: registration.registrationID,
        }
      : venID
        ? { venID }
        : {}),
    eventsReceived: events.received.size,
    eventsOptedIn: events.optedIn.size,
    reportsSent: reports.sent(),
  });

  let stopped: Promise<VenStats> | undefined;
  return {
    ...(server ? { pushUrl: server.url } : {}),
    stats,
    ended,
    whenRegistered() {
      if (registration) return Promise.resolve(stats());
      return new Promise((resolve) => registeredWaiters.push(() => resolve(stats())));
    },
    stop() {
      stopped ??= (async () => {
        stopping = true;
        wake();
        reports.clear();
        // a request in flight gets a moment to finish; its answer is not waited for beyond that
        await Promise.race([running, new Promise((r) => setTimeout(r, 2_000).unref())]);
        await server?.close();
        await client.close();
        return stats();
      })();
      return stopped;
    },
  };
}

/** What went wrong on the wire, in words (fetch reports most of it as "fetch failed" with a cause). */
function transportProblem(e: unknown, timeoutMs: number): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err.name === "TimeoutError" || err.name === "AbortError")
    return `no answer within ${timeoutMs} ms`;
  const code = err.cause?.code;
  const words: Record<string, string> = {
    ECONNREFUSED: "connection refused",
    ECONNRESET: "connection reset by the VTN",
    UND_ERR_SOCKET: "the VTN closed the connection without an answer",
    ENOTFOUND: "host not found",
    EAI_AGAIN: "host name lookup failed",
    EHOSTUNREACH: "host unreachable",
    ETIMEDOUT: "connection timed out",
    UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  };
  if (code && words[code]) return `${words[code]} (${code})`;
  const detail = err.cause?.message ?? err.message;
  return code ? `${detail} (${code})` : detail;
}

function firstLine(s: string): string {
  return s.trim().split("\n")[0] ?? "";
}
