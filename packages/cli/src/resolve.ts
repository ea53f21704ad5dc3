/**
 * `transactive resolve <file>`: the schedule a WS-Calendar document means (every interval's uid,
 * absolute start and end with offset, duration and inherited properties) as JSON on stdout; or
 * the resolution error with its path on stderr (exit 1). XML or JSON input, any profile.
 */

import { parseArgs } from "node:util";
import { formatIssue } from "@transactive/codec";
import { ResolutionError, resolveDocument, resolvedToJson } from "@transactive/ws-calendar";
import { EXIT, type ExitCode, type Io, readInput, UsageError } from "./io.js";
import { loadDocument } from "./load.js";

export const RESOLVE_HELP = `  resolve <file|-> [--profile P]
      Resolve the WS-Calendar schedule of an xCal vcalendar, an OpenADR event or
      report (strm intervals) or a CTS stream: prints JSON with, per interval, uid,
      start, end (ISO 8601 with offset), duration, zone and inherited properties.
      A resolution error prints "file: path: reason" and exits 1.
`;

export async function resolveCommand(args: readonly string[], io: Io): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { profile: { type: "string" }, help: { type: "boolean", short: "h" } },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(RESOLVE_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1)
    throw new UsageError(`resolve takes one file (or "-" for stdin), got ${positionals.length}`);
  if (values.profile !== undefined && !io.registry.profiles.has(values.profile))
    throw new UsageError(
      `unknown profile "${values.profile}"; known: ${io.registry.profileOrder.join(", ")}`,
    );
  const file = positionals[0] as string;
  const bytes = await readInput(io, file);
  const loaded = loadDocument(io.registry, bytes, { profile: values.profile });
  if (!loaded.ok) {
    for (const issue of loaded.issues) io.stderr(`${file}: ${formatIssue(issue)}\n`);
    return EXIT.invalid;
  }
  try {
    io.stdout(`${JSON.stringify(resolvedToJson(resolveDocument(loaded.doc)), null, 2)}\n`);
    return EXIT.ok;
  } catch (e) {
    if (!(e instanceof ResolutionError)) throw e;
    for (const i of e.issues) io.stderr(`${file}: ${i.path || "/"}: ${i.message} [${i.code}]\n`);
    return EXIT.invalid;
  }
}
