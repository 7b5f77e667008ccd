import { echoText } from "../manifest/echo";
import type { Diagnostic, ObjectRef } from "./diagnostic";

/** No diagnostic line is longer than this (values inside are capped first; this bounds the sum). */
const LINE_LIMIT = 960;

/** Options of {@link formatDiagnostic}. */
export interface FormatOptions {
  /**
   * Append the object (`[Kind namespace/name, file]`) so that paths such as
   * `spec.peerASN` are unambiguous when several objects share a kind.
   * @default true
   */
  readonly object?: boolean;
}

/** `Kind namespace/name` plus `, file` when the file is known. */
export function describeObject(ref: ObjectRef): string {
  const name = ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
  return ref.file ? `${ref.kind} ${name}, ${ref.file}` : `${ref.kind} ${name}`;
}

/**
 * One line per diagnostic:
 * `error BGPLB012 spec.loadBalancer.bgpPeers[1].asn: 65001 equals the cluster ASN (eBGP only) (hint: use the router's AS number) [Cluster cluster-bm/bm]`.
 */
export function formatDiagnostic(d: Diagnostic, options: FormatOptions = {}): string {
  const line = `${d.severity} ${d.code} ${d.path}: ${d.message} (hint: ${d.hint})`;
  return echoText(options.object === false ? line : `${line} [${describeObject(d.object)}]`, LINE_LIMIT);
}

/** Counts by severity, as the CLI prints them and the JSON report carries them. */
export interface DiagnosticSummary {
  readonly errors: number;
  readonly warnings: number;
  readonly skipped: number;
}

/** Counts the diagnostics by severity. */
export function summarize(diagnostics: readonly Diagnostic[]): DiagnosticSummary {
  let errors = 0;
  let warnings = 0;
  let skipped = 0;
  for (const d of diagnostics) {
    if (d.severity === "error") errors++;
    else if (d.severity === "warning") warnings++;
    else skipped++;
  }
  return { errors, warnings, skipped };
}

/** The JSON report of `bgplb validate --json`: the diagnostics as plain data plus their counts. */
export interface DiagnosticReport {
  readonly diagnostics: readonly Diagnostic[];
  readonly summary: DiagnosticSummary;
}

/** Builds the JSON report; `JSON.stringify` of the result is the wire shape. */
export function toReport(diagnostics: readonly Diagnostic[]): DiagnosticReport {
  return { diagnostics, summary: summarize(diagnostics) };
}
