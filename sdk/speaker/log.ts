/**
 * JSON line logging for the speaker: one object per line, `level`, `time`,
 * `msg`, then the event's fields. Info and debug go to stdout, warnings and
 * errors to stderr.
 */

/** Log severity. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Structured fields of a log line. */
export type LogFields = Readonly<Record<string, string | number | boolean | undefined | readonly (string | number)[]>>;

/** Writes log lines; injected so tests and the CLI choose the sinks. */
export interface Logger {
  /** Writes one line at `level`. */
  log(level: LogLevel, msg: string, fields?: LogFields): void;
  /** Whether lines at `level` are written, so callers can skip building costly ones; absent means yes. */
  enabled?(level: LogLevel): boolean;
}

/** The fields that log an exception: its message and the top of its stack on one line. */
export function errorFields(error: unknown): LogFields {
  const err = error instanceof Error ? error : new Error(String(error));
  return { error: err.message, stack: err.stack?.split("\n").slice(1, 6).map((l) => l.trim()).join(" | ") };
}

/** A logger writing JSON lines to `stdout` (debug, info) and `stderr` (warn, error). */
export function jsonLogger(stdout: (line: string) => void, stderr: (line: string) => void, debug = false): Logger {
  return {
    enabled: (level) => level !== "debug" || debug,
    log(level, msg, fields = {}) {
      if (level === "debug" && !debug) return;
      const line = `${JSON.stringify({ level, time: new Date().toISOString(), msg, ...fields })}\n`;
      if (level === "warn" || level === "error") stderr(line);
      else stdout(line);
    },
  };
}
