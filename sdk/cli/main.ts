#!/usr/bin/env node
import type { CommandIo } from "./command";
import { allCommands, findCommand } from "./commands";
import { echoText } from "../io";
import { exitQuietlyOnClosedOutput, PROCESS_IO, runCommand } from "./run";

async function help(): Promise<string> {
  const commands = await allCommands();
  return [
    "bgplb — bare-metal Kubernetes BGP load balancing as typed code",
    "",
    "Usage: bgplb <command> [options]",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(Math.max(...commands.map((other) => other.name.length)))} ${c.summary}`),
    "",
    "Global options:",
    "  --help, -h      show help (also: bgplb <command> --help)",
    "  --version, -v   print the version",
    "  --debug         print stack traces of unexpected errors",
    "",
    "Wherever a command takes a file, - reads standard input.",
    "",
  ].join("\n");
}

/**
 * Runs the `bgplb` command line and resolves to the exit code.
 * Errors never reach the user as a stack trace unless `--debug` is given.
 */
export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv.filter((a) => a !== "--debug");
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout(await help());
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-v") {
    io.stdout(`${(require("../../../package.json") as { version: string }).version}\n`);
    return 0;
  }
  const command = await findCommand(name);
  if (!command) {
    io.stderr(`bgplb: unknown command '${echoText(name)}' (see bgplb --help)\n`);
    return 2;
  }
  return runCommand(`bgplb ${name}`, command, argv.includes("--debug") ? [...rest, "--debug"] : rest, io);
}

if (require.main === module) {
  void (async () => {
    const name = process.argv.slice(2).find((a) => a !== "--debug");
    if (name === undefined || !(await findCommand(name))?.daemon) exitQuietlyOnClosedOutput();
    process.exitCode = await main(process.argv.slice(2), PROCESS_IO);
  })();
}
