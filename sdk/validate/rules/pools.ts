import { findOverlaps, type AddressSpan } from "../../net";
import { RULES } from "../catalogue";
import type { Inventory, Pool, PoolEntry } from "../inventory";
import type { AnyObject, Reporter } from "../report";
import { SpanIndex } from "../span-index";

/** A CIDR that pools must stay out of, and where it is configured. */
interface Reserved {
  readonly text: string;
  readonly what: "Service CIDR" | "pod CIDR";
  readonly object: AnyObject;
}

function where(pool: Pool): string {
  return pool.object.kind === "Cluster" ? `pool ${pool.name} of Cluster ${pool.object.metadata.name}` : `IPAddressPool ${pool.name}`;
}

/** The Service and pod CIDRs of every cluster, parsed (malformed ones reported). */
function reservedRanges(inventory: Inventory, reporter: Reporter): { span: AddressSpan; item: Reserved }[] {
  const result: { span: AddressSpan; item: Reserved }[] = [];
  for (const view of inventory.clusters) {
    const network = view.cluster.spec.clusterNetwork;
    for (const [field, what, blocks] of [
      ["services", "Service CIDR", network?.services?.cidrBlocks],
      ["pods", "pod CIDR", network?.pods?.cidrBlocks],
    ] as const) {
      (blocks ?? []).forEach((text, i) => {
        const cidr = reporter.cidr(view.cluster, ["spec", "clusterNetwork", field, "cidrBlocks", i], text);
        if (cidr) result.push({ span: cidr, item: { text: cidr.text, what, object: view.cluster } });
      });
    }
    for (const config of view.clusterCIDRConfigs) {
      for (const family of ["ipv4", "ipv6"] as const) {
        const range = config.spec[family];
        if (!range) continue;
        const cidr = reporter.cidr(config, ["spec", family, "cidr"], range.cidr);
        if (cidr) result.push({ span: cidr, item: { text: cidr.text, what: "pod CIDR", object: config } });
      }
    }
  }
  return result;
}

/** Address pools of both products: empty pools, duplicate names, overlaps among all pools and with Service/pod CIDRs and node subnets. */
export function checkPools(inventory: Inventory, reporter: Reporter): void {
  const names = new Map<AnyObject, Set<string>>();
  for (const pool of inventory.pools) {
    if (pool.object.kind === "Cluster") {
      const seen = names.get(pool.object) ?? new Set<string>();
      names.set(pool.object, seen);
      if (seen.has(pool.name)) {
        reporter.report(
          RULES.duplicatePoolName,
          pool.object,
          [...pool.path, "name"],
          `address pool name "${pool.name}" is used twice`,
          "give every address pool a unique name",
        );
      }
      seen.add(pool.name);
    }
    if (pool.addresses.length === 0) {
      reporter.report(RULES.poolEmpty, pool.object, [...pool.path, "addresses"], `${where(pool)} has no addresses`, "add CIDRs or ranges, or remove the pool");
    }
  }

  const entries = inventory.pools.flatMap((pool) => pool.entries);
  const order = new Map(entries.map((entry, i) => [entry, i]));
  for (const overlap of findOverlaps(entries, (entry: PoolEntry) => entry.block)) {
    // Report at the entry written last, so the first definition reads as the valid one.
    const [earlier, later] = order.get(overlap.earlier)! < order.get(overlap.later)! ? [overlap.earlier, overlap.later] : [overlap.later, overlap.earlier];
    reporter.report(
      RULES.poolOverlap,
      later.pool.object,
      later.path,
      `${later.block.text} (${where(later.pool)}) overlaps ${earlier.block.text} (${where(earlier.pool)})`,
      "make the pools disjoint: an address must belong to one pool only",
    );
  }

  const reserved = new SpanIndex(reservedRanges(inventory, reporter));
  for (const entry of entries) {
    const hit = reserved.overlapping(entry.block);
    if (!hit) continue;
    const rule = hit.item.what === "Service CIDR" ? RULES.poolOverlapsServiceCidr : RULES.poolOverlapsPodCidr;
    reporter.report(
      rule,
      entry.pool.object,
      entry.path,
      `${entry.block.text} (${where(entry.pool)}) overlaps the ${hit.item.what} ${hit.item.text}`,
      `move the pool out of ${hit.item.text}: those addresses are already used inside the cluster`,
    );
  }

  checkNodeSubnets(inventory, reporter, entries);
}

function checkNodeSubnets(inventory: Inventory, reporter: Reporter, entries: readonly PoolEntry[]): void {
  const routed = entries.filter((entry) => entry.pool.object.kind !== "Cluster" || entry.pool.object.spec.loadBalancer.type === "bgp");
  if (routed.length === 0) return;
  const subnets = inventory.nodeSubnets;
  if (subnets === undefined) {
    const first = routed[0];
    reporter.skipped(
      RULES.poolInNodeSubnet,
      first.pool.object,
      first.path,
      "cannot check the address pools against the node subnets: the node subnets are not in the manifests",
      "pass the node subnets: bgplb validate --node-subnet 10.0.1.0/24 (repeatable), or the nodeSubnets option of validate()",
    );
    return;
  }
  const index = new SpanIndex(subnets.map((subnet) => ({ span: subnet, item: subnet })));
  for (const entry of routed) {
    const hit = index.overlapping(entry.block);
    if (hit) {
      reporter.report(
        RULES.poolInNodeSubnet,
        entry.pool.object,
        entry.path,
        `${entry.block.text} (${where(entry.pool)}) overlaps node subnet ${hit.item.text}: hosts on that subnet ARP for these VIPs instead of following the BGP routes`,
        "take BGP-advertised pools from a range outside the node subnets",
      );
    }
  }
}
