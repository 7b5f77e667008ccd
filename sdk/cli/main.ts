#!/usr/bin/env node
import type { CommandIo } from "./command";
import { UsageError } from "./command";
import { commands } from "./commands";

const HELP = (): string =>
  [
    "bgplb — bare-metal Kubernetes BGP load balancing as typed code",
    "",
    "Usage: bgplb <command> [options]",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`),
    "",
    "Global options:",
    "  --help      show help (also: bgplb <command> --help)",
    "  --debug     print stack traces of unexpected errors",
    "",
  ].join("\n");

/**
 * Runs the `bgplb` command line and resolves to the exit code.
 * Errors never reach the user as a stack trace unless `--debug` is given.
 */
export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const debug = argv.includes("--debug");
  const args = argv.filter((a) => a !== "--debug");
  const [name, ...rest] = args;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout(HELP());
    return name === undefined ? 2 : 0;
  }
  if (name === "--version") {
    io.stdout(`${require("../../../package.json").version}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(`bgplb: unknown command '${name}' (see bgplb --help)\n`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout(command.usage.endsWith("\n") ? command.usage : `${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`bgplb ${name}: ${err.message}\n`);
      return 2;
    }
    const e = err as Error;
    io.stderr(`bgplb ${name}: internal error: ${e?.message ?? String(err)}\n`);
    if (debug && e?.stack) io.stderr(`${e.stack}\n`);
    else io.stderr("(run again with --debug for a stack trace)\n");
    return 3;
  }
}

if (require.main === module) {
  main(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  }).then((code) => {
    process.exitCode = code;
  });
}
