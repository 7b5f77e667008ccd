import type { FieldPath } from "./path";

/** Kubernetes object metadata, the parts bgplb reads and writes. */
export interface ObjectMeta {
  /** Object name (DNS-1123 subdomain). Required. */
  readonly name: string;
  /** Namespace. GKE objects live in `cluster-<name>`; MetalLB objects in `metallb-system`. */
  readonly namespace?: string;
  /** Labels; a GKE BGPLoadBalancer `peerSelector` matches BGPPeers by these. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Annotations, carried through unchanged. */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A field present in a manifest that the model does not describe; kept so re-rendering never drops it. */
export interface UnknownField {
  /** Where it sits, from the object root, e.g. `["spec", "loadBalancer", "bgpPeers", 0, "vrf"]`. */
  readonly path: FieldPath;
  /** Its value exactly as parsed (any JSON-like value). */
  readonly value: unknown;
}

/** What every modelled object carries besides its typed fields. */
export interface ModelObjectBase {
  /** The `apiVersion` of the manifest. */
  readonly apiVersion: string;
  /** The `kind` of the manifest. */
  readonly kind: string;
  /** Name, namespace, labels, annotations. */
  readonly metadata: ObjectMeta;
  /**
   * Fields found in the manifest that the model does not type, in path order;
   * absent when there are none. Rendering writes them back at their paths.
   */
  readonly unknownFields?: readonly UnknownField[];
}

/** A label-selector requirement (`key`, `operator`, `values`). */
export interface LabelSelectorRequirement {
  /** The label key the requirement applies to. */
  readonly key: string;
  /** `In`, `NotIn`, `Exists` or `DoesNotExist`. */
  readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  /** Values for `In`/`NotIn`; must be empty for `Exists`/`DoesNotExist`. */
  readonly values?: readonly string[];
}

/** A Kubernetes label selector; both parts are ANDed. An empty selector matches everything. */
export interface LabelSelector {
  /** Exact key/value matches. */
  readonly matchLabels?: Readonly<Record<string, string>>;
  /** Set-based requirements. */
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

/**
 * A manifest of a kind bgplb does not model (a Secret, a NodePool, a
 * Deployment…). Kept verbatim so that a parsed file re-renders whole.
 */
export interface OpaqueObject {
  /** The manifest `apiVersion`. */
  readonly apiVersion: string;
  /** The manifest `kind`. */
  readonly kind: string;
  /** At least the name; everything else in `body`. */
  readonly metadata: ObjectMeta;
  /** The whole manifest as parsed, including apiVersion, kind and metadata. */
  readonly body: Readonly<Record<string, unknown>>;
}

/** Identity of a Kubernetes object: apiVersion, kind, namespace (may be empty), name. */
export interface ObjectKey {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** The key of an object: `apiVersion/kind/namespace/name` (namespace empty when absent). */
export function objectKey(object: { readonly apiVersion: string; readonly kind: string; readonly metadata: ObjectMeta }): ObjectKey {
  return { apiVersion: object.apiVersion, kind: object.kind, namespace: object.metadata.namespace ?? "", name: object.metadata.name };
}

/** The key as one string: `networking.gke.io/v1 BGPPeer cluster-bm/bgppeer1`. */
export function formatObjectKey(key: ObjectKey): string {
  return `${key.apiVersion} ${key.kind} ${key.namespace === "" ? "" : `${key.namespace}/`}${key.name}`;
}
