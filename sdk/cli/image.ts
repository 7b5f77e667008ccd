import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { parseCommandArgs } from "./args";
import type { Command, CommandIo } from "./command";
import { UsageError } from "./command";

const USAGE = `Usage: bgplb image build --out DIR [--cache DIR] [--source URL]
       npm run image -- --out DIR

Builds the speaker's OCI image layout in DIR without a container daemon:
the Node.js binary of the node npm package (stripped), the shared libraries
it links taken from Debian packages (apt-get download, at the versions
installed here), and the CLI bundled with esbuild into one file beside
koffi (kept out of the bundle for its native binary). Entrypoint
bgplb, command speaker (pass "advertise ..." as the command to run that);
user 65532; runs with a read-only root file system. Writes sbom.spdx.json
(SPDX 2.3) beside index.json and prints the layer sizes, the compressed
size and the manifest digest. Two builds of the same commit give the same
digest: every mtime is SOURCE_DATE_EPOCH (default: the commit time).
Runs from a source checkout, after npx tsc -p tsconfig.json.

Options:
  --out DIR      the layout directory to create (must not exist or be empty)
  --cache DIR    .deb files and the stripped node binary
                 (default: $BGPLB_IMAGE_CACHE, else ~/.cache/bgplb-image)
  --source URL   org.opencontainers.image.source label (default: package.json
                 repository, else the git remote origin)

Exit codes: 0 built, 1 the build failed (message says why), 2 bad usage.`;

/** The builder's module: it lives in the top-level `image/`, outside the SDK the image carries. */
type ImageBuilder = typeof import("../../image/build");

/**
 * The builder is loaded when the verb runs, not imported: `image/` is not
 * part of the SDK (nor of the image or the npm package), so `bgplb` loads
 * and runs without it and only `bgplb image` needs a source checkout.
 */
function loadBuilder(): ImageBuilder {
  const file = join(__dirname, "..", "..", "image", "build.js");
  if (!existsSync(file)) throw new UsageError(`the image builder (${file}) is not in this installation; run it from a compiled source checkout`);
  return require(file) as ImageBuilder;
}

function defaultCacheDir(): string {
  return process.env.BGPLB_IMAGE_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "bgplb-image");
}

async function run(args: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { out: { type: "string" }, cache: { type: "string" }, source: { type: "string" } });
  const [verb, ...rest] = positionals;
  if (verb !== "build")
    throw new UsageError(
      verb === undefined ? "give a subcommand: build (see --help)" : `unknown subcommand ${JSON.stringify(verb)}; the only one is build (see --help)`,
    );
  if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])} (see --help)`);
  if (values.out === undefined || values.out === "") throw new UsageError("--out DIR is required");
  const builder = loadBuilder();
  try {
    await builder.buildImage({
      repo: resolve(__dirname, "..", "..", ".."),
      out: values.out,
      cacheDir: values.cache ?? defaultCacheDir(),
      source: values.source,
      log: (line) => io.stdout(`${line}\n`),
    });
    return 0;
  } catch (err) {
    if (!(err instanceof builder.ImageBuildError)) throw err;
    io.stderr(`bgplb image: ${err.message}\n`);
    return 1;
  }
}

/** `bgplb image build`: the speaker's OCI image, built without a container daemon. */
export const imageCommand: Command = {
  name: "image",
  summary: "build the speaker's OCI image (no container daemon)",
  usage: USAGE,
  run,
};
