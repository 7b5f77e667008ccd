import { spawn } from "node:child_process";

/** Outcome of a finished command: exit code (-1 when killed) and its output. */
export interface CommandOutcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options for {@link runCommand}. */
export interface CommandOptions {
  /** Written to the command's stdin, then stdin is closed. */
  readonly input?: string;
  /** Environment of the command; defaults to this process's. */
  readonly env?: NodeJS.ProcessEnv;
  /** Working directory; defaults to this process's. */
  readonly cwd?: string;
  /** Killed with SIGKILL after this many milliseconds. @default 120000 */
  readonly timeoutMs?: number;
}

/** Runs `file args` (no shell) and resolves to its outcome; never rejects on a non-zero exit. */
export function runCommand(file: string, args: readonly string[], options: CommandOptions = {}): Promise<CommandOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ["pipe", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`${file}: ${err.message}`));
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() });
    });
    child.stdin.end(options.input ?? "");
  });
}

/** Like {@link runCommand}, but rejects with the command line and its output unless it exits 0. */
export async function runChecked(file: string, args: readonly string[], options: CommandOptions = {}): Promise<CommandOutcome> {
  const outcome = await runCommand(file, args, options);
  if (outcome.code !== 0) {
    throw new Error(`${[file, ...args].join(" ")} exited ${outcome.code}\n${outcome.stdout}\n${outcome.stderr}`);
  }
  return outcome;
}
