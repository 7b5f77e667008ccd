/**
 * Which node holds which floating IP. Pure: every speaker computes the same
 * answer from the same observations and acts only for its own node; the
 * per-floating-IP Lease makes sure no two nodes hold one address at once.
 */
import { parseCidr, parseIp, spanContains, type Cidr, type IpAddress } from "../net";

/** A node as the planners see it. */
export interface NodeView {
  /** `metadata.name`. */
  readonly name: string;
  /** Its addresses (`status.addresses` of type InternalIP), IPv4 and/or IPv6. */
  readonly addresses: readonly string[];
  /** The Node's Ready condition is True. */
  readonly ready: boolean;
}

/** What floating-IP assignment is computed from. */
export interface FloatingIpInput {
  /** NetworkGatewayGroup `spec.floatingIPs`. */
  readonly floatingIPs: readonly string[];
  /** Every node known. */
  readonly nodes: readonly NodeView[];
  /** Nodes whose speaker is alive (its presence Lease is current): only they can take a floating IP. */
  readonly speakers: ReadonlySet<string>;
  /** The node subnets (`10.0.1.0/24`): a floating IP may go to a node with an address in its subnet. */
  readonly nodeSubnets: readonly string[];
  /** Who holds each floating IP now (from the Leases); kept where possible so addresses do not move needlessly. */
  readonly holders: ReadonlyMap<string, string>;
}

/** The planned holder of each floating IP (canonical text); `undefined` when no node is eligible. */
export type FloatingIpAssignment = ReadonlyMap<string, string | undefined>;

/** FNV-1a, 32 bits: a stable pseudo-random tie breaker (rendezvous hashing). */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

function tryParse(text: string): IpAddress | undefined {
  try {
    return parseIp(text);
  } catch {
    return undefined;
  }
}

/** The subnet of `subnets` holding the address, if any. */
function subnetHolding(subnets: readonly Cidr[], ip: IpAddress): Cidr | undefined {
  return subnets.find((subnet) => spanContains(subnet, ip));
}

/**
 * The nodes that may hold `floatingIP`: Ready nodes with a live speaker and
 * an address in the floating IP's subnet, by name.
 */
export function eligibleNodes(floatingIP: string, input: Pick<FloatingIpInput, "nodes" | "speakers" | "nodeSubnets">): NodeView[] {
  const ip = tryParse(floatingIP);
  const subnet = ip && subnetHolding(input.nodeSubnets.map(parseCidr), ip);
  if (!ip || !subnet) return [];
  return input.nodes
    .filter((node) => node.ready && input.speakers.has(node.name) && node.addresses.some((a) => tryParse(a) !== undefined && spanContains(subnet, a)))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Assigns each floating IP to exactly one eligible node (see
 * {@link eligibleNodes}), at most ceil(floating IPs / eligible nodes) per
 * node within a subnet. A current holder keeps its floating IPs while it is
 * eligible and under that bound; the others go to the eligible node holding
 * the fewest, ties broken by rendezvous hashing so that the choice does not
 * depend on which nodes come and go elsewhere.
 */
export function assignFloatingIps(input: FloatingIpInput): FloatingIpAssignment {
  const subnets = input.nodeSubnets.map(parseCidr);
  const floating = [
    ...new Map(
      input.floatingIPs
        .map((text) => tryParse(text))
        .filter((ip): ip is IpAddress => ip !== undefined)
        .map((ip) => [ip.text, ip]),
    ).values(),
  ];
  floating.sort((a, b) => a.family - b.family || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  const assignment = new Map<string, string | undefined>();
  const counts = new Map<string, number>();
  const groups = new Map<string, { eligible: NodeView[]; fips: IpAddress[] }>();
  for (const ip of floating) {
    const subnet = subnetHolding(subnets, ip);
    assignment.set(ip.text, undefined);
    if (!subnet) continue;
    let group = groups.get(subnet.text);
    if (!group) groups.set(subnet.text, (group = { eligible: eligibleNodes(ip.text, input), fips: [] }));
    group.fips.push(ip);
  }
  for (const { eligible, fips } of groups.values()) {
    if (eligible.length === 0) continue;
    const cap = Math.ceil(fips.length / eligible.length);
    const names = new Set(eligible.map((node) => node.name));
    const left: IpAddress[] = [];
    for (const ip of fips) {
      const holder = input.holders.get(ip.text);
      if (holder !== undefined && names.has(holder) && (counts.get(holder) ?? 0) < cap) {
        assignment.set(ip.text, holder);
        counts.set(holder, (counts.get(holder) ?? 0) + 1);
      } else {
        left.push(ip);
      }
    }
    for (const ip of left) {
      let best: NodeView | undefined;
      for (const node of eligible) {
        if (!best) {
          best = node;
          continue;
        }
        const c = counts.get(node.name) ?? 0;
        const b = counts.get(best.name) ?? 0;
        if (c < b || (c === b && fnv1a(`${ip.text}|${node.name}`) > fnv1a(`${ip.text}|${best.name}`))) best = node;
      }
      assignment.set(ip.text, best!.name);
      counts.set(best!.name, (counts.get(best!.name) ?? 0) + 1);
    }
  }
  return assignment;
}
