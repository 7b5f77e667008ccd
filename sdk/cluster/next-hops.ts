/**
 * The routes each service session sends: every VIP with the load-balancer
 * nodes as next hops (SPEC §2.3), even when the floating IP sits elsewhere.
 *
 * With ADD-PATH send negotiated the Adj-RIB-Out sends one path per next hop;
 * without it, it sends the first. So the order is the plan: session `s` of a
 * peer with `k` sessions puts node `(j·k + s) mod n` first for the j-th VIP,
 * which gives each VIP min(k, n) different nodes over the peer's sessions
 * (the router's ECMP) and rotates different VIPs onto different nodes.
 */
import type { OriginatedRoute } from "../bgp";
import type { Cluster } from "../model";
import { parseIp } from "../net";
import type { NodeView } from "./floating-ips";

/** A load-balancer node: a next hop for service VIPs. */
export interface LoadBalancerNode {
  readonly name: string;
  /** Its IPv4 address: the next hop of IPv4 VIPs. */
  readonly ipv4: string;
  /** Its IPv6 address, when known: the next hop of IPv6 VIPs (else `::ffff:<ipv4>`). */
  readonly ipv6?: string;
}

/** VIPs in address order (IPv4 first): the order the spreading counts in. */
export function sortVips(vips: readonly string[]): string[] {
  const parsed = [...new Map(vips.map((vip) => parseIp(vip)).map((ip) => [ip.text, ip])).values()];
  parsed.sort((a, b) => a.family - b.family || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  return parsed.map((ip) => ip.text);
}

/**
 * The routes of session `index` of `sessionCount` sessions to one peer:
 * each VIP (host route) with every LB node as next hop, the spread choice
 * first. Empty when there is no LB node.
 */
export function sessionRoutes(vips: readonly string[], lbNodes: readonly LoadBalancerNode[], index: number, sessionCount: number): OriginatedRoute[] {
  const n = lbNodes.length;
  if (n === 0) return [];
  const k = Math.max(1, sessionCount);
  return sortVips(vips).map((vip, j) => {
    const v6 = vip.includes(":");
    const first = (j * k + index) % n;
    const nextHops: string[] = [];
    for (let step = 0; step < n; step++) {
      const node = lbNodes[(first + step) % n];
      nextHops.push(v6 ? (node.ipv6 ?? `::ffff:${node.ipv4}`) : node.ipv4);
    }
    return { family: v6 ? "ipv6-unicast" : "ipv4-unicast", address: vip, length: v6 ? 128 : 32, nextHops: [...new Set(nextHops)] };
  });
}

/**
 * The load-balancer nodes of the Cluster (`spec.loadBalancer.nodePoolSpec`,
 * else the control-plane pool) in the order written, named from the Nodes
 * with those addresses; a node known to be not Ready is left out.
 */
export function loadBalancerNodes(cluster: Cluster, nodes: readonly NodeView[]): LoadBalancerNode[] {
  const pool = cluster.spec.loadBalancer.nodePoolSpec ?? cluster.spec.controlPlane.nodePoolSpec;
  const result: LoadBalancerNode[] = [];
  for (const { address } of pool.nodes) {
    const ipv4 = parseIp(address).text;
    const node = nodes.find((n) => n.addresses.includes(ipv4));
    if (node && !node.ready) continue;
    const ipv6 = node?.addresses.find((a) => a.includes(":"));
    result.push({ name: node?.name ?? ipv4, ipv4, ...(ipv6 ? { ipv6 } : {}) });
  }
  return result;
}
