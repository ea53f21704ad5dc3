/**
 * `transactive serve` as an OpenADR 2.0b VTN (the default profile and role): @transactive/vtn's
 * startVtn with the VTN options (--vtn-id, --poll-freq, --event, --request-reports) and the admin
 * API's credentials (--admin-token, --admin-token-file, --admin-cert, --admin-insecure-loopback).
 */
import { X509Certificate } from "node:crypto";
import type { DispatcherSignature } from "@transactive/ei";
import type { EiServerTls } from "@transactive/ei-node";
import {
  type AdminAuth,
  DEFAULT_VTN_ID,
  durationSeconds,
  type EventInput,
  isLoopbackHost,
  type RunningVtn,
  readEventInput,
  startVtn,
  VtnError,
} from "@transactive/vtn";
import { EXIT, type ExitCode, type Io, UsageError } from "./io.js";
import { certificate, readFlag, untilStopped } from "./pem.js";

/** What serve.ts has checked already, and the raw VTN flags. */
export interface ServeVtnOptions {
  readonly port: number;
  readonly host: string;
  readonly maxBodyBytes: number;
  readonly values: Readonly<Record<string, string | boolean | readonly string[] | undefined>>;
  readonly tls?: EiServerTls;
  readonly signature?: DispatcherSignature;
  readonly signing?: { readonly key: Buffer; readonly cert: Buffer };
  readonly trust?: readonly Buffer[];
}

/** Shortest admin token accepted: a guessable token is no protection. */
const MIN_TOKEN_LENGTH = 16;

export async function serveVtn(o: ServeVtnOptions, io: Io): Promise<ExitCode> {
  const v = o.values as Record<string, never>;
  const vtnID = (v["vtn-id"] as string | undefined) ?? DEFAULT_VTN_ID;
  if (!vtnID.trim()) throw new UsageError("--vtn-id must not be empty");
  const pollFrequency = duration("--poll-freq", v["poll-freq"] as string | undefined) ?? "PT10S";
  const requestReports = duration("--request-reports", v["request-reports"] as string | undefined);
  const admin = adminAuth(o, v);

  const now = new Date();
  const events: EventInput[] = [];
  for (const file of (v.event as readonly string[] | undefined) ?? []) {
    try {
      events.push(...readEventInput(readFlag("--event", file), now));
    } catch (e) {
      if (!(e instanceof VtnError)) throw e;
      io.stderr(`transactive serve: --event ${file}: ${e.message}\n`);
      return EXIT.invalid;
    }
  }

  let running: RunningVtn;
  try {
    running = await startVtn({
      vtnID,
      pollFrequency,
      port: o.port,
      host: o.host,
      maxBodyBytes: o.maxBodyBytes,
      ...(v["market-context"] !== undefined
        ? { marketContext: v["market-context"] as string }
        : {}),
      ...(requestReports !== undefined
        ? { requestReportsOnRegister: { granularity: requestReports } }
        : {}),
      ...(o.tls ? { tls: o.tls } : {}),
      ...(o.signature ? { signature: o.signature } : {}),
      ...(admin ? { admin } : {}),
      ...(events.length ? { events } : {}),
      push: {
        ...(o.signing
          ? { signing: { privateKey: o.signing.key, certificate: o.signing.cert } }
          : {}),
        ...(o.trust ? { verify: { trustedCertificates: [...o.trust] } } : {}),
        // pushing over HTTPS presents the VTN's own certificate and trusts its client CA
        ...(o.tls
          ? {
              tls: {
                cert: o.tls.cert,
                key: o.tls.key,
                ...(o.tls.ca ? { ca: o.tls.ca as Buffer } : {}),
              },
            }
          : {}),
      },
      log: (line) => io.stderr(`transactive serve: ${line}\n`),
    });
  } catch (e) {
    if (e instanceof VtnError) {
      if (e.code === "invalid-event") {
        io.stderr(`transactive serve: --event: ${e.message}\n`);
        return EXIT.invalid;
      }
      throw new UsageError(e.message);
    }
    const err = e as NodeJS.ErrnoException;
    if (["EADDRINUSE", "EACCES", "EADDRNOTAVAIL", "ENOTFOUND"].includes(err.code ?? ""))
      throw new UsageError(`cannot listen on ${o.host}:${o.port}: ${err.code}`);
    throw new UsageError(`cannot start the server: ${(err.message ?? String(e)).split("\n")[0]}`);
  }

  const width = Math.max(...running.services.map((s) => s.name.length));
  io.stdout(`transactive serve: openadr2b VTN ${vtnID} services on ${running.url}\n`);
  for (const s of running.services) io.stdout(`  ${s.name.padEnd(width)}  ${s.url}\n`);
  io.stdout(`VENs are asked to poll every ${pollFrequency}.\n`);
  if (running.adminUrl)
    io.stdout(
      `Admin API: ${running.adminUrl} (${admin?.unauthenticated ? "no credentials: loopback only" : "bearer token or admin client certificate"}; "transactive admin --help")\n`,
    );
  else
    io.stdout(
      "Admin API: off (turn it on with --admin-token-file F, --admin-token T or --admin-cert F)\n",
    );
  for (const e of running.vtn.events())
    io.stdout(
      `Published event ${e.eventID} (modification ${e.modificationNumber}, ${e.eventStatus}) for ${e.venIDs?.join(", ") ?? "every VEN"}\n`,
    );
  if (!/[A-Z]/.test(vtnID) || /^(-?[\d.]+|true|false)$/.test(vtnID))
    io.stderr(
      `transactive serve: note: vtnID "${vtnID}" ${/[A-Z]/.test(vtnID) ? "looks like a number or a boolean" : "has no uppercase letter"}; some VENs (openleadr-python 0.5.34) mishandle such IDs and refuse the VTN's events (docs/vtn-ven.md)\n`,
    );
  if (o.signature?.sign) io.stdout("Answers are signed (XML Signature).\n");
  if (o.signature?.verify)
    io.stdout(
      `Requests must be signed by a certificate issued by one of ${o.trust?.length} trusted CA(s).\n`,
    );
  io.stdout("Stop with Ctrl+C.\n");

  const signal = await untilStopped();
  await running.close();
  io.stderr(`transactive serve: stopped (${signal})\n`);
  return EXIT.ok;
}

function duration(flag: string, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const s = durationSeconds(text);
  if (s === undefined || s <= 0)
    throw new UsageError(
      `${flag} must be a positive duration such as PT10S or PT1M, not "${text}"`,
    );
  return text;
}

function adminAuth(o: ServeVtnOptions, v: Record<string, unknown>): AdminAuth | undefined {
  const tokens: string[] = [];
  const given = v["admin-token"] as string | undefined;
  const file = v["admin-token-file"] as string | undefined;
  if (given !== undefined) tokens.push(given);
  if (file !== undefined) tokens.push(readFlag("--admin-token-file", file).toString("utf8").trim());
  const env = process.env.TRANSACTIVE_ADMIN_TOKEN;
  if (given === undefined && file === undefined && env) tokens.push(env.trim());
  for (const t of tokens)
    if (t.length < MIN_TOKEN_LENGTH || /\s/.test(t))
      throw new UsageError(
        `the admin token must be at least ${MIN_TOKEN_LENGTH} characters without spaces (e.g. "openssl rand -hex 32")`,
      );
  const certs = (v["admin-cert"] as readonly string[] | undefined) ?? [];
  if (certs.length && o.tls?.ca === undefined)
    throw new UsageError(
      "--admin-cert needs HTTPS with client certificates: --tls-key, --tls-cert and --tls-ca",
    );
  const certificateFingerprints = certs.map(
    (f) => new X509Certificate(certificate("--admin-cert", f)).fingerprint256,
  );
  const insecure = v["admin-insecure-loopback"] === true;
  if (insecure && !isLoopbackHost(o.host))
    throw new UsageError(
      `--admin-insecure-loopback is refused on ${o.host}: it is not a loopback host (give --admin-token-file or --admin-cert)`,
    );
  if (!tokens.length && !certs.length && !insecure) return undefined;
  return {
    ...(tokens.length ? { tokens } : {}),
    ...(certificateFingerprints.length ? { certificateFingerprints } : {}),
    ...(insecure && !tokens.length && !certs.length ? { unauthenticated: true } : {}),
  };
}
