/** The configurations of a topology's routers, per vendor. */
import type { Topology } from "../model";
import { renderBird } from "./bird";
import { renderFrr } from "./frr";
import type { RouterConfigOptions } from "./options";
import { planPeering, PeeringError, skippedLines, type PeeringOptions } from "./peering";
import { routerPolicies } from "./policy";

/** The router software a configuration is written for. */
export type RouterVendor = "frr" | "bird";

/** Every vendor `router-config` writes for. */
export const ROUTER_VENDORS: readonly RouterVendor[] = ["frr", "bird"];

/**
 * The configuration of each router the topology peers with (or only of
 * `router`), in address order: router address → text. Deterministic.
 * @throws PeeringError when the topology has no BGP peering or `router` is not one of its routers.
 */
export function routerConfigs(
  topology: Topology,
  vendor: RouterVendor,
  options: PeeringOptions & RouterConfigOptions & { readonly router?: string } = {},
): Map<string, string> {
  const peering = planPeering(topology, { ...options, failures: [] });
  if (peering.routers.length === 0) {
    const skipped = skippedLines(peering.skipped);
    throw new PeeringError(
      `no router peers with ${peering.subject}: no session is planned (MetalLB: no node matches a BGPPeer's nodeSelectors)${skipped.length === 0 ? "" : `; ${skipped.join("; ")}`}`,
    );
  }
  const policies = routerPolicies(peering).filter((p) => options.router === undefined || p.router.address === options.router);
  if (policies.length === 0) {
    throw new PeeringError(
      `router ${options.router}: the topology does not peer with it; routers: ${peering.routers.map((r) => r.address).join(", ") || "none"}`,
    );
  }
  const render = vendor === "frr" ? renderFrr : renderBird;
  return new Map(policies.map((p) => [p.router.address, render(peering, p, options)]));
}
