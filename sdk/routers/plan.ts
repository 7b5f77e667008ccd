/**
 * What-if planning: the routers' paths for every VIP group before and after
 * failures (nodes, floating IPs, routers, node–router links), the sessions
 * that drop or move, the VIP groups left without any path, and the single
 * failures that leave a VIP group without any path. Pure.
 */
import type { Topology } from "../model";
import { routerPaths, sortAddresses, type PathCount, type RouterVipPaths } from "./paths";
import { describeFailure, planPeering, type Failure, type Peering, type PeeringOptions, type SkippedPeer } from "./peering";

/** One VIP group: the routers where its paths change, and whether it keeps any path. */
export interface VipPlan {
  readonly vip: string;
  readonly blocks: readonly string[];
  /** Routers whose paths for the group change, in address order. */
  readonly routers: readonly { readonly router: string; readonly before: PathCount; readonly after: PathCount }[];
  /** Routers carrying the group whose paths stay as they are. */
  readonly unchangedRouters: number;
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
  /** VIP groups whose paths change somewhere, or that have no path. */
  readonly vips: readonly VipPlan[];
  /** VIP groups whose paths stay the same at every router. */
  readonly unchangedVips: number;
  /** VIP groups that had a path and have none after the failures. */
  readonly lostVips: readonly string[];
  /** VIP groups no router holds a path for, before or after (no session carries them). */
  readonly unreachableVips: readonly string[];
  /** BGPPeers the plan leaves out (their router is not in the topology), with why. */
  readonly skippedPeers: readonly SkippedPeer[];
}

/** One failure that alone leaves VIP groups without any path. */
export interface SinglePointOfFailure {
  readonly failure: string;
  readonly lostVips: readonly string[];
}

const NO_PATH: PathCount = { paths: 0, nextHops: [] };

function byRouter(paths: readonly RouterVipPaths[]): Map<string, Map<string, PathCount>> {
  const result = new Map<string, Map<string, PathCount>>();
  for (const p of paths) {
    let vips = result.get(p.vip);
    if (!vips) result.set(p.vip, (vips = new Map<string, PathCount>()));
    vips.set(p.router, { paths: p.paths, nextHops: p.nextHops });
  }
  return result;
}

/** Equal path counts; next-hop lists are shared between groups, so each pair of lists is compared once. */
function sameCounts(): (a: PathCount, b: PathCount) => boolean {
  const compared = new Map<readonly string[], Map<readonly string[], boolean>>();
  return (a, b) => {
    if (a.paths !== b.paths) return false;
    if (a.nextHops === b.nextHops) return true;
    let row = compared.get(a.nextHops);
    if (!row) compared.set(a.nextHops, (row = new Map<readonly string[], boolean>()));
    let same = row.get(b.nextHops);
    if (same === undefined) row.set(b.nextHops, (same = a.nextHops.length === b.nextHops.length && a.nextHops.every((hop, i) => hop === b.nextHops[i])));
    return same;
  };
}

/** Compares two peerings of one topology (the same sessions; `after` under failures or after a change). */
export function comparePeerings(before: Peering, after: Peering, failures: readonly Failure[] = []): FailurePlan {
  const was = byRouter(routerPaths(before));
  const now = byRouter(routerPaths(after));
  const same = sameCounts();
  const groups = new Map([...before.vips, ...after.vips].map((g) => [g.name, g]));
  const allRouters = sortAddresses(new Set([...before.routers, ...after.routers].map((r) => r.address)));
  const vips: VipPlan[] = [];
  const unreachableVips: string[] = [];
  let unchangedVips = 0;
  for (const group of groups.values()) {
    const then = was.get(group.name) ?? new Map<string, PathCount>();
    const later = now.get(group.name) ?? new Map<string, PathCount>();
    const routers = allRouters.filter((router) => then.has(router) || later.has(router));
    const rows = routers.map((router) => ({ router, before: then.get(router) ?? NO_PATH, after: later.get(router) ?? NO_PATH }));
    const changed = rows.filter((r) => !same(r.before, r.after));
    const hadPath = rows.some((r) => r.before.paths > 0);
    const lost = hadPath && rows.every((r) => r.after.paths === 0);
    if (!hadPath && rows.every((r) => r.after.paths === 0)) unreachableVips.push(group.name);
    if (changed.length === 0 && hadPath) {
      unchangedVips++;
      continue;
    }
    vips.push({ vip: group.name, blocks: group.blocks, routers: changed, unchangedRouters: rows.length - changed.length, lost });
  }
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
    return s.down === undefined && then?.node !== undefined && s.node !== undefined && then.node !== s.node
      ? [{ session: s.id, from: then.node, to: s.node }]
      : [];
  });
  return {
    subject: after.subject,
    failures: failures.map(describeFailure),
    droppedSessions,
    addedSessions,
    movedSessions,
    vips,
    unchangedVips,
    lostVips: vips.filter((v) => v.lost).map((v) => v.vip),
    unreachableVips,
    skippedPeers: after.skipped,
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
    ...sortAddresses(peering.floatingIPs.keys()).map((ip): Failure => ({ kind: "fip", ip })),
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
