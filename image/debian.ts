import { createHash } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, posix } from "node:path";
import { execTool } from "./exec";
import type { TarEntry } from "./tar";

/** A Debian package some of whose files are in the image. */
export interface DebianPackage {
  /** Package name, e.g. `libc6`. */
  readonly name: string;
  /** Exact Debian version, e.g. `2.36-9+deb12u14`. */
  readonly version: string;
  /** Debian architecture, e.g. `amd64`. */
  readonly architecture: string;
  /** SPDX license expression of the files taken. */
  readonly license: string;
  /** File name of the `.deb` the files were extracted from. */
  readonly debFile: string;
  /** SHA-256 of that `.deb` (hex). */
  readonly sha256: string;
  /** The image paths taken from it. */
  readonly paths: readonly string[];
}

/**
 * SPDX licenses of the Debian packages a Node.js binary links against.
 * Debian's copyright files are not uniformly machine-readable, so the
 * expression is stated here (from each package's copyright file, which is
 * shipped in the image too) and a package missing from this table stops the
 * build rather than enter the SBOM without a license.
 */
const LICENSES: Readonly<Record<string, string>> = {
  libc6: "LGPL-2.1-or-later",
  "libstdc++6": "GPL-3.0-or-later WITH GCC-exception-3.1",
  "libgcc-s1": "GPL-3.0-or-later WITH GCC-exception-3.1",
  "gcc-12-base": "GPL-3.0-or-later WITH GCC-exception-3.1",
};

/** Shared libraries of a binary with the packages they come from. */
export interface SharedLibraries {
  readonly packages: readonly DebianPackage[];
  readonly entries: readonly TarEntry[];
}

/** The absolute paths `ldd` resolves for `binary` (the vDSO has none and is skipped). */
async function linkedLibraries(binary: string): Promise<string[]> {
  const out = await execTool("ldd", [binary]);
  const paths: string[] = [];
  for (const line of out.split("\n")) {
    if (/=>\s*not found/.test(line)) throw new Error(`ldd ${binary}: ${line.trim()}`);
    const m = /(?:=>\s*)?(\/\S+)\s+\(0x[0-9a-f]+\)/.exec(line);
    if (m?.[1]) paths.push(m[1]);
  }
  if (paths.length === 0) throw new Error(`ldd ${binary}: no shared libraries found (output: ${out.trim()})`);
  return paths;
}

/** With merged /usr a library may be registered under /lib or /usr/lib: both forms, the given one first. */
function registeredForms(path: string): string[] {
  return [path, path.startsWith("/usr/") ? path.slice(4) : `/usr${path}`];
}

/** The installed package (`name:arch`) and the registered path of a file, from `dpkg -S`. */
async function owner(path: string): Promise<{ pkg: string; path: string }> {
  for (const form of registeredForms(path)) {
    const out = await execTool("dpkg", ["-S", form]).catch(() => "");
    const line = out.split("\n").find((l) => l.endsWith(`: ${form}`) && !l.startsWith("diversion"));
    if (line) return { pkg: line.slice(0, line.length - form.length - 2), path: form };
  }
  throw new Error(`${path}: no installed Debian package owns it (dpkg -S)`);
}

async function installed(pkg: string): Promise<{ name: string; version: string; architecture: string }> {
  const out = await execTool("dpkg-query", ["-W", "-f", "${Package}\t${Version}\t${Architecture}", pkg]);
  const [name = "", version = "", architecture = ""] = out.split("\t");
  return { name, version, architecture };
}

/**
 * The `.deb` of `name=version` for `architecture`, from the cache, else
 * `apt-get download` into a scratch directory of the cache and renamed into
 * place, so an interrupted download never stays in the cache.
 */
async function download(cacheDir: string, name: string, version: string, architecture: string): Promise<string> {
  const fileName = `${name}_${version.replace(/:/g, "%3a")}_${architecture}.deb`;
  const file = join(cacheDir, fileName);
  if (existsSync(file)) return file;
  mkdirSync(cacheDir, { recursive: true });
  const scratch = mkdtempSync(join(cacheDir, ".download-"));
  try {
    await execTool("apt-get", ["download", "-q", `${name}:${architecture}=${version}`], { cwd: scratch });
    if (!existsSync(join(scratch, fileName))) throw new Error(`apt-get download ${name}:${architecture}=${version} did not write ${fileName}`);
    renameSync(join(scratch, fileName), file);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return file;
}

/**
 * Files of an extracted package: `wanted` paths (image paths, no leading
 * slash) and every symlink target they lead to inside the package.
 */
function takeFiles(root: string, wanted: readonly string[], pkg: string): TarEntry[] {
  const entries = new Map<string, TarEntry>();
  const queue = [...wanted];
  for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
    if (entries.has(path)) continue;
    const full = join(root, path);
    const stat = lstatSync(full, { throwIfNoEntry: false });
    if (!stat) throw new Error(`Debian package ${pkg} has no file /${path}`);
    if (stat.isSymbolicLink()) {
      const target = readlinkSync(full);
      entries.set(path, { type: "symlink", path, target });
      queue.push(target.startsWith("/") ? target.slice(1) : posix.normalize(posix.join(posix.dirname(path), target)));
    } else if (stat.isFile()) {
      entries.set(path, { type: "file", path, mode: stat.mode & 0o7777, data: readFileSync(full) });
    } else {
      throw new Error(`Debian package ${pkg}: /${path} is neither a file nor a symlink`);
    }
  }
  return [...entries.values()];
}

/**
 * The shared libraries `binary` needs, taken from the Debian packages that
 * provide them on this machine, at the installed versions: `ldd` names the
 * files, `dpkg -S` their packages, `apt-get download` fetches each `.deb`
 * (kept in `cacheDir`) and `dpkg-deb -x` extracts it. Only the linked files
 * (and symlinks to them) and each package's copyright file are taken; when a
 * package's doc directory is a symlink to another package's (as for the GCC
 * runtime libraries), that package's copyright file is taken too.
 */
export async function sharedLibraries(binary: string, cacheDir: string): Promise<SharedLibraries> {
  const wanted = new Map<string, string[]>();
  for (const lib of await linkedLibraries(binary)) {
    const { pkg, path } = await owner(lib);
    wanted.set(pkg, [...(wanted.get(pkg) ?? []), path.slice(1)]);
  }
  const packages: DebianPackage[] = [];
  const entries: TarEntry[] = [];
  const scratch = mkdtempSync(join(tmpdir(), "bgplb-image-deb-"));
  try {
    for (const [pkg, paths] of wanted) {
      const { name, version, architecture } = await installed(pkg);
      const license = LICENSES[name];
      if (license === undefined)
        throw new Error(
          `Debian package ${name} (needed for ${paths.map((p) => `/${p}`).join(", ")}) has no license in image/debian.ts; add its SPDX expression from /usr/share/doc/${name}/copyright`,
        );
      const deb = await download(cacheDir, name, version, architecture);
      const root = join(scratch, name);
      await execTool("dpkg-deb", ["-x", deb, root]);
      const doc = `usr/share/doc/${name}`;
      const docLink = lstatSync(join(root, doc), { throwIfNoEntry: false });
      const taken = takeFiles(root, docLink?.isSymbolicLink() ? paths : [...paths, `${doc}/copyright`], name);
      if (docLink?.isSymbolicLink()) {
        const other = readlinkSync(join(root, doc));
        taken.push({ type: "symlink", path: doc, target: other });
        const key = `${posix.basename(other)}:${architecture}`;
        if (!wanted.has(key)) wanted.set(key, [`usr/share/doc/${posix.basename(other)}/copyright`]);
      }
      entries.push(...taken);
      packages.push({
        name,
        version,
        architecture,
        license,
        debFile: deb.slice(dirname(deb).length + 1),
        sha256: createHash("sha256").update(readFileSync(deb)).digest("hex"),
        paths: taken.map((e) => e.path).sort(),
      });
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return { packages: packages.sort((a, b) => a.name.localeCompare(b.name)), entries };
}
