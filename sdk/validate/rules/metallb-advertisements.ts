import { METALLB_DEFAULT_AGGREGATION_LENGTH, METALLB_DEFAULT_AGGREGATION_LENGTH_V6, type BGPAdvertisement, type IPAddressPool } from "../../model";
import { toCidrs, type IpFamily } from "../../net";
import { RULES } from "../catalogue";
import type { Inventory, Pool, PoolEntry } from "../inventory";
import type { Reporter } from "../report";
import { matchesSelector } from "./labels";

const COMMUNITY = /^(\d+):(\d+)$/;
const LARGE_COMMUNITY = /^large:(\d+):(\d+):(\d+)$/;

/** Why the community text is malformed, or undefined when it is a valid standard or large community. */
function communityProblem(text: string): string | undefined {
  const standard = COMMUNITY.exec(text);
  if (standard) {
    const bad = standard.slice(1).find((part) => Number(part) > 0xffff);
    return bad === undefined ? undefined : `community ${text}: ${bad} does not fit in 16 bits (0-65535)`;
  }
  const large = LARGE_COMMUNITY.exec(text);
  if (large) {
    const bad = large.slice(1).find((part) => Number(part) > 0xffffffff);
    return bad === undefined ? undefined : `large community ${text}: ${bad} does not fit in 32 bits (0-4294967295)`;
  }
  return `community ${JSON.stringify(text)} is neither a:b (16-bit each) nor large:a:b:c (32-bit each), nor a defined Community alias`;
}

/** Community aliases defined by MetalLB `Community` objects kept in the topology. */
function communityAliases(inventory: Inventory): Set<string> {
  const aliases = new Set<string>();
  for (const object of inventory.topology.otherObjects) {
    if (object.kind !== "Community") continue;
    const list = (object.body["spec"] as { communities?: unknown } | undefined)?.communities;
    if (!Array.isArray(list)) continue;
    for (const entry of list) if (entry && typeof entry === "object" && typeof entry.name === "string") aliases.add(entry.name);
  }
  return aliases;
}

/** The MetalLB pools an advertisement covers: named, selected by label, or all when neither is given. */
function coveredPools(advertisement: BGPAdvertisement, pools: readonly IPAddressPool[]): IPAddressPool[] {
  const names = advertisement.spec.ipAddressPools ?? [];
  const selectors = advertisement.spec.ipAddressPoolSelectors ?? [];
  if (names.length === 0 && selectors.length === 0) return [...pools];
  return pools.filter((pool) => names.includes(pool.metadata.name) || selectors.some((s) => matchesSelector(s, pool.metadata.labels)));
}

/** MetalLB BGPAdvertisements: aggregation lengths, communities, references to pools and peers, LOCAL_PREF use; pools nothing advertises. */
export function checkMetallbAdvertisements(inventory: Inventory, reporter: Reporter): void {
  const { topology } = inventory;
  const poolsByObject = new Map<IPAddressPool, Pool>();
  for (const pool of inventory.pools) if (pool.object.kind === "IPAddressPool") poolsByObject.set(pool.object, pool);
  const poolNames = new Set(topology.ipAddressPools.map((p) => p.metadata.name));
  const peersByName = new Map(topology.metallbBgpPeers.map((p) => [p.metadata.name, p]));
  const aliases = communityAliases(inventory);
  const shortest = new Map<PoolEntry, number>();
  const shortestPrefix = (entry: PoolEntry): number => {
    let value = shortest.get(entry);
    if (value === undefined) {
      value = Math.min(...toCidrs(entry.block).map((cidr) => cidr.prefixLength));
      shortest.set(entry, value);
    }
    return value;
  };
  const advertised = new Set<IPAddressPool>();

  for (const advertisement of topology.bgpAdvertisements) {
    const spec = advertisement.spec;
    const lengths: Record<IpFamily, { field: "aggregationLength" | "aggregationLengthV6"; value: number; valid: boolean }> = {
      4: { field: "aggregationLength", value: spec.aggregationLength ?? METALLB_DEFAULT_AGGREGATION_LENGTH, valid: true },
      6: { field: "aggregationLengthV6", value: spec.aggregationLengthV6 ?? METALLB_DEFAULT_AGGREGATION_LENGTH_V6, valid: true },
    };
    for (const [family, max] of [[4, 32], [6, 128]] as const) {
      const length = lengths[family];
      if (!Number.isInteger(length.value) || length.value < 0 || length.value > max) {
        length.valid = false;
        reporter.report(RULES.aggregationLengthRange, advertisement, ["spec", length.field], `${length.field} ${length.value} is outside 0-${max}`, `use a prefix length up to ${max} (${max} = no aggregation)`);
      }
    }

    (spec.ipAddressPools ?? []).forEach((name, i) => {
      if (!poolNames.has(name)) {
        reporter.report(RULES.advertisementUnknownPool, advertisement, ["spec", "ipAddressPools", i], `IPAddressPool "${name}" does not exist (pools: ${[...poolNames].join(", ") || "none"})`, "create the pool or fix the name");
      }
    });
    const covered = coveredPools(advertisement, topology.ipAddressPools);
    const reported = new Set<IpFamily>();
    for (const object of covered) {
      advertised.add(object);
      for (const entry of poolsByObject.get(object)?.entries ?? []) {
        const length = lengths[entry.block.family];
        if (!length.valid || reported.has(entry.block.family)) continue;
        const prefix = shortestPrefix(entry);
        if (length.value < prefix) {
          reported.add(entry.block.family);
          reporter.report(
            RULES.aggregationShorterThanPool,
            advertisement,
            ["spec", length.field],
            `${length.field} ${length.value} is shorter than /${prefix} of ${entry.block.text} in IPAddressPool ${object.metadata.name}: the aggregate would announce addresses outside the pool`,
            `set ${length.field} to ${prefix} or longer`,
          );
        }
      }
    }

    (spec.communities ?? []).forEach((text, i) => {
      const problem = aliases.has(text) ? undefined : communityProblem(text);
      if (problem) reporter.report(RULES.malformedCommunity, advertisement, ["spec", "communities", i], problem, "write a:b with 16-bit numbers (65535:65282) or large:a:b:c with 32-bit numbers");
    });

    const named = spec.peers ?? [];
    named.forEach((name, i) => {
      if (!peersByName.has(name)) {
        reporter.report(RULES.advertisementUnknownPeer, advertisement, ["spec", "peers", i], `BGPPeer "${name}" does not exist (peers: ${[...peersByName.keys()].join(", ") || "none"})`, "create the BGPPeer or fix the name");
      }
    });
    if (spec.localPref !== undefined && spec.localPref !== 0) {
      const targets = named.length === 0 ? topology.metallbBgpPeers : named.flatMap((name) => peersByName.get(name) ?? []);
      if (targets.length > 0 && targets.every((peer) => peer.spec.myASN !== peer.spec.peerASN)) {
        reporter.report(RULES.localPrefOnEbgp, advertisement, ["spec", "localPref"], `localPref ${spec.localPref} is set but every peer it reaches is eBGP, and LOCAL_PREF is never sent to eBGP peers`, "remove localPref, or steer eBGP peers with communities or AS-path prepending on the router");
      }
    }
  }

  if (topology.metallbBgpPeers.length === 0 || topology.otherObjects.some((o) => o.kind === "L2Advertisement")) return;
  for (const pool of topology.ipAddressPools) {
    if (!advertised.has(pool)) {
      reporter.report(RULES.poolNotAdvertised, pool, ["metadata", "name"], `IPAddressPool ${pool.metadata.name} is covered by no BGPAdvertisement: Services get its addresses but no router learns them`, "add a BGPAdvertisement listing this pool (or one without ipAddressPools, which covers all pools)");
    }
  }
}
