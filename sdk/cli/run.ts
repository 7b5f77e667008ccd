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
    io.stderr(`${program}: internal error: ${e?.message ?? String(err)}\n`);
    io.stderr(debug && e?.stack ? `${e.stack}\n` : "(run again with --debug for a stack trace)\n");
    return 3;
  }
}

/** The process streams, for the binaries' entry points. */
export const PROCESS_IO: CommandIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};
