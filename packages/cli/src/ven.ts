/**
 * `transactive ven --vtn URL [...]`: runs an OpenADR 2.0b VEN (@transactive/ven) against a VTN,
 * logging one line per event on stderr, until SIGINT, SIGTERM, --duration or the VTN cancelling
 * its registration; then prints the one-line summary on stdout:
 * `registered: yes|no, events: N received / M opted in, reports: K sent`.
 */
import { parseArgs } from "node:util";
import {
  commandValues,
  DEFAULT_OFFER,
  DurationError,
  durationMs,
  fileValues,
  formatSummary,
  LOG_LEVELS,
  type LogLevel,
  lineLogger,
  OptPolicyError,
  parseOptPolicy,
  simulatedMeter,
  startVen,
  type VenOptions,
} from "@transactive/ven";
import { EXIT, type ExitCode, type Io, UsageError } from "./io.js";
import { certificate, keyPair } from "./pem.js";

export const VEN_HELP = `  ven --vtn URL [--ven-name N] [--ven-id ID] [--profile 2.0b]
      [--tls-ca F] [--tls-cert F --tls-key F]
      [--sign-key F --sign-cert F] [--trust-ca F ...]
      [--report-file F | --report-command CMD] [--sampling-min D] [--sampling-max D]
      [--opt always|never|by-signal:NAME[,NAME...]|command:CMD]
      [--push-listen HOST:PORT [--push-url URL]]
      [--duration S] [--timeout S] [--log-level error|warn|info|debug]
      Run an OpenADR 2.0b VEN (simple HTTP) against the VTN at URL: it registers,
      offers a TELEMETRY_USAGE report (rIDs power in kW, energy in kWh), polls at
      the VTN's oadrRequestedOadrPollFreq, answers events by the --opt policy
      (default always) and sends oadrUpdateReport for every report request, with
      values from --report-file (CSV or JSON, re-read at each sample),
      --report-command (JSON on stdin/stdout) or a simulated meter (default).
      --push-listen: push mode, the VTN posts to this VEN's own endpoint.
      --trust-ca (repeatable): answers must carry an XML Signature by one of these
      CAs. Peer errors are logged on stderr and retried with backoff.
      Stops on Ctrl+C, SIGTERM, after --duration seconds, or when the VTN cancels
      the registration, and prints on stdout:
        registered: yes|no, events: N received / M opted in, reports: K sent
`;

export async function venCommand(args: readonly string[], io: Io): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      vtn: { type: "string" },
      "ven-name": { type: "string" },
      "ven-id": { type: "string" },
      profile: { type: "string" },
      "tls-ca": { type: "string" },
      "tls-cert": { type: "string" },
      "tls-key": { type: "string" },
      "sign-key": { type: "string" },
      "sign-cert": { type: "string" },
      "trust-ca": { type: "string", multiple: true },
      "report-file": { type: "string" },
      "report-command": { type: "string" },
      "sampling-min": { type: "string" },
      "sampling-max": { type: "string" },
      opt: { type: "string" },
      "push-listen": { type: "string" },
      "push-url": { type: "string" },
      duration: { type: "string" },
      timeout: { type: "string" },
      "log-level": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(VEN_HELP);
    return EXIT.ok;
  }
  if (positionals.length)
    throw new UsageError(`ven takes no file arguments, got ${positionals.join(" ")}`);
  if (values.vtn === undefined) throw new UsageError("ven needs --vtn URL (the VTN's base URL)");
  let vtnUrl: URL;
  try {
    vtnUrl = new URL(values.vtn);
  } catch {
    throw new UsageError(`--vtn must be a URL such as http://127.0.0.1:8080, not "${values.vtn}"`);
  }
  if (vtnUrl.protocol !== "http:" && vtnUrl.protocol !== "https:")
    throw new UsageError(`--vtn must be an http: or https: URL, not ${vtnUrl.protocol}`);
  const profile = values.profile ?? "2.0b";
  if (profile !== "2.0b" && profile !== "openadr2b")
    throw new UsageError(`ven --profile must be 2.0b (OpenADR 2.0b simple HTTP), not "${profile}"`);
  const level = (values["log-level"] ?? "info") as LogLevel;
  if (!LOG_LEVELS.includes(level))
    throw new UsageError(`--log-level must be ${LOG_LEVELS.join(", ")}, not "${level}"`);
  if (values["report-file"] !== undefined && values["report-command"] !== undefined)
    throw new UsageError("give --report-file or --report-command, not both");
  const duration =
    values.duration === undefined ? undefined : seconds("--duration", values.duration);
  const timeout = values.timeout === undefined ? undefined : seconds("--timeout", values.timeout);
  let opt: VenOptions["opt"];
  try {
    opt = values.opt === undefined ? undefined : parseOptPolicy(values.opt);
  } catch (e) {
    if (e instanceof OptPolicyError) throw new UsageError(e.message);
    throw e;
  }
  const minPeriodMs = period("--sampling-min", values["sampling-min"], DEFAULT_OFFER.minPeriodMs);
  const maxPeriodMs = period("--sampling-max", values["sampling-max"], DEFAULT_OFFER.maxPeriodMs);
  if (minPeriodMs > maxPeriodMs)
    throw new UsageError("--sampling-min must not be longer than --sampling-max");
  const push = pushOptions(values["push-listen"], values["push-url"]);
  if ((values["tls-cert"] === undefined) !== (values["tls-key"] === undefined))
    throw new UsageError("a client certificate needs both --tls-cert and --tls-key");
  if ((values["sign-key"] === undefined) !== (values["sign-cert"] === undefined))
    throw new UsageError("signing needs both --sign-key and --sign-cert");
  const tls =
    values["tls-ca"] !== undefined || values["tls-cert"] !== undefined
      ? {
          ...(values["tls-ca"] !== undefined
            ? { ca: certificate("--tls-ca", values["tls-ca"]) }
            : {}),
          ...(values["tls-cert"] !== undefined && values["tls-key"] !== undefined
            ? keyPair("--tls-key", values["tls-key"], "--tls-cert", values["tls-cert"])
            : {}),
        }
      : undefined;
  const signPair =
    values["sign-key"] !== undefined && values["sign-cert"] !== undefined
      ? keyPair("--sign-key", values["sign-key"], "--sign-cert", values["sign-cert"])
      : undefined;
  const trust = values["trust-ca"]?.map((f) => certificate("--trust-ca", f));
  const source =
    values["report-file"] !== undefined
      ? fileValues(values["report-file"])
      : values["report-command"] !== undefined
        ? commandValues(values["report-command"])
        : simulatedMeter();

  const log = lineLogger((line) => io.stderr(line), level);
  let ven: Awaited<ReturnType<typeof startVen>>;
  try {
    ven = await startVen({
      vtnUrl,
      ...(values["ven-name"] !== undefined ? { venName: values["ven-name"] } : {}),
      ...(values["ven-id"] !== undefined ? { venID: values["ven-id"] } : {}),
      ...(tls ? { tls } : {}),
      ...(signPair ? { signing: { privateKey: signPair.key, certificate: signPair.cert } } : {}),
      ...(trust?.length ? { verify: { trustedCertificates: trust } } : {}),
      ...(timeout !== undefined ? { timeoutMs: timeout * 1000 } : {}),
      ...(opt ? { opt } : {}),
      values: source,
      offer: { ...DEFAULT_OFFER, minPeriodMs, maxPeriodMs },
      ...(push ? { push } : {}),
      log,
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "EADDRINUSE" || err.code === "EACCES" || err.code === "EADDRNOTAVAIL")
      throw new UsageError(`cannot listen on ${values["push-listen"]}: ${err.code}`);
    throw e;
  }
  log(
    "info",
    `VEN for ${vtnUrl.origin} (${ven.pushUrl ? `push, listening on ${ven.pushUrl}` : "pull"}); values from ${source.describe}${duration === undefined ? "" : `; stopping after ${duration} s`}`,
  );

  const why = await new Promise<string>((resolve) => {
    const timer =
      duration === undefined ? undefined : setTimeout(() => finish("--duration"), duration * 1000);
    function finish(reason: string) {
      if (timer) clearTimeout(timer);
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      resolve(reason);
    }
    function onSignal(sig: NodeJS.Signals) {
      finish(sig);
    }
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    void ven.ended.then(() => finish("registration cancelled by the VTN"));
  });
  const stats = await ven.stop();
  log("info", `stopped (${why})`);
  io.stdout(`${formatSummary(stats)}\n`);
  return EXIT.ok;
}

function seconds(flag: string, text: string): number {
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || n <= 0)
    throw new UsageError(`${flag} must be a positive number of seconds, not "${text}"`);
  return n;
}

function period(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  try {
    const ms = durationMs(text);
    if (ms < 1000) throw new DurationError(`${text} is shorter than 1 second`);
    return ms;
  } catch (e) {
    if (e instanceof DurationError) throw new UsageError(`${flag}: ${e.message}`);
    throw e;
  }
}

function pushOptions(
  listen: string | undefined,
  url: string | undefined,
): VenOptions["push"] | undefined {
  if (listen === undefined) {
    if (url !== undefined) throw new UsageError("--push-url goes with --push-listen");
    return undefined;
  }
  const m = /^(.+):(\d+)$/.exec(listen);
  const port = Number(m?.[2]);
  if (!m || port > 65_535)
    throw new UsageError(`--push-listen must be HOST:PORT, e.g. 127.0.0.1:8081, not "${listen}"`);
  const host = (m[1] as string).replace(/^\[(.*)\]$/, "$1");
  if (url !== undefined) {
    try {
      new URL(url);
    } catch {
      throw new UsageError(`--push-url must be a URL, not "${url}"`);
    }
  }
  return { host, port, ...(url !== undefined ? { transportAddress: url } : {}) };
}
