/**
 * How a benchmark runs `bgplb speaker`: as the image runs it (the CLI bundled
 * by esbuild, image/app.ts, with the image entry point's Node.js options),
 * or with `--dist` the compiled dist/sdk/cli/main.js (what `npm install
 * bgplb` runs). Either way the caller adds the DaemonSet's NODE_OPTIONS and
 * malloc settings.
 */
import { rmSync, writeFileSync } from "node:fs";
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
