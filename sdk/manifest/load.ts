import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { InputFileError, readTextInput, STDIN_PATH, type ReadInputOptions } from "../io";
import { echoText } from "./echo";
import type { ManifestIssue } from "./issues";
import { parseManifests, type ManifestSource, type ParseOptions, type ParseResult } from "./parse";

const MANIFEST_FILE = /\.(ya?ml|json)$/i;

/** How manifest files are read: the size limit of each file, the setting that raises it, progress. */
export type LoadOptions = ReadInputOptions & ParseOptions;

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  ENOTDIR: "a part of the path is not a directory",
  ENAMETOOLONG: "file name too long",
  ELOOP: "too many symbolic links",
  EISDIR: "is a directory, not a file",
};

function readError(file: string, error: unknown): ManifestIssue {
  const code = (error as NodeJS.ErrnoException).code;
  const name = file === STDIN_PATH ? "standard input" : file;
  const text = error instanceof Error ? error.message : String(error);
  // readTextInput's message starts with the file name, which the issue carries on its own.
  const reason = error instanceof InputFileError ? (text.startsWith(`${name}: `) ? text.slice(name.length + 2) : text) : `cannot read: ${code ?? text}`;
  const known = Object.entries(REASONS).find(([errno]) => reason.endsWith(`: ${errno}`));
  return { severity: "error", code: "read-error", file, message: known ? `${reason} (${known[1]})` : reason };
}

function readSources(files: readonly string[], issues: ManifestIssue[], options: LoadOptions): ManifestSource[] {
  const sources: ManifestSource[] = [];
  for (const file of files) {
    try {
      sources.push({ file, text: readTextInput(file, options) });
    } catch (error) {
      issues.push(readError(file, error));
    }
  }
  return sources;
}

function withIssues(result: ParseResult, issues: readonly ManifestIssue[]): ParseResult {
  return issues.length === 0 ? result : { topology: result.topology, issues: [...issues, ...result.issues] };
}

/**
 * Parses manifest files (bmctl config files, MetalLB CR files; `-` is
 * standard input) into one topology. Each file is read with the bounded
 * reader; an unreadable or too large file is a `read-error` issue.
 */
export function loadManifestFiles(files: readonly string[], options: LoadOptions = {}): ParseResult {
  const issues: ManifestIssue[] = [];
  return withIssues(parseManifests(readSources(files, issues, options), options), issues);
}

/**
 * Every `.yaml`, `.yml` and `.json` file under the directory (hidden entries
 * skipped), sorted by path.
 * @throws Error naming the directory that cannot be listed.
 */
export function manifestFilesIn(directory: string): string[] {
  const files: string[] = [];
  const visit = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      throw new Error(`cannot read directory ${echoText(dir, 4 * 80)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
    }
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.isFile() && MANIFEST_FILE.test(entry.name)) files.push(path);
    }
  };
  visit(directory);
  return files.sort((a, b) => (relative(directory, a) < relative(directory, b) ? -1 : 1));
}

/** Parses every manifest file under a directory (a GitOps directory) into one topology. */
export function loadManifestDirectory(directory: string, options: LoadOptions = {}): ParseResult {
  let files: string[];
  try {
    files = manifestFilesIn(directory);
  } catch (error) {
    return { topology: parseManifests([]).topology, issues: [{ severity: "error", code: "read-error", file: directory, message: (error as Error).message }] };
  }
  return loadManifestFiles(files, options);
}

/** Loads a path: a directory (see {@link loadManifestDirectory}), a single file, or `-` for standard input. */
export function loadManifests(path: string, options: LoadOptions = {}): ParseResult {
  if (path === STDIN_PATH) return loadManifestFiles([path], options);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    return { topology: parseManifests([]).topology, issues: [readError(path, error)] };
  }
  return isDirectory ? loadManifestDirectory(path, options) : loadManifestFiles([path], options);
}
