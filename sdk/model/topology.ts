import {
  GKE_CLUSTER_API_VERSION,
  GKE_CLUSTER_CIDR_CONFIG_API_VERSION,
  GKE_NETWORKING_API_VERSION,
  METALLB_BGP_PEER_API_VERSION,
  METALLB_V1BETA1_API_VERSION,
} from "./api";
import type { BGPAdvertisedRoute } from "./gke/bgp-advertised-route";
import type { BGPLoadBalancer } from "./gke/bgp-load-balancer";
import type { GkeBGPPeer } from "./gke/bgp-peer";
import type { BGPSession } from "./gke/bgp-session";
import type { Cluster } from "./gke/cluster";
import type { ClusterCIDRConfig } from "./gke/cluster-cidr-config";
import type { NetworkGatewayGroup } from "./gke/network-gateway-group";
import type { OpaqueObject } from "./meta";
import type { BFDProfile } from "./metallb/bfd-profile";
import type { BGPAdvertisement } from "./metallb/bgp-advertisement";
import type { MetalLBBGPPeer } from "./metallb/bgp-peer";
import type { IPAddressPool } from "./metallb/ip-address-pool";

/**
 * One topology: the objects of one bmctl cluster config file or one MetalLB
 * CR set, grouped by kind. Every list may be empty. Objects of kinds bgplb
 * does not model are kept in `otherObjects`.
 */
export interface Topology {
  /** GKE Clusters (a bmctl file holds one). */
  readonly clusters: readonly Cluster[];
  /** GKE ClusterCIDRConfigs. */
  readonly clusterCIDRConfigs: readonly ClusterCIDRConfig[];
  /** GKE NetworkGatewayGroups (one, named `default`). */
  readonly networkGatewayGroups: readonly NetworkGatewayGroup[];
  /** GKE BGPLoadBalancers (at most one, named `default`). */
  readonly bgpLoadBalancers: readonly BGPLoadBalancer[];
  /** GKE data-plane BGPPeers (`networking.gke.io/v1`). */
  readonly gkeBgpPeers: readonly GkeBGPPeer[];
  /** GKE BGPSession status objects. */
  readonly bgpSessions: readonly BGPSession[];
  /** GKE BGPAdvertisedRoute status objects. */
  readonly bgpAdvertisedRoutes: readonly BGPAdvertisedRoute[];
  /** MetalLB BFDProfiles. */
  readonly bfdProfiles: readonly BFDProfile[];
  /** MetalLB BGPPeers (`metallb.io/v1beta2`, and the deprecated `metallb.io/v1beta1` read alike). */
  readonly metallbBgpPeers: readonly MetalLBBGPPeer[];
  /** MetalLB IPAddressPools. */
  readonly ipAddressPools: readonly IPAddressPool[];
  /** MetalLB BGPAdvertisements. */
  readonly bgpAdvertisements: readonly BGPAdvertisement[];
  /** Manifests of other kinds, kept verbatim. */
  readonly otherObjects: readonly OpaqueObject[];
}

/** Any object bgplb models. */
export type ModelObject =
  | Cluster
  | ClusterCIDRConfig
  | NetworkGatewayGroup
  | BGPLoadBalancer
  | GkeBGPPeer
  | BGPSession
  | BGPAdvertisedRoute
  | BFDProfile
  | MetalLBBGPPeer
  | IPAddressPool
  | BGPAdvertisement;

/** The name of a list in {@link Topology} that holds modelled objects. */
export type ModelGroup = Exclude<keyof Topology, "otherObjects">;

/** One modelled kind: its apiVersion, kind and the Topology list holding it. */
export interface ModelKind {
  readonly apiVersion: string;
  readonly kind: string;
  readonly group: ModelGroup;
}

/**
 * Every modelled kind, in document order (Cluster first, as bmctl requires;
 * then the GKE resources; then MetalLB's, referenced objects before referrers).
 */
export const MODEL_KINDS: readonly ModelKind[] = [
  { apiVersion: GKE_CLUSTER_API_VERSION, kind: "Cluster", group: "clusters" },
  { apiVersion: GKE_CLUSTER_CIDR_CONFIG_API_VERSION, kind: "ClusterCIDRConfig", group: "clusterCIDRConfigs" },
  { apiVersion: GKE_NETWORKING_API_VERSION, kind: "NetworkGatewayGroup", group: "networkGatewayGroups" },
  { apiVersion: GKE_NETWORKING_API_VERSION, kind: "BGPLoadBalancer", group: "bgpLoadBalancers" },
  { apiVersion: GKE_NETWORKING_API_VERSION, kind: "BGPPeer", group: "gkeBgpPeers" },
  { apiVersion: GKE_NETWORKING_API_VERSION, kind: "BGPSession", group: "bgpSessions" },
  { apiVersion: GKE_NETWORKING_API_VERSION, kind: "BGPAdvertisedRoute", group: "bgpAdvertisedRoutes" },
  { apiVersion: METALLB_V1BETA1_API_VERSION, kind: "BFDProfile", group: "bfdProfiles" },
  { apiVersion: METALLB_BGP_PEER_API_VERSION, kind: "BGPPeer", group: "metallbBgpPeers" },
  { apiVersion: METALLB_V1BETA1_API_VERSION, kind: "BGPPeer", group: "metallbBgpPeers" },
  { apiVersion: METALLB_V1BETA1_API_VERSION, kind: "IPAddressPool", group: "ipAddressPools" },
  { apiVersion: METALLB_V1BETA1_API_VERSION, kind: "BGPAdvertisement", group: "bgpAdvertisements" },
];

const KIND_BY_TYPE = new Map(MODEL_KINDS.map((entry) => [`${entry.apiVersion}|${entry.kind}`, entry]));
/** The Topology lists of modelled kinds, each once, in {@link MODEL_KINDS} order. */
const MODEL_GROUPS: readonly ModelGroup[] = [...new Set(MODEL_KINDS.map((entry) => entry.group))];

/** The modelled kind of an apiVersion/kind pair, or undefined when bgplb does not model it. */
export function modelKindOf(apiVersion: string, kind: string): ModelKind | undefined {
  return KIND_BY_TYPE.get(`${apiVersion}|${kind}`);
}

/** A topology with every list empty. */
export function emptyTopology(): Topology {
  return {
    clusters: [],
    clusterCIDRConfigs: [],
    networkGatewayGroups: [],
    bgpLoadBalancers: [],
    gkeBgpPeers: [],
    bgpSessions: [],
    bgpAdvertisedRoutes: [],
    bfdProfiles: [],
    metallbBgpPeers: [],
    ipAddressPools: [],
    bgpAdvertisements: [],
    otherObjects: [],
  };
}

/** True when the object is modelled (not an {@link OpaqueObject}). */
export function isModelObject(object: ModelObject | OpaqueObject): object is ModelObject {
  return !("body" in object) && modelKindOf(object.apiVersion, object.kind) !== undefined;
}

/**
 * Groups objects into a topology, keeping their order within each kind.
 * Objects of unmodelled kinds must be {@link OpaqueObject}s.
 */
export function topologyOf(objects: Iterable<ModelObject | OpaqueObject>): Topology {
  const groups = emptyTopology() as unknown as Record<keyof Topology, (ModelObject | OpaqueObject)[]>;
  for (const object of objects) {
    const entry = isModelObject(object) ? modelKindOf(object.apiVersion, object.kind) : undefined;
    groups[entry ? entry.group : "otherObjects"].push(object);
  }
  return groups as unknown as Topology;
}

/** Every object of the topology, modelled kinds in {@link MODEL_KINDS} order, then the others. */
export function topologyObjects(topology: Topology): (ModelObject | OpaqueObject)[] {
  const result: (ModelObject | OpaqueObject)[] = [];
  // one push per object: spreading a list of unbounded length into push() overflows the stack
  for (const group of MODEL_GROUPS) for (const object of topology[group]) result.push(object);
  for (const object of topology.otherObjects) result.push(object);
  return result;
}

/** Joins topologies (e.g. several files of one CR set) list by list. */
export function mergeTopologies(...topologies: readonly Topology[]): Topology {
  return topologyOf(topologies.flatMap(topologyObjects));
}
