import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { APP_DIR, application } from "./app";
import { sharedLibraries, type DebianPackage } from "./debian";
import { execTool } from "./exec";
import { writeImageLayout, type WrittenImage } from "./layout";
import { nodeRuntime } from "./node-runtime";
import { spdxDocument } from "./sbom";
import { tarArchive, type TarEntry } from "./tar";

/** The unprivileged user and group the speaker runs as (the distroless `nonroot`). */
export const IMAGE_USER = 65532;
/** Where the Node.js binary is in the image. */
export const IMAGE_NODE = "/usr/local/bin/node";
/**
 * Node.js options the image's entry point gives every run. V8 options such
 * as `--optimize-for-size` are refused in NODE_OPTIONS, so the DaemonSet
 * cannot set this one: smaller heap growth steps and freed heap pages
 * given back rather than pooled took the speaker with 5,000 Services from
 * ~147 to ~115–124 MiB RSS, for ~10% more CPU (`npm run bench --
 * cluster-allocator 5000`, which runs the speaker with these).
 */
export const IMAGE_NODE_OPTIONS: readonly string[] = ["--optimize-for-size"];
/** The CLI entry point in the image. */
export const IMAGE_MAIN = `/${APP_DIR}/dist/sdk/cli/main.js`;
/** File name of the SBOM, written in the layout directory beside `index.json`. */
export const SBOM_FILE = "sbom.spdx.json";

/** A build that cannot be done as asked (missing tool, bad input, apt failure): the CLI prints it and exits 1. */
export class ImageBuildError extends Error {
  override readonly name = "ImageBuildError";
}

/** What `bgplb image build` is given. */
export interface ImageBuildOptions {
  /** The repository checkout to build from (compiled: `dist/sdk` present). */
  readonly repo: string;
  /** Layout directory to create; must not exist or be empty. */
  readonly out: string;
  /** Cache of `.deb` files and the stripped Node.js binary. */
  readonly cacheDir: string;
  /** `org.opencontainers.image.source`; @default package.json `repository`, else the git remote `origin` */
  readonly source?: string;
  /** Seconds since the epoch for every mtime and the SBOM date; @default `SOURCE_DATE_EPOCH`, else the commit time */
  readonly sourceDateEpoch?: number;
  /** Progress lines. */
  readonly log: (line: string) => void;
}

/** What was built. */
export interface ImageBuildResult {
  readonly out: string;
  readonly image: WrittenImage;
  readonly revision: string;
  readonly sourceDateEpoch: number;
  readonly debianPackages: readonly DebianPackage[];
  readonly sbomFile: string;
}

const git = (repo: string, args: readonly string[]): Promise<string> => execTool("git", ["-C", repo, ...args]).then((s) => s.trim());

/** `SOURCE_DATE_EPOCH` if set (it must be a whole number of seconds), else the time of the commit. */
async function sourceDate(repo: string, given: number | undefined): Promise<number> {
  if (given !== undefined) return given;
  const env = process.env.SOURCE_DATE_EPOCH;
  if (env !== undefined && env !== "") {
    if (!/^\d+$/.test(env)) throw new ImageBuildError(`SOURCE_DATE_EPOCH: ${JSON.stringify(env)} is not a whole number of seconds since 1970`);
    return Number(env);
  }
  return Number(await git(repo, ["log", "-1", "--format=%ct"]));
}

const PASSWD = `root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:${IMAGE_USER}:${IMAGE_USER}:nonroot:/home/nonroot:/sbin/nologin\n`;
const GROUP = `root:x:0:\nnonroot:x:${IMAGE_USER}:\n`;

/** Users and groups (so the uid has a name) and an empty /tmp for a writable mount. */
function systemEntries(): TarEntry[] {
  return [
    { type: "file", path: "etc/passwd", mode: 0o644, data: Buffer.from(PASSWD) },
    { type: "file", path: "etc/group", mode: 0o644, data: Buffer.from(GROUP) },
    { type: "directory", path: "tmp", mode: 0o1777 },
  ];
}

function checkOut(out: string): void {
  if (existsSync(out) && readdirSync(out).length > 0) throw new ImageBuildError(`--out ${out}: exists and is not empty; give a new directory`);
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/**
 * Builds the speaker image as an OCI image layout in `out`, with no container
 * daemon, in three layers: the shared libraries from Debian packages with
 * /etc/passwd and /tmp; the Node.js binary; the application. The layout is
 * written to a temporary sibling directory and renamed into place, so `out`
 * is either complete or absent. The SBOM goes beside `index.json`.
 */
export async function buildImage(options: ImageBuildOptions): Promise<ImageBuildResult> {
  const started = Date.now();
  const repo = resolve(options.repo);
  const out = resolve(options.out);
  checkOut(out);
  try {
    const app = await application(repo);
    const [revision, epoch, source] = await Promise.all([
      git(repo, ["rev-parse", "HEAD"]),
      sourceDate(repo, options.sourceDateEpoch),
      options.source ?? app.repository ?? git(repo, ["remote", "get-url", "origin"]).catch(() => undefined),
    ]);
    const runtime = await nodeRuntime(repo, options.cacheDir);
    if (process.version !== `v${runtime.version}`) {
      options.log(
        `warning: building with Node.js ${process.version}, not the image's v${runtime.version}: its zlib may compress differently, and so change the layer digests (use npm run image)`,
      );
    }
    const libraries = await sharedLibraries(runtime.binary, join(options.cacheDir, "debian"));
    const layers = [
      { description: "Debian shared libraries, /etc/passwd, /tmp", tar: tarArchive([...libraries.entries, ...systemEntries()], epoch) },
      {
        description: `Node.js ${runtime.version}`,
        tar: tarArchive(
          [
            { type: "file", path: IMAGE_NODE.slice(1), mode: 0o755, data: readFileSync(runtime.binary) },
            { type: "file", path: "usr/local/share/doc/node/LICENSE", mode: 0o644, data: runtime.licenseText },
          ],
          epoch,
        ),
      },
      { description: `${app.name} ${app.version} (bundled CLI and external packages)`, tar: tarArchive(app.entries, epoch) },
    ];
    if (await git(repo, ["status", "--porcelain", "--", "sdk", "package.json", "package-lock.json"])) {
      options.log(
        `warning: uncommitted changes under sdk/ or in package.json/package-lock.json: the revision label ${revision} does not describe this image exactly`,
      );
    }
    if (source === undefined)
      options.log("warning: no source URL (set repository in package.json or pass --source); the org.opencontainers.image.source label is left out");
    const labels: Record<string, string> = {
      "org.opencontainers.image.title": `${app.name} speaker`,
      ...(source === undefined ? {} : { "org.opencontainers.image.source": source }),
      "org.opencontainers.image.revision": revision,
      "org.opencontainers.image.version": app.version,
      "org.opencontainers.image.licenses": app.license,
    };
    mkdirSync(dirname(out), { recursive: true });
    const temp = mkdtempSync(join(dirname(out), `.${basename(out)}.partial-`));
    try {
      const image = writeImageLayout(temp, {
        architecture: { x64: "amd64", arm64: "arm64" }[process.arch as string] ?? process.arch,
        layers,
        config: {
          User: `${IMAGE_USER}:${IMAGE_USER}`,
          Env: ["PATH=/usr/local/bin", "NODE_ENV=production"],
          Entrypoint: [IMAGE_NODE, ...IMAGE_NODE_OPTIONS, IMAGE_MAIN],
          Cmd: ["speaker"],
          WorkingDir: `/${APP_DIR}`,
          Labels: labels,
        },
        annotations: labels,
        refName: app.version,
      });
      const sbom = spdxDocument({
        manifestDigest: image.manifest.digest,
        created: new Date(epoch * 1000),
        application: app,
        runtime,
        debianPackages: libraries.packages,
      });
      writeFileSync(join(temp, SBOM_FILE), `${JSON.stringify(sbom, null, 2)}\n`);
      chmodSync(temp, 0o755);
      checkOut(out);
      if (existsSync(out)) rmdirSync(out);
      renameSync(temp, out);
      for (const layer of image.layers)
        options.log(
          `layer ${layer.digest.slice(7, 19)} ${megabytes(layer.size).padStart(9)} (${megabytes(layer.uncompressedSize)} unpacked)  ${layer.description}`,
        );
      for (const p of libraries.packages) options.log(`debian ${p.name} ${p.version} ${p.architecture} (${p.license})`);
      options.log(`compressed size ${megabytes(image.compressedSize)} (${image.compressedSize} bytes)`);
      options.log(`manifest ${image.manifest.digest}`);
      options.log(`wrote ${out} (OCI layout, SBOM ${SBOM_FILE}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return { out, image, revision, sourceDateEpoch: epoch, debianPackages: libraries.packages, sbomFile: join(out, SBOM_FILE) };
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  } catch (err) {
    if (err instanceof ImageBuildError || err instanceof TypeError || err instanceof RangeError) throw err;
    throw new ImageBuildError((err as Error).message);
  }
}
