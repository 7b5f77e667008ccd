// Generated from sdk/schema by `npm run generate`; do not edit.
import type { GKE_CLUSTER_CIDR_CONFIG_API_VERSION } from "../api";
import type { LabelSelector, ModelObjectBase } from "../meta";

/** One family's pod range in a ClusterCIDRConfig. */
export interface PodCidrRange {
  /** The pod CIDR, e.g. `192.168.0.0/16` or `2001:db8:1::/112`. */
  readonly cidr: string;
  /** Prefix length of each node's slice: ≥ the CIDR's prefix length, ≤ 32 (IPv4) or 128 (IPv6). */
  readonly perNodeMaskSize: number;
}

/** `ClusterCIDRConfig.spec`: pod ranges for dual-stack clusters. */
export interface ClusterCIDRConfigSpec {
  /** IPv4 pod range. */
  readonly ipv4?: PodCidrRange;
  /** IPv6 pod range. */
  readonly ipv6?: PodCidrRange;
  /** The nodes this config applies to. @default every node */
  readonly nodeSelector?: LabelSelector;
}

/** Dual-stack pod ranges (`baremetal.cluster.gke.io/v1alpha1` `ClusterCIDRConfig`), in the cluster namespace. */
export interface ClusterCIDRConfig extends ModelObjectBase {
  readonly apiVersion: typeof GKE_CLUSTER_CIDR_CONFIG_API_VERSION;
  readonly kind: "ClusterCIDRConfig";
  /** Pod ranges by family. */
  readonly spec: ClusterCIDRConfigSpec;
}
