/**
 * What one session advertises: the paths (VIP, path identifier, next hop)
 * the speaker wants the peer to hold, and the UPDATE messages that move the
 * peer from what it was sent to that set.
 */
import {
  AsPathSegmentType,
  Origin,
  Afi,
  Safi,
  type FamilyName,
  type LargeCommunity,
  type PathAttributes,
  type Prefix,
  type UpdateMessage,
} from "../bgp/messages";
import type { Vip } from "./vips";

/** One advertised path. */
export interface AdvertisedPath {
  readonly vip: Vip;
  /** ADD-PATH identifier (1-based), or undefined when ADD-PATH send is off for the family. */
  readonly pathId?: number;
  readonly nextHop: string;
}

/** What every path carries besides its next hop. */
export interface PathPolicy {
  readonly localAsn: number;
  /** IPv4 next hops; the first is used without ADD-PATH. */
  readonly nextHops: readonly string[];
  /** IPv6 next hops for IPv6 VIPs. */
  readonly ipv6NextHops: readonly string[];
  readonly communities: readonly number[];
  readonly largeCommunities: readonly LargeCommunity[];
}

/** A key that identifies a path in the peer's Adj-RIB-In: family, prefix and path id. */
export function pathKey(p: AdvertisedPath): string {
  return `${p.vip.address}/${p.vip.length}#${p.pathId ?? 0}`;
}

function familyOf(vip: Vip): FamilyName {
  return vip.family === 4 ? "ipv4-unicast" : "ipv6-unicast";
}

/**
 * The paths to advertise for `vips` on a session. With ADD-PATH send
 * negotiated for a family, every next hop is its own path (ids 1, 2, …);
 * without it, one path per VIP through the first next hop. Families the
 * session did not negotiate are left out.
 */
export function desiredPaths(
  vips: readonly Vip[],
  policy: PathPolicy,
  families: readonly FamilyName[],
  addPathSend: (family: FamilyName) => boolean,
): AdvertisedPath[] {
  const paths: AdvertisedPath[] = [];
  for (const vip of vips) {
    const family = familyOf(vip);
    if (!families.includes(family)) continue;
    const hops = vip.family === 4 ? policy.nextHops : policy.ipv6NextHops;
    if (addPathSend(family)) hops.forEach((nextHop, i) => paths.push({ vip, pathId: i + 1, nextHop }));
    else if (hops[0] !== undefined) paths.push({ vip, nextHop: hops[0] });
  }
  return paths;
}

function prefix(p: AdvertisedPath): Prefix {
  return p.pathId === undefined ? { address: p.vip.address, length: p.vip.length } : { address: p.vip.address, length: p.vip.length, pathId: p.pathId };
}

function commonAttributes(policy: PathPolicy): PathAttributes {
  return {
    origin: Origin.Igp,
    asPath: [{ type: AsPathSegmentType.AsSequence, asns: [policy.localAsn] }],
    ...(policy.communities.length > 0 ? { communities: policy.communities } : {}),
    ...(policy.largeCommunities.length > 0 ? { largeCommunities: policy.largeCommunities } : {}),
  };
}

/** Most prefixes put in one UPDATE, well under the 4096-octet limit. */
const BATCH = 100;

function batches<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH) out.push(items.slice(i, i + BATCH));
  return out;
}

/** UPDATEs announcing `paths`, one per (family, next hop) batch. */
export function announcements(paths: readonly AdvertisedPath[], policy: PathPolicy): UpdateMessage[] {
  const groups = new Map<string, AdvertisedPath[]>();
  for (const p of paths) {
    const key = `${p.vip.family} ${p.nextHop}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const updates: UpdateMessage[] = [];
  const common = commonAttributes(policy);
  for (const group of groups.values()) {
    const first = group[0];
    if (!first) continue;
    for (const batch of batches(group)) {
      const nlri = batch.map(prefix);
      if (first.vip.family === 4) {
        updates.push({ kind: "update", withdrawn: [], attributes: { ...common, nextHop: first.nextHop }, nlri });
      } else {
        updates.push({
          kind: "update",
          withdrawn: [],
          attributes: { ...common, mpReach: { afi: Afi.Ipv6, safi: Safi.Unicast, nextHop: { global: first.nextHop }, nlri } },
          nlri: [],
        });
      }
    }
  }
  return updates;
}

/** UPDATEs withdrawing `paths`. */
export function withdrawals(paths: readonly AdvertisedPath[]): UpdateMessage[] {
  const updates: UpdateMessage[] = [];
  for (const batch of batches(paths.filter((p) => p.vip.family === 4))) {
    updates.push({ kind: "update", withdrawn: batch.map(prefix), attributes: {}, nlri: [] });
  }
  for (const batch of batches(paths.filter((p) => p.vip.family === 6))) {
    updates.push({ kind: "update", withdrawn: [], attributes: { mpUnreach: { afi: Afi.Ipv6, safi: Safi.Unicast, withdrawn: batch.map(prefix) } }, nlri: [] });
  }
  return updates;
}

/**
 * The Adj-RIB-Out of one session: what the peer was sent. {@link sync}
 * returns the UPDATEs that turn it into the desired set.
 */
export class AdjRibOut {
  private sent = new Map<string, AdvertisedPath>();

  /** Number of paths the peer holds from us. */
  get size(): number {
    return this.sent.size;
  }

  /**
   * Withdraws paths no longer wanted (or whose next hop changed) and
   * announces new ones; records `desired` as sent.
   */
  sync(desired: readonly AdvertisedPath[], policy: PathPolicy): UpdateMessage[] {
    const want = new Map(desired.map((p) => [pathKey(p), p]));
    const gone = [...this.sent.entries()].filter(([k]) => !want.has(k)).map(([, p]) => p);
    const added = [...want.entries()].filter(([k, p]) => this.sent.get(k)?.nextHop !== p.nextHop).map(([, p]) => p);
    this.sent = want;
    return [...withdrawals(gone), ...announcements(added, policy)];
  }

  /** UPDATEs withdrawing everything sent; the table is then empty. */
  withdrawAll(): UpdateMessage[] {
    const all = [...this.sent.values()];
    this.sent = new Map();
    return withdrawals(all);
  }

  /** Forgets what was sent (the session went down: the peer dropped it all). */
  clear(): void {
    this.sent = new Map();
  }

  /** Re-sends every path of `family` (ROUTE-REFRESH). */
  refresh(family: FamilyName, policy: PathPolicy): UpdateMessage[] {
    return announcements([...this.sent.values()].filter((p) => familyOf(p.vip) === family), policy);
  }
}
