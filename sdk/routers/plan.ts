/**
 * What-if planning: the routers' paths for every VIP group before and after
 * failures (nodes, floating IPs, routers, node–router links), the sessions
 * that drop or move, the VIP groups left without any path, and the single
 * failures that leave a VIP group without any path. Pure.
 */
import type { Topology } from "../model";
import { compareAddresses, routerPaths, type RouterVipPaths } from "./paths";
import { describeFailure, planPeering, type Failure, type Peering, type PeeringOptions } from "./peering";

/** Paths of a VIP group at one router. */
export interface PathCount {
  /** BGP paths held (one per session and next hop). */
  readonly paths: number;
  /** The ECMP set: distinct next hops, in address order. */
  readonly nextHops: readonly string[];
}

/** One VIP group at every router that carries it. */
export interface VipPlan {
  readonly vip: string;
  readonly blocks: readonly string[];
  readonly routers: readonly { readonly router: string; readonly before: PathCount; readonly after: PathCount }[];
  /** Some router held a path before, none does after. */
  readonly lost: boolean;
}

/** A session that is up before and down after. */
export interface DroppedSession {
  /** `<local IP>><router IP>`. */
  readonly session: string;
  readonly role: "service" | "control-plane";
  readonly node: string | undefined;
  readonly router: string;
  readonly reason: string;
}

/** A session that follows its floating IP to another node (it drops once and comes back). */
export interface MovedSession {
  readonly session: string;
  readonly from: string;
  readonly to: string;
}

/** The effect of a set of failures. */
export interface FailurePlan {
  readonly subject: string;
  /** The failures as written (`node=worker-1`). */
  readonly failures: readonly string[];
  readonly droppedSessions: readonly DroppedSession[];
  /** Sessions up afterwards that were not before (a change of the topology adds them; failures never do). */
  readonly addedSessions: readonly string[];
  readonly movedSessions: readonly MovedSession[];
  readonly vips: readonly VipPlan[];
  /** VIP groups that had a path and have none after the failures. */
  readonly lostVips: readonly string[];
  /** VIP groups no router holds a path for even before (no session carries them). */
  readonly unreachableVips: readonly string[];
}

/** One failure that alone leaves VIP groups without any path. */
export interface SinglePointOfFailure {
  readonly failure: string;
  readonly lostVips: readonly string[];
}

function count(entry: RouterVipPaths | undefined): PathCount {
  return { paths: entry?.paths.length ?? 0, nextHops: entry?.nextHops ?? [] };
}

/** Compares two peerings of one topology (the same sessions; `after` under failures or after a change). */
export function comparePeerings(before: Peering, after: Peering, failures: readonly Failure[] = []): FailurePlan {
  const was = routerPaths(before);
  const now = routerPaths(after);
  const key = (p: RouterVipPaths): string => `${p.router}|${p.vip}`;
  const nowByKey = new Map(now.map((p) => [key(p), p]));
  const wasByKey = new Map(was.map((p) => [key(p), p]));
  const vipNames = [...new Set([...before.vips, ...after.vips].map((g) => g.name))];
  const vips: VipPlan[] = vipNames.map((name) => {
    const group = after.vips.find((g) => g.name === name) ?? before.vips.find((g) => g.name === name)!;
    const routers = [...new Set([...was, ...now].filter((p) => p.vip === name).map((p) => p.router))].sort(compareAddresses);
    const rows = routers.map((router) => ({ router, before: count(wasByKey.get(`${router}|${name}`)), after: count(nowByKey.get(`${router}|${name}`)) }));
    return { vip: name, blocks: group.blocks, routers: rows, lost: rows.some((r) => r.before.paths > 0) && rows.every((r) => r.after.paths === 0) };
  });
  const afterById = new Map(after.sessions.map((s) => [s.id, s]));
  const droppedSessions: DroppedSession[] = [];
  for (const s of before.sessions) {
    if (s.down !== undefined) continue;
    const then = afterById.get(s.id);
    if (then && then.down === undefined) continue;
    droppedSessions.push({ session: s.id, role: s.role, node: s.node, router: s.routerIP, reason: then?.down ?? "no longer planned" });
  }
  const beforeUp = new Set(before.sessions.filter((s) => s.down === undefined).map((s) => s.id));
  const addedSessions = after.sessions.filter((s) => s.down === undefined && !beforeUp.has(s.id)).map((s) => s.id);
  const movedSessions: MovedSession[] = after.sessions.flatMap((s) => {
    const then = before.sessions.find((b) => b.id === s.id);
    return s.down === undefined && then?.node !== undefined && s.node !== undefined && then.node !== s.node ? [{ session: s.id, from: then.node, to: s.node }] : [];
  });
  return {
    subject: after.subject,
    failures: failures.map(describeFailure),
    droppedSessions,
    addedSessions,
    movedSessions,
    vips,
    lostVips: vips.filter((v) => v.lost).map((v) => v.vip),
    unreachableVips: vips.filter((v) => v.routers.every((r) => r.before.paths === 0)).map((v) => v.vip),
  };
}

/**
 * The effect of `failures` on the topology's routers.
 * @throws PeeringError as {@link planPeering} does (e.g. a failure naming no node).
 */
export function planFailures(topology: Topology, options: PeeringOptions, failures: readonly Failure[]): FailurePlan {
  return comparePeerings(planPeering(topology, { ...options, failures: [] }), planPeering(topology, { ...options, failures }), failures);
}

/** Every single failure the topology can suffer: each node, floating IP, router and node–router link with a session. */
export function failureCandidates(peering: Peering): Failure[] {
  const links = new Map<string, Failure>();
  for (const s of peering.sessions) if (s.node !== undefined) links.set(`${s.node}/${s.routerIP}`, { kind: "link", node: s.node, peer: s.routerIP });
  return [
    ...peering.nodes.map((n): Failure => ({ kind: "node", node: n.name })),
    ...[...peering.floatingIPs.keys()].sort(compareAddresses).map((ip): Failure => ({ kind: "fip", ip })),
    ...peering.routers.map((r): Failure => ({ kind: "peer", ip: r.address })),
    ...links.values(),
  ];
}

/** The single failures after which some VIP group has no path at any router. */
export function singlePointsOfFailure(topology: Topology, options: PeeringOptions): SinglePointOfFailure[] {
  const before = planPeering(topology, { ...options, failures: [] });
  return failureCandidates(before).flatMap((failure) => {
    const plan = comparePeerings(before, planPeering(topology, { ...options, failures: [failure] }), [failure]);
    return plan.lostVips.length > 0 ? [{ failure: describeFailure(failure), lostVips: plan.lostVips }] : [];
  });
}
