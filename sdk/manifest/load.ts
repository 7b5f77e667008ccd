import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { ManifestIssue } from "./issues";
import { parseManifests, type ManifestSource, type ParseResult } from "./parse";

const MANIFEST_FILE = /\.(ya?ml|json)$/i;

function readSources(files: readonly string[], issues: ManifestIssue[]): ManifestSource[] {
  const sources: ManifestSource[] = [];
  for (const file of files) {
    try {
      sources.push({ file, text: readFileSync(file, "utf8") });
    } catch (error) {
      issues.push({ severity: "error", code: "read-error", file, message: `cannot read: ${(error as Error).message}` });
    }
  }
  return sources;
}

function withIssues(result: ParseResult, issues: readonly ManifestIssue[]): ParseResult {
  return issues.length === 0 ? result : { topology: result.topology, issues: [...issues, ...result.issues] };
}

/** Parses manifest files (bmctl config files, MetalLB CR files) into one topology. Unreadable files are `read-error` issues. */
export function loadManifestFiles(files: readonly string[]): ParseResult {
  const issues: ManifestIssue[] = [];
  return withIssues(parseManifests(readSources(files, issues)), issues);
}

/** Every `.yaml`, `.yml` and `.json` file under the directory (hidden entries skipped), sorted by path. */
export function manifestFilesIn(directory: string): string[] {
  const files: string[] = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
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
export function loadManifestDirectory(directory: string): ParseResult {
  return loadManifestFiles(manifestFilesIn(directory));
}

/** Loads a path: a directory (see {@link loadManifestDirectory}) or a single file. */
export function loadManifests(path: string): ParseResult {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    return { topology: parseManifests([]).topology, issues: [{ severity: "error", code: "read-error", file: path, message: `cannot read: ${(error as Error).message}` }] };
  }
  return isDirectory ? loadManifestDirectory(path) : loadManifestFiles([path]);
}
