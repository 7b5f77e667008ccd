import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { bundleCli, EXTERNAL_PACKAGES, type CliBundle } from "./bundle";
import type { TarEntry } from "./tar";

/** Where the application lives in the image. */
export const APP_DIR = "app";

/** An npm package installed in the image. */
export interface NpmPackage {
  readonly name: string;
  readonly version: string;
  readonly license: string;
}

/** The application layer's files and the npm packages among them. */
export interface Application {
  readonly name: string;
  readonly version: string;
  readonly license: string;
  /** package.json `repository` (its URL), if declared. */
  readonly repository?: string;
  readonly dependencies: readonly NpmPackage[];
  readonly entries: readonly TarEntry[];
}

interface PackageJson {
  readonly name?: string;
  readonly version?: string;
  readonly license?: string;
  readonly repository?: string | { readonly url?: string };
}

interface LockEntry {
  readonly version?: string;
  readonly dev?: boolean;
  readonly devOptional?: boolean;
  readonly peer?: boolean;
  readonly link?: boolean;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
}

/**
 * What an external package needs at run time: not its type declarations,
 * source maps, documentation, C/C++ and assembly sources, headers and
 * linker definitions (it ships prebuilt),
 * nor binaries for musl (the image's libc is Debian's glibc).
 */
const NOT_NEEDED = /(\.d\.[cm]?ts|\.map|\.md|\.markdown|\.(c|cc|cpp|h|hh|hpp|inc|s|asm|def)|(^|[\\/])CMakeLists\.txt)$|(^|[\\/])musl[_-][^\\/]*[\\/]/i;

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = join(dir, d.name);
    if (d.isDirectory()) return walk(full);
    if (d.isFile()) return [full];
    throw new Error(`${full}: only files and directories can go into the image`);
  });
}

function readJson<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`, { cause: err });
  }
}

function imagePath(...parts: string[]): string {
  return [APP_DIR, ...parts].join("/").split(sep).join("/");
}

/**
 * The installed package at `location` (e.g. `node_modules/@scope/name`):
 * name, version and license from its package.json; the version must be the
 * one package-lock.json locks.
 */
function installedPackage(repo: string, location: string, lock: Readonly<Record<string, LockEntry>>): NpmPackage {
  const locked = lock[location];
  if (!locked) throw new Error(`package-lock.json: no entry for ${location} (run npm ci)`);
  if (locked.link) throw new Error(`package-lock.json: ${location} is a link; the image takes installed packages only`);
  const file = join(repo, location, "package.json");
  const pkg = readJson<PackageJson>(file);
  if (pkg.version !== locked.version)
    throw new Error(`${file}: version ${pkg.version} is installed but package-lock.json locks ${locked.version} (run npm ci)`);
  if (!pkg.name || !pkg.version || !pkg.license) throw new Error(`${file}: no name, version or license`);
  return { name: pkg.name, version: pkg.version, license: pkg.license };
}

/** Where Node.js finds `name` required from the package at `from`: the nearest `node_modules` up the tree that has it. */
function resolveLocation(from: string, name: string, lock: Readonly<Record<string, LockEntry>>): string | undefined {
  for (let dir = from; ; dir = dir.slice(0, dir.lastIndexOf("/node_modules/"))) {
    const candidate = `${dir}/node_modules/${name}`;
    if (lock[candidate]) return candidate;
    if (!dir.includes("/node_modules/")) return lock[`node_modules/${name}`] ? `node_modules/${name}` : undefined;
  }
}

/** The external packages with everything they require that is installed (optional ones for other platforms are not). */
function externalLocations(repo: string, lock: Readonly<Record<string, LockEntry>>): string[] {
  const found = new Set<string>();
  const visit = (location: string): void => {
    if (found.has(location)) return;
    found.add(location);
    const locked = lock[location];
    for (const [name, optional] of [
      ...Object.keys(locked?.dependencies ?? {}).map((n) => [n, false] as const),
      ...Object.keys(locked?.optionalDependencies ?? {}).map((n) => [n, true] as const),
    ]) {
      const at = resolveLocation(location, name, lock);
      if (at && existsSync(join(repo, at))) visit(at);
      else if (!optional) throw new Error(`${location} requires ${name}, which is not installed (run npm ci)`);
    }
  };
  for (const name of EXTERNAL_PACKAGES) {
    if (!lock[`node_modules/${name}`]) throw new Error(`package-lock.json: ${name} (kept out of the bundle) is not a dependency`);
    visit(`node_modules/${name}`);
  }
  return [...found].sort();
}

/** The files of the installed package at `location`, without what {@link NOT_NEEDED} names and without nested packages. */
function packageFiles(repo: string, location: string): TarEntry[] {
  const dir = join(repo, location);
  return walk(dir)
    .filter((file) => {
      const rel = relative(dir, file);
      return !rel.split(sep).includes("node_modules") && !NOT_NEEDED.test(rel);
    })
    .map((file) => ({
      type: "file",
      path: imagePath(location, relative(dir, file)),
      mode: statSync(file).mode & 0o111 ? 0o755 : 0o644,
      data: readFileSync(file),
    }));
}

/**
 * The CLI as the image bundles it (see {@link bundleCli}) from the compiled
 * `dist/sdk/cli/main.js` and the production dependencies package-lock.json
 * lists. `npm run bench -- cluster-allocator` runs the speaker from it.
 */
export async function imageBundle(repo: string): Promise<CliBundle> {
  const main = join(repo, "dist", "sdk", "cli", "main.js");
  if (!existsSync(main)) throw new Error(`${main} is missing: compile first (npx tsc -p tsconfig.json)`);
  const lock = readJson<{ packages?: Record<string, LockEntry> }>(join(repo, "package-lock.json")).packages ?? {};
  return bundleCli(repo, (location) => {
    const entry = lock[location];
    return entry !== undefined && !entry.dev && !entry.devOptional && !entry.peer;
  });
}

/**
 * The CLI bundled into `dist/sdk/cli/main.js` (see {@link imageBundle}) and the
 * external packages installed beside it, with every npm package whose code is
 * in either: the bundled ones from esbuild's metafile, the external ones from
 * package-lock.json.
 */
async function codeEntries(repo: string): Promise<{ packages: NpmPackage[]; entries: TarEntry[] }> {
  const lock = readJson<{ packages?: Record<string, LockEntry> }>(join(repo, "package-lock.json")).packages ?? {};
  const bundle = await imageBundle(repo);
  const external = externalLocations(repo, lock);
  const packages = [...bundle.packageDirs, ...external].map((location) => installedPackage(repo, location, lock));
  return {
    packages: packages.sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version)),
    entries: [
      { type: "file", path: imagePath("dist", "sdk", "cli", "main.js"), mode: 0o644, data: bundle.code },
      ...external.flatMap((location) => packageFiles(repo, location)),
    ],
  };
}

/**
 * The application: `app/package.json` (name, version, license: what
 * `bgplb --version` reads), the CLI bundled with the code it uses and the
 * packages kept out of the bundle. Nothing else of the repository
 * (components, provider, tests, TypeScript sources, Pulumi SDK) goes in.
 */
export async function application(repo: string): Promise<Application> {
  const pkg = readJson<PackageJson>(join(repo, "package.json"));
  if (!pkg.name || !pkg.version || !pkg.license) throw new Error(`${join(repo, "package.json")}: name, version and license are required`);
  const manifest = { name: pkg.name, version: pkg.version, license: pkg.license, private: true, type: "commonjs" };
  const code = await codeEntries(repo);
  return {
    name: pkg.name,
    version: pkg.version,
    license: pkg.license,
    repository: typeof pkg.repository === "string" ? pkg.repository : pkg.repository?.url,
    dependencies: code.packages,
    entries: [{ type: "file", path: imagePath("package.json"), mode: 0o644, data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) }, ...code.entries],
  };
}
