/**
 * What the speaker's informers keep of each object. An object as the API
 * server sends it carries fields the speaker never reads: `managedFields`
 * (one entry per writer, often larger than the object), kubectl's
 * last-applied annotation, a Node's image list and system info. With 5,000
 * Services and their status objects these dominated the speaker's memory,
 * so each informer keeps only what its readers use. Pure.
 */
import type { KubernetesObject } from "@kubernetes/client-node";

type Fields = Record<string, unknown>;

/** kubectl's copy of the applied object, in an annotation. */
const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/** Copies the named fields that are present. */
function pick(from: unknown, names: readonly string[]): Fields | undefined {
  if (typeof from !== "object" || from === null) return undefined;
  const out: Fields = {};
  for (const name of names) if ((from as Fields)[name] !== undefined) out[name] = (from as Fields)[name];
  return out;
}

/** The object's metadata without `managedFields` and the last-applied annotation; everything else kept. */
function lightMetadata(metadata: unknown): Fields | undefined {
  if (typeof metadata !== "object" || metadata === null) return undefined;
  const { managedFields: _managedFields, annotations, ...rest } = metadata as Fields;
  if (typeof annotations !== "object" || annotations === null) return rest;
  const { [LAST_APPLIED]: _lastApplied, ...kept } = annotations as Fields;
  return Object.keys(kept).length > 0 ? { ...rest, annotations: kept } : rest;
}

/** The object as it came, less `managedFields` and the last-applied annotation: for every collection. */
export function withoutWriterFields<T extends KubernetesObject>(object: T): T {
  return { ...object, metadata: lightMetadata(object.metadata) };
}

/** The identity every cached object keeps: what the informer and the Events need. */
const IDENTITY = ["name", "namespace", "uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "labels"];

/** Keeps apiVersion, kind, identity metadata and, of the rest, the named parts of `spec` and `status`. */
function essentials<T extends KubernetesObject>(object: T, spec: readonly string[], status: readonly string[]): T {
  const raw = object as unknown as Fields;
  const out: Fields = { apiVersion: object.apiVersion, kind: object.kind, metadata: pick(object.metadata, IDENTITY) };
  const keptSpec = spec.length > 0 ? pick(raw["spec"], spec) : undefined;
  const keptStatus = status.length > 0 ? pick(raw["status"], status) : undefined;
  if (keptSpec !== undefined) out["spec"] = keptSpec;
  if (keptStatus !== undefined) out["status"] = keptStatus;
  return out as unknown as T;
}

/** A Service as the GKE-mode allocator and route planner read it: type, class, requested IP, families, `status.loadBalancer`. */
export function serviceEssentials<T extends KubernetesObject>(object: T): T {
  return essentials(object, ["type", "loadBalancerIP", "loadBalancerClass", "ipFamilies", "ipFamilyPolicy"], ["loadBalancer"]);
}

/** A Node as the planners read it: its addresses and conditions (type and status only). */
export function nodeEssentials<T extends KubernetesObject>(object: T): T {
  const node = essentials(object, [], ["addresses", "conditions"]) as unknown as { status?: { conditions?: unknown } };
  if (node.status && Array.isArray(node.status.conditions)) node.status.conditions = node.status.conditions.map((c) => pick(c, ["type", "status"]));
  return node as unknown as T;
}

/** A BGPSession or BGPAdvertisedRoute as the speaker reads others' (names and `spec.nodeName`): it writes its own whole. */
export function statusObjectEssentials<T extends KubernetesObject>(object: T): T {
  return essentials(object, ["nodeName"], []);
}
