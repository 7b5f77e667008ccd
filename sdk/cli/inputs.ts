import { statSync } from "node:fs";
import { STDIN_PATH } from "../io";
import {
  EXAMPLE_NAMES,
  echoText,
  examplePath,
  formatManifestIssue,
  hasManifestErrors,
  loadManifestFiles,
  manifestFilesIn,
  type ExampleName,
  type LoadOptions,
  type ManifestIssue,
} from "../manifest";
import { formatObjectKey, objectKey, topologyObjects, topologyOf, type ModelObject, type OpaqueObject, type Topology } from "../model";
import type { CommandIo } from "./command";
import { UsageError } from "./command";
import { progress } from "./progress";

/** The reader's issues printed at most; a broken file can have a hundred thousand, and the first ones say what is wrong. */
const MAX_PRINTED_ISSUES = 200;

/** Manifests read for a command: the merged topology, where each object came from, and what the reader noticed. */
export interface LoadedInput {
  readonly topology: Topology;
  readonly fileOf: (object: ModelObject | OpaqueObject) => string | undefined;
  readonly issues: readonly ManifestIssue[];
  /** How many objects were read (0 for an empty file or one holding only comments). */
  readonly objectCount: number;
}

/**
 * The paths a command reads: the manifest files given, or the bundled
 * example named by `--example` (a usage error lists the names), not both.
 */
export function inputPaths(example: string | undefined, positionals: readonly string[]): readonly string[] {
  if (example === undefined) return positionals;
  if (positionals.length > 0) throw new UsageError("give manifest files or --example, not both");
  if (!(EXAMPLE_NAMES as readonly string[]).includes(example)) {
    throw new UsageError(`--example: no bundled example '${echoText(example)}'; choose one of ${EXAMPLE_NAMES.join(", ")}`);
  }
  return [examplePath(example as ExampleName)];
}

/** The usage lines that describe `--example NAME`. */
export const EXAMPLE_HELP = `  --example NAME       use a bundled example topology instead of files:\n${EXAMPLE_NAMES.map((name) => `                         ${name}`).join("\n")}`;

function manifestFiles(path: string): string[] {
  if (path === STDIN_PATH) return [path];
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT" ? "no such file or directory" : code === "ENOTDIR" ? "a part of the path is not a directory" : (code ?? (error as Error).message);
    throw new UsageError(`cannot read ${echoText(path, 4 * 80)}: ${reason}`);
  }
  if (!isDirectory) return [path];
  try {
    return manifestFilesIn(path);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/**
 * Reads manifest files and directories (every `.yaml`/`.yml`/`.json` below
 * them; `-` is standard input) into one topology, each file with the
 * bounded reader (`options.maxBytes`). The reader's notes and warnings go to
 * stderr; any error (unreadable or too large file, YAML syntax, wrong type,
 * an object defined twice) makes the input unusable: the issues are printed
 * and a usage error (exit 2) is thrown.
 */
export function loadInputs(paths: readonly string[], io: CommandIo, options: LoadOptions = {}): LoadedInput {
  if (paths.length === 0) throw new UsageError("no manifest files given (or use --example NAME)");
  if (paths.filter((path) => path === STDIN_PATH).length > 1) throw new UsageError("standard input (-) can be read only once");
  const files = paths.flatMap(manifestFiles);
  const issues: ManifestIssue[] = [];
  const fileByObject = new Map<ModelObject | OpaqueObject, string>();
  const fileByKey = new Map<string, string>();
  const objects: (ModelObject | OpaqueObject)[] = [];
  const report = progress(io);
  for (const [index, file] of files.entries()) {
    report(`reading ${echoText(file === STDIN_PATH ? "standard input" : file)} (${index + 1} of ${files.length} files)`);
    const result = loadManifestFiles([file], { ...options, progress: report });
    for (const issue of result.issues) issues.push(issue);
    for (const object of topologyObjects(result.topology)) {
      const key = formatObjectKey(objectKey(object));
      const first = fileByKey.get(key);
      if (first !== undefined) {
        issues.push({
          severity: "error",
          code: "duplicate-object",
          file,
          object: echoText(key, 2 * 80),
          message: `also defined in ${echoText(first, 4 * 80)}`,
        });
      }
      fileByKey.set(key, first ?? file);
      fileByObject.set(object, file);
      objects.push(object);
    }
  }
  for (const issue of issues.slice(0, MAX_PRINTED_ISSUES)) io.stderr(`${formatManifestIssue(issue)}\n`);
  if (issues.length > MAX_PRINTED_ISSUES) io.stderr(`… and ${issues.length - MAX_PRINTED_ISSUES} more (the first ${MAX_PRINTED_ISSUES} are shown)\n`);
  if (hasManifestErrors(issues)) {
    const count = issues.filter((issue) => issue.severity === "error").length;
    throw new UsageError(`${count} error${count === 1 ? "" : "s"} reading the manifests (listed above)`);
  }
  return { topology: topologyOf(objects), fileOf: (object) => fileByObject.get(object), issues, objectCount: objects.length };
}

/**
 * False, after saying so on stderr, when the input holds no Kubernetes
 * object at all (an empty file, or one with only comments and `---`): there
 * is nothing to check or render, which is an error (exit 1), not a pass.
 */
export function hasObjects(input: LoadedInput, paths: readonly string[], io: CommandIo): boolean {
  if (input.objectCount > 0) return true;
  const names = paths.map((path) => (path === STDIN_PATH ? "standard input" : path));
  io.stderr(`error: no Kubernetes objects found in ${echoText(names.join(", "), 4 * 80)} (empty, or only comments and ---)\n`);
  return false;
}
