/**
 * What each router holds for each VIP group: one BGP path per next hop of
 * every Established session carrying the group (ADD-PATH), the first next
 * hop only without ADD-PATH; its ECMP set is the distinct next hops. Pure.
 */
import { parseIp } from "../net";
import type { Peering, PlannedSession, SessionRoute } from "./peering";

/** The paths of one VIP group at one router. */
export interface PathCount {
  /** BGP paths held (one per session and next hop). */
  readonly paths: number;
  /** The ECMP set: distinct next hops, in address order. */
  readonly nextHops: readonly string[];
}

/** The paths of one VIP group at one router. */
export interface RouterVipPaths extends PathCount {
  readonly router: string;
  readonly vip: string;
}

/** The next hops a session's route puts on the wire: all with ADD-PATH, else the first. */
export function sentNextHops(session: PlannedSession, nextHops: readonly string[]): readonly string[] {
  return session.addPath ? nextHops : nextHops.slice(0, 1);
}

/** The addresses in address order (IPv4 first), each parsed once: lists of a thousand next hops are sorted often. */
export function sortAddresses(addresses: Iterable<string>): string[] {
  return [...addresses]
    .map((text) => ({ text, ip: parseIp(text) }))
    .sort((a, b) => a.ip.family - b.ip.family || (a.ip.value < b.ip.value ? -1 : a.ip.value > b.ip.value ? 1 : 0))
    .map((entry) => entry.text);
}

/**
 * For every router and every VIP group some session of it carries (up or
 * down), the paths of the sessions that are up, routers and groups in the
 * peering's order. Groups carried by the same routes share one
 * {@link PathCount} (and its next-hop list), computed once.
 */
export function routerPaths(peering: Peering): RouterVipPaths[] {
  const result: RouterVipPaths[] = [];
  for (const router of peering.routers) {
    const carriers: { readonly session: PlannedSession; readonly route: SessionRoute }[] = [];
    const carriedBy = new Map<string, number[]>();
    for (const session of peering.sessions) {
      if (session.routerIP !== router.address) continue;
      for (const route of session.routes) {
        const index = carriers.push({ session, route }) - 1;
        for (const vip of route.vips) {
          const list = carriedBy.get(vip);
          if (list) list.push(index);
          else carriedBy.set(vip, [index]);
        }
      }
    }
    const counts = new Map<string, PathCount>();
    for (const vip of peering.vips) {
      const list = carriedBy.get(vip.name);
      if (!list) continue;
      const key = list.join(",");
      let count = counts.get(key);
      if (!count) {
        let paths = 0;
        const hops = new Set<string>();
        for (const index of list) {
          const { session, route } = carriers[index];
          if (session.down !== undefined) continue;
          const sent = sentNextHops(session, route.nextHops);
          paths += sent.length;
          for (const hop of sent) hops.add(hop);
        }
        count = { paths, nextHops: sortAddresses(hops) };
        counts.set(key, count);
      }
      result.push({ router: router.address, vip: vip.name, paths: count.paths, nextHops: count.nextHops });
    }
  }
  return result;
}
