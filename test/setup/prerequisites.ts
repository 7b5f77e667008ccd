import { execFileSync } from "node:child_process";

/** True when this run is a CI run (`CI=true`), where every prerequisite must be present. */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CI === "true";
}

/** One suite or test skipped for missing prerequisites, and why. */
export interface SkippedForPrerequisites {
  /** The suite's or test's full title. */
  readonly title: string;
  /** One line per missing prerequisite. */
  readonly reasons: readonly string[];
}

const skipped: SkippedForPrerequisites[] = [];

/** Everything skipped so far in this run for missing prerequisites, in order. */
export function skippedForPrerequisites(): readonly SkippedForPrerequisites[] {
  return skipped;
}

/** The programs among `programs` that are not on the PATH (names or absolute paths). */
export function missingPrograms(programs: readonly string[]): string[] {
  return programs.filter((program) => {
    try {
      execFileSync("sh", ["-c", 'command -v "$1"', "sh", program], { stdio: "ignore" });
      return false;
    } catch {
      return true;
    }
  });
}

/**
 * Lets the calling suite (from a `before` hook) or test run when nothing is
 * `missing`. Otherwise, under `CI=true`, fails it naming what is missing;
 * outside CI, skips it and records why for the run's summary.
 */
export function requirePrerequisites(ctx: Mocha.Context, missing: readonly string[]): void {
  if (missing.length === 0) return;
  const runnable = ctx.test;
  const inHook = (runnable as { type?: string } | undefined)?.type === "hook";
  const title = (inHook ? runnable?.parent?.fullTitle() : runnable?.fullTitle()) ?? "(unknown)";
  if (isCi()) {
    throw new Error(`missing prerequisites under CI=true (.ci/run installs them):\n${missing.map((reason) => `  ${reason}`).join("\n")}`);
  }
  if (!skipped.some((entry) => entry.title === title)) skipped.push({ title, reasons: [...missing] });
  ctx.skip();
}
