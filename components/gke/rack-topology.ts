import * as pulumi from "@pulumi/pulumi";
import type { ClusterType } from "../enums";
import type { ManifestObject } from "../objects";
import { BgpLoadBalancer } from "./bgp-load-balancer";
import { BgpPeer } from "./bgp-peer";
import { GkeClusterLoadBalancer, type ServiceAddressPoolArgs } from "./cluster-load-balancer";
import { TopologyValidationError, argumentPath, enforceValid, type ArgumentPaths, type OwnedObject } from "../validation";
import { FloatingIpGroup } from "./floating-ip-group";

/** One rack: a node subnet, its nodes, its top-of-rack router and its floating IPs. */
export interface RackArgs {
  /** Rack name; the ToR's BGPPeer is named `<rack>-tor`. */
  name: string;
  /** The rack's node subnet (CIDR); the floating IPs must lie in it. */
  subnet: string;
  /** Control-plane node IPs in this rack; they peer with this rack's ToR. */
  controlPlaneNodes?: string[];
  /** Load-balancer node IPs in this rack. @default none (the control-plane nodes carry the VIPs) */
  loadBalancerNodes?: string[];
  /** The ToR router's IPv4 address. */
  torIp: string;
  /** The ToR's AS number. @default the topology's `torAsn` */
  torAsn?: number;
  /** Floating IPs taken from this rack's subnet. */
  floatingIps: string[];
}

/** Arguments of `GkeRackTopology`. */
export interface GkeRackTopologyArgs {
  /** Cluster name. */
  clusterName: string;
  /** Cluster type. @default absent (bmctl's default) */
  clusterType?: ClusterType;
  /** The cluster's AS number. */
  localAsn: number;
  /** The ToRs' AS number when a rack does not set its own. */
  torAsn: number;
  /** The racks. */
  racks: RackArgs[];
  /** The Kubernetes API VIP. */
  controlPlaneVip: string;
  /** The ingress VIP (inside an address pool). */
  ingressVip?: string;
  /** Service address pools. */
  addressPools: ServiceAddressPoolArgs[];
  /** Service CIDRs. */
  serviceCidrs?: string[];
  /** Service sessions per ToR, each from a different floating IP. @default 2 */
  sessionsPerPeer?: number;
  /** Create the objects through the Kubernetes provider. @default true */
  applyToCluster?: boolean;
}

/** The components a `GkeRackTopology` built. */
export interface RackTopologyParts {
  /** The cluster-level load balancer. */
  readonly cluster: GkeClusterLoadBalancer;
  /** The floating IPs. */
  readonly floatingIpGroup: FloatingIpGroup;
  /** One data-plane peer per rack ToR. */
  readonly peers: readonly BgpPeer[];
  /** The peer selection. */
  readonly loadBalancer: BgpLoadBalancer;
}

// Kept outside the instance: the package schema is inferred from the class's
// properties, and a property typed as another component cannot be expressed.
const partsOf = new WeakMap<GkeRackTopology, RackTopologyParts>();

/**
 * The common GKE shape from a few facts per rack: every control-plane node
 * peers with its own rack's ToR, the floating IPs come from the rack subnets,
 * and every ToR is a data-plane peer selected by the BGPLoadBalancer.
 * Builds a `GkeClusterLoadBalancer`, a `FloatingIpGroup`, one
 * `BgpPeer` per ToR and a `BgpLoadBalancer`, validated together.
 */
export class GkeRackTopology extends pulumi.ComponentResource {
  /** Names of the data-plane BGPPeers, one per rack ToR. */
  readonly peerNames: string[];
  /** Every rendered object, the Cluster first. */
  readonly objects: pulumi.Output<ManifestObject[]>;

  /** Builds and validates the whole topology. */
  constructor(name: string, args: GkeRackTopologyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bgplb:index:GkeRackTopology", name, {}, opts);
    const parent = { parent: this };
    const nodeSubnets = args.racks.map((rack) => rack.subnet);
    const controlPlaneNodes = args.racks.flatMap((rack) => rack.controlPlaneNodes ?? []);
    const loadBalancerNodes = args.racks.flatMap((rack) => rack.loadBalancerNodes ?? []);
    const argumentsOf = rackArgumentPaths(args);
    const subject = `GkeRackTopology ${name}`;
    let built: RackTopologyParts;
    try {
      const cluster = new GkeClusterLoadBalancer(
        name,
        {
          clusterName: args.clusterName,
          clusterType: args.clusterType,
          localAsn: args.localAsn,
          controlPlaneNodes,
          controlPlanePeers: args.racks
            .filter((rack) => (rack.controlPlaneNodes ?? []).length > 0)
            .map((rack) => ({ ip: rack.torIp, asn: rack.torAsn ?? args.torAsn, controlPlaneNodes: rack.controlPlaneNodes })),
          controlPlaneVip: args.controlPlaneVip,
          ingressVip: args.ingressVip,
          addressPools: args.addressPools,
          loadBalancerNodes: loadBalancerNodes.length > 0 ? loadBalancerNodes : undefined,
          serviceCidrs: args.serviceCidrs,
          nodeSubnets,
          applyToCluster: args.applyToCluster,
        },
        parent,
      );
      const floatingIpGroup = new FloatingIpGroup(
        name,
        { cluster, floatingIps: args.racks.flatMap((rack) => rack.floatingIps), nodeSubnets, applyToCluster: args.applyToCluster },
        parent,
      );
      const peers = args.racks.map(
        (rack) =>
          new BgpPeer(
            `${name}-${rack.name}-tor`,
            {
              cluster,
              peerName: `${rack.name}-tor`,
              peerIp: rack.torIp,
              peerAsn: rack.torAsn ?? args.torAsn,
              sessions: args.sessionsPerPeer ?? 2,
              floatingIpGroup,
              applyToCluster: args.applyToCluster,
            },
            parent,
          ),
      );
      const loadBalancer = new BgpLoadBalancer(name, { cluster, peers, applyToCluster: args.applyToCluster }, parent);
      built = { cluster, floatingIpGroup, peers, loadBalancer };
    } catch (error) {
      // A part's error names the part's arguments, which this component derived: name this component's instead.
      if (!(error instanceof TopologyValidationError)) throw error;
      throw new TopologyValidationError(subject, error.diagnostics, this, (d) => argumentPath(d.path, argumentsOf(d.object.kind, d.object.name)));
    }
    const { cluster, floatingIpGroup, peers, loadBalancer } = built;
    partsOf.set(this, built);
    const whole = [cluster, floatingIpGroup, loadBalancer, ...peers]
      .flatMap((part) => part.validatedModels())
      .map((model): OwnedObject => ({ model, arguments: argumentsOf(model.kind, model.metadata.name) }));
    enforceValid(this, subject, whole, { nodeSubnets }, [], "whole");
    this.peerNames = peers.map((peer) => peer.peerName);
    this.objects = pulumi
      .all([cluster.objects, floatingIpGroup.objects, loadBalancer.objects, ...peers.map((peer) => peer.objects)])
      .apply((groups) => groups.flat());
    this.registerOutputs({ objects: this.objects });
  }

  /** The components this topology built. */
  parts(): RackTopologyParts {
    return partsOf.get(this)!;
  }
}

/**
 * The argument paths of a manifest list that concatenates one list per rack
 * (`spec.floatingIPs[3]` → `racks[1].floatingIps[1]`); with `item`, of that
 * field of each entry too (`nodes[3].address` → `racks[1].controlPlaneNodes[1]`).
 */
function flattened(
  manifestList: string,
  racks: readonly RackArgs[],
  listOf: (rack: RackArgs) => readonly string[] | undefined,
  field: string,
  item?: string,
): ArgumentPaths {
  const inOrder = racks.flatMap((rack, r) => (listOf(rack) ?? []).map((_, j) => `racks[${r}].${field}[${j}]`));
  return inOrder.flatMap((argument, k) => [
    ...(item === undefined ? [] : [[`${manifestList}[${k}].${item}`, argument] as const]),
    [`${manifestList}[${k}]`, argument] as const,
  ]);
}

/** Where the Cluster's fields come from in {@link GkeRackTopologyArgs}. */
function clusterArguments(args: GkeRackTopologyArgs): ArgumentPaths {
  const peerRacks = args.racks.map((rack, r) => ({ rack, r })).filter(({ rack }) => (rack.controlPlaneNodes ?? []).length > 0);
  return [
    ["metadata.name", "clusterName"],
    ["spec.type", "clusterType"],
    ["spec.loadBalancer.localASN", "localAsn"],
    ["spec.loadBalancer.vips.controlPlaneVIP", "controlPlaneVip"],
    ["spec.loadBalancer.vips.ingressVIP", "ingressVip"],
    ["spec.loadBalancer.addressPools[*].avoidBuggyIPs", "addressPools[*].avoidBuggyIps"],
    ["spec.loadBalancer.addressPools", "addressPools"],
    ["spec.clusterNetwork.services.cidrBlocks", "serviceCidrs"],
    ...flattened("spec.controlPlane.nodePoolSpec.nodes", args.racks, (rack) => rack.controlPlaneNodes, "controlPlaneNodes", "address"),
    ...flattened("spec.loadBalancer.nodePoolSpec.nodes", args.racks, (rack) => rack.loadBalancerNodes, "loadBalancerNodes", "address"),
    ...peerRacks.flatMap(({ rack, r }, k): ArgumentPaths => [
      [`spec.loadBalancer.bgpPeers[${k}].ip`, `racks[${r}].torIp`],
      [`spec.loadBalancer.bgpPeers[${k}].asn`, rack.torAsn === undefined ? "torAsn" : `racks[${r}].torAsn`],
      [`spec.loadBalancer.bgpPeers[${k}].controlPlaneNodes`, `racks[${r}].controlPlaneNodes`],
    ]),
  ];
}

/** Where each object's fields come from in {@link GkeRackTopologyArgs}, by kind and name. */
function rackArgumentPaths(args: GkeRackTopologyArgs): (kind: string, name: string) => ArgumentPaths {
  const cluster = clusterArguments(args);
  const floatingIps = flattened("spec.floatingIPs", args.racks, (rack) => rack.floatingIps, "floatingIps");
  const peers = new Map(
    args.racks.map((rack, r): [string, ArgumentPaths] => [
      `${rack.name}-tor`,
      [
        ["metadata.name", `racks[${r}].name`],
        ["spec.localASN", "localAsn"],
        ["spec.peerASN", rack.torAsn === undefined ? "torAsn" : `racks[${r}].torAsn`],
        ["spec.peerIP", `racks[${r}].torIp`],
        ["spec.sessions", "sessionsPerPeer"],
      ],
    ]),
  );
  return (kind, name) => {
    if (kind === "Cluster") return cluster;
    if (kind === "NetworkGatewayGroup") return floatingIps;
    if (kind === "BGPPeer") return peers.get(name) ?? [];
    return [];
  };
}
