/**
 * JSON line logging for the speaker, through pino: one object per line,
 * `level` (its name), `time` (ISO 8601), the event's fields and `msg`. Info
 * and debug go to stdout, warnings and errors to stderr.
 */
import { pino } from "pino";
import type { Logger } from "./log";

/** A pino destination calling `write` with each line, synchronously (no worker thread, nothing buffered). */
function lineSink(write: (line: string) => void): pino.DestinationStream {
  return { write };
}

/** A logger writing JSON lines to `stdout` (debug, info) and `stderr` (warn, error). */
export function jsonLogger(stdout: (line: string) => void, stderr: (line: string) => void, debug = false): Logger {
  const streams = pino.multistream(
    [
      { level: "debug", stream: lineSink(stdout) },
      { level: "warn", stream: lineSink(stderr) },
    ],
    { dedupe: true },
  );
  const logger = pino(
    {
      level: debug ? "debug" : "info",
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    streams,
  );
  return {
    enabled: (level) => logger.isLevelEnabled(level),
    log(level, msg, fields = {}) {
      logger[level](fields, msg);
    },
  };
}
