/**
 * Logging for the speaker: the {@link Logger} its parts write to, and the
 * fields of an exception. The JSON line logger itself is in json-logger.ts,
 * loaded only by the commands that run a speaker.
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
  return {
    error: err.message,
    stack: err.stack
      ?.split("\n")
      .slice(1, 6)
      .map((l) => l.trim())
      .join(" | "),
  };
}
