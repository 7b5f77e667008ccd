/**
 * The contract every `bgplb` subcommand follows.
 *
 * A command reads its arguments, writes to the given streams and returns the
 * process exit code. It throws {@link UsageError} for bad usage or unreadable
 * input (exit 2); any other thrown error is a bug and is reported as such.
 */
export interface Command {
  /** The subcommand word, e.g. `validate`. */
  readonly name: string;
  /** One line for `bgplb --help`. */
  readonly summary: string;
  /** The full help text for `bgplb <name> --help`. */
  readonly usage: string;
  /** Runs the command; resolves to the exit code. */
  run(args: readonly string[], io: CommandIo): Promise<number>;
}

/** Where a command writes; tests pass buffers, the binary passes the process streams. */
export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** True when stderr is a terminal: steps that take a while are reported there. */
  readonly progress?: boolean;
}

/** Bad usage or input that cannot be read or parsed: the CLI prints the message and exits 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
