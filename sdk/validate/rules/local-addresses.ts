import { parseIp } from "../../net";
import { ipKey, type ClusterView, type Inventory } from "../inventory";

/**
 * The cluster's own addresses (nodes, floating IPs, VIPs) by key, each with a
 * description for messages: `the node IP at spec.controlPlane…`. A router
 * cannot share any of them.
 */
export function localAddresses(inventory: Inventory, view: ClusterView | undefined): Map<string, string> {
  const local = new Map<string, string>();
  for (const node of inventory.nodeIps.values()) local.set(ipKey(node.value), `a node IP (${node.object.kind} ${node.object.metadata.name})`);
  if (view) {
    for (const floating of view.floatingIps) local.set(ipKey(floating.value), "a floating IP of the NetworkGatewayGroup");
    const vips = view.cluster.spec.loadBalancer.vips;
    for (const [name, text] of [
      ["controlPlaneVIP", vips?.controlPlaneVIP],
      ["ingressVIP", vips?.ingressVIP],
    ] as const) {
      if (text === undefined) continue;
      try {
        local.set(ipKey(parseIp(text)), `the ${name}`);
      } catch {
        // The VIP rules report a malformed VIP; it simply cannot collide here.
      }
    }
  }
  return local;
}
