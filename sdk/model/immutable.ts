import type { FieldPath } from "./path";

/** A field that cannot change after the cluster is created. */
export interface ImmutableField {
  /** Object `apiVersion`. */
  readonly apiVersion: string;
  /** Object `kind`. */
  readonly kind: string;
  /** The field path; a change at or under it is not applied after creation. */
  readonly path: FieldPath;
  /** Why, for reviewers. */
  readonly reason: string;
}

/** The fields SPEC §2.3 lists as not changeable after cluster creation. */
export const IMMUTABLE_AFTER_CREATION: readonly ImmutableField[] = [
  { apiVersion: "baremetal.cluster.gke.io/v1", kind: "Cluster", path: ["spec", "loadBalancer", "localASN"], reason: "the cluster ASN cannot change after creation" },
  { apiVersion: "baremetal.cluster.gke.io/v1", kind: "Cluster", path: ["spec", "loadBalancer", "mode"], reason: "the load balancer mode cannot change after creation" },
  { apiVersion: "baremetal.cluster.gke.io/v1", kind: "Cluster", path: ["spec", "loadBalancer", "type"], reason: "the load balancer type cannot change after creation" },
  { apiVersion: "baremetal.cluster.gke.io/v1", kind: "Cluster", path: ["spec", "loadBalancer", "vips", "controlPlaneVIP"], reason: "the control-plane VIP cannot change after creation" },
  { apiVersion: "baremetal.cluster.gke.io/v1", kind: "Cluster", path: ["spec", "loadBalancer", "vips", "ingressVIP"], reason: "the ingress VIP cannot change after creation" },
];

/**
 * The immutable field a change at `path` of an object of this apiVersion/kind
 * touches, if any: the change is at or under the field, or replaces a subtree
 * holding it (e.g. the whole `spec.loadBalancer.vips`).
 */
export function immutableFieldAt(apiVersion: string, kind: string, path: FieldPath): ImmutableField | undefined {
  if (path.length === 0) return undefined;
  return IMMUTABLE_AFTER_CREATION.find((entry) => {
    if (entry.apiVersion !== apiVersion || entry.kind !== kind) return false;
    const shared = Math.min(entry.path.length, path.length);
    for (let i = 0; i < shared; i++) if (entry.path[i] !== path[i]) return false;
    return true;
  });
}
