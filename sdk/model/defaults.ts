/** Vendor defaults and limits, named. Values are taken from the vendors' documentation. */

/** Prefix of a GKE cluster namespace: the namespace of cluster `bm` is `cluster-bm`. */
export const GKE_CLUSTER_NAMESPACE_PREFIX = "cluster-";

/** The default namespace of a GKE cluster and its BGP resources: `cluster-<name>`. */
export function clusterNamespace(clusterName: string): string {
  return `${GKE_CLUSTER_NAMESPACE_PREFIX}${clusterName}`;
}

/** The only allowed name of the NetworkGatewayGroup. */
export const NETWORK_GATEWAY_GROUP_NAME = "default";
/** The only allowed name of the BGPLoadBalancer. */
export const BGP_LOAD_BALANCER_NAME = "default";
/** Namespace of the BGPSession and BGPAdvertisedRoute status objects. */
export const GKE_STATUS_NAMESPACE = "kube-system";
/** Default `spec.loadBalancer.ports.controlPlaneLBPort`. */
export const DEFAULT_CONTROL_PLANE_LB_PORT = 443;
/** `spec.loadBalancer.type` when absent. */
export const DEFAULT_LOAD_BALANCER_TYPE = "layer2";
/** `spec.loadBalancer.mode` of the bundled load balancer. */
export const BUNDLED_LOAD_BALANCER_MODE = "bundled";
/** The label the vendor's examples use to select data-plane peers. */
export const GKE_DEFAULT_PEER_LABEL = "cluster.baremetal.gke.io/default-peer";
/** GKE BGP sessions are multi-hop by default. */
export const GKE_MULTIHOP_DEFAULT = true;

/** Smallest valid AS number for a BGP session. */
export const ASN_MIN = 1;
/** Largest AS number (4-octet ASNs, RFC 6793). */
export const ASN_MAX = 4294967295;

/** MetalLB's namespace. */
export const METALLB_NAMESPACE = "metallb-system";
/** Default `peerPort`. */
export const METALLB_DEFAULT_PEER_PORT = 179;
/** Largest allowed `peerPort`. */
export const METALLB_PEER_PORT_MAX = 16384;
/** Default `holdTime`. */
export const METALLB_DEFAULT_HOLD_TIME = "90s";
/** Smallest allowed `holdTime`, in seconds. */
export const METALLB_MIN_HOLD_TIME_SECONDS = 3;
/** Largest `connectTime` MetalLB's CRD takes, in seconds (its smallest is 1s). */
export const METALLB_CONNECT_TIME_MAX_SECONDS = 65535;
/** MetalLB derives a missing holdTime as this many times keepaliveTime. */
export const METALLB_HOLD_TIME_PER_KEEPALIVE = 3;
/** Largest `aggregationLength` (and its default). */
export const METALLB_DEFAULT_AGGREGATION_LENGTH = 32;
/** Largest `aggregationLengthV6` (and its default). */
export const METALLB_DEFAULT_AGGREGATION_LENGTH_V6 = 128;
/** Default `localPref`. */
export const METALLB_DEFAULT_LOCAL_PREF = 0;
/** Secret type required for `passwordSecret`. */
export const METALLB_PASSWORD_SECRET_TYPE = "kubernetes.io/basic-auth";

/** BFDProfile defaults (milliseconds for the intervals). */
export const BFD_DEFAULTS = {
  receiveInterval: 300,
  transmitInterval: 300,
  detectMultiplier: 3,
  echoInterval: 50,
  echoMode: false,
  passiveMode: false,
  minimumTtl: 254,
} as const;

/** An inclusive numeric range. */
export interface Bounds {
  readonly min: number;
  readonly max: number;
}

/** BFDProfile value ranges. */
export const BFD_LIMITS: Readonly<Record<"receiveInterval" | "transmitInterval" | "echoInterval" | "detectMultiplier" | "minimumTtl", Bounds>> = {
  receiveInterval: { min: 10, max: 60000 },
  transmitInterval: { min: 10, max: 60000 },
  echoInterval: { min: 10, max: 60000 },
  detectMultiplier: { min: 2, max: 255 },
  minimumTtl: { min: 1, max: 254 },
};
