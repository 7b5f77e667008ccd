import { statSync } from "node:fs";
import {
  EXAMPLE_NAMES,
  examplePath,
  formatManifestIssue,
  hasManifestErrors,
  loadManifestFiles,
  manifestFilesIn,
  type ExampleName,
  type ManifestIssue,
} from "../manifest";
import { formatObjectKey, mergeTopologies, objectKey, topologyObjects, type ModelObject, type OpaqueObject, type Topology } from "../model";
import type { CommandIo } from "./command";
import { UsageError } from "./command";

/** Manifests read for a command: the merged topology, where each object came from, and what the reader noticed. */
export interface LoadedInput {
  readonly topology: Topology;
  readonly fileOf: (object: ModelObject | OpaqueObject) => string | undefined;
  readonly issues: readonly ManifestIssue[];
}

/**
 * The paths a command reads: the manifest files given, or the bundled
 * example named by `--example` (a usage error lists the names), not both.
 */
export function inputPaths(example: string | undefined, positionals: readonly string[]): readonly string[] {
  if (example === undefined) return positionals;
  if (positionals.length > 0) throw new UsageError("give manifest files or --example, not both");
  if (!(EXAMPLE_NAMES as readonly string[]).includes(example)) {
    throw new UsageError(`--example: no bundled example '${example}'; choose one of ${EXAMPLE_NAMES.join(", ")}`);
  }
  return [examplePath(example as ExampleName)];
}

/** The usage lines that describe `--example NAME`. */
export const EXAMPLE_HELP = `  --example NAME       use a bundled example topology instead of files:\n${EXAMPLE_NAMES.map((name) => `                         ${name}`).join("\n")}`;

function manifestFiles(path: string): string[] {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory" : (error as Error).message}`);
  }
  return isDirectory ? manifestFilesIn(path) : [path];
}

/**
 * Reads manifest files and directories (every `.yaml`/`.yml`/`.json` below
 * them) into one topology. The reader's notes and warnings go to stderr; any
 * error (unreadable file, YAML syntax, wrong type, an object defined twice)
 * makes the input unusable: the issues are printed and a usage error (exit 2)
 * is thrown.
 */
export function loadInputs(paths: readonly string[], io: CommandIo): LoadedInput {
  if (paths.length === 0) throw new UsageError("no manifest files given (or use --example NAME)");
  const files = paths.flatMap(manifestFiles);
  const issues: ManifestIssue[] = [];
  const fileByObject = new Map<ModelObject | OpaqueObject, string>();
  const fileByKey = new Map<string, string>();
  const topologies: Topology[] = [];
  for (const file of files) {
    const result = loadManifestFiles([file]);
    issues.push(...result.issues);
    for (const object of topologyObjects(result.topology)) {
      const key = formatObjectKey(objectKey(object));
      const first = fileByKey.get(key);
      if (first !== undefined) {
        issues.push({ severity: "error", code: "duplicate-object", file, object: key, message: `${key} is also defined in ${first}` });
      }
      fileByKey.set(key, first ?? file);
      fileByObject.set(object, file);
    }
    topologies.push(result.topology);
  }
  for (const issue of issues) io.stderr(`${formatManifestIssue(issue)}\n`);
  if (hasManifestErrors(issues)) {
    const count = issues.filter((issue) => issue.severity === "error").length;
    throw new UsageError(`${count} error${count === 1 ? "" : "s"} reading the manifests (listed above)`);
  }
  return { topology: mergeTopologies(...topologies), fileOf: (object) => fileByObject.get(object), issues };
}
