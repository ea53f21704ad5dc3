/**
 * `transactive serve [--port N] [--host H] [--profile openadr2b|cts] [TLS options]`: runs an
 * OpenADR 2.0b VTN people can operate (@transactive/vtn: events, report requests, admin API), or
 * with --role ven / --profile cts the in-memory reference services (createReferenceDispatcher), on
 * the HTTP binding; prints the URL of each service, and stops on SIGINT or SIGTERM.
 */
import { parseArgs } from "node:util";
import { type DispatcherSignature, type ReferenceRole, ROLES } from "@transactive/ei";
import { createReferenceDispatcher } from "@transactive/ei/reference";
import { type EiServerTls, startEiServer, xmlSignature } from "@transactive/ei-node";
import { EXIT, type ExitCode, type Io, UsageError } from "./io.js";
import { certificate, keyPair, untilStopped } from "./pem.js";
import { type ServeVtnOptions, serveVtn } from "./serve-vtn.js";

const MARKET_FLAGS = ["interval", "mechanism", "market-party-id", "currency"] as const;

export const SERVE_HELP = `  serve [--port N] [--host H] [--profile openadr2b|cts] [--role vtn|ven|market] [--max-body BYTES]
        [--tls-key F --tls-cert F [--tls-ca F]]
        [--sign-key F --sign-cert F] [--trust-ca F ...]
      Run the in-memory reference services (an OpenADR 2.0b VTN, or with --role ven
      an OpenADR 2.0b VEN's push endpoint; or a CTS market) over HTTP and print each
      service's URL; stop with Ctrl+C (SIGINT) or SIGTERM.
      Defaults: port 8080, host 127.0.0.1, profile openadr2b, 1 MiB bodies. With
      --tls-key/--tls-cert it serves HTTPS; --tls-ca also requires client
      certificates issued by that CA (docs/tls.md). --port 0 picks a free port.
      OpenADR 2.0b XML Signature: --sign-key/--sign-cert sign every answer;
      --trust-ca (repeatable) requires every request to be an oadrPayload whose
      ds:Signature verifies against one of those CAs (else responseCode 463).
      With either, JSON requests are refused (a signature covers XML bytes).
      VTN (openadr2b, role vtn) options:
        --vtn-id ID            vtnID (default TransactiveVTN; see docs/vtn-ven.md)
        --poll-freq DURATION   oadrRequestedOadrPollFreq for VENs (default PT10S)
        --event FILE           publish the event(s) in FILE at start (repeatable): an
                               oadrDistributeEvent payload, a bare ei:eiEvent (XML or
                               JSON) or an event description (JSON, docs/vtn-ven.md)
        --market-context URI   market context of described events that name none
        --request-reports DURATION
                               request every report a VEN registers at this sampling
                               period, inside oadrRegisteredReport (if its rates admit it)
        --admin-token TOKEN    turn on the admin API (/admin) with this bearer token
        --admin-token-file F   ... with the token in F (or TRANSACTIVE_ADMIN_TOKEN)
        --admin-cert F         ... for the holder of this client certificate (PEM;
                               repeatable; needs --tls-ca)
        --admin-insecure-loopback
                               admin API without credentials: loopback hosts only
      The admin API is off unless one of the admin options is given.
      CTS market (profile cts, role market): without --interval, the reference
      market (a record store: tenders, transactions, quotes, deliveries as sent).
      With --interval, a live market (@transactive/market) that clears:
        --interval DURATION    delivery interval (e.g. PT5S, PT5M); each interval is
                               cleared on the wall clock at its gate closure
        --mechanism call|cda   uniform-price call auction (default) or continuous
                               double auction
        --market-context URI   its market context (default http://market.example.com/cts/live)
        --market-party-id ID   its party ID: tenders' counterPartyID (default market)
        --currency CODE        ISO 4217 currency of prices (default USD)
`;

const PROFILES = ["openadr2b", "cts"] as const;

export async function serveCommand(args: readonly string[], io: Io): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      port: { type: "string" },
      host: { type: "string" },
      profile: { type: "string" },
      role: { type: "string" },
      "max-body": { type: "string" },
      "tls-key": { type: "string" },
      "tls-cert": { type: "string" },
      "tls-ca": { type: "string" },
      "sign-key": { type: "string" },
      "sign-cert": { type: "string" },
      "trust-ca": { type: "string", multiple: true },
      "vtn-id": { type: "string" },
      "poll-freq": { type: "string" },
      event: { type: "string", multiple: true },
      "market-context": { type: "string" },
      "request-reports": { type: "string" },
      "admin-token": { type: "string" },
      "admin-token-file": { type: "string" },
      "admin-cert": { type: "string", multiple: true },
      "admin-insecure-loopback": { type: "boolean" },
      interval: { type: "string" },
      mechanism: { type: "string" },
      "market-party-id": { type: "string" },
      currency: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(SERVE_HELP);
    return EXIT.ok;
  }
  if (positionals.length)
    throw new UsageError(`serve takes no file arguments, got ${positionals.join(" ")}`);
  const port = integer("--port", values.port ?? "8080", 0, 65_535);
  const maxBodyBytes = integer("--max-body", values["max-body"] ?? String(1024 * 1024), 1, 2 ** 31);
  const profile = values.profile ?? "openadr2b";
  if (!(PROFILES as readonly string[]).includes(profile))
    throw new UsageError(`serve --profile must be ${PROFILES.join(" or ")}, not "${profile}"`);
  const role = values.role ?? (profile === "cts" ? "market" : "vtn");
  const roles = Object.entries(ROLES)
    .filter(([, r]) => r.profile === profile)
    .map(([name]) => name);
  if (!roles.includes(role))
    throw new UsageError(
      `serve --role for ${profile} must be ${roles.join(" or ")}, not "${role}"`,
    );
  const tls = tlsOptions(values["tls-key"], values["tls-cert"], values["tls-ca"]);
  const signature = signatureOptions(
    profile,
    values["sign-key"],
    values["sign-cert"],
    values["trust-ca"],
  );
  const live = profile === "cts" && role === "market" && values.interval !== undefined;
  if (!live) {
    const given = MARKET_FLAGS.find((f) => values[f] !== undefined);
    if (given)
      throw new UsageError(
        `--${given} is an option of the live CTS market (serve --profile cts --role market --interval D)`,
      );
  } else {
    if (tls || signature)
      throw new UsageError("the live CTS market serves plain HTTP only (no TLS options yet)");
    const mechanism = values.mechanism ?? "call";
    if (mechanism !== "call" && mechanism !== "cda")
      throw new UsageError(`--mechanism must be call or cda, not "${mechanism}"`);
    const { serveMarket } = await import("./serve-market.js");
    return serveMarket(
      {
        port,
        host: values.host ?? "127.0.0.1",
        maxBodyBytes,
        interval: values.interval as string,
        mechanism,
        marketContext: values["market-context"] ?? "http://market.example.com/cts/live",
        marketPartyID: values["market-party-id"] ?? "market",
        currency: values.currency ?? "USD",
      },
      io,
    );
  }
  const vtnFlags = [
    "vtn-id",
    "poll-freq",
    "event",
    "market-context",
    "request-reports",
    "admin-token",
    "admin-token-file",
    "admin-cert",
    "admin-insecure-loopback",
  ] as const;
  if (profile !== "openadr2b" || role !== "vtn") {
    const given = vtnFlags.find((f) => values[f] !== undefined);
    if (given)
      throw new UsageError(
        `--${given} is an option of the OpenADR 2.0b VTN, not of ${profile} ${role}`,
      );
  } else {
    const options: ServeVtnOptions = {
      port,
      host: values.host ?? "127.0.0.1",
      maxBodyBytes,
      values,
      ...(tls ? { tls } : {}),
      ...(signature ? { signature } : {}),
      ...(values["sign-key"] !== undefined && values["sign-cert"] !== undefined
        ? { signing: keyPair("--sign-key", values["sign-key"], "--sign-cert", values["sign-cert"]) }
        : {}),
      ...(values["trust-ca"]?.length
        ? { trust: values["trust-ca"].map((f) => certificate("--trust-ca", f)) }
        : {}),
    };
    return serveVtn(options, io);
  }

  // one limit for both: the server refuses early, the dispatcher would refuse the same bodies
  const dispatcher = createReferenceDispatcher({
    profile: profile as (typeof PROFILES)[number],
    role: role as ReferenceRole,
    maxBytes: maxBodyBytes,
    ...(signature ? { signature } : {}),
  });
  let server: Awaited<ReturnType<typeof startEiServer>>;
  try {
    // startEiServer prepares the dispatcher (codec plans, validators) before it listens
    server = await startEiServer({
      dispatcher,
      port,
      host: values.host ?? "127.0.0.1",
      maxBodyBytes,
      ...(tls ? { tls } : {}),
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (
      err.code === "EADDRINUSE" ||
      err.code === "EACCES" ||
      err.code === "EADDRNOTAVAIL" ||
      err.code === "ENOTFOUND"
    )
      throw new UsageError(`cannot listen on ${values.host ?? "127.0.0.1"}:${port}: ${err.code}`);
    // anything else Node refuses at start-up (a TLS key the checks above let through…)
    throw new UsageError(`cannot start the server: ${err.message.split("\n")[0]}`);
  }
  const width = Math.max(...server.services.map((s) => s.name.length));
  io.stdout(
    `transactive serve: ${profile} reference ${role.toUpperCase()} services on ${server.url}\n`,
  );
  for (const s of server.services) io.stdout(`  ${s.name.padEnd(width)}  ${s.url}\n`);
  if (signature?.sign) io.stdout("Answers are signed (XML Signature).\n");
  if (signature?.verify)
    io.stdout(
      `Requests must be signed by a certificate issued by one of ${values["trust-ca"]?.length} trusted CA(s).\n`,
    );
  io.stdout("Stop with Ctrl+C.\n");

  const signal = await untilStopped();
  await server.close();
  io.stderr(`transactive serve: stopped (${signal})\n`);
  return EXIT.ok;
}

export function integer(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max)
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}, not "${text}"`);
  return n;
}

function signatureOptions(
  profile: string,
  key?: string,
  cert?: string,
  trust?: readonly string[],
): DispatcherSignature | undefined {
  if (key === undefined && cert === undefined && !trust?.length) return undefined;
  if (profile !== "openadr2b")
    throw new UsageError(
      "--sign-key, --sign-cert and --trust-ca are OpenADR 2.0b XML Signature options; CTS has no signature",
    );
  if ((key === undefined) !== (cert === undefined))
    throw new UsageError("signing needs both --sign-key and --sign-cert");
  const sign =
    key !== undefined && cert !== undefined
      ? keyPair("--sign-key", key, "--sign-cert", cert)
      : undefined;
  return xmlSignature({
    ...(sign ? { sign: { privateKey: sign.key, certificate: sign.cert } } : {}),
    ...(trust?.length
      ? { verify: { trustedCertificates: trust.map((f) => certificate("--trust-ca", f)) } }
      : {}),
  });
}

function tlsOptions(key?: string, cert?: string, ca?: string): EiServerTls | undefined {
  if (key === undefined && cert === undefined && ca === undefined) return undefined;
  if (key === undefined || cert === undefined)
    throw new UsageError("HTTPS needs both --tls-key and --tls-cert");
  const pair = keyPair("--tls-key", key, "--tls-cert", cert);
  return {
    key: pair.key,
    cert: pair.cert,
    ...(ca === undefined ? {} : { ca: certificate("--tls-ca", ca) }),
  };
}
