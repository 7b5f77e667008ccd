import { echoText } from "./echo";

/** What went wrong (or is worth knowing) while reading manifests. */
export type ManifestIssueCode =
  "read-error" | "yaml-syntax" | "not-an-object" | "missing-field" | "type-error" | "unknown-field" | "unknown-kind" | "duplicate-object";

/** How bad an issue is: errors drop the object (or document); warnings and notes keep it. */
export type ManifestIssueSeverity = "error" | "warning" | "note";

/** One finding of the manifest reader, located as precisely as the input allows. */
export interface ManifestIssue {
  /** Severity. */
  readonly severity: ManifestIssueSeverity;
  /** Stable code. */
  readonly code: ManifestIssueCode;
  /** The message, naming the bad value. */
  readonly message: string;
  /** File the manifest came from, when read from a file. */
  readonly file?: string;
  /** 1-based line. */
  readonly line?: number;
  /** 1-based column. */
  readonly column?: number;
  /** The object, as `Kind namespace/name`, when known. */
  readonly object?: string;
  /** The field path inside the object, e.g. `spec.loadBalancer.bgpPeers[1].asn`. */
  readonly path?: string;
}

/** One line per issue: `file:line:col: severity: Kind ns/name path: message`. */
export function formatManifestIssue(issue: ManifestIssue): string {
  const where = [issue.file === undefined ? undefined : echoText(issue.file, 4 * 80), issue.line, issue.line === undefined ? undefined : issue.column]
    .filter((part) => part !== undefined)
    .join(":");
  const subject = [issue.object, issue.path].filter((part) => part !== undefined && part !== "").join(" ");
  return echoText(`${where === "" ? "" : `${where}: `}${issue.severity}: ${subject === "" ? "" : `${subject}: `}${issue.message}`, 960);
}

/** True when any issue is an error. */
export function hasManifestErrors(issues: readonly ManifestIssue[]): boolean {
  return issues.some((issue) => issue.severity === "error");
}
