import type { FieldPath } from "../../model";
import { spanContains } from "../../net";
import { RULES } from "../catalogue";
import { ipKey, type ClusterView, type Inventory } from "../inventory";
import type { Reporter } from "../report";

/** The control-plane and ingress VIPs of GKE clusters in BGP mode against pools, nodes, floating IPs and subnets. */
export function checkVips(inventory: Inventory, reporter: Reporter): void {
  for (const view of inventory.clusters) if (view.bgp) checkCluster(inventory, view, reporter);
}

function checkCluster(inventory: Inventory, view: ClusterView, reporter: Reporter): void {
  const { cluster } = view;
  const vips = cluster.spec.loadBalancer.vips;
  const floating = new Map(view.floatingIps.map((f) => [ipKey(f.value), f]));
  const base: FieldPath = ["spec", "loadBalancer", "vips"];
  if (!vips?.controlPlaneVIP) {
    reporter.report(
      RULES.missingControlPlaneVip,
      cluster,
      [...base, "controlPlaneVIP"],
      "controlPlaneVIP is absent",
      "set spec.loadBalancer.vips.controlPlaneVIP to the Kubernetes API address to advertise over BGP",
    );
  }
  for (const name of ["controlPlaneVIP", "ingressVIP"] as const) {
    const text = vips?.[name];
    if (text === undefined || text === "") continue;
    const path = [...base, name];
    const ip = reporter.ip(cluster, path, text);
    if (!ip) continue;
    const pool = inventory.poolIndex.overlapping({ family: ip.family, first: ip.value, last: ip.value });
    if (name === "controlPlaneVIP") {
      if (ip.family === 6) {
        reporter.report(
          RULES.controlPlaneVipIpv6,
          cluster,
          path,
          `${ip.text} is IPv6: control-plane load balancing is IPv4 only`,
          "use an IPv4 controlPlaneVIP",
        );
      }
      if (pool) {
        reporter.report(
          RULES.controlPlaneVipInPool,
          cluster,
          path,
          `${ip.text} is inside address pool ${pool.item.pool.name} (${pool.item.block.text})`,
          "move the controlPlaneVIP out of every address pool, or shrink the pool, so no Service can be given it",
        );
      }
    } else if (!pool && cluster.spec.type !== "admin") {
      reporter.report(
        RULES.ingressVipOutsidePools,
        cluster,
        path,
        `${ip.text} is outside every address pool`,
        "pick the ingressVIP from an address pool, or add it to one",
      );
    }
    const node = inventory.nodeIps.get(ipKey(ip));
    if (node) {
      reporter.report(
        RULES.vipIsLocalAddress,
        cluster,
        path,
        `${name} ${ip.text} equals a node IP (${node.object.kind} ${node.object.metadata.name})`,
        "use an address no node or floating IP has",
      );
    } else if (floating.has(ipKey(ip))) {
      reporter.report(
        RULES.vipIsLocalAddress,
        cluster,
        path,
        `${name} ${ip.text} equals a floating IP of the NetworkGatewayGroup`,
        "use an address no node or floating IP has",
      );
    }
    const subnets = inventory.nodeSubnets;
    if (subnets === undefined) {
      reporter.skipped(
        RULES.vipInNodeSubnet,
        cluster,
        path,
        `cannot check whether ${name} ${ip.text} lies in a node subnet: the node subnets are not in the manifests`,
        "pass the node subnets: bgplb validate --node-subnet 10.0.1.0/24 (repeatable), or the nodeSubnets option of validate()",
      );
    } else {
      const subnet = subnets.find((s) => spanContains(s, ip));
      if (subnet) {
        reporter.report(
          RULES.vipInNodeSubnet,
          cluster,
          path,
          `${name} ${ip.text} is inside node subnet ${subnet.text}: hosts on that subnet ARP for it instead of following the BGP route`,
          "take VIPs from a range outside the node subnets",
        );
      }
    }
  }
}
