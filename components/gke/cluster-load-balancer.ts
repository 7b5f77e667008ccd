import * as pulumi from "@pulumi/pulumi";
import { clusterCIDRConfig, clusterNamespace, gkeCluster, type Cluster, type ClusterCIDRConfig, type ModelObject } from "../../sdk/model";
import { ClusterType } from "../enums";
import { enforceValid, type ArgumentPaths, type OwnedObject } from "../validation";
import { applyObjects, renderObjects, type ManifestObject } from "../objects";
import { labelSelector, type LabelSelectorArgs } from "../metallb/selectors";

/** A control-plane BGP peer (`spec.loadBalancer.bgpPeers[]`). */
export interface ControlPlanePeerArgs {
  /** The router's IPv4 address. */
  ip: string;
  /** The router's AS number, different from the cluster ASN (eBGP only). */
  asn: number;
  /**
   * Control-plane node IPs that peer with this router.
   * @default every control-plane node
   */
  controlPlaneNodes?: string[];
}

/** A Service address pool (`spec.loadBalancer.addressPools[]`). */
export interface ServiceAddressPoolArgs {
  /** Pool name, unique in the cluster. */
  name: string;
  /** CIDRs (`10.0.5.0/24`) or ranges (`10.0.5.10-10.0.5.20`), IPv4 and/or IPv6. */
  addresses: string[];
  /** Skip addresses ending in .0 and .255. @default false */
  avoidBuggyIps?: boolean;
  /** Assign only on request. @default false */
  manualAssign?: boolean;
}

/** One family's pod range of a dual-stack ClusterCIDRConfig. */
export interface PodCidrRangeArgs {
  /** The pod CIDR, e.g. `192.168.0.0/16`. */
  cidr: string;
  /** Prefix length of each node's slice, e.g. 24. */
  perNodeMaskSize: number;
}

/** Arguments of `GkeClusterLoadBalancer`. */
export interface GkeClusterLoadBalancerArgs {
  /** Cluster name; the BGP resources live in namespace `cluster-<name>`. */
  clusterName: string;
  /** Cluster type. @default absent (bmctl's default) */
  clusterType?: ClusterType;
  /** `spec.anthosBareMetalVersion` of the Cluster. @default absent */
  anthosBareMetalVersion?: string;
  /** The cluster's AS number. Cannot change after creation. */
  localAsn: number;
  /** Control-plane node IPs; each opens sessions to its control-plane peers. */
  controlPlaneNodes: string[];
  /** Control-plane peers; every control-plane node needs at least one. */
  controlPlanePeers: ControlPlanePeerArgs[];
  /** The Kubernetes API VIP, outside every address pool. Cannot change after creation. */
  controlPlaneVip: string;
  /** The ingress VIP, inside an address pool. Cannot change after creation. */
  ingressVip?: string;
  /** Port of the control-plane VIP. @default 443 */
  controlPlaneLbPort?: number;
  /** Service address pools. */
  addressPools?: ServiceAddressPoolArgs[];
  /** Load-balancer node IPs (the next hops of Service VIPs). @default the control-plane nodes */
  loadBalancerNodes?: string[];
  /** Service CIDRs; one IPv4 and one IPv6 block make the cluster dual-stack. */
  serviceCidrs?: string[];
  /** Pod CIDRs. */
  podCidrs?: string[];
  /** IPv4 pod range of the dual-stack ClusterCIDRConfig. */
  podRangeIpv4?: PodCidrRangeArgs;
  /** IPv6 pod range of the dual-stack ClusterCIDRConfig. */
  podRangeIpv6?: PodCidrRangeArgs;
  /** Name of the ClusterCIDRConfig. @default "cluster-cidr-config" */
  clusterCidrConfigName?: string;
  /** The nodes the ClusterCIDRConfig's pod ranges apply to. @default every node */
  podRangeNodeSelector?: LabelSelectorArgs;
  /**
   * The node subnets (CIDRs). Not rendered: a fact for validation, so floating
   * IPs are checked against the subnets they must come from.
   */
  nodeSubnets?: string[];
  /**
   * Apply the ClusterCIDRConfig to the cluster through the Kubernetes provider.
   * The Cluster object itself is never applied (bmctl owns it); its load
   * balancer section is an output. @default true
   */
  applyToCluster?: boolean;
}

/**
 * The cluster-level part of GKE on Bare Metal's bundled load balancer in BGP
 * mode: control-plane peers, VIPs, Service pools, load-balancer nodes and the
 * cluster ASN. Produces the Cluster's `spec.loadBalancer` section (and, for
 * dual-stack, a ClusterCIDRConfig).
 */
export class GkeClusterLoadBalancer extends pulumi.ComponentResource {
  /** The cluster name. */
  readonly clusterName: string;
  /** The namespace of the cluster's BGP resources, `cluster-<name>`. */
  readonly namespace: string;
  /** The cluster ASN. */
  readonly localAsn: number;
  /** The load-balancer nodes (next hops of Service VIPs). */
  readonly loadBalancerNodes: string[];
  /** The Cluster's `spec.loadBalancer` section, as bmctl reads it. */
  readonly loadBalancer: pulumi.Output<ManifestObject>;
  /** The Cluster's `spec.clusterNetwork` section (advancedNetworking on). */
  readonly clusterNetwork: pulumi.Output<ManifestObject>;
  /** Every rendered object (the Cluster, then the ClusterCIDRConfig when dual-stack). */
  readonly objects: pulumi.Output<ManifestObject[]>;

  /** Validates the whole input with the core rules, then renders. */
  constructor(name: string, args: GkeClusterLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bgplb:index:GkeClusterLoadBalancer", name, {}, opts);
    const model = clusterModel(args);
    const models = enforceValid(this, `GkeClusterLoadBalancer ${name}`, clusterObjects(model), { nodeSubnets: args.nodeSubnets });
    this.validatedModels = () => models;
    const rendered = renderObjects(model);
    const cluster = rendered[0];
    const spec = cluster.spec as ManifestObject;
    this.clusterName = args.clusterName;
    this.namespace = clusterNamespace(args.clusterName);
    this.localAsn = args.localAsn;
    this.loadBalancer = pulumi.output(spec.loadBalancer as ManifestObject);
    this.clusterNetwork = pulumi.output(spec.clusterNetwork as ManifestObject);
    this.loadBalancerNodes = args.loadBalancerNodes ?? args.controlPlaneNodes;
    this.objects = pulumi.output(rendered);
    if (args.applyToCluster !== false) applyObjects(this, rendered.slice(1));
    this.registerOutputs({ loadBalancer: this.loadBalancer, clusterNetwork: this.clusterNetwork, objects: this.objects });
  }

  /**
   * The Cluster (and ClusterCIDRConfig) this component validated, which components given this one as a
   * reference validate against. A method (set per instance), so it is no
   * output of the inferred package schema.
   */
  validatedModels(): readonly ModelObject[] {
    return [];
  }
}

/** Where the Cluster's fields come from in {@link GkeClusterLoadBalancerArgs}. */
const CLUSTER_ARGUMENTS: ArgumentPaths = [
  ["metadata.name", "clusterName"],
  ["spec.type", "clusterType"],
  ["spec.anthosBareMetalVersion", "anthosBareMetalVersion"],
  ["spec.controlPlane.nodePoolSpec.nodes[*].address", "controlPlaneNodes[*]"],
  ["spec.controlPlane.nodePoolSpec.nodes[*]", "controlPlaneNodes[*]"],
  ["spec.clusterNetwork.services.cidrBlocks", "serviceCidrs"],
  ["spec.clusterNetwork.pods.cidrBlocks", "podCidrs"],
  ["spec.loadBalancer.localASN", "localAsn"],
  ["spec.loadBalancer.bgpPeers", "controlPlanePeers"],
  ["spec.loadBalancer.ports.controlPlaneLBPort", "controlPlaneLbPort"],
  ["spec.loadBalancer.vips.controlPlaneVIP", "controlPlaneVip"],
  ["spec.loadBalancer.vips.ingressVIP", "ingressVip"],
  ["spec.loadBalancer.addressPools[*].avoidBuggyIPs", "addressPools[*].avoidBuggyIps"],
  ["spec.loadBalancer.addressPools", "addressPools"],
  ["spec.loadBalancer.nodePoolSpec.nodes[*].address", "loadBalancerNodes[*]"],
  ["spec.loadBalancer.nodePoolSpec.nodes[*]", "loadBalancerNodes[*]"],
];

/** Where the ClusterCIDRConfig's fields come from in {@link GkeClusterLoadBalancerArgs}. */
export const CLUSTER_CIDR_CONFIG_ARGUMENTS: ArgumentPaths = [
  ["metadata.name", "clusterCidrConfigName"],
  ["spec.ipv4", "podRangeIpv4"],
  ["spec.ipv6", "podRangeIpv6"],
  ["spec.nodeSelector", "podRangeNodeSelector"],
];

/** The objects of {@link clusterModel} with where their fields come from. */
function clusterObjects(models: readonly ModelObject[]): OwnedObject[] {
  return models.map((model) => ({ model, arguments: model.kind === "Cluster" ? CLUSTER_ARGUMENTS : CLUSTER_CIDR_CONFIG_ARGUMENTS }));
}

/** The Cluster (and the ClusterCIDRConfig when pod ranges are given) the arguments describe. */
export function clusterModel(args: GkeClusterLoadBalancerArgs): ModelObject[] {
  const cluster = gkeCluster({
    name: args.clusterName,
    clusterType: args.clusterType,
    controlPlaneNodes: args.controlPlaneNodes,
    localASN: args.localAsn,
    bgpPeers: args.controlPlanePeers,
    controlPlaneVIP: args.controlPlaneVip,
    ingressVIP: args.ingressVip,
    controlPlaneLBPort: args.controlPlaneLbPort,
    addressPools: args.addressPools?.map((pool) => ({
      name: pool.name,
      addresses: pool.addresses,
      avoidBuggyIPs: pool.avoidBuggyIps,
      manualAssign: pool.manualAssign,
    })),
    loadBalancerNodes: args.loadBalancerNodes,
    serviceCidrs: args.serviceCidrs,
    podCidrs: args.podCidrs,
  });
  const withVersion: Cluster =
    args.anthosBareMetalVersion === undefined
      ? cluster
      : { ...cluster, unknownFields: [{ path: ["spec", "anthosBareMetalVersion"], value: args.anthosBareMetalVersion }] };
  if (args.podRangeIpv4 === undefined && args.podRangeIpv6 === undefined) return [withVersion];
  const cidrConfig: ClusterCIDRConfig = clusterCIDRConfig({
    clusterName: args.clusterName,
    name: args.clusterCidrConfigName ?? "cluster-cidr-config",
    ipv4: args.podRangeIpv4,
    ipv6: args.podRangeIpv6,
    nodeSelector: args.podRangeNodeSelector === undefined ? undefined : labelSelector(args.podRangeNodeSelector),
  });
  return [withVersion, cidrConfig];
}
