import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
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
  readonly optional?: boolean;
  readonly peer?: boolean;
  readonly link?: boolean;
}

/** Type declarations, source maps and documentation: nothing `require` loads. */
const NOT_NEEDED = /(\.d\.[cm]?ts|\.map|\.md|\.markdown)$/i;
/** The trailing comment tsc adds; the maps are not shipped. */
const SOURCE_MAP_COMMENT = /\n\/\/# sourceMappingURL=[^\n]*\n?$/;

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
    throw new Error(`${file}: ${(err as Error).message}`);
  }
}

function imagePath(...parts: string[]): string {
  return [APP_DIR, ...parts].join("/").split(sep).join("/");
}

/**
 * The compiled SDK: each `dist/sdk/**.js` whose `sdk/**.ts` source exists (so
 * output of deleted sources left in `dist/` stays out), without its
 * source-map comment.
 */
function sdkEntries(repo: string): TarEntry[] {
  const dist = join(repo, "dist", "sdk");
  if (!existsSync(join(dist, "cli", "main.js"))) throw new Error(`${join(dist, "cli", "main.js")} is missing: compile first (npx tsc -p tsconfig.json)`);
  return walk(dist)
    .filter((file) => file.endsWith(".js") && existsSync(join(repo, "sdk", relative(dist, file)).replace(/\.js$/, ".ts")))
    .map((file) => ({
      type: "file",
      path: imagePath("dist", "sdk", relative(dist, file)),
      mode: 0o644,
      data: Buffer.from(readFileSync(file, "utf8").replace(SOURCE_MAP_COMMENT, "\n"), "utf8"),
    }));
}

/**
 * The production dependencies: every package-lock entry that is not a
 * development or peer dependency (optional ones when installed), copied from `node_modules`
 * without declarations, maps and docs. Its installed version must be the
 * locked one.
 */
function dependencyEntries(repo: string): { packages: NpmPackage[]; entries: TarEntry[] } {
  const lock = readJson<{ packages?: Record<string, LockEntry> }>(join(repo, "package-lock.json"));
  const packages: NpmPackage[] = [];
  const entries: TarEntry[] = [];
  for (const [location, locked] of Object.entries(lock.packages ?? {})) {
    if (location === "" || locked.dev || locked.devOptional || locked.peer) continue;
    if (locked.link) throw new Error(`package-lock.json: ${location} is a link; the image takes installed packages only`);
    const dir = join(repo, location);
    if (locked.optional && !existsSync(dir)) continue;
    const pkg = readJson<PackageJson>(join(dir, "package.json"));
    if (pkg.version !== locked.version) throw new Error(`${join(dir, "package.json")}: version ${pkg.version} is installed but package-lock.json locks ${locked.version} (run npm ci)`);
    if (!pkg.name || !pkg.version || !pkg.license) throw new Error(`${join(dir, "package.json")}: no name, version or license`);
    packages.push({ name: pkg.name, version: pkg.version, license: pkg.license });
    for (const file of walk(dir)) {
      const rel = relative(dir, file);
      if (rel.split(sep).includes("node_modules") || NOT_NEEDED.test(rel)) continue;
      entries.push({ type: "file", path: imagePath(location, rel), mode: statSync(file).mode & 0o111 ? 0o755 : 0o644, data: readFileSync(file) });
    }
  }
  return { packages: packages.sort((a, b) => a.name.localeCompare(b.name)), entries };
}

/**
 * The application: `app/package.json` (name, version, license: what
 * `bgplb --version` reads), the compiled SDK and the production
 * dependencies. Nothing else of the repository (components, provider, tests,
 * TypeScript sources, Pulumi SDK) goes in.
 */
export function application(repo: string): Application {
  const pkg = readJson<PackageJson>(join(repo, "package.json"));
  if (!pkg.name || !pkg.version || !pkg.license) throw new Error(`${join(repo, "package.json")}: name, version and license are required`);
  const manifest = { name: pkg.name, version: pkg.version, license: pkg.license, private: true, type: "commonjs" };
  const deps = dependencyEntries(repo);
  return {
    name: pkg.name,
    version: pkg.version,
    license: pkg.license,
    repository: typeof pkg.repository === "string" ? pkg.repository : pkg.repository?.url,
    dependencies: deps.packages,
    entries: [
      { type: "file", path: imagePath("package.json"), mode: 0o644, data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) },
      ...sdkEntries(repo),
      ...deps.entries,
    ],
  };
}
