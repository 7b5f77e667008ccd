import { BGP_LOAD_BALANCER_NAME, METALLB_NAMESPACE, NETWORK_GATEWAY_GROUP_NAME, formatObjectKey, objectKey, topologyObjects } from "../../model";
import { RULES } from "../catalogue";
import type { Inventory } from "../inventory";
import type { Reporter } from "../report";

/** Object identity and placement: duplicates, the `default` names, the cluster and MetalLB namespaces. */
export function checkObjects(inventory: Inventory, reporter: Reporter): void {
  const { topology } = inventory;
  const seen = new Set<string>();
  for (const object of topologyObjects(topology)) {
    const key = formatObjectKey(objectKey(object));
    if (seen.has(key)) {
      reporter.report(
        RULES.duplicateObject,
        object,
        ["metadata", "name"],
        `${key} is defined more than once`,
        "give every object of a kind a unique name in its namespace, or remove the copy",
      );
    }
    seen.add(key);
  }

  for (const [objects, expected] of [
    [topology.networkGatewayGroups, NETWORK_GATEWAY_GROUP_NAME],
    [topology.bgpLoadBalancers, BGP_LOAD_BALANCER_NAME],
  ] as const) {
    for (const object of objects) {
      if (object.metadata.name !== expected) {
        reporter.report(
          RULES.notNamedDefault,
          object,
          ["metadata", "name"],
          `${object.kind} is named "${object.metadata.name}"; the network gateway controller only reads the one named "${expected}"`,
          `rename it to ${expected}`,
        );
      }
    }
  }

  for (const view of inventory.clusters) {
    for (const object of [...view.networkGatewayGroups, ...view.bgpLoadBalancers, ...view.gkeBgpPeers, ...view.clusterCIDRConfigs]) {
      const namespace = object.metadata.namespace;
      if (namespace !== undefined && namespace !== view.namespace) {
        reporter.report(
          RULES.outsideClusterNamespace,
          object,
          ["metadata", "namespace"],
          `${object.kind} is in namespace "${namespace}", not in the cluster namespace "${view.namespace}" of cluster ${view.cluster.metadata.name}`,
          `set metadata.namespace to ${view.namespace}`,
        );
      }
    }
  }

  const metallb = [...topology.metallbBgpPeers, ...topology.ipAddressPools, ...topology.bgpAdvertisements, ...topology.bfdProfiles];
  for (const object of metallb) {
    const namespace = object.metadata.namespace;
    if (namespace !== undefined && namespace !== METALLB_NAMESPACE) {
      reporter.report(
        RULES.outsideMetallbNamespace,
        object,
        ["metadata", "namespace"],
        `${object.kind} is in namespace "${namespace}"; MetalLB only reads its own namespace "${METALLB_NAMESPACE}"`,
        `set metadata.namespace to ${METALLB_NAMESPACE}`,
      );
    }
  }
}
