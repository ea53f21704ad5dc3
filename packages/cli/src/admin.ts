/**
 * `transactive admin <action> ...`: the operator's side of the VTN's admin API from the command
 * line (publish, modify and cancel events, request reports, list VENs, read report data), through
 * @transactive/vtn's admin client. Answers print as JSON; a refusal prints the VTN's reason and
 * exits 1; an unreachable VTN or a usage problem exits 2.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createVtnAdminClient, type VtnAdminClient, VtnAdminError } from "@transactive/vtn";
import { EXIT, type ExitCode, type Io, readInput, UsageError } from "./io.js";

export const ADMIN_HELP = `  admin <action> [arguments] [--url URL] [--token T | --token-file F]
        [--tls-ca F] [--tls-cert F --tls-key F]
      Operate a running VTN ("transactive serve --admin-token-file F") through its
      admin API; answers print as JSON. Actions:
        vtn                                 the VTN's ID, URLs and poll frequency
        vens | ven VEN_ID                   VENs: registration, opt and report state
        events | event EVENT_ID             events, with each VEN's opt answer
        publish FILE|-                      publish the event(s) in FILE (a description
                                            JSON, or an oadrDistributeEvent / ei:eiEvent
                                            in XML or JSON)
        modify EVENT_ID FILE|-              modify: the description fields that change,
                                            or a full event (modificationNumber + 1)
        cancel EVENT_ID                     cancel (status cancelled, modificationNumber + 1)
        request-report VEN_ID REPORT_SPECIFIER_ID [--granularity D]
                       [--report-back D] [--rid RID ...]
                                            ask a VEN for a report it registered, at a
                                            sampling rate it offered
        reports VEN_ID                      the VTN's report requests to a VEN
        report REPORT_REQUEST_ID            a report request and the data received
        cancel-report REPORT_REQUEST_ID     cancel a report request
        reregister VEN_ID                   ask a VEN to register again
        cancel-registration VEN_ID          end a VEN's registration
      Defaults: --url $TRANSACTIVE_VTN_URL or http://127.0.0.1:8080; the token from
      --token, --token-file or $TRANSACTIVE_ADMIN_TOKEN. Exit 1 when the VTN refuses.
`;

type Action = (
  c: VtnAdminClient,
  args: readonly string[],
  io: Io,
  flags: Flags,
) => Promise<unknown>;
interface Flags {
  readonly granularity?: string | undefined;
  readonly "report-back"?: string | undefined;
  readonly rid?: string[] | undefined;
}

const text = async (io: Io, file: string): Promise<string> =>
  new TextDecoder().decode(await readInput(io, file));

/** Each action: its arguments' names and what it calls. */
const ACTIONS: Record<string, [readonly string[], Action]> = {
  vtn: [[], (c) => c.vtn()],
  vens: [[], (c) => c.vens()],
  ven: [["VEN_ID"], (c, [id]) => c.ven(id as string)],
  events: [[], (c) => c.events()],
  event: [["EVENT_ID"], (c, [id]) => c.event(id as string)],
  publish: [["FILE"], async (c, [f], io) => c.publishEvent(await text(io, f as string))],
  modify: [
    ["EVENT_ID", "FILE"],
    async (c, [id, f], io) => c.modifyEvent(id as string, await text(io, f as string)),
  ],
  cancel: [["EVENT_ID"], (c, [id]) => c.cancelEvent(id as string)],
  "request-report": [
    ["VEN_ID", "REPORT_SPECIFIER_ID"],
    (c, [ven, spec], _io, f) =>
      c.requestReport(ven as string, {
        reportSpecifierID: spec as string,
        ...(f.granularity !== undefined ? { granularity: f.granularity } : {}),
        ...(f["report-back"] !== undefined ? { reportBackDuration: f["report-back"] } : {}),
        ...(f.rid?.length ? { rIDs: f.rid } : {}),
      }),
  ],
  reports: [["VEN_ID"], (c, [id]) => c.reportRequests(id as string)],
  report: [["REPORT_REQUEST_ID"], (c, [id]) => c.report(id as string)],
  "cancel-report": [["REPORT_REQUEST_ID"], (c, [id]) => c.cancelReport(id as string)],
  reregister: [["VEN_ID"], (c, [id]) => c.requestReregistration(id as string)],
  "cancel-registration": [["VEN_ID"], (c, [id]) => c.cancelRegistration(id as string)],
};

export async function adminCommand(args: readonly string[], io: Io): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      url: { type: "string" },
      token: { type: "string" },
      "token-file": { type: "string" },
      "tls-ca": { type: "string" },
      "tls-cert": { type: "string" },
      "tls-key": { type: "string" },
      granularity: { type: "string" },
      "report-back": { type: "string" },
      rid: { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(ADMIN_HELP);
    return EXIT.ok;
  }
  const [name, ...rest] = positionals;
  if (name === undefined)
    throw new UsageError(`admin needs an action: ${Object.keys(ACTIONS).join(", ")}`);
  const action = Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined;
  if (!action)
    throw new UsageError(
      `unknown admin action "${name}"; actions: ${Object.keys(ACTIONS).join(", ")}`,
    );
  const [params, run] = action;
  if (rest.length !== params.length)
    throw new UsageError(
      `admin ${name} takes ${params.length ? params.join(" ") : "no arguments"}, got ${rest.length ? rest.join(" ") : "none"}`,
    );
  if (
    name !== "request-report" &&
    (values.granularity ?? values["report-back"] ?? values.rid) !== undefined
  )
    throw new UsageError(
      "--granularity, --report-back and --rid are options of admin request-report",
    );

  const url = values.url ?? process.env.TRANSACTIVE_VTN_URL ?? "http://127.0.0.1:8080";
  try {
    new URL(url);
  } catch {
    throw new UsageError(`--url must be the VTN's URL such as http://127.0.0.1:8080, not "${url}"`);
  }
  const token =
    values.token ??
    (values["token-file"] !== undefined
      ? file("--token-file", values["token-file"]).trim()
      : undefined) ??
    process.env.TRANSACTIVE_ADMIN_TOKEN;
  if ((values["tls-cert"] === undefined) !== (values["tls-key"] === undefined))
    throw new UsageError("an admin client certificate needs both --tls-cert and --tls-key");
  const tls = {
    ...(values["tls-ca"] !== undefined ? { ca: file("--tls-ca", values["tls-ca"]) } : {}),
    ...(values["tls-cert"] !== undefined ? { cert: file("--tls-cert", values["tls-cert"]) } : {}),
    ...(values["tls-key"] !== undefined ? { key: file("--tls-key", values["tls-key"]) } : {}),
  };
  const client = createVtnAdminClient({
    url,
    ...(token ? { token } : {}),
    ...(Object.keys(tls).length ? { tls } : {}),
  });
  try {
    const answer = await run(client, rest, io, values);
    io.stdout(`${JSON.stringify(answer, null, 2)}\n`);
    return EXIT.ok;
  } catch (e) {
    if (!(e instanceof VtnAdminError)) throw e;
    if (e.status === 0) throw new UsageError(e.message);
    io.stderr(`transactive admin: ${e.status} ${e.code}: ${e.message}\n`);
    for (const r of e.reasons) io.stderr(`  ${r}\n`);
    return EXIT.invalid;
  }
}

function file(flag: string, path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(
      `cannot read ${flag} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
}
