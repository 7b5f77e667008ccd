import {
  METALLB_DEFAULT_AGGREGATION_LENGTH,
  METALLB_DEFAULT_AGGREGATION_LENGTH_V6,
  type BGPAdvertisement,
  type IPAddressPool,
  type MetalLBBGPPeer,
} from "../../model";
import { RULES } from "../catalogue";
import type { Inventory } from "../inventory";
import type { Reporter } from "../report";
import { nodeSelectionsOverlap } from "./labels";
import { coveredPools } from "./metallb-advertisements";

/** The pools each advertisement covers, and the advertisements covering each pool, in input order. */
function coverage(inventory: Inventory): {
  readonly pools: Map<BGPAdvertisement, readonly IPAddressPool[]>;
  readonly advertisements: Map<IPAddressPool, BGPAdvertisement[]>;
} {
  const { ipAddressPools, bgpAdvertisements } = inventory.topology;
  const byName = new Map<string, IPAddressPool[]>();
  for (const pool of ipAddressPools) byName.set(pool.metadata.name, [...(byName.get(pool.metadata.name) ?? []), pool]);
  const pools = new Map<BGPAdvertisement, readonly IPAddressPool[]>();
  const advertisements = new Map<IPAddressPool, BGPAdvertisement[]>(ipAddressPools.map((pool) => [pool, []]));
  for (const advertisement of bgpAdvertisements) {
    const covered = coveredPools(advertisement, ipAddressPools, byName);
    const list = covered === "all" ? ipAddressPools : covered;
    pools.set(advertisement, list);
    for (const pool of list) advertisements.get(pool)!.push(advertisement);
  }
  return { pools, advertisements };
}

/** The address families of a pool's entries that parsed. */
function poolFamilies(inventory: Inventory): Map<IPAddressPool, { v4: boolean; v6: boolean }> {
  const families = new Map<IPAddressPool, { v4: boolean; v6: boolean }>();
  for (const pool of inventory.pools) {
    if (pool.object.kind !== "IPAddressPool") continue;
    families.set(pool.object, { v4: pool.entries.some((e) => e.block.family === 4), v6: pool.entries.some((e) => e.block.family === 6) });
  }
  return families;
}

/**
 * True when two advertisements of one pool can carry different LOCAL_PREF
 * values, as MetalLB decides it: their aggregation lengths differ for every
 * family the pool has, or they name disjoint peers, or their node selectors
 * cannot select a common node.
 */
function separateUpdates(a: BGPAdvertisement, b: BGPAdvertisement, families: { v4: boolean; v6: boolean }): boolean {
  const v4Differs = (a.spec.aggregationLength ?? METALLB_DEFAULT_AGGREGATION_LENGTH) !== (b.spec.aggregationLength ?? METALLB_DEFAULT_AGGREGATION_LENGTH);
  const v6Differs =
    (a.spec.aggregationLengthV6 ?? METALLB_DEFAULT_AGGREGATION_LENGTH_V6) !== (b.spec.aggregationLengthV6 ?? METALLB_DEFAULT_AGGREGATION_LENGTH_V6);
  if (!families.v4 && !families.v6) return true;
  if ((v4Differs || !families.v4) && (v6Differs || !families.v6)) return true;
  const peersA = a.spec.peers ?? [];
  const peersB = b.spec.peers ?? [];
  if (peersA.length > 0 && peersB.length > 0 && !peersA.some((name) => peersB.includes(name))) return true;
  return !nodeSelectionsOverlap(a.spec.nodeSelectors, b.spec.nodeSelectors);
}

/**
 * What MetalLB checks across pools, advertisements, peers and BFD profiles:
 * one LOCAL_PREF per pool, peer and node; no IPv6 pool towards a peer whose
 * BFD profile uses echo mode.
 */
export function checkMetallbAnnouncements(inventory: Inventory, reporter: Reporter): void {
  const { topology } = inventory;
  const { pools, advertisements } = coverage(inventory);
  const families = poolFamilies(inventory);

  const index = new Map(topology.bgpAdvertisements.map((advertisement, i) => [advertisement, i]));
  const decided = new Map<string, readonly (BGPAdvertisement | undefined)[]>();
  const reportedClash = new Set<BGPAdvertisement>();
  for (const [pool, list] of advertisements) {
    const poolFamily = families.get(pool) ?? { v4: false, v6: false };
    // Pools with the same families and the same advertisements clash alike (an advertisement
    // without ipAddressPools covers every pool): decide each such group once.
    const key = `${poolFamily.v4}|${poolFamily.v6}|${list.map((advertisement) => index.get(advertisement)).join(",")}`;
    let clashes = decided.get(key);
    if (clashes === undefined) {
      clashes = list.map((advertisement, i) => {
        const localPref = advertisement.spec.localPref ?? 0;
        return list.slice(0, i).find((earlier) => (earlier.spec.localPref ?? 0) !== localPref && !separateUpdates(advertisement, earlier, poolFamily));
      });
      decided.set(key, clashes);
    }
    list.forEach((advertisement, i) => {
      const clash = clashes[i];
      if (clash === undefined || reportedClash.has(advertisement)) return;
      reportedClash.add(advertisement);
      const localPref = advertisement.spec.localPref ?? 0;
      reporter.report(
        RULES.localPrefConflict,
        advertisement,
        ["spec", "localPref"],
        `localPref ${localPref} conflicts with localPref ${clash.spec.localPref ?? 0} of BGPAdvertisement ${clash.metadata.name}: both announce IPAddressPool ${pool.metadata.name} to the same peers from the same nodes, and one route carries one LOCAL_PREF`,
        "use the same localPref, or split the advertisements by peers, nodeSelectors or aggregation length",
      );
    });
  }

  const echoProfiles = new Set(topology.bfdProfiles.filter((profile) => profile.spec.echoMode === true).map((profile) => profile.metadata.name));
  if (echoProfiles.size === 0) return;
  const reported = new Set<MetalLBBGPPeer>();
  for (const advertisement of topology.bgpAdvertisements) {
    const ipv6Pool = (pools.get(advertisement) ?? []).find((pool) => families.get(pool)?.v6);
    if (ipv6Pool === undefined) continue;
    const named = advertisement.spec.peers ?? [];
    const targets = named.length === 0 ? topology.metallbBgpPeers : topology.metallbBgpPeers.filter((peer) => named.includes(peer.metadata.name));
    for (const peer of targets) {
      if (reported.has(peer) || peer.spec.bfdProfile === undefined || !echoProfiles.has(peer.spec.bfdProfile)) continue;
      reported.add(peer);
      reporter.report(
        RULES.bfdEchoOnIpv6,
        peer,
        ["spec", "bfdProfile"],
        `BFDProfile ${peer.spec.bfdProfile} enables echo mode, and BGPAdvertisement ${advertisement.metadata.name} announces the IPv6 IPAddressPool ${ipv6Pool.metadata.name} to this peer: MetalLB supports BFD echo for IPv4 only`,
        "turn echoMode off in the profile, or give this peer a profile without echo mode",
      );
    }
  }
}
