/**
 * Where the VEN's report values come from. A ValueSource reads the current value of each data
 * point (rID) at a sampling time. Three kinds:
 * - a file (CSV or JSON, re-read at every sample so another program may rewrite it), whose rows
 *   name an rID, a value and optionally the time from which the value holds (dtstart);
 * - a command (through the shell), given {"at", "rIDs"} as JSON on stdin, printing a JSON object
 *   {rID: value} or one number for every rID;
 * - a simulated meter (the default).
 * A source that cannot give a value says why in `problems`; the VEN logs it and leaves that data
 * point out of the interval, never invents a value.
 */
import { readFile } from "node:fs/promises";
import { runCommand } from "./opt.js";

/** The values read at one sampling time, and why any asked-for rID has none. */
export interface Reading {
  readonly values: ReadonlyMap<string, number>;
  readonly problems: readonly string[];
}

/** A source of report values. */
export interface ValueSource {
  /** a short description for the log, e.g. "file meter.csv" */
  readonly describe: string;
  /** The value of each rID at `at`; what could not be read is in `problems`, never thrown. */
  read(rIDs: readonly string[], at: Date): Promise<Reading>;
}

/** One row of a values file. */
export interface ValueRow {
  readonly rID: string;
  readonly value: number;
  /** from when the value holds (absent: always) */
  readonly dtstart?: Date;
}

/** A values file that cannot be used: where (line or JSON index) and why. */
export class ValuesFileError extends Error {
  override readonly name = "ValuesFileError";
}

/**
 * Parses the text of a values file. JSON: an object {rID: number} or an array of
 * {rID, value, dtstart?}. CSV (anything not starting with "{" or "["): a header line naming the
 * columns rID and value, optionally dtstart (any order), then one row per line; blank lines and
 * lines starting with "#" are skipped.
 */
export function parseValues(text: string, name = "values file"): ValueRow[] {
  const body = text.replace(/^\uFEFF/, "").trim();
  if (body.startsWith("{") || body.startsWith("[")) return parseJsonValues(body, name);
  return parseCsvValues(body, name);
}

function parseJsonValues(body: string, name: string): ValueRow[] {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (e) {
    throw new ValuesFileError(`${name}: not valid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(data)) {
    const rows: ValueRow[] = [];
    for (const [rID, value] of Object.entries(data as Record<string, unknown>))
      rows.push({ rID, value: numberAt(value, `${name}: /${rID}`) });
    return rows;
  }
  return data.map((item, i) => {
    const where = `${name}: [${i}]`;
    if (typeof item !== "object" || item === null)
      throw new ValuesFileError(`${where} is not an object {rID, value, dtstart?}`);
    const o = item as Record<string, unknown>;
    if (typeof o.rID !== "string" || o.rID === "")
      throw new ValuesFileError(`${where}.rID must be a non-empty string`);
    return {
      rID: o.rID,
      value: numberAt(o.value, `${where}.value`),
      ...(o.dtstart === undefined ? {} : { dtstart: dateAt(o.dtstart, `${where}.dtstart`) }),
    };
  });
}

function parseCsvValues(body: string, name: string): ValueRow[] {
  const lines = body.split(/\r?\n/);
  let header: string[] | undefined;
  const rows: ValueRow[] = [];
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const cells = line.split(",").map((c) => c.trim());
    const where = `${name}: line ${i + 1}`;
    if (!header) {
      header = cells;
      for (const col of ["rID", "value"])
        if (!header.includes(col))
          throw new ValuesFileError(
            `${where}: the header must name the columns rID and value (and optionally dtstart), got "${line}"`,
          );
      return;
    }
    if (cells.length !== header.length)
      throw new ValuesFileError(`${where}: ${cells.length} cells, the header has ${header.length}`);
    const cell = (col: string) => cells[(header as string[]).indexOf(col)];
    const rID = cell("rID") ?? "";
    if (rID === "") throw new ValuesFileError(`${where}: empty rID`);
    const dtstart = cell("dtstart");
    rows.push({
      rID,
      value: numberAt(cell("value"), `${where}: value`),
      ...(dtstart ? { dtstart: dateAt(dtstart, `${where}: dtstart`) } : {}),
    });
  });
  if (!header) throw new ValuesFileError(`${name}: empty (a header line rID,value is required)`);
  return rows;
}

function numberAt(value: unknown, where: string): number {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n))
    throw new ValuesFileError(`${where}: ${JSON.stringify(value)} is not a finite number`);
  return n;
}

function dateAt(value: unknown, where: string): Date {
  const d = typeof value === "string" ? new Date(value) : undefined;
  if (!d || Number.isNaN(d.getTime()) || !/^\d{4}-\d\d-\d\dT/.test(value as string))
    throw new ValuesFileError(`${where}: ${JSON.stringify(value)} is not an ISO 8601 date-time`);
  return d;
}

/** For each rID, the value of the last row that holds at `at` (rows without dtstart always hold). */
export function valuesAt(rows: readonly ValueRow[], rIDs: readonly string[], at: Date): Reading {
  const values = new Map<string, number>();
  const since = new Map<string, number>();
  for (const row of rows) {
    const t = row.dtstart?.getTime() ?? Number.NEGATIVE_INFINITY;
    if (t > at.getTime()) continue;
    if (t >= (since.get(row.rID) ?? Number.NEGATIVE_INFINITY)) {
      since.set(row.rID, t);
      values.set(row.rID, row.value);
    }
  }
  const problems = rIDs
    .filter((r) => !values.has(r))
    .map((r) => `no value for rID ${r} at ${at.toISOString()}`);
  return {
    values: new Map(rIDs.filter((r) => values.has(r)).map((r) => [r, values.get(r) as number])),
    problems,
  };
}

/** Values from a CSV or JSON file, re-read at every sample. */
export function fileValues(path: string): ValueSource {
  return {
    describe: `file ${path}`,
    async read(rIDs, at) {
      let text: string;
      try {
        text = await readFile(path, "utf8");
      } catch (e) {
        return {
          values: new Map(),
          problems: [
            `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
          ],
        };
      }
      try {
        return valuesAt(parseValues(text, path), rIDs, at);
      } catch (e) {
        return { values: new Map(), problems: [(e as Error).message] };
      }
    },
  };
}

/** Values printed by a command: {"at", "rIDs"} on its stdin, {rID: number} or one number on its stdout. */
export function commandValues(command: string, timeoutMs = 10_000): ValueSource {
  return {
    describe: `command ${command}`,
    async read(rIDs, at) {
      const r = await runCommand(
        command,
        JSON.stringify({ at: at.toISOString(), rIDs }),
        timeoutMs,
      );
      if (r.error !== undefined) return { values: new Map(), problems: [r.error] };
      let parsed: unknown;
      try {
        parsed = JSON.parse(r.stdout);
      } catch {
        return {
          values: new Map(),
          problems: [
            `"${command}" printed ${JSON.stringify(r.stdout.trim().slice(0, 80))}, not JSON`,
          ],
        };
      }
      try {
        const rows: ValueRow[] =
          typeof parsed === "number"
            ? rIDs.map((rID) => ({ rID, value: numberAt(parsed, `"${command}" output`) }))
            : parseJsonValues(JSON.stringify(parsed), `"${command}" output`);
        return valuesAt(rows, rIDs, at);
      } catch (e) {
        return { values: new Map(), problems: [(e as Error).message] };
      }
    },
  };
}

/**
 * A simulated meter: real power (kW) that swings around a base load over an hour, with a little
 * noise, and the energy (kWh) it adds up to since the meter started. rIDs other than the two given
 * read as the power.
 */
export function simulatedMeter(
  options: { powerRID?: string; energyRID?: string; baseKw?: number; random?: () => number } = {},
): ValueSource {
  const powerRID = options.powerRID ?? "power";
  const energyRID = options.energyRID ?? "energy";
  const base = options.baseKw ?? 5;
  const random = options.random ?? Math.random;
  let last: { t: number; kw: number } | undefined;
  let kwh = 0;
  return {
    describe: "simulated meter",
    async read(rIDs, at) {
      const t = at.getTime();
      const kw =
        Math.round(
          (base + 2 * Math.sin((2 * Math.PI * t) / 3_600_000) + (random() - 0.5) * 0.2) * 1000,
        ) / 1000;
      if (last && t > last.t) kwh += ((last.kw + kw) / 2) * ((t - last.t) / 3_600_000);
      last = { t, kw };
      const energy = Math.round(kwh * 1e6) / 1e6;
      return {
        values: new Map(rIDs.map((r) => [r, r === energyRID ? energy : r === powerRID ? kw : kw])),
        problems: [],
      };
    },
  };
}
