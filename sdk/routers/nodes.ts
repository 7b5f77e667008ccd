/**
 * The cluster's nodes as the router side needs them: a name, addresses and
 * labels. GKE Clusters list their nodes by address; MetalLB topologies do
 * not list nodes at all, so they come from Node manifests among the input
 * files or from the user (`--node NAME=IP[,IP][,LABEL=VALUE]...`).
 */
import type { Topology } from "../model";
import { parseIp } from "../net";

/** One cluster node. */
export interface ClusterNode {
  /** `metadata.name` (for a GKE node nobody named: its address). */
  readonly name: string;
  /** Its addresses, canonical text, IPv4 first. */
  readonly addresses: readonly string[];
  /** Its labels (MetalLB node selectors match them). */
  readonly labels: Readonly<Record<string, string>>;
}

/** A `--node` value or a Node manifest that cannot be used. */
export class NodeSpecError extends Error {
  override readonly name = "NodeSpecError";
}

function byFamily(a: string, b: string): number {
  return parseIp(a).family - parseIp(b).family;
}

/**
 * Parses `NAME=IP[,IP][,LABEL=VALUE]...`: the node's name, one or two
 * addresses (IPv4 and/or IPv6) and labels; `kubernetes.io/hostname` is the
 * name unless given, as on a real Node.
 * @throws NodeSpecError naming the text and what is wrong.
 */
export function parseNodeSpec(text: string): ClusterNode {
  const at = text.indexOf("=");
  const name = at < 0 ? "" : text.slice(0, at);
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name))
    throw new NodeSpecError(`'${text}': expected NAME=IP[,IP][,LABEL=VALUE]... with a node name (lower-case DNS name)`);
  const addresses: string[] = [];
  const labels: Record<string, string> = {};
  for (const part of text.slice(at + 1).split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) {
      labels[part.slice(0, eq)] = part.slice(eq + 1);
      continue;
    }
    try {
      addresses.push(parseIp(part).text);
    } catch {
      throw new NodeSpecError(`'${text}': '${part}' is neither an IP address nor LABEL=VALUE`);
    }
  }
  if (addresses.length === 0) throw new NodeSpecError(`'${text}': node ${name} has no address`);
  return { name, addresses: addresses.sort(byFamily), labels: { "kubernetes.io/hostname": name, ...labels } };
}

/** Node manifests (`v1` `Node`) among the input files: name, labels and InternalIP addresses. */
export function nodesOfManifests(topology: Topology): ClusterNode[] {
  const nodes: ClusterNode[] = [];
  for (const object of topology.otherObjects) {
    if (object.apiVersion !== "v1" || object.kind !== "Node") continue;
    const status = object.body.status as { addresses?: { type?: unknown; address?: unknown }[] } | undefined;
    const addresses: string[] = [];
    for (const entry of Array.isArray(status?.addresses) ? status.addresses : []) {
      if (entry?.type !== "InternalIP" || typeof entry.address !== "string") continue;
      try {
        addresses.push(parseIp(entry.address).text);
      } catch {
        throw new NodeSpecError(`Node ${object.metadata.name}: status.addresses InternalIP '${entry.address}' is not an IP address`);
      }
    }
    if (addresses.length === 0) throw new NodeSpecError(`Node ${object.metadata.name}: no InternalIP in status.addresses`);
    nodes.push({
      name: object.metadata.name,
      addresses: addresses.sort(byFamily),
      labels: { "kubernetes.io/hostname": object.metadata.name, ...(object.metadata.labels ?? {}) },
    });
  }
  return nodes;
}
