import { METALLB_DEFAULT_AGGREGATION_LENGTH, METALLB_DEFAULT_AGGREGATION_LENGTH_V6, type BGPAdvertisement, type IPAddressPool } from "../../model";
import { toCidrs, type IpFamily } from "../../net";
import { RULES } from "../catalogue";
import type { Inventory, Pool, PoolEntry } from "../inventory";
import type { Reporter } from "../report";
import { listNames } from "./common";
import { communityAliases, communityProblem } from "./metallb-communities";
import { matchesSelector } from "./labels";
import { echoValue } from "../../manifest/echo";

/** The MetalLB pools an advertisement covers: named, selected by label, or `all` when neither is given. */
export function coveredPools(
  advertisement: BGPAdvertisement,
  pools: readonly IPAddressPool[],
  byName: ReadonlyMap<string, readonly IPAddressPool[]>,
): readonly IPAddressPool[] | "all" {
  const names = advertisement.spec.ipAddressPools ?? [];
  const selectors = advertisement.spec.ipAddressPoolSelectors ?? [];
  if (names.length === 0 && selectors.length === 0) return "all";
  const covered = new Set(names.flatMap((name) => byName.get(name) ?? []));
  if (selectors.length > 0) for (const pool of pools) if (selectors.some((s) => matchesSelector(s, pool.metadata.labels))) covered.add(pool);
  return [...covered];
}

/** Per family, the pool entry whose exact CIDR cover has the longest shortest prefix: the one that bounds aggregationLength from below. */
type Widest = Partial<Record<IpFamily, { readonly prefix: number; readonly entry: PoolEntry }>>;

function mostSpecific(list: readonly (Widest | undefined)[]): Widest {
  const result: { 4?: Widest[4]; 6?: Widest[6] } = {};
  for (const item of list) {
    for (const family of [4, 6] as const) {
      const candidate = item?.[family];
      if (candidate && (result[family] === undefined || candidate.prefix > result[family].prefix)) result[family] = candidate;
    }
  }
  return result;
}

/**
 * For every pool, {@link Widest} over its entries, computed once so that each
 * advertisement costs the pools it names rather than every entry again.
 */
function widestEntries(pools: ReadonlyMap<IPAddressPool, Pool>): Map<IPAddressPool, Widest> {
  const result = new Map<IPAddressPool, Widest>();
  for (const [object, pool] of pools) {
    result.set(
      object,
      mostSpecific(
        pool.entries.map((entry) => ({
          [entry.block.family]: { prefix: toCidrs(entry.block).reduce((shortest, cidr) => Math.min(shortest, cidr.prefixLength), Infinity), entry },
        })),
      ),
    );
  }
  return result;
}

/** MetalLB BGPAdvertisements: aggregation lengths, communities, references to pools and peers, LOCAL_PREF use; pools nothing advertises. */
export function checkMetallbAdvertisements(inventory: Inventory, reporter: Reporter): void {
  const { topology } = inventory;
  const poolsByObject = new Map<IPAddressPool, Pool>();
  for (const pool of inventory.pools) if (pool.object.kind === "IPAddressPool") poolsByObject.set(pool.object, pool);
  const poolsByName = new Map<string, IPAddressPool[]>();
  for (const pool of topology.ipAddressPools) poolsByName.set(pool.metadata.name, [...(poolsByName.get(pool.metadata.name) ?? []), pool]);
  const peersByName = new Map(topology.metallbBgpPeers.map((p) => [p.metadata.name, p]));
  const aliases = communityAliases(inventory);
  const widest = widestEntries(poolsByObject);
  const everyPool = mostSpecific(topology.ipAddressPools.map((pool) => widest.get(pool)));
  const advertised = new Set<IPAddressPool>();
  let everyPoolAdvertised = false;

  for (const advertisement of topology.bgpAdvertisements) {
    const spec = advertisement.spec;
    const lengths: Record<IpFamily, { field: "aggregationLength" | "aggregationLengthV6"; value: number; valid: boolean }> = {
      4: { field: "aggregationLength", value: spec.aggregationLength ?? METALLB_DEFAULT_AGGREGATION_LENGTH, valid: true },
      6: { field: "aggregationLengthV6", value: spec.aggregationLengthV6 ?? METALLB_DEFAULT_AGGREGATION_LENGTH_V6, valid: true },
    };
    for (const [family, max] of [
      [4, 32],
      [6, 128],
    ] as const) {
      const length = lengths[family];
      // out of range is reported by checkDeclaredLimits (BGPLB110)
      if (!Number.isInteger(length.value) || length.value < 0 || length.value > max) length.valid = false;
    }

    if ((spec.serviceSelectors ?? []).length > 0) {
      for (const [family, fallback] of [
        [4, METALLB_DEFAULT_AGGREGATION_LENGTH],
        [6, METALLB_DEFAULT_AGGREGATION_LENGTH_V6],
      ] as const) {
        const length = lengths[family];
        if (spec[length.field] === undefined || length.value === fallback) continue;
        reporter.report(
          RULES.serviceSelectorsWithAggregation,
          advertisement,
          ["spec", length.field],
          `${length.field} ${length.value} is set together with serviceSelectors: MetalLB announces only single Service addresses then, so it refuses aggregation`,
          `remove ${length.field} (or set it to ${fallback}), or move serviceSelectors to a separate BGPAdvertisement`,
        );
      }
    }

    (spec.ipAddressPools ?? []).forEach((name, i) => {
      if (!poolsByName.has(name)) {
        reporter.report(
          RULES.advertisementUnknownPool,
          advertisement,
          ["spec", "ipAddressPools", i],
          `IPAddressPool "${name}" does not exist (pools: ${listNames([...poolsByName.keys()])})`,
          "create the pool or fix the name",
        );
      }
    });
    const covered = coveredPools(advertisement, topology.ipAddressPools, poolsByName);
    let binding: Widest;
    if (covered === "all") {
      everyPoolAdvertised = true;
      binding = everyPool;
    } else {
      for (const pool of covered) advertised.add(pool);
      binding = mostSpecific(covered.map((pool) => widest.get(pool)));
    }
    for (const family of [4, 6] as const) {
      const length = lengths[family];
      const entry = binding[family];
      if (!length.valid || entry === undefined || length.value >= entry.prefix) continue;
      reporter.report(
        RULES.aggregationShorterThanPool,
        advertisement,
        ["spec", length.field],
        `${length.field} ${length.value} is shorter than /${entry.prefix} of ${entry.entry.block.text} in IPAddressPool ${entry.entry.pool.name}: the aggregate would announce addresses outside the pool`,
        `set ${length.field} to ${entry.prefix} or longer`,
      );
    }

    (spec.communities ?? []).forEach((text, i) => {
      if (aliases.has(text)) return;
      if (!text.includes(":")) {
        reporter.report(
          RULES.communityAliasUnknown,
          advertisement,
          ["spec", "communities", i],
          `community ${echoValue(text)} is no a:b value, so it names a Community alias, and no Community in these manifests defines it`,
          "define the alias in a Community in metallb-system, or validate these files together with the one that does",
        );
        return;
      }
      const problem = communityProblem(text, "nor a defined Community alias");
      if (problem)
        reporter.report(
          RULES.malformedCommunity,
          advertisement,
          ["spec", "communities", i],
          problem,
          "write a:b with 16-bit numbers (65535:65282) or large:a:b:c with 32-bit numbers",
        );
    });

    const named = spec.peers ?? [];
    named.forEach((name, i) => {
      if (!peersByName.has(name)) {
        reporter.report(
          RULES.advertisementUnknownPeer,
          advertisement,
          ["spec", "peers", i],
          `BGPPeer "${name}" does not exist (peers: ${listNames([...peersByName.keys()])})`,
          "create the BGPPeer or fix the name",
        );
      }
    });
    if (spec.localPref !== undefined && spec.localPref !== 0) {
      const targets = named.length === 0 ? topology.metallbBgpPeers : named.flatMap((name) => peersByName.get(name) ?? []);
      if (targets.length > 0 && targets.every((peer) => peer.spec.dynamicASN !== "internal" && peer.spec.myASN !== peer.spec.peerASN)) {
        reporter.report(
          RULES.localPrefOnEbgp,
          advertisement,
          ["spec", "localPref"],
          `localPref ${spec.localPref} is set but every peer it reaches is eBGP, and LOCAL_PREF is never sent to eBGP peers`,
          "remove localPref, or steer eBGP peers with communities or AS-path prepending on the router",
        );
      }
    }
  }

  if (everyPoolAdvertised || topology.metallbBgpPeers.length === 0 || topology.otherObjects.some((o) => o.kind === "L2Advertisement")) return;
  for (const pool of topology.ipAddressPools) {
    if (!advertised.has(pool)) {
      reporter.report(
        RULES.poolNotAdvertised,
        pool,
        ["metadata", "name"],
        `IPAddressPool ${pool.metadata.name} is covered by no BGPAdvertisement: Services get its addresses but no router learns them`,
        "add a BGPAdvertisement listing this pool (or one without ipAddressPools, which covers all pools)",
      );
    }
  }
}
