#!/usr/bin/env node
/**
 * The `bgpadvertiser` binary: a drop-in for the vendor's manual check tool,
 * the same speaker as `bgplb advertise` with the same flags.
 */
import type { CommandIo } from "./command";
import { advertiseCommand } from "./advertise";
import { PROCESS_IO, runCommand } from "./run";

/**
 * The vendor's tool is a Go program, whose flag parser takes long flags with
 * one dash as well as two (`-config FILE`); scripts written for it keep working.
 */
function goStyleFlag(arg: string): string {
  return /^-[A-Za-z][A-Za-z-]+(=.*)?$/.test(arg) ? `-${arg}` : arg;
}

/** Runs `bgpadvertiser` with `argv` (without the program name) and resolves to the exit code. */
export function bgpadvertiser(argv: readonly string[], io: CommandIo): Promise<number> {
  return runCommand("bgpadvertiser", advertiseCommand, argv.map(goStyleFlag), io);
}

if (require.main === module) {
  void bgpadvertiser(process.argv.slice(2), PROCESS_IO).then((code) => {
    process.exitCode = code;
  });
}
