/** A duration string could not be read. */
export class DurationError extends Error {
  override readonly name = "DurationError";
}

const UNIT_SECONDS: Readonly<Record<string, number>> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 0.000001, µs: 0.000001, ns: 0.000000001 };
const PART = /(\d+(?:\.\d*)?|\.\d+)(h|ms|m|s|us|µs|ns)/y;

/**
 * Reads a Kubernetes/Go duration (`90s`, `1m30s`, `1.5h`, `300ms`) as seconds.
 * @throws DurationError naming the value when it is not a duration.
 */
export function durationSeconds(text: string): number {
  if (typeof text !== "string" || text === "") throw new DurationError(`"${text}" is not a duration (expected e.g. 90s or 1m30s)`);
  if (text === "0") return 0;
  PART.lastIndex = 0;
  let seconds = 0;
  while (PART.lastIndex < text.length) {
    const start = PART.lastIndex;
    const match = PART.exec(text);
    if (!match || match.index !== start) throw new DurationError(`"${text}" is not a duration (expected e.g. 90s or 1m30s)`);
    seconds += Number(match[1]) * UNIT_SECONDS[match[2]];
  }
  return seconds;
}
