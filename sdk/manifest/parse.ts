import { Document, LineCounter, isMap, isScalar, parseAllDocuments } from "yaml";
import {
  formatObjectKey,
  formatPath,
  modelKindOf,
  objectKey,
  topologyOf,
  type FieldPath,
  type ModelObject,
  type ObjectMeta,
  type OpaqueObject,
  type Topology,
} from "../model";
import { decodeManifest } from "./decode";
import type { ManifestIssue } from "./issues";
import { KIND_SCHEMAS } from "./schema";

/** A manifest text and where it came from. */
export interface ManifestSource {
  /** File name used in issues; omit for text that did not come from a file. */
  readonly file?: string;
  /** The YAML (one or more documents). */
  readonly text: string;
}

/** What {@link parseManifests} found: the topology and every issue, in input order. */
export interface ParseResult {
  /**
   * The objects read, grouped by kind, in input order. Objects with
   * error-severity issues are left out; unknown kinds are in `otherObjects`.
   */
  readonly topology: Topology;
  /** Errors, warnings and notes. */
  readonly issues: readonly ManifestIssue[];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Line/column of the node at `path` (or of its closest existing ancestor);
 * with `atKey`, of the map key naming the last segment.
 */
function locate(doc: Document, lines: LineCounter, path: FieldPath, atKey = false): { line?: number; column?: number } {
  if (atKey && path.length > 0) {
    const parent = doc.getIn(path.slice(0, -1), true);
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === path[path.length - 1]);
      const offset = isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
      if (offset !== undefined) {
        const position = lines.linePos(offset);
        return { line: position.line, column: position.col };
      }
    }
  }
  for (let length = path.length; length >= 0; length--) {
    const node = doc.getIn(path.slice(0, length), true) as { range?: [number, number, number] } | undefined;
    const offset = node?.range?.[0] ?? (length === 0 ? doc.contents?.range?.[0] : undefined);
    if (offset !== undefined) {
      const position = lines.linePos(offset);
      return { line: position.line, column: position.col };
    }
  }
  return {};
}

function metadataOf(raw: Record<string, unknown>): ObjectMeta {
  const metadata = isPlainObject(raw["metadata"]) ? raw["metadata"] : {};
  const name = typeof metadata["name"] === "string" ? metadata["name"] : "";
  return typeof metadata["namespace"] === "string" ? { name, namespace: metadata["namespace"] } : { name };
}

/**
 * Parses manifests — a bmctl cluster config file (Cluster first, then the
 * CRs), MetalLB CR files, or a mix — into one topology. Never throws on bad
 * input: YAML errors carry file, line and column; unknown kinds are kept as
 * opaque objects with a note; unknown fields on known kinds are warnings and
 * are kept; wrong types and missing required fields are errors naming the
 * path and the value, and the object is left out. An object key
 * (apiVersion/kind/namespace/name) seen twice is an error; the first wins.
 */
export function parseManifests(sources: readonly ManifestSource[] | string): ParseResult {
  const list: readonly ManifestSource[] = typeof sources === "string" ? [{ text: sources }] : sources;
  const issues: ManifestIssue[] = [];
  const objects: (ModelObject | OpaqueObject)[] = [];
  const seen = new Set<string>();

  for (const source of list) {
    const lines = new LineCounter();
    const documents = parseAllDocuments(source.text, { lineCounter: lines, prettyErrors: false });
    const docs = Array.isArray(documents) ? documents : [];
    for (const doc of docs) {
      const at = (path: FieldPath, atKey = false) => ({ ...(source.file === undefined ? {} : { file: source.file }), ...locate(doc, lines, path, atKey) });
      if (doc.errors.length > 0) {
        for (const error of doc.errors) {
          const position = lines.linePos(error.pos[0]);
          issues.push({
            severity: "error",
            code: "yaml-syntax",
            message: error.message.split("\n")[0]!,
            ...(source.file === undefined ? {} : { file: source.file }),
            line: position.line,
            column: position.col,
          });
        }
        continue;
      }
      const raw: unknown = doc.toJS({ maxAliasCount: 1000 });
      if (raw === null || raw === undefined) continue;
      if (!isPlainObject(raw)) {
        issues.push({ severity: "error", code: "not-an-object", message: "document is not a Kubernetes object (expected a map)", ...at([]) });
        continue;
      }
      const apiVersion = raw["apiVersion"];
      const kind = raw["kind"];
      if (typeof apiVersion !== "string" || typeof kind !== "string") {
        const missing = typeof apiVersion !== "string" ? "apiVersion" : "kind";
        issues.push({ severity: "error", code: "missing-field", path: missing, message: "a Kubernetes object needs apiVersion and kind (strings)", ...at([missing]) });
        continue;
      }
      const metadata = metadataOf(raw);
      const keyText = formatObjectKey(objectKey({ apiVersion, kind, metadata }));
      const label = `${kind} ${metadata.namespace ? `${metadata.namespace}/` : ""}${metadata.name}`;
      const model = modelKindOf(apiVersion, kind);
      let object: ModelObject | OpaqueObject;
      if (!model) {
        issues.push({ severity: "note", code: "unknown-kind", object: label, message: `${apiVersion} ${kind} is not modelled by bgplb; kept as is, not validated`, ...at([]) });
        object = { apiVersion, kind, metadata, body: raw };
      } else {
        const decoded = decodeManifest(raw, KIND_SCHEMAS[model.group]);
        for (const problem of decoded.problems) {
          issues.push({ severity: problem.severity, code: problem.code, object: label, path: formatPath(problem.path), message: problem.message, ...at(problem.path, problem.code === "unknown-field") });
        }
        if (decoded.problems.some((problem) => problem.severity === "error")) continue;
        const typed = decoded.value as Record<string, unknown>;
        object = (decoded.unknownFields.length > 0 ? { ...typed, unknownFields: decoded.unknownFields } : typed) as unknown as ModelObject;
      }
      if (seen.has(keyText)) {
        issues.push({ severity: "error", code: "duplicate-object", object: label, message: `${keyText} is defined more than once; the first definition is used`, ...at([]) });
        continue;
      }
      seen.add(keyText);
      objects.push(object);
    }
  }
  return { topology: topologyOf(objects), issues };
}
