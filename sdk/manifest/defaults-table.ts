import {
  BFD_DEFAULTS,
  DEFAULT_CONTROL_PLANE_LB_PORT,
  DEFAULT_LOAD_BALANCER_TYPE,
  GKE_CLUSTER_API_VERSION,
  METALLB_BGP_PEER_API_VERSION,
  METALLB_DEFAULT_AGGREGATION_LENGTH,
  METALLB_DEFAULT_AGGREGATION_LENGTH_V6,
  METALLB_DEFAULT_HOLD_TIME,
  METALLB_DEFAULT_LOCAL_PREF,
  METALLB_DEFAULT_PEER_PORT,
  METALLB_V1BETA1_API_VERSION,
} from "../model";

/** A field whose absence means a known vendor default. */
export interface DefaultedField {
  readonly apiVersion: string;
  readonly kind: string;
  /** Field path from the object root (no list indexes). */
  readonly path: readonly string[];
  /** The value the vendor uses when the field is absent. */
  readonly value: unknown;
}

/** Fields the diff treats as equal whether absent or set to the default. */
export const DEFAULTED_FIELDS: readonly DefaultedField[] = [
  { apiVersion: GKE_CLUSTER_API_VERSION, kind: "Cluster", path: ["spec", "loadBalancer", "type"], value: DEFAULT_LOAD_BALANCER_TYPE },
  { apiVersion: GKE_CLUSTER_API_VERSION, kind: "Cluster", path: ["spec", "loadBalancer", "ports", "controlPlaneLBPort"], value: DEFAULT_CONTROL_PLANE_LB_PORT },
  { apiVersion: GKE_CLUSTER_API_VERSION, kind: "Cluster", path: ["spec", "clusterNetwork", "advancedNetworking"], value: false },
  { apiVersion: METALLB_BGP_PEER_API_VERSION, kind: "BGPPeer", path: ["spec", "peerPort"], value: METALLB_DEFAULT_PEER_PORT },
  { apiVersion: METALLB_BGP_PEER_API_VERSION, kind: "BGPPeer", path: ["spec", "holdTime"], value: METALLB_DEFAULT_HOLD_TIME },
  { apiVersion: METALLB_BGP_PEER_API_VERSION, kind: "BGPPeer", path: ["spec", "ebgpMultiHop"], value: false },
  { apiVersion: METALLB_V1BETA1_API_VERSION, kind: "IPAddressPool", path: ["spec", "autoAssign"], value: true },
  { apiVersion: METALLB_V1BETA1_API_VERSION, kind: "IPAddressPool", path: ["spec", "avoidBuggyIPs"], value: false },
  { apiVersion: METALLB_V1BETA1_API_VERSION, kind: "BGPAdvertisement", path: ["spec", "aggregationLength"], value: METALLB_DEFAULT_AGGREGATION_LENGTH },
  { apiVersion: METALLB_V1BETA1_API_VERSION, kind: "BGPAdvertisement", path: ["spec", "aggregationLengthV6"], value: METALLB_DEFAULT_AGGREGATION_LENGTH_V6 },
  { apiVersion: METALLB_V1BETA1_API_VERSION, kind: "BGPAdvertisement", path: ["spec", "localPref"], value: METALLB_DEFAULT_LOCAL_PREF },
  ...Object.entries(BFD_DEFAULTS).map(([name, value]) => ({ apiVersion: METALLB_V1BETA1_API_VERSION, kind: "BFDProfile", path: ["spec", name], value })),
];

const BY_KEY = new Map(DEFAULTED_FIELDS.map((entry) => [`${entry.apiVersion}|${entry.kind}|${entry.path.join(".")}`, entry.value]));

/** The default of the field at `path` (no list indexes) of an object of this apiVersion/kind, if it has one. */
export function defaultAt(apiVersion: string, kind: string, path: readonly (string | number)[]): { readonly value: unknown } | undefined {
  const key = `${apiVersion}|${kind}|${path.join(".")}`;
  return BY_KEY.has(key) ? { value: BY_KEY.get(key) } : undefined;
}
