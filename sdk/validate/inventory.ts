import {
  clusterNamespace,
  type BGPLoadBalancer,
  type Cluster,
  type ClusterCIDRConfig,
  type FieldPath,
  type GkeBGPPeer,
  type IPAddressPool,
  type NetworkGatewayGroup,
  type OpaqueObject,
  type Topology,
} from "../model";
import { type AddressBlock, type Cidr, type IpAddress } from "../net";
import type { AnyObject, Reporter } from "./report";
import { SpanIndex } from "./span-index";

/** A parsed address and the field it came from. */
export interface Located<T> {
  readonly value: T;
  readonly object: AnyObject;
  readonly path: FieldPath;
}

/** One entry of an address pool (GKE `addressPools[].addresses[]` or MetalLB `spec.addresses[]`). */
export interface PoolEntry {
  readonly pool: Pool;
  readonly path: FieldPath;
  readonly block: AddressBlock;
}

/** An address pool of either product. */
export interface Pool {
  readonly name: string;
  readonly object: Cluster | IPAddressPool;
  /** Path of the pool itself (`spec.loadBalancer.addressPools[0]` or `spec`). */
  readonly path: FieldPath;
  /** The entries as written. */
  readonly addresses: readonly string[];
  /** The entries that parsed. */
  readonly entries: PoolEntry[];
}

/** A GKE cluster with the BGP resources that belong to it, addresses parsed. */
export interface ClusterView {
  readonly cluster: Cluster;
  /** `metadata.namespace`, or `cluster-<name>` when absent. */
  readonly namespace: string;
  /** `spec.loadBalancer.type` is `bgp`. */
  readonly bgp: boolean;
  readonly controlPlaneNodes: Located<IpAddress>[];
  readonly loadBalancerNodes: Located<IpAddress>[];
  readonly networkGatewayGroups: NetworkGatewayGroup[];
  readonly bgpLoadBalancers: BGPLoadBalancer[];
  readonly gkeBgpPeers: GkeBGPPeer[];
  readonly clusterCIDRConfigs: ClusterCIDRConfig[];
  /** Floating IPs of this cluster's NetworkGatewayGroups, parsed. */
  readonly floatingIps: Located<IpAddress>[];
}

/** Everything the rules share, parsed once. */
export interface Inventory {
  readonly topology: Topology;
  readonly clusters: ClusterView[];
  readonly pools: Pool[];
  /** Every pool entry indexed by span, for VIP and CIDR lookups. */
  readonly poolIndex: SpanIndex<PoolEntry>;
  /** Every node address (control-plane, load-balancer, other node pools), by `family:value`. */
  readonly nodeIps: Map<string, Located<IpAddress>>;
  /** Node subnets given as facts, or undefined when none were given. */
  readonly nodeSubnets: readonly Cidr[] | undefined;
}

/** Key of an address for maps and sets: `4:167772161`. */
export function ipKey(ip: IpAddress): string {
  return `${ip.family}:${ip.value}`;
}

function nodesOf(reporter: Reporter, object: AnyObject, base: FieldPath, nodes: readonly { readonly address: string }[] | undefined): Located<IpAddress>[] {
  const result: Located<IpAddress>[] = [];
  (nodes ?? []).forEach((node, i) => {
    const path = [...base, i, "address"];
    const ip = reporter.ip(object, path, node.address);
    if (ip) result.push({ value: ip, object, path });
  });
  return result;
}

/** Node addresses of an opaque NodePool (`baremetal.cluster.gke.io` `NodePool`, `spec.nodes[].address`). */
function opaqueNodePoolNodes(reporter: Reporter, object: OpaqueObject): Located<IpAddress>[] {
  if (object.kind !== "NodePool") return [];
  const spec = object.body["spec"] as { nodes?: unknown } | undefined;
  if (!spec || !Array.isArray(spec.nodes)) return [];
  const nodes = spec.nodes.filter((n): n is { address: string } => typeof n === "object" && n !== null && "address" in n);
  return nodesOf(reporter, object, ["spec", "nodes"], nodes);
}

function emptyView(cluster: Cluster, namespace: string, bgp: boolean): ClusterView {
  return {
    cluster,
    namespace,
    bgp,
    controlPlaneNodes: [],
    loadBalancerNodes: [],
    networkGatewayGroups: [],
    bgpLoadBalancers: [],
    gkeBgpPeers: [],
    clusterCIDRConfigs: [],
    floatingIps: [],
  };
}

function poolsOf(reporter: Reporter, topology: Topology): Pool[] {
  const pools: Pool[] = [];
  for (const cluster of topology.clusters) {
    (cluster.spec.loadBalancer.addressPools ?? []).forEach((p, i) => {
      const pool: Pool = { name: p.name, object: cluster, path: ["spec", "loadBalancer", "addressPools", i], addresses: p.addresses ?? [], entries: [] };
      pool.addresses.forEach((text, j) => {
        const path = [...pool.path, "addresses", j];
        const block = reporter.block(cluster, path, text);
        if (block) pool.entries.push({ pool, path, block });
      });
      pools.push(pool);
    });
  }
  for (const object of topology.ipAddressPools) {
    const pool: Pool = { name: object.metadata.name, object, path: ["spec"], addresses: object.spec.addresses ?? [], entries: [] };
    pool.addresses.forEach((text, j) => {
      const path = ["spec", "addresses", j];
      const block = reporter.block(object, path, text);
      if (block) pool.entries.push({ pool, path, block });
    });
    pools.push(pool);
  }
  return pools;
}

/**
 * Parses the topology once for all rules: clusters with the GKE resources of
 * their namespace (a lone cluster also adopts resources from other namespaces,
 * which the namespace rule then reports; with several clusters, resources in no
 * cluster's namespace get only their object-local checks), pools of both products, node
 * addresses. Malformed addresses are reported here, once.
 */
export function takeInventory(topology: Topology, reporter: Reporter, nodeSubnets: readonly Cidr[] | undefined): Inventory {
  const clusters = topology.clusters.map((cluster) =>
    emptyView(cluster, cluster.metadata.namespace ?? clusterNamespace(cluster.metadata.name), cluster.spec.loadBalancer.type === "bgp"),
  );
  const byNamespace = new Map(clusters.map((view) => [view.namespace, view]));
  const owner = (object: AnyObject): ClusterView | undefined =>
    byNamespace.get(object.metadata.namespace ?? "") ?? (clusters.length === 1 ? clusters[0] : undefined);
  for (const object of topology.networkGatewayGroups) owner(object)?.networkGatewayGroups.push(object);
  for (const object of topology.bgpLoadBalancers) owner(object)?.bgpLoadBalancers.push(object);
  for (const object of topology.gkeBgpPeers) owner(object)?.gkeBgpPeers.push(object);
  for (const object of topology.clusterCIDRConfigs) owner(object)?.clusterCIDRConfigs.push(object);

  const nodeIps = new Map<string, Located<IpAddress>>();
  const addNodes = (nodes: Located<IpAddress>[]): void => {
    for (const node of nodes) if (!nodeIps.has(ipKey(node.value))) nodeIps.set(ipKey(node.value), node);
  };
  for (const view of clusters) {
    const spec = view.cluster.spec;
    // one push per node: spreading a list of unbounded length into push() overflows the stack
    for (const node of nodesOf(reporter, view.cluster, ["spec", "controlPlane", "nodePoolSpec", "nodes"], spec.controlPlane?.nodePoolSpec?.nodes))
      view.controlPlaneNodes.push(node);
    for (const node of nodesOf(reporter, view.cluster, ["spec", "loadBalancer", "nodePoolSpec", "nodes"], spec.loadBalancer.nodePoolSpec?.nodes))
      view.loadBalancerNodes.push(node);
    addNodes(view.controlPlaneNodes);
    addNodes(view.loadBalancerNodes);
  }
  for (const object of topology.otherObjects) addNodes(opaqueNodePoolNodes(reporter, object));
  for (const view of clusters) {
    for (const ngg of view.networkGatewayGroups) {
      (ngg.spec.floatingIPs ?? []).forEach((text, i) => {
        const path = ["spec", "floatingIPs", i];
        const ip = reporter.ip(ngg, path, text);
        if (ip) view.floatingIps.push({ value: ip, object: ngg, path });
      });
    }
  }

  const pools = poolsOf(reporter, topology);
  const poolIndex = new SpanIndex(pools.flatMap((pool) => pool.entries.map((entry) => ({ span: entry.block, item: entry }))));
  return { topology, clusters, pools, poolIndex, nodeIps, nodeSubnets };
}
