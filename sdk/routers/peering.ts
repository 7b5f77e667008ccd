/**
 * The router side of a topology: every BGP session the cluster opens to its
 * routers, what each session carries and with which next hops, optionally
 * under failures. Derived from the typed model with the cluster speaker's
 * own planners (floating-IP placement, session plan, next-hop choice), so
 * the routers are configured for, and the plan predicts, exactly what the
 * speaker does. Pure.
 */
import { assignFloatingIps, type NodeView } from "../cluster/floating-ips";
import { clusterAddressPools } from "../cluster/address-pools";
import { loadBalancerNodes, sessionRoutes } from "../cluster/next-hops";
import { planControlPlaneSessions, planServiceSessions, selectServicePeers } from "../cluster/sessions";
import { metallbNextHop } from "../cluster/metallb-plan";
import {
  BFD_DEFAULTS,
  METALLB_DEFAULT_AGGREGATION_LENGTH,
  METALLB_DEFAULT_AGGREGATION_LENGTH_V6,
  METALLB_NAMESPACE,
  clusterNamespace,
  type BFDProfileSpec,
  type Cluster,
  type IPAddressPool,
  type MetalLBBGPPeer,
  type Topology,
} from "../model";
import { formatIp, formatIpValue, parseAddressBlock, parseIp, type IpAddress, type IpFamily } from "../net";
import { matchesSelector } from "../validate/rules/labels";
import { coveredPools } from "../validate/rules/metallb-advertisements";
import type { ClusterNode } from "./nodes";
import { sortAddresses } from "./paths";

/** Which product's BGP the topology uses. */
export type PeeringMode = "gke" | "metallb";

/** A failure to plan for. */
export type Failure =
  | { readonly kind: "node"; readonly node: string }
  | { readonly kind: "fip"; readonly ip: string }
  | { readonly kind: "peer"; readonly ip: string }
  | { readonly kind: "link"; readonly node: string; readonly peer: string };

/** Service addresses reported together: one address pool (per family), or the control-plane VIP. */
export interface VipGroup {
  /** The pool name (`pool1`, `pool1 IPv6` for the second family of a dual-stack pool) or `controlPlaneVIP`. */
  readonly name: string;
  readonly kind: "pool" | "control-plane";
  readonly family: IpFamily;
  /** The pool's CIDRs and ranges of this family (the VIP as a /32 or /128 for the control plane). */
  readonly blocks: readonly string[];
  /** One address of the group: the routes are planned for it (every VIP of a pool is advertised alike). */
  readonly sample: string;
}

/**
 * Routes one session sends alike: for each VIP of these groups a prefix of
 * `length` with these next hops. One entry covers many groups, so that a
 * topology of thousands of pools and nodes stays small.
 */
export interface SessionRoute {
  /** The groups ({@link VipGroup.name}), all of one family. */
  readonly vips: readonly string[];
  readonly family: IpFamily;
  /** The prefix length sent: a host route (32, 128), or MetalLB's aggregation length. */
  readonly length: number;
  /** Next hops, one path each with ADD-PATH; the first only without it. */
  readonly nextHops: readonly string[];
}

/** BFD timers of a session (MetalLB BFDProfile with its defaults filled in). */
export interface BfdTimers {
  /** The BFDProfile name. */
  readonly profile: string;
  readonly receiveInterval: number;
  readonly transmitInterval: number;
  readonly detectMultiplier: number;
  readonly passiveMode: boolean;
  readonly echoMode: boolean;
  readonly minimumTtl: number;
}

/** One BGP session between the cluster and a router. */
export interface PlannedSession {
  /** `<local IP>><router IP>`. */
  readonly id: string;
  /** `service` (VIPs) or `control-plane` (the GKE control-plane VIP). */
  readonly role: "service" | "control-plane";
  /** The cluster's source address: a floating IP (GKE service sessions) or a node address. */
  readonly localIP: string;
  /** The node running the session; undefined when no node can (a floating IP without eligible node). */
  readonly node: string | undefined;
  readonly routerIP: string;
  readonly routerASN: number;
  readonly localASN: number;
  /** The object the session comes from, e.g. `BGPPeer cluster-bm/bgppeer1`. */
  readonly source: string;
  /** The session may cross routers (eBGP multi-hop). */
  readonly multihop: boolean;
  /** The cluster sends ADD-PATH (one path per next hop). */
  readonly addPath: boolean;
  readonly bfd?: BfdTimers;
  /** Where the TCP MD5 password is kept (never the password itself). */
  readonly md5?: string;
  readonly routes: readonly SessionRoute[];
  /** Why the session is down under the failures; absent while it is up. */
  readonly down?: string;
  /** The session had to move with its floating IP (it flaps once): `from` node. */
  readonly movedFrom?: string;
}

/** A router the cluster peers with. */
export interface RouterSide {
  readonly address: string;
  readonly asn: number;
  /** Failed by the plan. */
  readonly down: boolean;
  /** GKE floating IPs the router must accept sessions from although no session of it uses them now (they may after a change). */
  readonly standby: readonly string[];
}

/** A BGPPeer whose sessions the peering cannot plan, and why (the router side of it is left to the engineer). */
export interface SkippedPeer {
  /** The object, e.g. `BGPPeer metallb-system/unnumbered`. */
  readonly source: string;
  readonly reason: string;
}

/** The router side of one topology. */
export interface Peering {
  readonly mode: PeeringMode;
  /** What the cluster is, for headings: `Cluster cluster-bm/bm` or `MetalLB metallb-system`. */
  readonly subject: string;
  readonly nodes: readonly ClusterNode[];
  /** Nodes down under the failures. */
  readonly failedNodes: readonly string[];
  /** GKE: each floating IP and the node planned to hold it. */
  readonly floatingIPs: ReadonlyMap<string, string | undefined>;
  readonly vips: readonly VipGroup[];
  readonly sessions: readonly PlannedSession[];
  readonly routers: readonly RouterSide[];
  /** BGPPeers left out of {@link sessions}: the topology does not say enough about their router. */
  readonly skipped: readonly SkippedPeer[];
}

/** What the peering is computed from besides the topology. */
export interface PeeringOptions {
  /** The nodes: required for MetalLB; for GKE they name the Cluster's node addresses (else the address is the name). */
  readonly nodes?: readonly ClusterNode[];
  /** GKE node subnets: a floating IP goes to a node in its subnet. @default every node can hold every floating IP */
  readonly nodeSubnets?: readonly string[];
  /** Failures to apply. @default none */
  readonly failures?: readonly Failure[];
}

/** The topology cannot be planned (no BGP cluster, a failure naming nothing, …). */
export class PeeringError extends Error {
  override readonly name = "PeeringError";
}

const ALL_SUBNETS = ["0.0.0.0/0", "::/0"];

function hostLength(family: IpFamily): 32 | 128 {
  return family === 4 ? 32 : 128;
}

/** A pool's blocks grouped by family, with the first address of each family as the sample. */
function poolGroups(name: string, addresses: readonly string[], avoidBuggyIPs: boolean): VipGroup[] {
  const blocks = addresses.map(parseAddressBlock);
  const families = ([4, 6] as const).filter((f) => blocks.some((b) => b.family === f));
  return families.map((family) => {
    const mine = blocks.filter((b) => b.family === family);
    const first = mine[0].first;
    const skip = avoidBuggyIPs && family === 4 && (first & 0xffn) === 0n && mine[0].last > first;
    return {
      name: families.length > 1 && family === 6 ? `${name} IPv6` : name,
      kind: "pool",
      family,
      blocks: mine.map((b) => b.text),
      sample: formatIp(family, skip ? first + 1n : first),
    };
  });
}

/**
 * One line per skipped BGPPeer (`not configured or planned: BGPPeer …: reason`),
 * for the comments of a router configuration and the commands' warnings.
 */
export function skippedLines(skipped: readonly SkippedPeer[]): string[] {
  return skipped.map((s) => `not configured or planned: ${s.source}: ${s.reason}`);
}

/** The BGPPeers {@link planPeering} leaves out of the topology's peering, with why (only MetalLB peers can be). */
export function skippedPeers(topology: Topology): SkippedPeer[] {
  if (bgpCluster(topology) !== undefined) return [];
  return peersByName(topology).flatMap((peer) => {
    const remote = routerOf(peer, topology.metallbBgpPeers);
    return "reason" in remote ? [{ source: sourceOf(peer), reason: remote.reason }] : [];
  });
}

/** The failure as written on the command line (`node=worker-1`). */
export function describeFailure(failure: Failure): string {
  switch (failure.kind) {
    case "node":
      return `node=${failure.node}`;
    case "fip":
      return `fip=${failure.ip}`;
    case "peer":
      return `peer=${failure.ip}`;
    case "link":
      return `link=${failure.node}/${failure.peer}`;
  }
}

/** Why a session between `node`/`localIP` and `router` is down under the failures, if it is. */
function downReason(failures: readonly Failure[], node: string | undefined, localIP: string, router: string): string | undefined {
  for (const f of failures) {
    if (f.kind === "peer" && f.ip === router) return `router ${router} down`;
    if (f.kind === "fip" && f.ip === localIP) return `floating IP ${localIP} unusable`;
    if (f.kind === "node" && f.node === node) return `node ${node} down`;
    if (f.kind === "link" && f.node === node && f.peer === router) return `link ${node}/${router} down`;
  }
  return undefined;
}

/** Checks that every failure names something of the peering; a {@link PeeringError} lists what exists. */
function checkFailures(failures: readonly Failure[], nodes: readonly string[], routers: readonly string[], floatingIPs: readonly string[]): void {
  for (const f of failures) {
    const what = describeFailure(f);
    if ((f.kind === "node" || f.kind === "link") && !nodes.includes(f.node))
      throw new PeeringError(`${what}: no node ${f.node}; nodes: ${nodes.join(", ") || "none"}`);
    if ((f.kind === "peer" && !routers.includes(f.ip)) || (f.kind === "link" && !routers.includes(f.peer))) {
      throw new PeeringError(`${what}: no router ${f.kind === "peer" ? f.ip : f.peer} peers with the cluster; routers: ${routers.join(", ") || "none"}`);
    }
    if (f.kind === "fip" && !floatingIPs.includes(f.ip)) {
      throw new PeeringError(`${what}: not a floating IP of the topology; floating IPs: ${floatingIPs.join(", ") || "none (MetalLB has no floating IPs)"}`);
    }
  }
}

function routersOf(sessions: readonly PlannedSession[], failures: readonly Failure[], standbyOf: (router: string) => string[]): RouterSide[] {
  const byAddress = new Map<string, number>();
  for (const s of sessions) if (!byAddress.has(s.routerIP)) byAddress.set(s.routerIP, s.routerASN);
  return sortAddresses(byAddress.keys()).map((address) => ({
    address,
    asn: byAddress.get(address)!,
    down: failures.some((f) => f.kind === "peer" && f.ip === address),
    standby: standbyOf(address),
  }));
}

/** The BGP cluster of a GKE topology: the first Cluster of `type: bgp`. */
function bgpCluster(topology: Topology): Cluster | undefined {
  return topology.clusters.find((c) => c.spec.loadBalancer.type === "bgp");
}

function gkePeering(topology: Topology, cluster: Cluster, options: PeeringOptions): Peering {
  const failures = options.failures ?? [];
  const namespace = cluster.metadata.namespace ?? clusterNamespace(cluster.metadata.name);
  const inCluster = <T extends { metadata: { namespace?: string } }>(list: readonly T[]): T[] =>
    list.filter((o) => (o.metadata.namespace ?? namespace) === namespace);
  const lb = cluster.spec.loadBalancer;
  const addresses = [...new Set([...cluster.spec.controlPlane.nodePoolSpec.nodes, ...(lb.nodePoolSpec?.nodes ?? [])].map((n) => parseIp(n.address).text))];
  const named = options.nodes ?? [];
  const nodes: ClusterNode[] = addresses.map(
    (address) => named.find((n) => n.addresses.includes(address)) ?? { name: address, addresses: [address], labels: {} },
  );
  const failedNodes = new Set(failures.flatMap((f) => (f.kind === "node" ? [f.node] : [])));
  const views = (failed: ReadonlySet<string>): NodeView[] => nodes.map((n) => ({ name: n.name, addresses: n.addresses, ready: !failed.has(n.name) }));
  const floating = [
    ...new Set(
      inCluster(topology.networkGatewayGroups)
        .flatMap((g) => g.spec.floatingIPs)
        .map((ip) => parseIp(ip).text),
    ),
  ];
  const nodeSubnets = options.nodeSubnets ?? ALL_SUBNETS;
  const alive = (failed: ReadonlySet<string>): Set<string> => new Set(nodes.filter((n) => !failed.has(n.name)).map((n) => n.name));
  const planned = assignFloatingIps({ floatingIPs: floating, nodes: views(new Set()), speakers: alive(new Set()), nodeSubnets, holders: new Map() });
  const holders = new Map([...planned].flatMap(([ip, node]) => (node === undefined ? [] : [[ip, node] as const])));
  const assignment =
    failedNodes.size === 0
      ? planned
      : assignFloatingIps({ floatingIPs: floating, nodes: views(failedNodes), speakers: alive(failedNodes), nodeSubnets, holders });

  const pools = clusterAddressPools(cluster).flatMap((p) =>
    poolGroups(
      p.name,
      p.blocks.map((b) => b.text),
      p.avoidBuggyIPs,
    ),
  );
  const cpVip = parseIp(lb.vips.controlPlaneVIP).text;
  const cpGroup: VipGroup = {
    name: "controlPlaneVIP",
    kind: "control-plane",
    family: parseIp(cpVip).family,
    blocks: [`${cpVip}/${hostLength(parseIp(cpVip).family)}`],
    sample: cpVip,
  };
  const clusterName = `Cluster ${namespace}/${cluster.metadata.name}`;

  const balancer = inCluster(topology.bgpLoadBalancers)[0];
  const peers = selectServicePeers(cluster, balancer, inCluster(topology.gkeBgpPeers), floating.length);
  const lbNodes = loadBalancerNodes(cluster, views(failedNodes));
  // every VIP of a family goes with every load-balancer node as next hop (ADD-PATH): the first group's routes stand for the family's
  const families = ([4, 6] as const).map((family) => pools.filter((g) => g.family === family)).filter((groups) => groups.length > 0);
  const sessions: PlannedSession[] = [];
  for (const s of planServiceSessions(peers, assignment)) {
    const routes = families.flatMap((groups) =>
      sessionRoutes([groups[0].sample], lbNodes, s.index, s.peer.sessions).map((r) => ({
        vips: groups.map((g) => g.name),
        family: groups[0].family,
        length: r.length,
        nextHops: r.nextHops.map(formatIpValue),
      })),
    );
    const moved = planned.get(s.floatingIP);
    const down = s.nodeName === undefined ? `no node can hold floating IP ${s.floatingIP}` : downReason(failures, s.nodeName, s.floatingIP, s.peer.peerIP);
    sessions.push({
      id: `${s.floatingIP}>${s.peer.peerIP}`,
      role: "service",
      localIP: s.floatingIP,
      node: s.nodeName,
      routerIP: s.peer.peerIP,
      routerASN: s.peer.peerASN,
      localASN: s.peer.localASN,
      source: balancer === undefined ? `${clusterName} spec.loadBalancer.bgpPeers` : `BGPPeer ${namespace}/${s.peer.name}`,
      multihop: true,
      addPath: true,
      routes,
      ...(down ? { down } : {}),
      ...(moved !== undefined && moved !== s.nodeName && !down ? { movedFrom: moved } : {}),
    });
  }
  for (const s of planControlPlaneSessions(cluster, views(failedNodes))) {
    const node = s.nodeName ?? s.localIP;
    const down = downReason(failures, node, s.localIP, s.peerIP);
    sessions.push({
      id: `${s.localIP}>${s.peerIP}`,
      role: "control-plane",
      localIP: s.localIP,
      node,
      routerIP: s.peerIP,
      routerASN: s.peerASN,
      localASN: s.localASN,
      source: `${clusterName} spec.loadBalancer.bgpPeers`,
      multihop: true,
      addPath: false,
      routes: [{ vips: [cpGroup.name], family: cpGroup.family, length: hostLength(cpGroup.family), nextHops: [s.localIP] }],
      ...(down ? { down } : {}),
    });
  }
  const routerIPs = [...new Set(sessions.map((s) => s.routerIP))];
  checkFailures(
    failures,
    nodes.map((n) => n.name),
    routerIPs,
    floating,
  );
  const servicePeers = new Set(peers.map((p) => p.peerIP));
  const standbyOf = (router: string): string[] =>
    servicePeers.has(router)
      ? sortAddresses(floating.filter((ip) => !sessions.some((s) => s.role === "service" && s.routerIP === router && s.localIP === ip)))
      : [];
  return {
    mode: "gke",
    subject: clusterName,
    nodes,
    failedNodes: [...failedNodes],
    floatingIPs: assignment,
    vips: [...pools, cpGroup],
    sessions,
    routers: routersOf(sessions, failures, standbyOf),
    skipped: [],
  };
}

function bfdTimers(topology: Topology, peer: MetalLBBGPPeer): BfdTimers | undefined {
  const name = peer.spec.bfdProfile;
  if (name === undefined) return undefined;
  const spec: BFDProfileSpec = topology.bfdProfiles.find((p) => p.metadata.name === name)?.spec ?? {};
  return {
    profile: name,
    receiveInterval: spec.receiveInterval ?? BFD_DEFAULTS.receiveInterval,
    transmitInterval: spec.transmitInterval ?? BFD_DEFAULTS.transmitInterval,
    detectMultiplier: spec.detectMultiplier ?? BFD_DEFAULTS.detectMultiplier,
    passiveMode: spec.passiveMode ?? BFD_DEFAULTS.passiveMode,
    echoMode: spec.echoMode ?? BFD_DEFAULTS.echoMode,
    minimumTtl: spec.minimumTtl ?? BFD_DEFAULTS.minimumTtl,
  };
}

function md5Source(peer: MetalLBBGPPeer): string | undefined {
  const namespace = peer.metadata.namespace ?? "metallb-system";
  if (peer.spec.passwordSecret) return `Secret ${peer.spec.passwordSecret.namespace ?? namespace}/${peer.spec.passwordSecret.name}`;
  if (peer.spec.password !== undefined) return `BGPPeer ${namespace}/${peer.metadata.name} spec.password`;
  return undefined;
}

/** The MetalLB peers in name order: the order sessions are planned and skipped peers listed in. */
function peersByName(topology: Topology): MetalLBBGPPeer[] {
  return [...topology.metallbBgpPeers].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
}

/** `BGPPeer namespace/name`. */
function sourceOf(peer: MetalLBBGPPeer): string {
  return `BGPPeer ${peer.metadata.namespace ?? METALLB_NAMESPACE}/${peer.metadata.name}`;
}

/** The AS number the cluster announces to a MetalLB peer's router: `localASN` when set (BGP local-as), else `myASN`. */
function localAsnOf(peer: MetalLBBGPPeer): number {
  return peer.spec.localASN ?? peer.spec.myASN;
}

/**
 * The router of a MetalLB peer and its AS number, or why the topology does
 * not give them: a BGP unnumbered peer (`interface`) names no router address,
 * and a `dynamicASN: external` peer no router AS unless another BGPPeer names
 * the same router with `peerASN` (`internal`: the router's AS is the cluster's);
 * a peer in a node VRF (`vrf`) without `sourceAddress` runs from each node's
 * address in that VRF, which is on the node's own interfaces, not in the topology.
 */
function routerOf(peer: MetalLBBGPPeer, peers: readonly MetalLBBGPPeer[]): { router: IpAddress; routerASN: number } | { reason: string } {
  const { spec } = peer;
  const local = localAsnOf(peer);
  if (spec.vrf !== undefined && spec.vrf !== "" && spec.sourceAddress === undefined) {
    return {
      reason:
        `vrf ${spec.vrf}: each node runs the session from its address in VRF ${spec.vrf} (an interface enslaved to it), which the topology does not name ` +
        `(Node InternalIPs are in the default VRF); set sourceAddress, or configure the router by hand with one neighbor per node's VRF address, remote-as ${local}`,
    };
  }
  if (spec.peerAddress === undefined) {
    return {
      reason:
        `BGP unnumbered on node interface ${spec.interface ?? "(none)"}: the router's side is a link-local neighbor on its own interface toward each node, ` +
        `which the topology does not name; configure it by hand (FRR: neighbor IFNAME interface remote-as ${local}; ` +
        `BIRD: a protocol bgp with interface "IFNAME", neighbor range fe80::/10 as ${local}, dynamic names)`,
    };
  }
  const router = parseIp(spec.peerAddress);
  if (spec.peerASN !== undefined) return { router, routerASN: spec.peerASN };
  if (spec.dynamicASN === "internal") return { router, routerASN: local };
  const named = peers.find(
    (p) => p.spec.peerASN !== undefined && p.spec.peerASN !== local && p.spec.peerAddress !== undefined && parseIp(p.spec.peerAddress).text === router.text,
  );
  if (named !== undefined) return { router, routerASN: named.spec.peerASN! };
  return {
    reason:
      `dynamicASN: external: the router ${router.text}'s own AS number is not in the topology (the cluster accepts any AS but ${local}); ` +
      `name it in a BGPPeer with peerASN for ${router.text}, or configure the router by hand with one neighbor per node, remote-as ${local}`,
  };
}

function metallbPeering(topology: Topology, options: PeeringOptions): Peering {
  const failures = options.failures ?? [];
  const nodes = options.nodes ?? [];
  if (nodes.length === 0) {
    throw new PeeringError(
      "MetalLB topology: the routers peer with every node, but no node is known; name them with --node NAME=IP[,LABEL=VALUE]... (repeatable) or add Node manifests to the input",
    );
  }
  const byName = new Map<string, IPAddressPool[]>();
  for (const pool of topology.ipAddressPools) byName.set(pool.metadata.name, [...(byName.get(pool.metadata.name) ?? []), pool]);
  const groupsOf = new Map(
    topology.ipAddressPools.map((pool) => [pool, poolGroups(pool.metadata.name, pool.spec.addresses, pool.spec.avoidBuggyIPs ?? false)]),
  );
  const sessions: PlannedSession[] = [];
  const seen = new Set<string>();
  const peers = peersByName(topology);
  const skipped: SkippedPeer[] = [];
  for (const peer of peers) {
    const source = sourceOf(peer);
    const remote = routerOf(peer, topology.metallbBgpPeers);
    if ("reason" in remote) {
      skipped.push({ source, reason: remote.reason });
      continue;
    }
    const { router, routerASN } = remote;
    // as MetalLB v0.15: the peer address's family, and the other one too (MP-BGP on the same session) with dualStackAddressFamily
    const carried: readonly IpFamily[] = peer.spec.dualStackAddressFamily === true ? [4, 6] : [router.family];
    const selectors = peer.spec.nodeSelectors ?? [];
    const advertisements = topology.bgpAdvertisements.filter((a) => (a.spec.peers ?? []).length === 0 || a.spec.peers!.includes(peer.metadata.name));
    for (const node of nodes) {
      if (selectors.length > 0 && !selectors.some((s) => matchesSelector(s, node.labels))) continue;
      const localIP =
        peer.spec.sourceAddress !== undefined ? parseIp(peer.spec.sourceAddress).text : node.addresses.find((a) => parseIp(a).family === router.family);
      if (localIP === undefined) continue;
      const id = `${localIP}>${router.text}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const routes = new Map<string, { vips: Set<string>; family: IpFamily; length: number }>();
      for (const advertisement of advertisements) {
        const nodeSelectors = advertisement.spec.nodeSelectors ?? [];
        if (nodeSelectors.length > 0 && !nodeSelectors.some((s) => matchesSelector(s, node.labels))) continue;
        const covered = coveredPools(advertisement, topology.ipAddressPools, byName);
        for (const pool of covered === "all" ? topology.ipAddressPools : covered) {
          for (const group of groupsOf.get(pool) ?? []) {
            if (!carried.includes(group.family)) continue;
            const length =
              group.family === 4
                ? (advertisement.spec.aggregationLength ?? METALLB_DEFAULT_AGGREGATION_LENGTH)
                : (advertisement.spec.aggregationLengthV6 ?? METALLB_DEFAULT_AGGREGATION_LENGTH_V6);
            const key = `${group.family}|${length}`;
            if (!routes.has(key)) routes.set(key, { vips: new Set(), family: group.family, length });
            routes.get(key)!.vips.add(group.name);
          }
        }
      }
      const md5 = md5Source(peer);
      const bfd = bfdTimers(topology, peer);
      const down = downReason(failures, node.name, localIP, router.text);
      sessions.push({
        id,
        role: "service",
        localIP,
        node: node.name,
        routerIP: router.text,
        routerASN,
        localASN: localAsnOf(peer),
        source,
        multihop: peer.spec.ebgpMultiHop ?? false,
        addPath: false,
        ...(bfd ? { bfd } : {}),
        ...(md5 ? { md5 } : {}),
        routes: [...routes.values()].flatMap((r) => {
          const nextHop = metallbNextHop(r.family, parseIp(localIP), node.addresses);
          return nextHop === undefined ? [] : [{ vips: [...r.vips], family: r.family, length: r.length, nextHops: [formatIpValue(nextHop)] }];
        }),
        ...(down ? { down } : {}),
      });
    }
  }
  checkFailures(
    failures,
    nodes.map((n) => n.name),
    [...new Set(sessions.map((s) => s.routerIP))],
    [],
  );
  const vips = [...groupsOf.values()].flat();
  const failedNodes = failures.flatMap((f) => (f.kind === "node" ? [f.node] : []));
  return {
    mode: "metallb",
    subject: "MetalLB",
    nodes,
    failedNodes,
    floatingIPs: new Map(),
    vips,
    sessions,
    routers: routersOf(sessions, failures, () => []),
    skipped,
  };
}

/**
 * The sessions between the cluster and its routers, what they carry, and
 * each router, under `options.failures`: GKE (a Cluster with
 * `loadBalancer.type: bgp`) or MetalLB (BGPPeers). Sessions are in plan
 * order (service sessions by peer, then control-plane sessions).
 * @throws PeeringError when the topology has no BGP cluster, a MetalLB
 * topology has no nodes, or a failure names something unknown.
 */
export function planPeering(topology: Topology, options: PeeringOptions = {}): Peering {
  const cluster = bgpCluster(topology);
  if (cluster) return gkePeering(topology, cluster, options);
  if (topology.metallbBgpPeers.length > 0) return metallbPeering(topology, options);
  throw new PeeringError("no BGP peering in the topology: it needs a Cluster with spec.loadBalancer.type: bgp, or MetalLB BGPPeers");
}

/**
 * Parses a failure as written on the command line: `node=NAME`, `fip=IP`,
 * `peer=IP` or `link=NODE/PEER_IP`.
 * @throws PeeringError naming the text and the forms accepted.
 */
export function parseFailure(text: string): Failure {
  const at = text.indexOf("=");
  const kind = text.slice(0, at);
  const value = text.slice(at + 1);
  const ip = (part: string): string => {
    try {
      return parseIp(part).text;
    } catch {
      throw new PeeringError(`'${text}': '${part}' is not an IP address`);
    }
  };
  if (at > 0 && value !== "") {
    if (kind === "node") return { kind: "node", node: value };
    if (kind === "fip") return { kind: "fip", ip: ip(value) };
    if (kind === "peer") return { kind: "peer", ip: ip(value) };
    const slash = value.indexOf("/");
    if (kind === "link" && slash > 0) return { kind: "link", node: value.slice(0, slash), peer: ip(value.slice(slash + 1)) };
  }
  throw new PeeringError(`'${text}' is not a failure; use node=NAME, fip=IP, peer=IP or link=NODE/PEER_IP`);
}
