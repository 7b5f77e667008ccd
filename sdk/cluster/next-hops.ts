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
import { ipValue, parseIp, type IpAddress, type IpValue } from "../net";
import type { NodeView } from "./floating-ips";

/** A load-balancer node: a next hop for service VIPs. */
export interface LoadBalancerNode {
  readonly name: string;
  /** Its IPv4 address: the next hop of IPv4 VIPs. */
  readonly ipv4: string;
  /** Its IPv6 address, when known: the next hop of IPv6 VIPs (else `::ffff:<ipv4>`). */
  readonly ipv6?: string;
}

/** Distinct VIPs, parsed, in address order (IPv4 first): the order the spreading counts in. */
function sortedVips(vips: readonly string[]): IpAddress[] {
  const parsed = [...new Map(vips.map((vip) => parseIp(vip)).map((ip) => [ip.text, ip])).values()];
  return parsed.sort((a, b) => a.family - b.family || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

/** VIPs in address order (IPv4 first): the order the spreading counts in. */
export function sortVips(vips: readonly string[]): string[] {
  return sortedVips(vips).map((ip) => ip.text);
}

/** ::ffff:0.0.0.0, the IPv4-mapped IPv6 prefix (RFC 4291 §2.5.5.2). */
const IPV4_MAPPED = 0xffff_0000_0000n;

/**
 * The routes of session `index` of `sessionCount` sessions to one peer:
 * each VIP (host route) with every LB node as next hop, the spread choice
 * first. Empty when there is no LB node.
 */
export function sessionRoutes(vips: readonly string[], lbNodes: readonly LoadBalancerNode[], index: number, sessionCount: number): OriginatedRoute[] {
  const n = lbNodes.length;
  if (n === 0) return [];
  const k = Math.max(1, sessionCount);
  const ipv4 = lbNodes.map((node) => ipValue(parseIp(node.ipv4)) as number);
  const ipv6 = lbNodes.map((node, i) => (node.ipv6 === undefined ? IPV4_MAPPED | BigInt(ipv4[i]) : ipValue(parseIp(node.ipv6))));
  // One next-hop list per family and first node, shared by the routes that use it.
  const lists = new Map<string, IpValue[]>();
  const listFor = (v6: boolean, first: number): IpValue[] => {
    const key = `${v6 ? 6 : 4}|${first}`;
    let list = lists.get(key);
    if (list === undefined) {
      const hops: IpValue[] = [];
      for (let step = 0; step < n; step++) hops.push((v6 ? ipv6 : ipv4)[(first + step) % n]);
      list = [...new Set(hops)];
      lists.set(key, list);
    }
    return list;
  };
  return sortedVips(vips).map((vip, j) => {
    const v6 = vip.family === 6;
    return { family: v6 ? "ipv6-unicast" : "ipv4-unicast", address: ipValue(vip), length: v6 ? 128 : 32, nextHops: listFor(v6, (j * k + index) % n) };
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
