import { execFile } from "node:child_process";

/** Longest a build tool may run (a download on a slow mirror included). */
const TOOL_TIMEOUT_MS = 600_000;

/**
 * Runs `file args` (no shell) and resolves to its stdout; rejects naming the
 * command line and its stderr when it cannot start, exits non-zero or runs
 * longer than ten minutes.
 */
export function execTool(file: string, args: readonly string[], options: { readonly cwd?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd: options.cwd, maxBuffer: 16 * 1024 * 1024, timeout: TOOL_TIMEOUT_MS }, (err, stdout, stderr) => {
      if (err) {
        const reason =
          (err as NodeJS.ErrnoException).code === "ENOENT"
            ? `${file} is not installed`
            : err.killed
              ? `killed after ${TOOL_TIMEOUT_MS / 1000} s`
              : `exit ${err.code ?? err.signal}`;
        reject(new Error(`${[file, ...args].join(" ")}: ${reason}${stderr.trim() ? `\n${stderr.trim()}` : ""}`));
        return;
      }
      resolve(stdout);
    });
  });
}
