/**
 * The status objects the speaker writes, built as server-side-apply bodies:
 * BGPSession (`<peer>-<node>`) and BGPAdvertisedRoute
 * (`<namespace>-<service>`) in `kube-system`, and the Service's
 * `status.loadBalancer`. Pure builders; the writer sends them.
 */
import { GKE_NETWORKING_API_VERSION, GKE_STATUS_NAMESPACE } from "../model";
import type { ServiceSession } from "./sessions";

/** The field manager of every write the speaker makes. */
export const FIELD_MANAGER = "bgplb-speaker";

/** A BGPSession as applied: spec from the plan, status from the running session. */
export function bgpSessionObject(
  session: ServiceSession,
  nodeName: string,
  state: string,
  advertisedRoutes: readonly string[],
  now: Date,
): Record<string, unknown> {
  return {
    apiVersion: GKE_NETWORKING_API_VERSION,
    kind: "BGPSession",
    metadata: { name: session.name, namespace: GKE_STATUS_NAMESPACE },
    spec: {
      floatingIP: session.floatingIP,
      localASN: session.peer.localASN,
      localIP: session.floatingIP,
      nodeName,
      peerASN: session.peer.peerASN,
      peerIP: session.peer.peerIP,
    },
    status: { advertisedRoutes: [...advertisedRoutes], lastReportTime: now.toISOString().replace(/\.\d+Z$/, "Z"), state },
  };
}

/** The name of the BGPAdvertisedRoute of a Service: `<namespace>-<service>`. */
export function advertisedRouteName(serviceKey: string): string {
  return serviceKey.replace("/", "-");
}

/** The name of the BGPAdvertisedRoute of a Service's `index`th address: `<namespace>-<name>`, `-ipv4`/`-ipv6` after the first. */
export function advertisedRouteObjectName(serviceKey: string, address: string, index: number): string {
  return index === 0 ? advertisedRouteName(serviceKey) : `${advertisedRouteName(serviceKey)}-ipv${address.includes(":") ? 6 : 4}`;
}

/**
 * A BGPAdvertisedRoute for one Service address: its host prefix and the
 * LB-node next hops. The Service's first address names it
 * `<namespace>-<service>`; a second (dual-stack) adds `-ipv4`/`-ipv6`.
 */
export function bgpAdvertisedRouteObject(serviceKey: string, address: string, nextHops: readonly string[], index: number): Record<string, unknown> {
  const v6 = address.includes(":");
  return {
    apiVersion: GKE_NETWORKING_API_VERSION,
    kind: "BGPAdvertisedRoute",
    metadata: { name: advertisedRouteObjectName(serviceKey, address, index), namespace: GKE_STATUS_NAMESPACE },
    spec: { prefix: `${address}/${v6 ? 128 : 32}`, metric: 0, nextHops: [...nextHops] },
  };
}

/**
 * The state a Service status write brings the Service to, for the write
 * queue: the addresses, and the Service version they replace. A write of the
 * same addresses over the same version is the same write (skipped while it
 * settles); over a newer version (another writer changed the status after
 * ours showed) it is a new one.
 */
export function serviceStatusWriteState(service: { readonly metadata?: { readonly resourceVersion?: string } }, addresses: readonly string[]): string {
  return `${addresses.join()}@${service.metadata?.resourceVersion ?? ""}`;
}

/** The Service status patch that publishes its addresses. */
export function serviceStatusBody(addresses: readonly string[]): Record<string, unknown> {
  return { status: { loadBalancer: { ingress: addresses.map((ip) => ({ ip })) } } };
}
