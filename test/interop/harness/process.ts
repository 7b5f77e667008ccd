import { execFile, spawn, type ChildProcess } from "node:child_process";
import { openSync, closeSync } from "node:fs";

/** Result of a finished command. */
export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `file` with `args` (no shell) and resolves to its output; rejects with
 * the command line and stderr when it exits non-zero or runs past `timeoutMs`.
 */
export function run(file: string, args: readonly string[], timeoutMs = 15_000): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`${[file, ...args].join(" ")} failed: ${err.message}\n${stderr}`));
        return;
      }
      resolve({ stdout, stderr });
    });
  });
}

/** Runs a command inside network namespace `ns`. */
export function runInNamespace(ns: string, file: string, args: readonly string[], timeoutMs?: number): Promise<CommandResult> {
  return run("ip", ["netns", "exec", ns, file, ...args], timeoutMs);
}

/**
 * A long-running process started inside a network namespace, its stdout and
 * stderr appended to one log file. `ip netns exec` execs the program in place,
 * so the pid is the program's own and signals reach it directly.
 */
export class NamespaceProcess {
  private readonly child: ChildProcess;
  private exitCode: number | null | undefined = undefined;
  private readonly exited: Promise<void>;

  /** Starts `file args` in namespace `ns`, logging to `logFile`. */
  constructor(
    readonly label: string,
    ns: string,
    file: string,
    args: readonly string[],
    readonly logFile: string,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    const fd = openSync(logFile, "a");
    try {
      this.child = spawn("ip", ["netns", "exec", ns, file, ...args], { stdio: ["ignore", fd, fd], env });
    } finally {
      closeSync(fd);
    }
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        this.exitCode = code ?? (signal ? -1 : null);
        resolve();
      });
      this.child.once("error", () => {
        this.exitCode = -1;
        resolve();
      });
    });
  }

  /** The process id (the program's own, see the class comment). */
  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.label}: process did not start`);
    return this.child.pid;
  }

  /** True until the process has exited. */
  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** The exit code once exited (-1 when killed by a signal), else undefined. */
  get code(): number | null | undefined {
    return this.exitCode;
  }

  /** Sends a signal if the process is still running. */
  signal(sig: NodeJS.Signals): void {
    if (this.running) this.child.kill(sig);
  }

  /** Resolves when the process exits, or rejects after `timeoutMs`. */
  async waitExit(timeoutMs: number): Promise<number | null | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.label} still running after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.exited, timeout]);
      return this.exitCode;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops the process: SIGCONT (in case it is stopped), SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 3_000): Promise<void> {
    if (!this.running) return;
    this.signal("SIGCONT");
    this.signal("SIGTERM");
    try {
      await this.waitExit(graceMs);
    } catch {
      this.signal("SIGKILL");
      await this.waitExit(5_000);
    }
  }
}
