import type { ClusterCIDRConfig } from "../../model";
import { familyBits, parseCidr, type IpFamily } from "../../net";
import { RULES } from "../catalogue";
import type { ClusterView, Inventory } from "../inventory";
import type { Reporter } from "../report";

/** Dual-stack consistency: one Service CIDR per family, a dual-family pool, ClusterCIDRConfigs with both families and sane per-node masks. */
export function checkDualStack(inventory: Inventory, reporter: Reporter): void {
  for (const config of inventory.topology.clusterCIDRConfigs) checkPerNodeMasks(reporter, config);
  for (const view of inventory.clusters) checkCluster(inventory, view, reporter);
}

function checkPerNodeMasks(reporter: Reporter, config: ClusterCIDRConfig): void {
  for (const [field, family] of [
    ["ipv4", 4],
    ["ipv6", 6],
  ] as const) {
    const range = config.spec[field];
    if (!range) continue;
    let prefixLength: number;
    try {
      const cidr = parseCidr(range.cidr);
      if (cidr.family !== family) {
        reporter.report(
          RULES.malformedPrefix,
          config,
          ["spec", field, "cidr"],
          `${field}.cidr ${range.cidr} is an IPv${cidr.family} CIDR`,
          `put an IPv${family} CIDR under ${field}`,
        );
        continue;
      }
      prefixLength = cidr.prefixLength;
    } catch {
      continue; // reported by the pool rules, which parse every pod CIDR
    }
    const bits = familyBits(family);
    const mask = range.perNodeMaskSize;
    if (!Number.isInteger(mask) || mask < prefixLength || mask > bits) {
      reporter.report(
        RULES.perNodeMaskSize,
        config,
        ["spec", field, "perNodeMaskSize"],
        `perNodeMaskSize ${mask} does not fit ${range.cidr}: it must be between ${prefixLength} and ${bits}`,
        `pick a per-node prefix length between ${prefixLength} and ${bits} (e.g. ${family === 4 ? 24 : 120})`,
      );
    }
  }
}

function checkCluster(inventory: Inventory, view: ClusterView, reporter: Reporter): void {
  const { cluster } = view;
  const blocks = cluster.spec.clusterNetwork?.services?.cidrBlocks ?? [];
  const families = new Map<IpFamily, number>();
  blocks.forEach((text, i) => {
    let family: IpFamily;
    try {
      family = parseCidr(text).family;
    } catch {
      return; // reported by the pool rules, which parse every Service CIDR
    }
    const first = families.get(family);
    if (first !== undefined) {
      reporter.report(
        RULES.serviceCidrFamilyRepeated,
        cluster,
        ["spec", "clusterNetwork", "services", "cidrBlocks", i],
        `${text} is a second IPv${family} Service CIDR (the first is cidrBlocks[${first}])`,
        "keep one IPv4 and at most one IPv6 Service CIDR",
      );
    } else {
      families.set(family, i);
    }
  });
  if (families.size < 2) return;

  const pools = inventory.pools.filter((pool) => pool.object === cluster);
  const dualPool = pools.some((pool) => {
    const seen = new Set(pool.entries.map((entry) => entry.block.family));
    return seen.has(4) && seen.has(6);
  });
  if (!dualPool) {
    reporter.report(
      RULES.dualStackWithoutDualPool,
      cluster,
      ["spec", "loadBalancer", "addressPools"],
      `Service CIDRs ${blocks.join(" and ")} are dual-stack but none of the ${pools.length} address pools holds both IPv4 and IPv6 addresses`,
      "add an IPv6 range to a pool that has IPv4 addresses (e.g. 2001:db8::1-2001:db8::20)",
    );
  }
  if (view.clusterCIDRConfigs.length === 0) {
    reporter.report(
      RULES.clusterCidrFamilyMissing,
      cluster,
      ["spec", "clusterNetwork", "services", "cidrBlocks"],
      `Service CIDRs ${blocks.join(" and ")} are dual-stack but there is no ClusterCIDRConfig in ${view.namespace}`,
      "add a ClusterCIDRConfig with spec.ipv4 and spec.ipv6 pod ranges",
    );
  }
  for (const config of view.clusterCIDRConfigs) {
    for (const field of ["ipv4", "ipv6"] as const) {
      if (config.spec[field] === undefined) {
        reporter.report(
          RULES.clusterCidrFamilyMissing,
          config,
          ["spec", field],
          `spec.${field} is absent in a dual-stack cluster`,
          `add spec.${field} with cidr and perNodeMaskSize`,
        );
      }
    }
  }
}
