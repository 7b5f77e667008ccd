/**
 * Address pools as the IPAM sees them: a neutral shape that both the GKE
 * Cluster's `spec.loadBalancer.addressPools` and MetalLB's IPAddressPools map
 * onto, so one allocator serves both modes.
 */
import type { Cluster } from "../model";
import { parseAddressBlock, type AddressBlock } from "../net";

/** One pool of Service addresses. */
export interface AddressPool {
  /** Pool name, unique among the pools. */
  readonly name: string;
  /** Its CIDRs and ranges, in the order written; IPv4 and IPv6 may mix. */
  readonly blocks: readonly AddressBlock[];
  /** Skip IPv4 addresses ending in `.0` or `.255`. */
  readonly avoidBuggyIPs: boolean;
  /** Hand addresses out only to Services that ask for one of them (`spec.loadBalancerIP`). */
  readonly manualAssign: boolean;
}

/**
 * The Cluster's `spec.loadBalancer.addressPools` as {@link AddressPool}s.
 * @throws AddressError when an entry is not a CIDR or range (the validator rejects such a Cluster first).
 */
export function clusterAddressPools(cluster: Cluster): AddressPool[] {
  return (cluster.spec.loadBalancer.addressPools ?? []).map((pool) => ({
    name: pool.name,
    blocks: pool.addresses.map(parseAddressBlock),
    avoidBuggyIPs: pool.avoidBuggyIPs ?? false,
    manualAssign: pool.manualAssign ?? false,
  }));
}
