import { mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { ModelObject, OpaqueObject, Topology } from "../model";
import { echoText } from "./echo";
import { renderObject } from "./encode";
import { sortedObjects } from "./render";
import { toYamlDocument } from "./yaml";

const MANAGED_FILE = /\.ya?ml$/i;

/**
 * The file name of an object in a rendered directory:
 * `<kind>.<api group>_<namespace>_<name>.yaml`, lower case
 * (`bgppeer.networking.gke.io_cluster-bm_bgppeer1.yaml`), so the two BGPPeer
 * kinds never collide. Core-group objects have no group part; cluster-scoped
 * objects have an empty namespace part.
 */
export function manifestFileName(object: ModelObject | OpaqueObject): string {
  const slash = object.apiVersion.lastIndexOf("/");
  const group = slash < 0 ? "" : `.${object.apiVersion.slice(0, slash)}`;
  return `${object.kind.toLowerCase()}${group}_${object.metadata.namespace ?? ""}_${object.metadata.name}.yaml`.replace(/[^A-Za-z0-9._-]/g, "-");
}

/** The directory writer refused or failed; nothing was changed. */
export class DirectoryWriteError extends Error {
  override readonly name = "DirectoryWriteError";
}

/**
 * Writes the topology to `directory`, one YAML file per object, all or
 * nothing: every file is written to a fresh temporary directory beside the
 * target, which then replaces the target with renames. An existing target
 * may hold only `.yaml`/`.yml` files (a previous render); anything else
 * makes the writer refuse rather than delete it. On any error the target is
 * left as it was and the temporary directory is removed.
 * @returns the written file paths, in document order.
 * @throws DirectoryWriteError naming the directory and the cause.
 */
export function writeManifestDirectory(directory: string, topology: Topology): string[] {
  const target = resolve(directory);
  const shown = echoText(target, 4 * 80);
  const parent = dirname(target);
  let existing: Stats | undefined;
  try {
    existing = statSync(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT")
      throw new DirectoryWriteError(`cannot write ${shown}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; nothing was changed`);
  }
  if (existing && !existing.isDirectory())
    throw new DirectoryWriteError(`${shown} is a file, not a directory; give a new or empty directory (nothing was changed)`);
  if (existing) {
    let entries;
    try {
      entries = readdirSync(target, { withFileTypes: true });
    } catch (error) {
      throw new DirectoryWriteError(`cannot read ${shown}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; nothing was changed`);
    }
    const foreign = entries.filter((entry) => !entry.isFile() || !MANAGED_FILE.test(entry.name));
    if (foreign.length > 0) {
      throw new DirectoryWriteError(
        `refusing to replace ${shown}: it holds ${echoText(foreign.map((entry) => entry.name).join(", "), 2 * 80)}, which bgplb render did not write; choose an empty or new directory`,
      );
    }
  }
  const objects = sortedObjects(topology);
  const names = objects.map(manifestFileName);
  const taken = new Set<string>();
  const duplicate = names.find((name) => taken.has(name) || !taken.add(name));
  if (duplicate) throw new DirectoryWriteError(`two objects map to the same file ${echoText(duplicate)}; object names must be unique per kind and namespace`);

  let staging: string;
  try {
    staging = mkdtempSync(join(parent, `.${basename(target)}.tmp-`));
  } catch (error) {
    throw new DirectoryWriteError(`cannot write ${shown}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; nothing was changed`);
  }
  let backup: string | undefined;
  try {
    objects.forEach((object, index) => writeFileSync(join(staging, names[index]), toYamlDocument(renderObject(object))));
    if (existing) {
      backup = `${staging}.old`;
      renameSync(target, backup);
    }
    try {
      renameSync(staging, target);
    } catch (error) {
      if (backup) renameSync(backup, target);
      backup = undefined;
      throw error;
    }
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw new DirectoryWriteError(`cannot write ${shown}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; nothing was changed`);
  }
  if (backup) rmSync(backup, { recursive: true, force: true });
  return names.map((name) => join(target, name));
}
