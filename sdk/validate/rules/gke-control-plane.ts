import type { IpAddress } from "../../net";
import { RULES } from "../catalogue";
import { ipKey, type ClusterView, type Inventory } from "../inventory";
import type { Reporter } from "../report";
import { checkAsn, isPasswordField, listNames } from "./common";
import { localAddresses } from "./local-addresses";
import { echoValue } from "../../manifest/echo";

/** Control-plane peering of GKE clusters in BGP mode: cluster ASN, bgpPeers, node coverage. */
export function checkControlPlane(inventory: Inventory, reporter: Reporter): void {
  for (const view of inventory.clusters) if (view.bgp) checkCluster(inventory, view, reporter);
}

function checkCluster(inventory: Inventory, view: ClusterView, reporter: Reporter): void {
  const { cluster } = view;
  const lb = cluster.spec.loadBalancer;
  const advanced = cluster.spec.clusterNetwork?.advancedNetworking;
  if (advanced !== true) {
    reporter.report(
      RULES.advancedNetworking,
      cluster,
      ["spec", "clusterNetwork", "advancedNetworking"],
      `advancedNetworking is ${advanced === undefined ? "absent (false)" : echoValue(advanced)} but loadBalancer.type is bgp`,
      "set spec.clusterNetwork.advancedNetworking: true (it enables the NetworkGatewayGroup)",
    );
  }
  const localAsn = lb.localASN;
  let clusterAsnValid = false;
  if (localAsn === undefined) {
    reporter.report(
      RULES.missingClusterAsn,
      cluster,
      ["spec", "loadBalancer", "localASN"],
      "localASN is absent but loadBalancer.type is bgp",
      "set spec.loadBalancer.localASN to the cluster's AS number",
    );
  } else {
    clusterAsnValid = checkAsn(reporter, cluster, ["spec", "loadBalancer", "localASN"], localAsn);
  }

  const peers = lb.bgpPeers ?? [];
  if (peers.length === 0) {
    reporter.report(
      RULES.noPeer,
      cluster,
      ["spec", "loadBalancer", "bgpPeers"],
      "bgpPeers is empty: no control-plane node has a BGP peer to advertise the control-plane VIP to",
      "add at least one (two recommended) { ip, asn } entry for the top-of-rack routers",
    );
  } else if (peers.length === 1) {
    reporter.report(
      RULES.singlePeer,
      cluster,
      ["spec", "loadBalancer", "bgpPeers"],
      `bgpPeers has only one peer (${peers[0].ip}): the control-plane VIP is unreachable when it fails`,
      "add a second router as a peer",
    );
  }

  const cpNodes = new Map(view.controlPlaneNodes.map((node) => [ipKey(node.value), node]));
  const local = localAddresses(inventory, view);
  const seenPeers = new Map<string, number>();
  const coveredNodes = new Set<string>();
  let everyNodeCovered = false;
  peers.forEach((peer, i) => {
    const base = ["spec", "loadBalancer", "bgpPeers", i];
    const ip = reporter.ip(cluster, [...base, "ip"], peer.ip);
    if (ip) checkPeerAddress(reporter, view, [...base, "ip"], ip, seenPeers, i, local);
    if (checkAsn(reporter, cluster, [...base, "asn"], peer.asn) && clusterAsnValid && peer.asn === localAsn) {
      reporter.report(RULES.ibgpOnGke, cluster, [...base, "asn"], `${peer.asn} equals the cluster ASN (eBGP only)`, "use the router's AS number");
    }
    const listed = peer.controlPlaneNodes ?? [];
    if (listed.length === 0) everyNodeCovered = true;
    listed.forEach((text, j) => {
      const path = [...base, "controlPlaneNodes", j];
      const node = reporter.ip(cluster, path, text);
      if (!node) return;
      if (!cpNodes.has(ipKey(node))) {
        const known = listNames(view.controlPlaneNodes.map((n) => n.value.text));
        reporter.report(
          RULES.controlPlaneNodesUnknown,
          cluster,
          path,
          `${node.text} is not a control-plane node (control-plane nodes: ${known})`,
          "list addresses from spec.controlPlane.nodePoolSpec.nodes, or add the node there",
        );
      }
      coveredNodes.add(ipKey(node));
    });
  });
  for (const field of cluster.unknownFields ?? []) {
    if (isPasswordField(field, ["spec", "loadBalancer", "bgpPeers"])) {
      reporter.report(
        RULES.md5OnGke,
        cluster,
        field.path,
        `${String(field.path[field.path.length - 1])} is set: GKE BGP sessions do not support MD5 authentication`,
        "remove the password and protect the sessions with ACLs or GTSM on the router",
      );
    }
  }
  if (peers.length > 0 && !everyNodeCovered) {
    for (const node of view.controlPlaneNodes) {
      if (!coveredNodes.has(ipKey(node.value))) {
        reporter.report(
          RULES.controlPlaneNodeWithoutPeer,
          cluster,
          node.path,
          `control-plane node ${node.value.text} has no BGP peer: no bgpPeers entry lists it in controlPlaneNodes`,
          "add the node to the controlPlaneNodes of its rack's peer, or drop controlPlaneNodes so every node peers",
        );
      }
    }
  }
}

/**
 * Checks a GKE session's peer address: IPv4 only, not a local address of the
 * cluster, not listed twice. Shared by control-plane and data-plane peers.
 */
export function checkPeerAddress(
  reporter: Reporter,
  view: ClusterView,
  path: readonly (string | number)[],
  ip: IpAddress,
  seen: Map<string, number>,
  index: number,
  local: Map<string, string>,
  object: ClusterView["cluster"] | ClusterView["gkeBgpPeers"][number] = view.cluster,
): void {
  if (ip.family === 6) {
    reporter.report(
      RULES.ipv6Session,
      object,
      path,
      `${ip.text} is an IPv6 peer address: GKE BGP sessions are IPv4 only (IPv6 routes travel over IPv4 sessions)`,
      "peer with the router's IPv4 address",
    );
  }
  const what = local.get(ipKey(ip));
  if (what !== undefined) {
    reporter.report(RULES.peerIsLocalAddress, object, path, `peer address ${ip.text} is ${what}`, "use the router's own address");
  }
  const first = seen.get(ipKey(ip));
  if (first !== undefined) {
    reporter.report(RULES.duplicatePeer, object, path, `peer ${ip.text} is already configured (entry ${first})`, "remove the duplicate entry");
  } else {
    seen.set(ipKey(ip), index);
  }
}
