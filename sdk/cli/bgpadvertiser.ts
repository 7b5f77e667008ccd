#!/usr/bin/env node
/**
 * The `bgpadvertiser` binary: a drop-in for the vendor's manual check tool,
 * the same speaker as `bgplb advertise` with the same flags.
 */
import type { CommandIo } from "./command";
import { UsageError } from "./command";
import { advertiseCommand } from "./advertise";

/** Runs `bgpadvertiser` with `argv` (without the program name) and resolves to the exit code. */
export async function bgpadvertiser(argv: readonly string[], io: CommandIo): Promise<number> {
  const debug = argv.includes("--debug");
  const args = argv.filter((a) => a !== "--debug");
  if (args.includes("--help") || args.includes("-h")) {
    io.stdout(`${advertiseCommand.usage}\n`);
    return 0;
  }
  try {
    return await advertiseCommand.run(args, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`bgpadvertiser: ${err.message}\n`);
      return 2;
    }
    const e = err as Error;
    io.stderr(`bgpadvertiser: internal error: ${e?.message ?? String(err)}\n`);
    if (debug && e?.stack) io.stderr(`${e.stack}\n`);
    return 3;
  }
}

if (require.main === module) {
  bgpadvertiser(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  }).then((code) => {
    process.exitCode = code;
  });
}
