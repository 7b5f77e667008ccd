import { MODEL_KINDS, isModelObject, topologyObjects, topologyOf, type ModelObject, type OpaqueObject, type Topology } from "../model";
import { comparePaths } from "./decode";
import { renderObject, type PlainManifest } from "./encode";
import { toYamlDocument } from "./yaml";

const KIND_RANK = new Map(MODEL_KINDS.map((entry, index) => [`${entry.apiVersion}|${entry.kind}`, index]));

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The document order of rendered output: modelled kinds in MODEL_KINDS
 * order (Cluster first), then other kinds by apiVersion and kind; within a
 * kind by namespace, then name.
 */
export function compareObjects(a: ModelObject | OpaqueObject, b: ModelObject | OpaqueObject): number {
  const rankA = isModelObject(a) ? KIND_RANK.get(`${a.apiVersion}|${a.kind}`)! : MODEL_KINDS.length;
  const rankB = isModelObject(b) ? KIND_RANK.get(`${b.apiVersion}|${b.kind}`)! : MODEL_KINDS.length;
  return (
    rankA - rankB ||
    compareText(a.apiVersion, b.apiVersion) ||
    compareText(a.kind, b.kind) ||
    compareText(a.metadata.namespace ?? "", b.metadata.namespace ?? "") ||
    compareText(a.metadata.name, b.metadata.name)
  );
}

/** The topology's objects in document order (see {@link compareObjects}). */
export function sortedObjects(topology: Topology): (ModelObject | OpaqueObject)[] {
  return topologyObjects(topology).sort(compareObjects);
}

/** Renders every object of the topology to plain data, in document order. */
export function renderPlain(topology: Topology): PlainManifest[] {
  return sortedObjects(topology).map(renderObject);
}

/**
 * Renders the topology as one multi-document YAML stream (`---` between
 * documents), e.g. a bmctl cluster config file. Deterministic: the same
 * objects in any order give byte-identical text.
 */
export function renderYaml(topology: Topology): string {
  return renderPlain(topology).map(toYamlDocument).join("---\n");
}

/**
 * The canonical form of a topology: each list in document order and each
 * object's unknown fields sorted by path — exactly what parsing the
 * rendered YAML gives back.
 */
export function canonicalTopology(topology: Topology): Topology {
  return topologyOf(
    sortedObjects(topology).map((object) =>
      isModelObject(object) && object.unknownFields
        ? { ...object, unknownFields: [...object.unknownFields].sort((a, b) => comparePaths(a.path, b.path)) }
        : object,
    ),
  );
}
