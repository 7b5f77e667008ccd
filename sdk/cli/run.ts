import { writeSync } from "node:fs";
import { echoText } from "../io";
import type { Command, CommandIo } from "./command";
import { UsageError } from "./command";

/**
 * Runs one command the way both binaries do: `--help` prints its usage; a
 * {@link UsageError} prints `<program>: message` and exits 2; any other error
 * is a bug, reported in one line (exit 3) with its stack only under `--debug`.
 */
export async function runCommand(program: string, command: Command, args: readonly string[], io: CommandIo): Promise<number> {
  const debug = args.includes("--debug");
  const rest = args.filter((a) => a !== "--debug");
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout(command.usage.endsWith("\n") ? command.usage : `${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`${program}: ${err.message}\n`);
      return 2;
    }
    const e = err as Error;
    io.stderr(`${program}: internal error: ${echoText(e?.message ?? String(err), 4 * 80)}\n`);
    io.stderr(debug && e?.stack ? `${e.stack}\n` : "(run again with --debug for a stack trace)\n");
    return 3;
  }
}

/** The process streams, for the binaries' entry points; progress is shown when stderr is a terminal. */
export const PROCESS_IO: CommandIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  progress: process.stderr.isTTY === true,
};

/**
 * The exit status when standard output is closed under the command
 * (`bgplb render … | head -1`): 141, what a shell reports for cat(1) ended
 * by SIGPIPE.
 */
const CLOSED_OUTPUT_EXIT = 141;

const IGNORE_STREAM_ERROR = (): void => undefined;

/**
 * For a daemon ({@link Command.daemon}): a log pipe whose reader went away
 * must not end the process, nor turn its clean exit into a crash, so output
 * errors (EPIPE, emitted as 'error' events, also after the command returns)
 * are dropped for the rest of the process's life. Installed once.
 */
export function keepRunningOnClosedOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    if (!stream.listeners("error").includes(IGNORE_STREAM_ERROR)) stream.on("error", IGNORE_STREAM_ERROR);
  }
}

/**
 * Makes a closed standard output or error (EPIPE: the reader of the pipe has
 * gone) end the process quietly with {@link CLOSED_OUTPUT_EXIT}, as cat(1)
 * does, instead of an unhandled stream error with a stack trace. Any other
 * output error (a full disk) ends it with one line and exit 2.
 */
export function exitQuietlyOnClosedOutput(): void {
  for (const [stream, name] of [
    [process.stdout, "standard output"],
    [process.stderr, "standard error"],
  ] as const) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(CLOSED_OUTPUT_EXIT);
      try {
        writeSync(2, `bgplb: cannot write ${name}: ${error.code ?? error.message}\n`);
      } finally {
        process.exit(2);
      }
    });
  }
}
