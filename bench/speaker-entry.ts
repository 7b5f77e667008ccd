/**
 * How a benchmark runs `bgplb speaker`: as the image runs it (the CLI bundled
 * by esbuild, image/app.ts, with the image entry point's Node.js options),
 * or with `--dist` the compiled dist/sdk/cli/main.js (what `npm install
 * bgplb` runs). Either way the caller adds the DaemonSet's NODE_OPTIONS and
 * malloc settings.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { imageBundle } from "../image/app";
import { IMAGE_NODE_OPTIONS } from "../image/build";
import { repoDir } from "../test/e2e/harness/tools";

/** A speaker entry point: the script and the Node.js options before it. */
export interface SpeakerEntry {
  readonly script: string;
  readonly nodeOptions: readonly string[];
  /** How the results name it. */
  readonly form: string;
  /** Removes what was written for it. */
  remove(): void;
}

/** The image's form of the speaker (its bundle written beside main.js, whose `../../package.json` then resolves as in the image), or dist's. */
export async function speakerEntry(dist: boolean, name: string): Promise<SpeakerEntry> {
  if (dist) return { script: join(repoDir, "dist/sdk/cli/main.js"), nodeOptions: [], form: "dist/sdk/cli/main.js", remove: () => undefined };
  const script = join(repoDir, `dist/sdk/cli/${name}-bundle.js`);
  writeFileSync(script, (await imageBundle(repoDir)).code);
  return { script, nodeOptions: IMAGE_NODE_OPTIONS, form: "image bundle", remove: () => rmSync(script, { force: true }) };
}

/** Memory of a process from /proc: resident now and its peak, MiB. */
export function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const mib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) / 1024;
  return { rss: mib("VmRSS"), peak: mib("VmHWM") };
}

/** CPU time a process has used (user and system), seconds; Linux counts it in 1/100 s. */
export function cpuSecondsOf(pid: number): number {
  // the fields after the parenthesised command name: state is field 3, utime 14, stime 15
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8")
    .replace(/^.*\) /s, "")
    .split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
