// Generated from sdk/schema by `npm run generate`; do not edit.
import type { GKE_CLUSTER_API_VERSION } from "../api";
import type { ModelObjectBase } from "../meta";

/** Cluster type: `admin`, `user`, `hybrid` or `standalone`. Admin clusters only load-balance the control plane. */
export type ClusterType = "admin" | "user" | "hybrid" | "standalone";

/** A node entry in a node pool spec. */
export interface NodeAddress {
  /** The node's IP address (IPv4). */
  readonly address: string;
}

/** A list of nodes by address. */
export interface NodePoolSpec {
  /** The nodes. */
  readonly nodes: readonly NodeAddress[];
}

/** `spec.controlPlane`: the control-plane node pool. */
export interface ControlPlaneSpec {
  /** The control-plane nodes; each opens its own BGP session(s) to the control-plane peers. */
  readonly nodePoolSpec: NodePoolSpec;
}

/** A list of CIDR blocks. */
export interface CidrBlocks {
  /** CIDRs; one IPv4 and one IPv6 block for dual-stack. */
  readonly cidrBlocks: readonly string[];
}

/** `spec.clusterNetwork`. */
export interface ClusterNetworkSpec {
  /**
   * Enables advanced networking (the NetworkGatewayGroup). Must be `true` for `loadBalancer.type: bgp`.
   * @default false
   */
  readonly advancedNetworking?: boolean;
  /** Pod CIDRs. */
  readonly pods?: CidrBlocks;
  /** Service CIDRs: `10.96.0.0/20` for IPv4 only; add an IPv6 block (`fd00::/112`) for dual-stack. */
  readonly services?: CidrBlocks;
}

/** Load-balancer mode: `bundled` (this product's subject) or `manual`. */
export type LoadBalancerMode = "bundled" | "manual";

/** Bundled load-balancer type; absent means `layer2`. */
export type LoadBalancerType = "bgp" | "layer2";

/** A control-plane BGP peer, `spec.loadBalancer.bgpPeers[]`. */
export interface ControlPlaneBgpPeer {
  /** The peer router's IPv4 address (IPv6 sessions are not supported). */
  readonly ip: string;
  /** The peer's AS number, 1–4294967295, different from the cluster ASN (eBGP only). */
  readonly asn: number;
  /** Control-plane node IPs that peer with this router. Absent: every control-plane node peers with it. */
  readonly controlPlaneNodes?: readonly string[];
}

/** `spec.loadBalancer.ports`. */
export interface LoadBalancerPorts {
  /** Port the control-plane VIP serves the Kubernetes API on. @default 443 */
  readonly controlPlaneLBPort?: number;
}

/** `spec.loadBalancer.vips`. In BGP mode both are advertised over BGP. Cannot change after creation. */
export interface LoadBalancerVips {
  /** The Kubernetes API VIP; must lie outside every address pool. Cannot change after creation. */
  readonly controlPlaneVIP: string;
  /**
   * The ingress VIP (user/hybrid/standalone clusters); must lie inside an address pool. Cannot change after
   * creation.
   */
  readonly ingressVIP?: string;
}

/** An address pool for `LoadBalancer` Services, `spec.loadBalancer.addressPools[]`. */
export interface ClusterAddressPool {
  /** Pool name, unique in the cluster. */
  readonly name: string;
  /** CIDRs (`1.2.3.0/24`) or ranges (`1.2.3.1-1.2.3.5`), IPv4 or IPv6; pools must not overlap. */
  readonly addresses: readonly string[];
  /** Skip addresses ending in .0 and .255. @default false */
  readonly avoidBuggyIPs?: boolean;
  /** Only assign addresses from this pool when a Service asks for them. @default false */
  readonly manualAssign?: boolean;
}

/** `spec.loadBalancer`. */
export interface LoadBalancerSpec {
  /** `bundled` for the bundled load balancer. Cannot change after creation. */
  readonly mode: LoadBalancerMode;
  /** `bgp` or `layer2`. Cannot change after creation. @default "layer2" */
  readonly type?: LoadBalancerType;
  /** The cluster's AS number, 1–4294967295. Required for `type: bgp`. Cannot change after creation. */
  readonly localASN?: number;
  /** Control-plane peers; every control-plane node needs at least one. Two or more recommended. */
  readonly bgpPeers?: readonly ControlPlaneBgpPeer[];
  /** Ports. */
  readonly ports?: LoadBalancerPorts;
  /** The VIPs. */
  readonly vips: LoadBalancerVips;
  /** Service address pools. */
  readonly addressPools?: readonly ClusterAddressPool[];
  /** Load-balancer nodes: the next hops advertised for service VIPs. Absent: the control-plane node pool. */
  readonly nodePoolSpec?: NodePoolSpec;
}

/** The load-balancing parts of `Cluster.spec`; other spec fields are kept as unknown fields. */
export interface ClusterSpec {
  /** The cluster type. */
  readonly type?: ClusterType;
  /** Control-plane node pool. */
  readonly controlPlane: ControlPlaneSpec;
  /** Cluster networking. */
  readonly clusterNetwork?: ClusterNetworkSpec;
  /** The bundled load balancer. */
  readonly loadBalancer: LoadBalancerSpec;
}

/**
 * A GKE on Bare Metal cluster (`baremetal.cluster.gke.io/v1` `Cluster`), the first document of a bmctl
 * cluster config file. Namespace defaults to `cluster-<name>`.
 */
export interface Cluster extends ModelObjectBase {
  readonly apiVersion: typeof GKE_CLUSTER_API_VERSION;
  readonly kind: "Cluster";
  /** The cluster's desired state (load-balancing parts). */
  readonly spec: ClusterSpec;
}
