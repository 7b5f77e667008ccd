import * as fs from "node:fs";
import * as path from "node:path";
import { emptyTopology, formatObjectKey, objectKey, type Topology } from "../sdk/model";
import { diffLines, diffTopologies, formatManifestIssue, parseManifests, renderYaml, toYamlDocument, type ParseResult } from "../sdk/manifest";
import { RULES, formatDiagnostic, validate, type Diagnostic, type ValidationFacts } from "../sdk/validate";

/**
 * The work behind the RenderedManifests and AppliedTopology dynamic
 * providers: plain functions, loaded by path inside the providers' methods so
 * the serialized providers capture no module. No Pulumi import.
 */

/** A rendered manifest as plain data. */
export type PlainObject = Record<string, unknown>;

/** Inputs of the provider. */
export interface ManifestSetInputs {
  /** The GitOps directory. */
  readonly directory: string;
  /** Rendered objects keyed by `apiVersion kind namespace/name`. */
  readonly objects: Record<string, PlainObject>;
}

/** State of the provider: the inputs, the directory made absolute, the files written and the changes applied. */
export interface ManifestSetState extends ManifestSetInputs {
  /** Relative path → content of every file written. */
  readonly files: Record<string, string>;
  /** The changes the last create/update applied, one line each. */
  readonly changes: string[];
}

/** Inputs (and state) of the applied-topology check: the objects a stack applies to a cluster. */
export interface AppliedTopologyInputs {
  /** Rendered objects keyed by `apiVersion kind namespace/name`. */
  readonly objects: Record<string, PlainObject>;
}

/** A property the engine reports as failing `check`. */
export interface CheckFailure {
  readonly property: string;
  readonly reason: string;
}

/** What changes between two object sets. */
export interface ManifestChanges {
  /** One line per added/removed object and per changed field, as `bgplb diff` sees them. */
  readonly lines: string[];
  /** True when a change touches a field that cannot change after cluster creation. */
  readonly notAllowed: boolean;
}

/** The file `bgplb render` output goes to inside the GitOps directory. */
export const MANIFEST_FILE = "manifests.yaml";

/**
 * Keys objects by `apiVersion kind namespace/name`.
 * @throws Error naming the key when two objects share it.
 */
export function keyedObjects(objects: readonly PlainObject[]): Record<string, PlainObject> {
  const keyed: Record<string, PlainObject> = {};
  for (const object of objects) {
    const metadata = (object.metadata ?? {}) as { name?: string; namespace?: string };
    const key = formatObjectKey(
      objectKey({ apiVersion: String(object.apiVersion), kind: String(object.kind), metadata: { name: metadata.name ?? "", namespace: metadata.namespace } }),
    );
    if (key in keyed) throw new Error(`RenderedManifests: two objects are both "${key}"; give them different names`);
    keyed[key] = object;
  }
  return keyed;
}

function isPlain(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The reading and checking the operations are built on: the parser and the
 * validator of `bgplb validate`. Passed to {@link ManifestSetOperations} so
 * another caller (a test counting calls, a tool reporting progress) can wrap
 * them.
 */
export interface ManifestCore {
  /** Parses manifest text (`parseManifests`). */
  readonly parse: (text: string) => ParseResult;
  /** Validates a topology (`validate`). */
  readonly validate: (topology: Topology, facts: ValidationFacts) => Diagnostic[];
}

/** The parser and validator of `bgplb validate`. */
export const MANIFEST_CORE: ManifestCore = { parse: (text) => parseManifests(text), validate };

/** An object set as read once: its topology, its parse errors, and what was worked out from it so far. */
interface ReadSet {
  readonly topology: Topology;
  readonly problems: readonly string[];
  /** Diagnostics of the set, keyed by the text of the previous set they were checked against ("" for none). */
  readonly diagnostics: Map<string, readonly Diagnostic[]>;
  /** Changes to this set, keyed by the text of the set they start from. */
  readonly changesFrom: Map<string, ManifestChanges>;
}

/** Object sets remembered per provider process: the old and new sets of a few resources. */
const REMEMBERED_SETS = 8;

/** The empty set, read without the parser (a first create starts from it). */
const NOTHING = "";

/**
 * Every operation of the two dynamic providers. The engine runs one provider
 * process per `pulumi preview`/`up` and calls check, then diff, then
 * create/update for each resource with the same object sets, so each set is
 * parsed once and validated once per process: this object keeps the last
 * {@link REMEMBERED_SETS} sets it read (keyed by their manifest text, which is
 * what the parser reads, so a remembered result is the result of parsing
 * again) with their diagnostics and changes.
 */
export class ManifestSetOperations {
  private readonly sets = new Map<string, ReadSet>();

  /** Operations using `core` to parse and validate. */
  constructor(private readonly core: ManifestCore = MANIFEST_CORE) {}

  /** The text of a set, as the parser reads it. */
  private textOf(objects: Record<string, PlainObject>): string {
    return Object.values(objects).map(toYamlDocument).join("---\n");
  }

  private read(text: string): ReadSet {
    const known = this.sets.get(text);
    if (known !== undefined) {
      this.sets.delete(text);
      this.sets.set(text, known);
      return known;
    }
    const parsed = text === NOTHING ? { topology: emptyTopology(), issues: [] } : this.core.parse(text);
    const set: ReadSet = {
      topology: parsed.topology,
      problems: parsed.issues.filter((issue) => issue.severity === "error").map(formatManifestIssue),
      diagnostics: new Map(),
      changesFrom: new Map(),
    };
    this.sets.set(text, set);
    for (const oldest of this.sets.keys()) {
      if (this.sets.size <= REMEMBERED_SETS) break;
      this.sets.delete(oldest);
    }
    return set;
  }

  /** The objects read with the same parser as `bgplb validate`, and the parse errors. */
  parse(objects: Record<string, PlainObject>): { topology: Topology; problems: string[] } {
    const set = this.read(this.textOf(objects));
    return { topology: set.topology, problems: [...set.problems] };
  }

  private diagnosticsOf(set: ReadSet, previousText: string | undefined): readonly Diagnostic[] {
    const key = previousText ?? NOTHING;
    const known = set.diagnostics.get(key);
    if (known !== undefined) return known;
    const previous = previousText === undefined ? undefined : this.read(previousText).topology;
    const diagnostics = this.core.validate(set.topology, previous === undefined ? {} : { previous });
    set.diagnostics.set(key, diagnostics);
    return diagnostics;
  }

  /**
   * The errors of a set as such: the previous set only adds BGPLB081
   * (a warning, refused by the applied-topology check alone), so the
   * diagnostics of any check of the set serve.
   */
  private errorsOf(set: ReadSet): Diagnostic[] {
    const any = set.diagnostics.values().next();
    const diagnostics = any.done === true ? this.diagnosticsOf(set, undefined) : any.value;
    return diagnostics.filter((d) => d.severity === "error" && d.code !== RULES.immutableFieldChanged.code);
  }

  /** Lists the changes from `before` to `after` with the same semantic diff as `bgplb diff`. */
  changes(before: Record<string, PlainObject>, after: Record<string, PlainObject>): ManifestChanges {
    const beforeText = this.textOf(before);
    const set = this.read(this.textOf(after));
    const known = set.changesFrom.get(beforeText);
    if (known !== undefined) return known;
    const diff = diffTopologies(this.read(beforeText).topology, set.topology);
    const changes = { lines: diffLines(diff), notAllowed: diff.hasImmutableChanges };
    set.changesFrom.set(beforeText, changes);
    return changes;
  }

  /**
   * RenderedManifests' check, the failures `pulumi preview` shows for these
   * inputs: a missing directory, objects that do not parse, validation
   * errors, and plaintext passwords (a password must come from a Secret,
   * never from the manifests).
   */
  check(news: ManifestSetInputs): CheckFailure[] {
    const failures: CheckFailure[] = [];
    // During a preview an input computed from unknown outputs arrives as a placeholder string; it is checked once known.
    if (!isPlain(news.objects)) return failures;
    if (typeof news.directory !== "string" || news.directory.trim() === "") {
      failures.push({ property: "directory", reason: `directory: ${JSON.stringify(news.directory)} is not a directory path` });
    }
    const set = this.read(this.textOf(news.objects));
    for (const problem of set.problems) failures.push({ property: "objects", reason: problem });
    for (const d of this.errorsOf(set)) failures.push({ property: "objects", reason: formatDiagnostic(d) });
    for (const peer of set.topology.metallbBgpPeers) {
      if (peer.spec.password !== undefined) {
        failures.push({
          property: "objects",
          reason: `${formatObjectKey(objectKey(peer))} spec.password: a plaintext password would be written to the manifests; use passwordSecret (MetalLbPeer's password argument does)`,
        });
      }
    }
    return failures;
  }

  /**
   * RenderedManifests' diff: a new directory replaces the resource; a change
   * to a field that cannot change after cluster creation is reported as a
   * replacement of `objects` so the preview flags it.
   */
  diff(olds: ManifestSetState, news: ManifestSetInputs): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean } {
    const replaces: string[] = [];
    if (path.resolve(news.directory) !== olds.directory) replaces.push("directory");
    const changes = this.changes(olds.objects ?? {}, news.objects ?? {});
    if (changes.notAllowed) replaces.push("objects");
    return { changes: replaces.length > 0 || changes.lines.length > 0, replaces, deleteBeforeReplace: false };
  }

  /** The files of a manifest set: `manifests.yaml` holding exactly what `bgplb render` prints for the topology. */
  files(objects: Record<string, PlainObject>): Record<string, string> {
    const set = this.read(this.textOf(objects));
    if (set.problems.length > 0) throw new Error(`RenderedManifests: the objects do not parse:\n  ${set.problems.join("\n  ")}`);
    return { [MANIFEST_FILE]: renderYaml(set.topology) };
  }

  /**
   * RenderedManifests' create and update: writes the set into its directory
   * (each file via a temporary file and a rename) and removes the files a
   * previous state wrote that are gone now.
   */
  write(inputs: ManifestSetInputs, previous: ManifestSetState | undefined): ManifestSetState {
    const directory = path.resolve(inputs.directory);
    const files = this.files(inputs.objects);
    fs.mkdirSync(directory, { recursive: true });
    for (const [name, content] of Object.entries(files)) writeAtomically(path.join(directory, name), content);
    if (previous !== undefined) {
      for (const name of Object.keys(previous.files ?? {})) {
        const stale = path.join(previous.directory, name);
        if (!(previous.directory === directory && name in files) && fs.existsSync(stale)) fs.rmSync(stale);
      }
    }
    const changes = this.changes(previous?.objects ?? {}, inputs.objects).lines;
    return { directory, objects: inputs.objects, files, changes };
  }

  /**
   * AppliedTopology's check, the failures `pulumi preview` shows before a
   * stack applies `news` to a cluster where `olds` was applied: objects that
   * do not parse, every error of the whole topology (cross-object rules
   * included), and every change to a field that cannot change after creation
   * (BGPLB081, which `bgplb validate --previous` reports for the same pair),
   * since applying it would leave the cluster different from the manifests.
   */
  checkApplied(olds: AppliedTopologyInputs | undefined, news: AppliedTopologyInputs): CheckFailure[] {
    // A placeholder for unknown outputs during a preview is checked once known.
    if (!isPlain(news.objects)) return [];
    const set = this.read(this.textOf(news.objects));
    const previousText = olds !== undefined && isPlain(olds.objects) ? this.textOf(olds.objects) : undefined;
    const refused = this.diagnosticsOf(set, previousText).filter(
      (d) => d.severity === "error" || (d.code === RULES.immutableFieldChanged.code && d.severity !== "skipped"),
    );
    return [...set.problems, ...refused.map((d) => formatDiagnostic(d))].map((reason) => ({ property: "objects", reason }));
  }

  /** AppliedTopology's diff: a change when an object or field changes, never a replacement. */
  diffApplied(olds: AppliedTopologyInputs, news: AppliedTopologyInputs): { changes: boolean } {
    return { changes: this.changes(olds.objects ?? {}, news.objects ?? {}).lines.length > 0 };
  }
}

function writeAtomically(file: string, content: string): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(temporary, content, { encoding: "utf8", mode: 0o644 });
  fs.renameSync(temporary, file);
}

/** Removes the files the state wrote (the directory itself stays). */
export function removeManifestSet(state: ManifestSetState): void {
  for (const name of Object.keys(state.files ?? {})) fs.rmSync(path.join(state.directory, name), { force: true });
}

/** The operations of this provider process, which the providers' methods use. */
export const operations = new ManifestSetOperations();

// The functions below are what providers serialized into existing stacks by
// earlier versions call (a resource removed from the program is deleted, and
// refreshed, with the provider stored in its state); each runs on `operations`.

/** Parses the objects with the same parser as `bgplb validate`. */
export function parseObjects(objects: Record<string, PlainObject>): { topology: Topology; problems: string[] } {
  return operations.parse(objects);
}

/** {@link ManifestSetOperations.check} of this process. */
export function checkInputs(_olds: ManifestSetInputs | undefined, news: ManifestSetInputs): CheckFailure[] {
  return operations.check(news);
}

/** {@link ManifestSetOperations.changes} of this process. */
export function describeChanges(before: Record<string, PlainObject>, after: Record<string, PlainObject>): ManifestChanges {
  return operations.changes(before, after);
}

/** {@link ManifestSetOperations.diff} of this process. */
export function diffState(olds: ManifestSetState, news: ManifestSetInputs): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean } {
  return operations.diff(olds, news);
}

/** {@link ManifestSetOperations.files} of this process. */
export function manifestFiles(objects: Record<string, PlainObject>): Record<string, string> {
  return operations.files(objects);
}

/** {@link ManifestSetOperations.write} of this process. */
export function writeManifestSet(inputs: ManifestSetInputs, previous: ManifestSetState | undefined): ManifestSetState {
  return operations.write(inputs, previous);
}

/** {@link ManifestSetOperations.checkApplied} of this process. */
export function checkAppliedTopology(olds: AppliedTopologyInputs | undefined, news: AppliedTopologyInputs): CheckFailure[] {
  return operations.checkApplied(olds, news);
}

/** {@link ManifestSetOperations.diffApplied} of this process. */
export function diffAppliedTopology(olds: AppliedTopologyInputs, news: AppliedTopologyInputs): { changes: boolean } {
  return operations.diffApplied(olds, news);
}
