/** Replaces the `<!-- BENCH:<name>:START/END -->` section of docs/benchmarks.md, or appends it. */
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";

export function writeMarkedSection(
  file: string,
  name: string,
  heading: string,
  body: string,
): void {
  const start = `<!-- BENCH:${name}:START -->`;
  const end = `<!-- BENCH:${name}:END -->`;
  const section = `${start}\n\n${body.trim()}\n\n${end}`;
  const doc = readFileSync(file, "utf8");
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  const next =
    a >= 0 && b > a
      ? `${doc.slice(0, a)}${section}${doc.slice(b + end.length)}`
      : `${doc.trimEnd()}\n\n## ${heading}\n\n${section}\n`;
  writeFileSync(file, next);
}

/** One line naming the machine and its load, for a generated section. */
export function machineLine(): string {
  const cpu = cpus();
  const load = loadavg()
    .map((x) => x.toFixed(1))
    .join(" ");
  return `${cpu[0]?.model.trim() ?? "unknown CPU"}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, load average ${load}`;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  if (s.length === 0) return Number.NaN;
  return s.length % 2 === 1
    ? (s[mid] as number)
    : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
