import { Composer, Document, Lexer, LineCounter, Parser, isAlias, isMap, isScalar, visit, type Alias } from "yaml";
import {
  formatObjectKey,
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
import { echoPath, echoText } from "./echo";
import type { ManifestIssue } from "./issues";
import { schemaOf } from "./schema";

/** A manifest text and where it came from. */
export interface ManifestSource {
  /** File name used in issues; omit for text that did not come from a file. */
  readonly file?: string;
  /** The YAML (one or more documents). */
  readonly text: string;
}

/** Options of {@link parseManifests}. */
export interface ParseOptions {
  /** Told what is being read, every thousand documents, for a progress display. */
  readonly progress?: (step: string) => void;
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

/** Aliases may repeat an anchored node, but not without bound: `maxAliasCount` of the YAML reader. */
const MAX_ALIAS_COUNT = 1000;
/** Deeper nesting than any Kubernetes object needs; refused before anything walks it. */
const MAX_DEPTH = 64;

/**
 * The most YAML tokens one document may hold (some 50,000 list items, far
 * beyond any manifest): the reader's syntax tree costs several hundred bytes
 * per token, so a larger document is refused before it is built.
 */
const MAX_DOCUMENT_TOKENS = 500_000;
/** The lexer's markers that are not source text: document start, flow end, scalar. */
const LEXER_MARKERS = new Set(["\x02", "\x18", "\x1f"]);

/**
 * Why the text must not be given to the YAML reader, and where: flow
 * collections (`[`, `{`) nested deeper than {@link MAX_DEPTH}, or a document
 * of more than {@link MAX_DOCUMENT_TOKENS} tokens. Only the lexer runs, which
 * holds nothing but the current token, so the check costs no memory.
 */
function refusedBeforeParsing(text: string): { problem: string; offset: number } | undefined {
  let offset = 0;
  let depth = 0;
  let tokens = 0;
  for (const lexeme of new Lexer().lex(text)) {
    if (lexeme === "\x02" || lexeme === "---" || lexeme === "...") tokens = 0;
    else if (lexeme === "[" || lexeme === "{") depth++;
    else if ((lexeme === "]" || lexeme === "}") && depth > 0) depth--;
    if (depth > MAX_DEPTH) return { problem: `nested more than ${MAX_DEPTH} levels deep`, offset };
    if (++tokens > MAX_DOCUMENT_TOKENS)
      return {
        problem: `a document of more than ${MAX_DOCUMENT_TOKENS} YAML tokens (some 50,000 list items) is refused; split it into several documents`,
        offset,
      };
    if (!LEXER_MARKERS.has(lexeme)) offset += lexeme.length;
  }
  return undefined;
}

/** The first alias in the document, or the first whose anchor is not set before it. */
function firstAlias(doc: Document, unresolvedOnly: boolean): Alias | undefined {
  const anchors = new Set<string>();
  let found: Alias | undefined;
  visit(doc, (_key, node) => {
    if (isAlias(node)) {
      if (!unresolvedOnly || !anchors.has(node.source)) {
        found = node;
        return visit.BREAK;
      }
    } else if (node !== null && typeof node === "object" && "anchor" in node && typeof node.anchor === "string") {
      anchors.add(node.anchor);
    }
    return undefined;
  });
  return found;
}

/** The first alias that stands inside the node it names (a loop: `a: &a {again: *a}`). */
function recursiveAlias(doc: Document): Alias | undefined {
  let found: Alias | undefined;
  visit(doc, {
    Alias(_key, node, path) {
      if (path.some((ancestor) => typeof ancestor === "object" && ancestor !== null && "anchor" in ancestor && ancestor.anchor === node.source)) {
        found = node;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/**
 * Why the document's value cannot be used, or undefined: nested deeper than
 * {@link MAX_DEPTH}, or, once aliases are expanded, more values than `limit`
 * (an alias bomb). Walks without recursion and stops at the limit.
 */
function oversized(value: unknown, limit: number): string | undefined {
  const stack: [unknown, number][] = [[value, 0]];
  let count = 0;
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (++count > limit) return `aliases expand the document to more than ${limit} values`;
    if (depth > MAX_DEPTH) return `nested more than ${MAX_DEPTH} levels deep`;
    if (typeof item === "object" && item !== null) for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return undefined;
}

/**
 * The document as plain data, or the problem that keeps it from being read:
 * an alias whose anchor is not set before it, aliases that expand without
 * bound (billion laughs), or nesting too deep to walk.
 */
function documentValue(doc: Document, size: number): { value: unknown } | { problem: string; alias?: Alias } {
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (error instanceof RangeError) return { problem: `nested more than ${MAX_DEPTH} levels deep` };
    if (!(error instanceof ReferenceError)) return { problem: `cannot read this document: ${echoText(String((error as Error)?.message ?? error))}` };
    const unresolved = firstAlias(doc, true);
    if (unresolved) return { problem: `alias *${echoText(unresolved.source)} has no anchor &${echoText(unresolved.source)} before it`, alias: unresolved };
    const alias = firstAlias(doc, false);
    return { problem: `aliases expand to too many values (more than ${MAX_ALIAS_COUNT} repetitions; an alias bomb?)`, ...(alias ? { alias } : {}) };
  }
  const loop = recursiveAlias(doc);
  if (loop) return { problem: `alias *${echoText(loop.source)} stands inside the node it names (a loop)`, alias: loop };
  const problem = oversized(value, 2 * size + 10_000);
  if (problem === undefined) return { value };
  const alias = problem.startsWith("aliases") ? firstAlias(doc, false) : undefined;
  return { problem, ...(alias ? { alias } : {}) };
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
export function parseManifests(sources: readonly ManifestSource[] | string, options: ParseOptions = {}): ParseResult {
  const list: readonly ManifestSource[] = typeof sources === "string" ? [{ text: sources }] : sources;
  const issues: ManifestIssue[] = [];
  const objects: (ModelObject | OpaqueObject)[] = [];
  const seen = new Set<string>();

  for (const source of list) {
    const lines = new LineCounter();
    const inFile = source.file === undefined ? {} : { file: source.file };
    const syntaxError = (message: string, offset: number): ManifestIssue => {
      const position = lines.linePos(offset);
      return { severity: "error", code: "yaml-syntax", message: echoText(message, 2 * 80), ...inFile, line: position.line, column: position.col };
    };
    const refused = refusedBeforeParsing(source.text);
    if (refused) {
      const before = source.text.slice(0, refused.offset);
      const line = before.split("\n").length;
      issues.push({ severity: "error", code: "yaml-syntax", message: refused.problem, ...inFile, line, column: refused.offset - before.lastIndexOf("\n") });
      continue;
    }
    // one document at a time: only the current document's syntax tree is held, whatever the file's length
    const documents = new Composer({ prettyErrors: false, logLevel: "error" }).compose(
      new Parser(lines.addNewLine).parse(source.text),
      true,
      source.text.length,
    );
    let read = 0;
    for (;;) {
      let next: IteratorResult<Document.Parsed>;
      try {
        next = documents.next();
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        issues.push({ severity: "error", code: "yaml-syntax", message: `nested too deeply to read (more than ${MAX_DEPTH} levels are refused)`, ...inFile });
        break;
      }
      if (next.done) break;
      const doc = next.value;
      if (++read % 1000 === 0) options.progress?.(`${echoText(source.file ?? "input")}: ${read} documents read`);
      const at = (path: FieldPath, atKey = false) => ({ ...inFile, ...locate(doc, lines, path, atKey) });
      if (doc.errors.length > 0) {
        for (const error of doc.errors) {
          // the YAML reader reports its own stack overflow on deep nesting as a document error
          const message = /call stack/i.test(error.message)
            ? `nested too deeply to read (more than ${MAX_DEPTH} levels are refused)`
            : error.message.split("\n")[0];
          issues.push(syntaxError(message, error.pos[0]));
        }
        continue;
      }
      const value = documentValue(doc, source.text.length);
      if ("problem" in value) {
        issues.push(syntaxError(value.problem, value.alias?.range?.[0] ?? doc.contents?.range?.[0] ?? 0));
        continue;
      }
      const raw = value.value;
      if (raw === null || raw === undefined) continue;
      if (!isPlainObject(raw)) {
        issues.push({ severity: "error", code: "not-an-object", message: "document is not a Kubernetes object (expected a map)", ...at([]) });
        continue;
      }
      const apiVersion = raw["apiVersion"];
      const kind = raw["kind"];
      if (typeof apiVersion !== "string" || typeof kind !== "string") {
        const missing = typeof apiVersion !== "string" ? "apiVersion" : "kind";
        issues.push({
          severity: "error",
          code: "missing-field",
          path: missing,
          message: "a Kubernetes object needs apiVersion and kind (strings)",
          ...at([missing]),
        });
        continue;
      }
      const metadata = metadataOf(raw);
      const keyText = formatObjectKey(objectKey({ apiVersion, kind, metadata }));
      const label = echoText(`${kind} ${metadata.namespace ? `${metadata.namespace}/` : ""}${metadata.name}`, 2 * 80);
      const model = modelKindOf(apiVersion, kind);
      let object: ModelObject | OpaqueObject;
      if (!model) {
        issues.push({
          severity: "note",
          code: "unknown-kind",
          object: label,
          message: `${echoText(apiVersion)} ${echoText(kind)} is not modelled by bgplb; kept as is, not validated`,
          ...at([]),
        });
        object = { apiVersion, kind, metadata, body: raw };
      } else {
        const decoded = decodeManifest(raw, schemaOf(apiVersion, kind)!);
        for (const problem of decoded.problems) {
          issues.push({
            severity: problem.severity,
            code: problem.code,
            object: label,
            path: echoPath(problem.path),
            message: problem.message,
            ...at(problem.path, problem.code === "unknown-field"),
          });
        }
        if (decoded.problems.some((problem) => problem.severity === "error")) continue;
        const typed = decoded.value as Record<string, unknown>;
        object = (decoded.unknownFields.length > 0 ? { ...typed, unknownFields: decoded.unknownFields } : typed) as unknown as ModelObject;
      }
      if (seen.has(keyText)) {
        issues.push({
          severity: "error",
          code: "duplicate-object",
          object: label,
          message: `${echoText(keyText, 2 * 80)} is defined more than once; the first definition is used`,
          ...at([]),
        });
        continue;
      }
      seen.add(keyText);
      objects.push(object);
    }
  }
  return { topology: topologyOf(objects), issues };
}
