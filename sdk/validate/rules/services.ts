import { RULES } from "../catalogue";
import type { Inventory } from "../inventory";
import type { Reporter } from "../report";

/** Services kept in the topology (as opaque objects): externalTrafficPolicy Local is not supported by the GKE BGP load balancer. */
export function checkServices(inventory: Inventory, reporter: Reporter): void {
  if (!inventory.clusters.some((view) => view.bgp)) return;
  for (const object of inventory.topology.otherObjects) {
    if (object.kind !== "Service" || object.apiVersion !== "v1") continue;
    const spec = object.body["spec"] as { type?: unknown; externalTrafficPolicy?: unknown } | undefined;
    if (spec?.type === "LoadBalancer" && spec.externalTrafficPolicy === "Local") {
      reporter.report(
        RULES.externalTrafficPolicyLocal,
        object,
        ["spec", "externalTrafficPolicy"],
        "externalTrafficPolicy is Local, which the GKE bundled BGP load balancer does not support",
        "use externalTrafficPolicy: Cluster",
      );
    }
  }
}
