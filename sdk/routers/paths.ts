/**
 * What each router holds for each VIP group: one BGP path per next hop of
 * every Established session carrying the group (ADD-PATH), the first next
 * hop only without ADD-PATH; its ECMP set is the distinct next hops. Pure.
 */
import { parseIp } from "../net";
import type { Peering, PlannedSession } from "./peering";

/** One path a router holds. */
export interface RouterPath {
  /** The session (`<local IP>><router IP>`) it came over. */
  readonly session: string;
  /** The prefix as sent. */
  readonly prefix: string;
  readonly nextHop: string;
}

/** The paths of one VIP group at one router. */
export interface RouterVipPaths {
  readonly router: string;
  readonly vip: string;
  readonly paths: readonly RouterPath[];
  /** Distinct next hops in address order: the router's ECMP set. */
  readonly nextHops: readonly string[];
}

/** The next hops a session's route puts on the wire: all with ADD-PATH, else the first. */
export function sentNextHops(session: PlannedSession, nextHops: readonly string[]): readonly string[] {
  return session.addPath ? nextHops : nextHops.slice(0, 1);
}

/** Address order (IPv4 first), for stable output. */
export function compareAddresses(a: string, b: string): number {
  const x = parseIp(a);
  const y = parseIp(b);
  return x.family - y.family || (x.value < y.value ? -1 : x.value > y.value ? 1 : 0);
}

/**
 * For every router and every VIP group some session of it carries (up or
 * down), the paths of the sessions that are up, routers and groups in the
 * peering's order.
 */
export function routerPaths(peering: Peering): RouterVipPaths[] {
  const result: RouterVipPaths[] = [];
  for (const router of peering.routers) {
    const sessions = peering.sessions.filter((s) => s.routerIP === router.address);
    for (const vip of peering.vips) {
      if (!sessions.some((s) => s.routes.some((r) => r.vip === vip.name))) continue;
      const paths: RouterPath[] = [];
      for (const s of sessions) {
        if (s.down !== undefined) continue;
        for (const route of s.routes) {
          if (route.vip !== vip.name) continue;
          for (const nextHop of sentNextHops(s, route.nextHops)) paths.push({ session: s.id, prefix: route.prefix, nextHop });
        }
      }
      result.push({ router: router.address, vip: vip.name, paths, nextHops: [...new Set(paths.map((p) => p.nextHop))].sort(compareAddresses) });
    }
  }
  return result;
}
