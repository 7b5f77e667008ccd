import { GKE_CLUSTER_API_VERSION, GKE_CLUSTER_CIDR_CONFIG_API_VERSION, GKE_NETWORKING_API_VERSION } from "../api";
import { BGP_LOAD_BALANCER_NAME, BUNDLED_LOAD_BALANCER_MODE, NETWORK_GATEWAY_GROUP_NAME, clusterNamespace } from "../defaults";
import type { BGPLoadBalancer } from "../gke/bgp-load-balancer";
import type { GkeBGPPeer } from "../gke/bgp-peer";
import type { Cluster, ClusterAddressPool, ClusterType, ControlPlaneBgpPeer } from "../gke/cluster";
import type { ClusterCIDRConfig, PodCidrRange } from "../gke/cluster-cidr-config";
import type { NetworkGatewayGroup } from "../gke/network-gateway-group";
import type { LabelSelector, ObjectMeta } from "../meta";
import { compact } from "./compact";

/** Where a GKE BGP resource lives: give the cluster name (namespace `cluster-<name>`) or the namespace itself. */
export type GkePlacement = { readonly clusterName: string; readonly namespace?: undefined } | { readonly namespace: string; readonly clusterName?: undefined };

function namespaceOf(placement: GkePlacement): string {
  return placement.namespace ?? clusterNamespace(placement.clusterName);
}

/** Inputs of {@link gkeCluster}: a cluster using the bundled load balancer in BGP mode. */
export interface GkeClusterArgs {
  /** Cluster name. */
  readonly name: string;
  /** Namespace. @default `cluster-<name>` */
  readonly namespace?: string;
  /** Cluster type. @default absent (bmctl's own default) */
  readonly clusterType?: ClusterType;
  /** Control-plane node IPs. */
  readonly controlPlaneNodes: readonly string[];
  /** The cluster's AS number. */
  readonly localASN: number;
  /** Control-plane peers. */
  readonly bgpPeers: readonly ControlPlaneBgpPeer[];
  /** Control-plane VIP. */
  readonly controlPlaneVIP: string;
  /** Ingress VIP. */
  readonly ingressVIP?: string;
  /** Control-plane LB port. @default absent (443) */
  readonly controlPlaneLBPort?: number;
  /** Service address pools. */
  readonly addressPools?: readonly ClusterAddressPool[];
  /** Load-balancer node IPs. @default absent (the control-plane nodes) */
  readonly loadBalancerNodes?: readonly string[];
  /** Service CIDRs (two, one per family, for dual-stack). */
  readonly serviceCidrs?: readonly string[];
  /** Pod CIDRs. */
  readonly podCidrs?: readonly string[];
  /** Labels on the Cluster object. */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Builds a Cluster with `mode: bundled`, `type: bgp` and `advancedNetworking: true`. */
export function gkeCluster(args: GkeClusterArgs): Cluster {
  const metadata: ObjectMeta = compact({ name: args.name, namespace: args.namespace ?? clusterNamespace(args.name), labels: args.labels });
  return {
    apiVersion: GKE_CLUSTER_API_VERSION,
    kind: "Cluster",
    metadata,
    spec: compact({
      type: args.clusterType,
      controlPlane: { nodePoolSpec: { nodes: args.controlPlaneNodes.map((address) => ({ address })) } },
      clusterNetwork: compact({
        advancedNetworking: true,
        pods: args.podCidrs ? { cidrBlocks: [...args.podCidrs] } : undefined,
        services: args.serviceCidrs ? { cidrBlocks: [...args.serviceCidrs] } : undefined,
      }),
      loadBalancer: compact({
        mode: BUNDLED_LOAD_BALANCER_MODE,
        type: "bgp" as const,
        localASN: args.localASN,
        bgpPeers: args.bgpPeers.map((peer) =>
          compact({ ip: peer.ip, asn: peer.asn, controlPlaneNodes: peer.controlPlaneNodes ? [...peer.controlPlaneNodes] : undefined }),
        ),
        ports: args.controlPlaneLBPort === undefined ? undefined : { controlPlaneLBPort: args.controlPlaneLBPort },
        vips: compact({ controlPlaneVIP: args.controlPlaneVIP, ingressVIP: args.ingressVIP }),
        addressPools: args.addressPools?.map((pool) => compact({ ...pool, addresses: [...pool.addresses] })),
        nodePoolSpec: args.loadBalancerNodes ? { nodes: args.loadBalancerNodes.map((address) => ({ address })) } : undefined,
      }),
    }),
  };
}

/** Builds the NetworkGatewayGroup `default` with the given floating IPs. */
export function networkGatewayGroup(args: GkePlacement & { readonly floatingIPs: readonly string[] }): NetworkGatewayGroup {
  return {
    apiVersion: GKE_NETWORKING_API_VERSION,
    kind: "NetworkGatewayGroup",
    metadata: { name: NETWORK_GATEWAY_GROUP_NAME, namespace: namespaceOf(args) },
    spec: { floatingIPs: [...args.floatingIPs] },
  };
}

/** Builds the BGPLoadBalancer `default` selecting peers by the given labels. */
export function bgpLoadBalancer(args: GkePlacement & { readonly peerSelector: Readonly<Record<string, string>> }): BGPLoadBalancer {
  return {
    apiVersion: GKE_NETWORKING_API_VERSION,
    kind: "BGPLoadBalancer",
    metadata: { name: BGP_LOAD_BALANCER_NAME, namespace: namespaceOf(args) },
    spec: { peerSelector: { ...args.peerSelector } },
  };
}

/** Inputs of {@link gkeBgpPeer}. */
export type GkeBgpPeerArgs = GkePlacement & {
  /** Object name. */
  readonly name: string;
  /** Labels the BGPLoadBalancer selects on. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Cluster ASN. */
  readonly localASN: number;
  /** Router ASN. */
  readonly peerASN: number;
  /** Router IPv4 address. */
  readonly peerIP: string;
  /** Sessions to open to this router. */
  readonly sessions?: number;
};

/** Builds a data-plane BGPPeer (`networking.gke.io/v1`). */
export function gkeBgpPeer(args: GkeBgpPeerArgs): GkeBGPPeer {
  return {
    apiVersion: GKE_NETWORKING_API_VERSION,
    kind: "BGPPeer",
    metadata: compact({ name: args.name, namespace: namespaceOf(args), labels: args.labels ? { ...args.labels } : undefined }),
    spec: compact({ localASN: args.localASN, peerASN: args.peerASN, peerIP: args.peerIP, sessions: args.sessions }),
  };
}

/** Builds a ClusterCIDRConfig with the given pod ranges. */
export function clusterCIDRConfig(
  args: GkePlacement & { readonly name: string; readonly ipv4?: PodCidrRange; readonly ipv6?: PodCidrRange; readonly nodeSelector?: LabelSelector },
): ClusterCIDRConfig {
  return {
    apiVersion: GKE_CLUSTER_CIDR_CONFIG_API_VERSION,
    kind: "ClusterCIDRConfig",
    metadata: { name: args.name, namespace: namespaceOf(args) },
    spec: compact({ ipv4: args.ipv4 ? { ...args.ipv4 } : undefined, ipv6: args.ipv6 ? { ...args.ipv6 } : undefined, nodeSelector: args.nodeSelector }),
  };
}
