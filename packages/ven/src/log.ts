/** One-line logs with a level threshold; the VEN never logs by itself, it calls the Logger it is given. */

/** Log levels, from the most to the least severe. */
export type LogLevel = "error" | "warn" | "info" | "debug";

/** The levels in order of severity. */
export const LOG_LEVELS: readonly LogLevel[] = ["error", "warn", "info", "debug"];

/** Where the VEN reports what it does: one call per event, a one-line message. */
export type Logger = (level: LogLevel, message: string) => void;

/** A Logger that writes `<time> <level> <message>` lines at or above a level to a sink (stderr in the CLI). */
export function lineLogger(
  write: (line: string) => void,
  threshold: LogLevel = "info",
  clock: () => Date = () => new Date(),
): Logger {
  const max = LOG_LEVELS.indexOf(threshold);
  return (level, message) => {
    if (LOG_LEVELS.indexOf(level) > max) return;
    const oneLine = message.replace(/\s*\n\s*/g, " ");
    write(`${clock().toISOString()} ${level.padEnd(5)} ${oneLine}\n`);
  };
}

/** A Logger that drops everything. */
export const silentLogger: Logger = () => {};
