/**
 * What one router needs to be configured with, vendor-neutral: its
 * neighbors, the prefixes it accepts from the cluster (exactly the pools'
 * prefixes at the lengths the cluster sends, and the control-plane VIP),
 * ECMP width and maximum-prefix limits. Pure.
 */
import { makeCidr, parseAddressBlock, parseIp, toCidrs, type IpFamily } from "../net";
import { routerPaths, sentNextHops } from "./paths";
import type { BfdTimers, Peering, PlannedSession, RouterSide } from "./peering";

function neighborOf(peering: Peering, session: PlannedSession, standby: boolean): RouterNeighbor {
  const what =
    session.role === "control-plane"
      ? `control-plane node ${session.node ?? session.localIP}, control-plane VIP (${session.source})`
      : peering.mode === "gke"
        ? standby
          ? `floating IP ${session.localIP}, standby: no session uses it now (${session.source})`
          : `floating IP ${session.localIP}, service VIPs (${session.source})`
        : `node ${session.node}, service VIPs (${session.source})`;
  const families = ([4, 6] as const).filter((f) => session.routes.some((r) => r.family === f));
  return {
    address: session.localIP,
    asn: session.localASN,
    description: what,
    multihop: session.multihop,
    passive: peering.mode === "gke",
    addPath: session.addPath,
    ...(session.bfd ? { bfd: session.bfd } : {}),
    ...(session.md5 ? { md5: session.md5 } : {}),
    internal: session.localASN === session.routerASN,
    families: families.length > 0 ? families : [parseIp(session.localIP).family],
  };
}

/** One entry of the import filter: `prefix` and every more specific prefix of length `minLength`..`maxLength`. */
export interface AcceptedPrefix {
  readonly family: IpFamily;
  /** A CIDR. */
  readonly prefix: string;
  readonly minLength: number;
  readonly maxLength: number;
}

/** One neighbor of the router: a source address of the cluster. */
export interface RouterNeighbor {
  /** The cluster's address (floating IP or node address). */
  readonly address: string;
  /** The cluster's AS number (the neighbor's remote AS). */
  readonly asn: number;
  /** One line saying what the neighbor is, for a description/comment. */
  readonly description: string;
  readonly multihop: boolean;
  /** The router waits for the cluster to connect (GKE: floating IPs move between nodes, the cluster always connects). */
  readonly passive: boolean;
  /** The cluster sends ADD-PATH: the router must receive it. */
  readonly addPath: boolean;
  readonly bfd?: BfdTimers;
  /** Where the TCP MD5 password is kept; absent: no MD5. */
  readonly md5?: string;
  /** The router's AS equals the cluster's (iBGP). */
  readonly internal: boolean;
  /** The address families the session carries (IPv6 VIPs travel over IPv4 GKE sessions). */
  readonly families: readonly IpFamily[];
}

/** What one router needs. */
export interface RouterPolicy {
  readonly router: RouterSide;
  /** Every source address the cluster may connect from, sessions in plan order, then standby floating IPs. */
  readonly neighbors: readonly RouterNeighbor[];
  /** The import filter, per family in address order; everything else is refused. */
  readonly accepted: readonly AcceptedPrefix[];
  /** The address families the sessions carry. */
  readonly families: readonly IpFamily[];
  /** ECMP: the most distinct next hops any VIP group has at this router (at least 1). */
  readonly maximumPaths: number;
  /** Per family, the most paths one session can send that the filter accepts (prefixes × paths per prefix); the maximum-prefix limit. */
  readonly maxPrefixes: Readonly<Partial<Record<IpFamily, number>>>;
}

/** The largest maximum-prefix value FRR and BIRD take (32 bits). */
export const MAX_PREFIX_LIMIT = 4294967295;

/**
 * The policy of every router of the peering (computed without failures:
 * the configuration must hold for every session the cluster may open).
 */
export function routerPolicies(peering: Peering): RouterPolicy[] {
  const paths = routerPaths(peering);
  const cidrsOf = new Map(peering.vips.map((g) => [g.name, g.blocks.flatMap((text) => toCidrs(parseAddressBlock(text)))]));
  const widest = new Map<string, number>();
  for (const p of paths) widest.set(p.router, Math.max(widest.get(p.router) ?? 1, p.nextHops.length));
  return peering.routers.map((router) => {
    const sessions = peering.sessions.filter((s) => s.routerIP === router.address);
    const template = sessions.find((s) => s.role === "service");
    const neighbors = [
      ...sessions.map((s) => neighborOf(peering, s, false)),
      ...(template ? router.standby.map((ip) => neighborOf(peering, { ...template, localIP: ip }, true)) : []),
    ];
    const entries = new Map<string, AcceptedPrefix & { count: bigint; first: bigint }>();
    const pathsPerPrefix = new Map<IpFamily, number>();
    const seen = new Set<string>();
    for (const session of sessions) {
      for (const route of session.routes) {
        const { family, length } = route;
        pathsPerPrefix.set(family, Math.max(pathsPerPrefix.get(family) ?? 1, sentNextHops(session, route.nextHops).length));
        for (const vip of route.vips) {
          if (seen.has(`${vip}|${length}`)) continue;
          seen.add(`${vip}|${length}`);
          for (const cidr of cidrsOf.get(vip)!) {
            // an aggregate shorter than the block is sent as that one supernet
            const entry =
              length >= cidr.prefixLength
                ? { family, prefix: cidr.text, first: cidr.first, minLength: length, maxLength: length, count: 1n << BigInt(length - cidr.prefixLength) }
                : { family, prefix: makeCidr(family, cidr.first, length).text, first: cidr.first, minLength: length, maxLength: length, count: 1n };
            entries.set(`${entry.prefix}|${length}`, entry);
          }
        }
      }
    }
    const sorted = [...entries.values()].sort(
      (a, b) => a.family - b.family || (a.first < b.first ? -1 : a.first > b.first ? 1 : 0) || a.minLength - b.minLength,
    );
    const families = ([4, 6] as const).filter((f) => neighbors.some((n) => n.families.includes(f)));
    const maxPrefixes: Partial<Record<IpFamily, number>> = {};
    for (const family of families) {
      const prefixes = sorted.filter((e) => e.family === family).reduce((sum, e) => sum + e.count, 0n);
      const limit = prefixes * BigInt(pathsPerPrefix.get(family) ?? 1);
      maxPrefixes[family] = limit > BigInt(MAX_PREFIX_LIMIT) ? MAX_PREFIX_LIMIT : Math.max(1, Number(limit));
    }
    const maximumPaths = widest.get(router.address) ?? 1;
    return { router, neighbors, accepted: sorted.map(({ count: _count, first: _first, ...entry }) => entry), families, maximumPaths, maxPrefixes };
  });
}
