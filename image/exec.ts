import { execFile } from "node:child_process";

/**
 * Runs `file args` (no shell) and resolves to its stdout; rejects naming the
 * command line and its stderr when it cannot start or exits non-zero.
 */
export function execTool(file: string, args: readonly string[], options: { readonly cwd?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd: options.cwd, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const reason = (err as NodeJS.ErrnoException).code === "ENOENT" ? `${file} is not installed` : `exit ${err.code ?? err.signal}`;
        reject(new Error(`${[file, ...args].join(" ")}: ${reason}${stderr.trim() ? `\n${stderr.trim()}` : ""}`));
        return;
      }
      resolve(stdout);
    });
  });
}
