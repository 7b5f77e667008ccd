import * as fs from "node:fs";
import * as path from "node:path";
import { formatObjectKey, objectKey, type Topology } from "../sdk/model";
import { diffLines, diffTopologies, formatManifestIssue, parseManifests, renderYaml, toYamlDocument } from "../sdk/manifest";
import { RULES, formatDiagnostic, validate } from "../sdk/validate";

/**
 * The work behind the RenderedManifests dynamic provider: plain functions,
 * loaded by path inside the provider's methods so the serialized provider
 * captures no module. No Pulumi import.
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

/** A property the engine reports as failing `check`. */
export interface CheckFailure {
  readonly property: string;
  readonly reason: string;
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
    const key = formatObjectKey(objectKey({ apiVersion: String(object.apiVersion), kind: String(object.kind), metadata: { name: metadata.name ?? "", namespace: metadata.namespace } }));
    if (key in keyed) throw new Error(`RenderedManifests: two objects are both "${key}"; give them different names`);
    keyed[key] = object;
  }
  return keyed;
}

/** Parses the objects with the same parser as `bgplb validate`. */
export function parseObjects(objects: Record<string, PlainObject>): { topology: Topology; problems: string[] } {
  const text = Object.values(objects).map(toYamlDocument).join("---\n");
  const { topology, issues } = parseManifests(text);
  return { topology, problems: issues.filter((issue) => issue.severity === "error").map(formatManifestIssue) };
}

/**
 * The failures `pulumi preview` shows for these inputs: a missing directory,
 * objects that do not parse, validation errors, and plaintext passwords
 * (a password must come from a Secret, never from the manifests).
 */
export function checkInputs(_olds: ManifestSetInputs | undefined, news: ManifestSetInputs): CheckFailure[] {
  const failures: CheckFailure[] = [];
  // During a preview an input computed from unknown outputs arrives as a placeholder string; it is checked once known.
  if (!isPlain(news.objects)) return failures;
  if (typeof news.directory !== "string" || news.directory.trim() === "") {
    failures.push({ property: "directory", reason: `directory: ${JSON.stringify(news.directory)} is not a directory path` });
  }
  const { topology, problems } = parseObjects(news.objects);
  for (const problem of problems) failures.push({ property: "objects", reason: problem });
  for (const d of validate(topology)) if (d.severity === "error") failures.push({ property: "objects", reason: formatDiagnostic(d) });
  for (const peer of topology.metallbBgpPeers) {
    if (peer.spec.password !== undefined) {
      failures.push({
        property: "objects",
        reason: `${formatObjectKey(objectKey(peer))} spec.password: a plaintext password would be written to the manifests; use passwordSecret (MetalLbPeer's password argument does)`,
      });
    }
  }
  return failures;
}

function isPlain(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** What changes between two object sets. */
export interface ManifestChanges {
  /** One line per added/removed object and per changed field, as `bgplb diff` sees them. */
  readonly lines: string[];
  /** True when a change touches a field that cannot change after cluster creation. */
  readonly notAllowed: boolean;
}

/** Lists the changes from `before` to `after` with the same semantic diff as `bgplb diff`. */
export function describeChanges(before: Record<string, PlainObject>, after: Record<string, PlainObject>): ManifestChanges {
  const diff = diffTopologies(parseObjects(before).topology, parseObjects(after).topology);
  return { lines: diffLines(diff), notAllowed: diff.hasImmutableChanges };
}

/**
 * The engine's diff: a new directory replaces the resource; a change to a
 * field that cannot change after cluster creation is reported as a
 * replacement of `objects` so the preview flags it.
 */
export function diffState(olds: ManifestSetState, news: ManifestSetInputs): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean } {
  const replaces: string[] = [];
  if (path.resolve(news.directory) !== olds.directory) replaces.push("directory");
  const changes = describeChanges(olds.objects ?? {}, news.objects ?? {});
  if (changes.notAllowed) replaces.push("objects");
  return { changes: replaces.length > 0 || changes.lines.length > 0, replaces, deleteBeforeReplace: false };
}

/** The files of a manifest set: `manifests.yaml` holding exactly what `bgplb render` prints for the topology. */
export function manifestFiles(objects: Record<string, PlainObject>): Record<string, string> {
  const { topology, problems } = parseObjects(objects);
  if (problems.length > 0) throw new Error(`RenderedManifests: the objects do not parse:\n  ${problems.join("\n  ")}`);
  return { [MANIFEST_FILE]: renderYaml(topology) };
}

function writeAtomically(file: string, content: string): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(temporary, content, { encoding: "utf8", mode: 0o644 });
  fs.renameSync(temporary, file);
}

/**
 * Writes the set into its directory (each file via a temporary file and a
 * rename) and removes the files a previous state wrote that are gone now.
 */
export function writeManifestSet(inputs: ManifestSetInputs, previous: ManifestSetState | undefined): ManifestSetState {
  const directory = path.resolve(inputs.directory);
  const files = manifestFiles(inputs.objects);
  fs.mkdirSync(directory, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeAtomically(path.join(directory, name), content);
  if (previous !== undefined) {
    for (const name of Object.keys(previous.files ?? {})) {
      const stale = path.join(previous.directory, name);
      if (!(previous.directory === directory && name in files) && fs.existsSync(stale)) fs.rmSync(stale);
    }
  }
  const changes = describeChanges(previous?.objects ?? {}, inputs.objects).lines;
  return { directory, objects: inputs.objects, files, changes };
}

/** Inputs (and state) of the applied-topology check: the objects a stack applies to a cluster. */
export interface AppliedTopologyInputs {
  /** Rendered objects keyed by `apiVersion kind namespace/name`. */
  readonly objects: Record<string, PlainObject>;
}

/**
 * The failures `pulumi preview` shows before a stack applies `news` to a
 * cluster where `olds` was applied: objects that do not parse, every error of
 * the whole topology (cross-object rules included), and every change to a
 * field that cannot change after creation (BGPLB081, which `bgplb validate
 * --previous` reports for the same pair), since applying it would leave the
 * cluster different from the manifests.
 */
export function checkAppliedTopology(olds: AppliedTopologyInputs | undefined, news: AppliedTopologyInputs): CheckFailure[] {
  // A placeholder for unknown outputs during a preview is checked once known.
  if (!isPlain(news.objects)) return [];
  const { topology, problems } = parseObjects(news.objects);
  const previous = olds !== undefined && isPlain(olds.objects) ? parseObjects(olds.objects).topology : undefined;
  const refused = validate(topology, previous === undefined ? {} : { previous }).filter(
    (d) => d.severity === "error" || (d.code === RULES.immutableFieldChanged.code && d.severity !== "skipped"),
  );
  return [...problems, ...refused.map((d) => formatDiagnostic(d))].map((reason) => ({ property: "objects", reason }));
}

/** The engine's diff of the applied-topology check: a change when an object or field changes, never a replacement. */
export function diffAppliedTopology(olds: AppliedTopologyInputs, news: AppliedTopologyInputs): { changes: boolean } {
  return { changes: describeChanges(olds.objects ?? {}, news.objects ?? {}).lines.length > 0 };
}

/** Removes the files the state wrote (the directory itself stays). */
export function removeManifestSet(state: ManifestSetState): void {
  for (const name of Object.keys(state.files ?? {})) fs.rmSync(path.join(state.directory, name), { force: true });
}
