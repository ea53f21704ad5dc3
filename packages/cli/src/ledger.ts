/**
 * `transactive ledger keygen|init|append|verify|balance|export`: identities, a ledger directory,
 * appending signed records, verifying a whole store (every checksum, signature, link and rule,
 * with a progress bar on a terminal), balances and an NDJSON export. @transactive/ledger is
 * imported only here, so other commands never load it.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { EXIT, type ExitCode, type Io, readInput, UsageError } from "./io.js";

export const LEDGER_HELP = `  ledger keygen [--out FILE]
      A new Ed25519 identity (JSON with the private key; FILE is written mode 600).
  ledger init <dir> [--difficulty N] [--registration-extra N]
      Create a ledger directory; N: leading zero bits of proof of work per record.
  ledger append <dir> --identity FILE <kind> [options]
      Sign and append one record of the identity; kinds and options:
        register --ei-party ID [--ven ID]
        payment --to PARTY --amount 0.0042 --currency USD [--memo TEXT]
        delivery --start 2026-09-01T14:00:00Z --duration PT15M --energy=-0.25
        revoke [--reason TEXT]
  ledger append <dir> --records FILE|-
      Append signed records (NDJSON envelopes, as export writes them), in order.
  ledger verify <dir> [--json] [--progress]
      Check every frame, signature, hash link and rule; a progress bar on a terminal.
  ledger balance <dir> [--party P] [--json]
      Balances per party and currency, in currency units (exact, micro-unit precision).
  ledger export <dir> [--out FILE]
      Every record (and equivocation proof) as NDJSON, in log order.
  A refused record prints "code at field: reason" and exits 1.
`;

type LedgerModule = typeof import("@transactive/ledger");

export async function ledgerCommand(args: readonly string[], io: Io): Promise<ExitCode> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "--help" || sub === "-h" || sub === "help") {
    io.stdout(LEDGER_HELP);
    return sub === undefined ? EXIT.usage : EXIT.ok;
  }
  const run = SUBCOMMANDS[sub];
  if (run === undefined)
    throw new UsageError(
      `unknown ledger command "${sub}"; known: ${Object.keys(SUBCOMMANDS).join(", ")}`,
    );
  const lib = await import("@transactive/ledger");
  try {
    return await run(rest, io, lib);
  } catch (e) {
    if (!(e instanceof lib.LedgerError)) throw e;
    if (e.code === "store-unavailable") throw new UsageError(e.message);
    io.stderr(
      `transactive ledger: ${e.code}${e.field === "" ? "" : ` at ${e.field}`}: ${e.message.replace(/^[^:]*: /, "")}\n`,
    );
    return EXIT.invalid;
  }
}

type Sub = (args: readonly string[], io: Io, lib: LedgerModule) => Promise<ExitCode>;

const SUBCOMMANDS: Record<string, Sub> = {
  async keygen(args, io, lib) {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: { out: { type: "string" } },
      allowPositionals: true,
    });
    noPositionals("keygen", positionals);
    const id = lib.generateIdentity();
    const text = `${JSON.stringify(lib.identityToJson(id), null, 2)}\n`;
    if (values.out === undefined) io.stdout(text);
    else {
      writeFileSync(values.out, text, { mode: 0o600, flag: "wx" });
      io.stdout(`${id.partyId}\n`);
    }
    return EXIT.ok;
  },

  async init(args, io, lib) {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: { difficulty: { type: "string" }, "registration-extra": { type: "string" } },
      allowPositionals: true,
    });
    const dir = oneDir("init", positionals);
    const config = lib.Ledger.init(dir, {
      ...(values.difficulty === undefined
        ? {}
        : { difficulty: bits("--difficulty", values.difficulty) }),
      ...(values["registration-extra"] === undefined
        ? {}
        : { registrationExtra: bits("--registration-extra", values["registration-extra"]) }),
    });
    io.stdout(
      `${dir}: ledger created (difficulty ${config.difficulty}, registrations +${config.registrationExtra})\n`,
    );
    return EXIT.ok;
  },

  async append(args, io, lib) {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: {
        identity: { type: "string" },
        records: { type: "string" },
        "ei-party": { type: "string" },
        ven: { type: "string" },
        to: { type: "string" },
        amount: { type: "string" },
        currency: { type: "string" },
        memo: { type: "string" },
        start: { type: "string" },
        duration: { type: "string" },
        energy: { type: "string" },
        reason: { type: "string" },
      },
      allowPositionals: true,
    });
    const [dir, kind, ...extra] = positionals;
    if (dir === undefined) throw new UsageError("ledger append needs a ledger directory");
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(" ")}`);
    if (values.records !== undefined) {
      if (kind !== undefined || values.identity !== undefined)
        throw new UsageError("--records takes no record kind and no --identity");
      const bytes = Buffer.from(await readInput(io, values.records));
      const lines = bytes
        .toString("utf8")
        .split("\n")
        .filter((l) => l.trim() !== "");
      const ledger = await lib.Ledger.open(dir);
      try {
        let stored = 0;
        let proofs = 0;
        const problems: string[] = [];
        const records: Buffer[] = [];
        for (const l of lines)
          if (l.startsWith('{"proof":')) {
            if (
              await ledger.addProof(
                (JSON.parse(l) as { proof: Parameters<typeof ledger.addProof>[0] }).proof,
              )
            )
              proofs++;
          } else records.push(Buffer.from(l));
        (await ledger.appendMany(records)).forEach((o, i) => {
          if (o.ok) stored++;
          else
            problems.push(
              `record ${i + 1}: ${o.error.code}${o.error.field === "" ? "" : ` at ${o.error.field}`}: ${o.error.message.replace(/^[^:]*: /, "")}`,
            );
        });
        for (const p of problems) io.stderr(`transactive ledger: ${p}\n`);
        io.stdout(
          `${stored} of ${records.length} records appended${proofs > 0 ? `, ${proofs} equivocation proofs kept` : ""}\n`,
        );
        return problems.length === 0 ? EXIT.ok : EXIT.invalid;
      } finally {
        await ledger.close();
      }
    }
    if (!["register", "payment", "delivery", "revoke"].includes(kind ?? ""))
      throw new UsageError(
        `ledger append: the record kind is register, payment, delivery or revoke, not "${kind ?? ""}"`,
      );
    if (values.identity === undefined)
      throw new UsageError("ledger append needs --identity FILE (or --records)");
    const identity = lib.identityFromJson(
      JSON.parse(Buffer.from(await readInput(io, values.identity)).toString("utf8")),
    );
    const need = (flag: keyof typeof values): string => {
      const v = values[flag];
      if (typeof v !== "string") throw new UsageError(`ledger append ${kind} needs --${flag}`);
      return v;
    };
    const ledger = await lib.Ledger.open(dir);
    try {
      let record: import("@transactive/ledger").SignedRecord;
      switch (kind) {
        case "register":
          record = ledger.register(identity, need("ei-party"), values.ven);
          break;
        case "payment": {
          const micro = lib.parseMicroUnits(need("amount"));
          if (micro === undefined || micro <= 0n)
            throw new UsageError(
              `--amount must be a positive decimal with at most 6 places, not "${values.amount}"`,
            );
          record = ledger.draft(identity, "payment", {
            to: need("to"),
            currency: need("currency"),
            amount: micro.toString(),
            ...(values.memo === undefined ? {} : { memo: values.memo }),
          });
          break;
        }
        case "delivery":
          record = ledger.draft(identity, "delivery", {
            intervals: [
              { start: need("start"), duration: need("duration"), energy: need("energy") },
            ],
          });
          break;
        case "revoke":
          record = ledger.draft(identity, "key", {
            action: "revoke",
            ...(values.reason === undefined ? {} : { reason: values.reason }),
          });
          break;
        default:
          throw new UsageError(
            `ledger append: the record kind is register, payment, delivery or revoke, not "${kind ?? ""}"`,
          );
      }
      const a = await ledger.append(record);
      io.stdout(`${a.hash} ${a.author} seq ${a.seq}\n`);
      return EXIT.ok;
    } finally {
      await ledger.close();
    }
  },

  async verify(args, io, lib) {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: { json: { type: "boolean" }, progress: { type: "boolean" } },
      allowPositionals: true,
    });
    const dir = oneDir("verify", positionals);
    const bar = values.progress || process.stderr.isTTY === true ? progressBar(io) : undefined;
    const started = performance.now();
    const report = await lib.verifyLedger(dir, bar === undefined ? {} : { onProgress: bar });
    if (bar !== undefined) io.stderr("\n");
    const seconds = (performance.now() - started) / 1000;
    if (values.json)
      io.stdout(
        `${JSON.stringify({ ok: report.ok, records: report.records, authors: report.authors, proofs: report.proofs, bytes: report.bytes, tornTail: report.tornTail, problems: report.problems, seconds })}\n`,
      );
    else {
      for (const p of report.problems)
        io.stderr(
          `${dir}: byte ${p.offset}: ${p.code}${p.field === "" ? "" : ` at ${p.field}`}: ${p.message.replace(/^[^:]*: /, "")}\n`,
        );
      io.stdout(
        `${dir}: ${report.ok ? "OK" : "FAILED"}: ${report.records} records by ${report.authors} parties, ${report.proofs} equivocation proofs, ${report.bytes} bytes in ${seconds.toFixed(1)} s${report.tornTail > 0 ? ` (a torn last write of ${report.tornTail} bytes, cut on next open)` : ""}\n`,
      );
    }
    return report.ok ? EXIT.ok : EXIT.invalid;
  },

  async balance(args, io, lib) {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: { party: { type: "string" }, json: { type: "boolean" } },
      allowPositionals: true,
    });
    const dir = oneDir("balance", positionals);
    const ledger = await lib.Ledger.open(dir);
    try {
      const rows: { party: string; eiPartyID: string; currency: string; balance: string }[] = [];
      for (const [party, byCurrency] of [...ledger.balances()].sort(([a], [b]) =>
        a < b ? -1 : 1,
      )) {
        if (values.party !== undefined && values.party !== party) continue;
        for (const [currency, micro] of byCurrency)
          rows.push({
            party,
            eiPartyID: ledger.author(party)?.eiPartyID ?? "",
            currency,
            balance: lib.formatMicroUnits(micro),
          });
      }
      if (values.party !== undefined && ledger.author(values.party) === undefined)
        throw new UsageError(`${values.party} is not registered on this ledger`);
      if (values.json) io.stdout(`${JSON.stringify(rows)}\n`);
      else
        for (const r of rows) io.stdout(`${r.party}  ${r.eiPartyID}  ${r.balance} ${r.currency}\n`);
      return EXIT.ok;
    } finally {
      await ledger.close();
    }
  },

  async export(args, io, lib) {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: { out: { type: "string" } },
      allowPositionals: true,
    });
    const dir = oneDir("export", positionals);
    const ledger = await lib.Ledger.open(dir);
    try {
      const parts: string[] = [];
      for (const r of ledger.records()) parts.push(`${Buffer.from(r.bytes).toString("utf8")}\n`);
      for (const proof of ledger.proofs.values()) parts.push(`${JSON.stringify({ proof })}\n`);
      if (values.out === undefined) io.stdout(parts.join(""));
      else {
        writeFileSync(values.out, parts.join(""));
        io.stdout(`${ledger.size} records written to ${values.out}\n`);
      }
      return EXIT.ok;
    } finally {
      await ledger.close();
    }
  },
};

function noPositionals(cmd: string, positionals: readonly string[]): void {
  if (positionals.length > 0)
    throw new UsageError(`ledger ${cmd} takes no arguments, got ${positionals.join(" ")}`);
}

function oneDir(cmd: string, positionals: readonly string[]): string {
  if (positionals.length !== 1) throw new UsageError(`ledger ${cmd} takes one ledger directory`);
  return positionals[0] as string;
}

function bits(flag: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 32)
    throw new UsageError(`${flag} must be an integer from 0 to 32, not "${text}"`);
  return n;
}

/** A one-line bar on stderr, redrawn at most every 100 ms. */
function progressBar(io: Io): (done: number, total: number) => void {
  let last = 0;
  return (done, total) => {
    const now = performance.now();
    if (now - last < 100 && done < total) return;
    last = now;
    const width = 30;
    const frac = total === 0 ? 1 : done / total;
    const full = Math.round(frac * width);
    io.stderr(
      `\r[${"#".repeat(full)}${".".repeat(width - full)}] ${(frac * 100).toFixed(0).padStart(3)}% ${(done / 1048576).toFixed(1)}/${(total / 1048576).toFixed(1)} MiB`,
    );
  };
}
