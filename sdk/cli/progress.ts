import type { CommandIo } from "./command";

/** How long a command may work silently before it says what it is doing. */
const QUIET_MILLISECONDS = 2000;

/**
 * A progress reporter for one command run: each call names the step about
 * to start, and is written to stderr (`bgplb: reading big.yaml…`) only when
 * stderr is a terminal and the command has already been working for
 * {@link QUIET_MILLISECONDS} (then at most once a second), so quick runs and
 * pipelines stay quiet.
 */
export function progress(io: CommandIo, now: () => number = Date.now): (step: string) => void {
  const start = now();
  let last = -Infinity;
  return (step) => {
    const time = now();
    if (io.progress !== true || time - start < QUIET_MILLISECONDS || time - last < 1000) return;
    last = time;
    io.stderr(`bgplb: ${step}…\n`);
  };
}
