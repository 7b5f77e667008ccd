/**
 * Which BGP sessions the cluster runs: service sessions (floating IPs ×
 * selected peers × `sessions`) and control-plane sessions (each
 * control-plane node to its `bgpPeers`). Pure.
 */
import type { BGPLoadBalancer, Cluster, GkeBGPPeer } from "../model";
import { parseIp } from "../net";
import { matchesSelector } from "../validate/rules/labels";
import type { FloatingIpAssignment, NodeView } from "./floating-ips";

/** A data-plane peer after selection: a selected BGPPeer, or a control-plane peer reused. */
export interface ServicePeer {
  /** BGPPeer name; `cp-<ip>` (dots as dashes) for a reused control-plane peer. */
  readonly name: string;
  readonly peerIP: string;
  readonly peerASN: number;
  readonly localASN: number;
  /** How many sessions, each from a different floating IP. */
  readonly sessions: number;
}

/** One planned service session. */
export interface ServiceSession {
  /** The BGPSession name: `<peer>-<node>`, plus `-<floating IP>` when one node runs two of the peer's sessions. */
  readonly name: string;
  readonly peer: ServicePeer;
  /** The source address. */
  readonly floatingIP: string;
  /** The node holding the floating IP; `undefined` while no node can. */
  readonly nodeName: string | undefined;
  /** Position among the peer's sessions, 0-based: it picks the next hop when ADD-PATH is not negotiated. */
  readonly index: number;
}

/** One planned control-plane session. */
export interface ControlPlaneSession {
  /** The control-plane node's address: the source address. */
  readonly localIP: string;
  /** The Node with that address, when known. */
  readonly nodeName: string | undefined;
  readonly peerIP: string;
  readonly peerASN: number;
  readonly localASN: number;
}

function dashed(ip: string): string {
  return ip.replace(/[.:]/g, "-");
}

function byIp(a: string, b: string): number {
  const x = parseIp(a);
  const y = parseIp(b);
  return x.family - y.family || (x.value < y.value ? -1 : x.value > y.value ? 1 : 0);
}

/**
 * The data-plane peers: BGPPeers whose labels match the BGPLoadBalancer's
 * `peerSelector` (by name), or, without a BGPLoadBalancer, the Cluster's
 * control-plane peers with one session per floating IP.
 */
export function selectServicePeers(
  cluster: Cluster,
  balancer: BGPLoadBalancer | undefined,
  peers: readonly GkeBGPPeer[],
  floatingIpCount: number,
): ServicePeer[] {
  const localASN = cluster.spec.loadBalancer.localASN ?? 0;
  if (!balancer) {
    return (cluster.spec.loadBalancer.bgpPeers ?? []).map((peer) => ({
      name: `cp-${dashed(peer.ip)}`,
      peerIP: parseIp(peer.ip).text,
      peerASN: peer.asn,
      localASN,
      sessions: floatingIpCount,
    }));
  }
  const selector = { matchLabels: balancer.spec.peerSelector ?? {} };
  return peers
    .filter((peer) => matchesSelector(selector, peer.metadata.labels))
    .map((peer) => ({
      name: peer.metadata.name,
      peerIP: parseIp(peer.spec.peerIP).text,
      peerASN: peer.spec.peerASN,
      localASN: peer.spec.localASN,
      sessions: peer.spec.sessions ?? 1,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The service sessions: peer `i` (by name) takes `sessions` floating IPs
 * starting at the i-th (in address order, wrapping), so the peers' sessions
 * spread over the floating IPs and no peer has two from one address. Each
 * runs on the node the assignment gives its floating IP.
 */
export function planServiceSessions(peers: readonly ServicePeer[], assignment: FloatingIpAssignment): ServiceSession[] {
  const floating = [...assignment.keys()].sort(byIp);
  const sessions: ServiceSession[] = [];
  peers.forEach((peer, i) => {
    const count = Math.min(peer.sessions, floating.length);
    const mine: Omit<ServiceSession, "name">[] = [];
    for (let index = 0; index < count; index++) {
      const floatingIP = floating[(i + index) % floating.length];
      mine.push({ peer, floatingIP, nodeName: assignment.get(floatingIP), index });
    }
    const perNode = new Map<string, number>();
    for (const s of mine) perNode.set(s.nodeName ?? "", (perNode.get(s.nodeName ?? "") ?? 0) + 1);
    for (const s of mine) {
      const base = `${peer.name}-${s.nodeName ?? "unassigned"}`;
      sessions.push({ ...s, name: s.nodeName !== undefined && perNode.get(s.nodeName) === 1 ? base : `${base}-${dashed(s.floatingIP)}` });
    }
  });
  return sessions;
}

/**
 * The control-plane sessions: every control-plane node to each of the
 * Cluster's `bgpPeers` that has no `controlPlaneNodes` list or lists it.
 */
export function planControlPlaneSessions(cluster: Cluster, nodes: readonly NodeView[]): ControlPlaneSession[] {
  const localASN = cluster.spec.loadBalancer.localASN ?? 0;
  const sessions: ControlPlaneSession[] = [];
  for (const { address } of cluster.spec.controlPlane.nodePoolSpec.nodes) {
    const localIP = parseIp(address).text;
    const node = nodes.find((n) => n.addresses.some((a) => a === localIP));
    for (const peer of cluster.spec.loadBalancer.bgpPeers ?? []) {
      const listed = peer.controlPlaneNodes === undefined || peer.controlPlaneNodes.some((cp) => parseIp(cp).text === localIP);
      if (listed) sessions.push({ localIP, nodeName: node?.name, peerIP: parseIp(peer.ip).text, peerASN: peer.asn, localASN });
    }
  }
  return sessions;
}
